/**
 * Runs the benchmark sections and writes BENCHMARKS.md with the machine and
 * date. Numbers are measured here, in one run, next to their references, and
 * reported as ratios because these machines are noisy.
 */
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { cpus, totalmem, platform, release, loadavg } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { BenchResult, BenchSection } from './types';
import { sections } from './sections';

function pythonVersions(): string {
  try {
    return execFileSync('/usr/bin/python3', ['-c', 'import sklearn, pandas, numpy, sys; print(f"Python {sys.version.split()[0]}, scikit-learn {sklearn.__version__}, pandas {pandas.__version__}, numpy {numpy.__version__}")'], { encoding: 'utf8' }).trim();
  } catch {
    return 'python3-sklearn not installed';
  }
}

function fmt(v: number | undefined, unit: string): string {
  if (v === undefined) return '';
  // A measure that could not be taken here (a backend that is not installed): the note says why.
  if (Number.isNaN(v)) return 'not measured';
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : Math.abs(v) >= 1 ? 2 : 3;
  return `${v.toFixed(digits)} ${unit}`;
}

function ratio(r: BenchResult): string {
  if (r.reference === undefined || r.reference === 0 || Number.isNaN(r.reference)) return '';
  return `${(r.value / r.reference).toFixed(2)}×`;
}

/** A section carried over from the previous file, marked as such once. */
function keptSection(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const mark = '_(not re-run this time: numbers from the run dated in the note above)_\n';
  return text.includes(mark) ? text : text + mark;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const chosen: readonly BenchSection[] = only.length ? sections.filter((s) => only.some((o) => s.title.toLowerCase().includes(o.toLowerCase()))) : sections.filter((s) => !s.optIn);
  const out: string[] = [];
  for (const section of chosen) {
    process.stderr.write(`bench: ${section.title}…\n`);
    const t0 = Date.now();
    let results: readonly BenchResult[];
    try {
      results = await section.run();
    } catch (e) {
      out.push(`## ${section.title}\n\nfailed: ${(e as Error).message}\n`);
      continue;
    }
    out.push(`## ${section.title}\n`);
    out.push('| measure | RunLens | reference | ratio (RunLens / reference) | goal | note |');
    out.push('| --- | --- | --- | --- | --- | --- |');
    for (const r of results) {
      out.push(`| ${r.name} | ${fmt(r.value, r.unit)} | ${r.reference !== undefined ? `${fmt(r.reference, r.unit)}${r.referenceName ? ` (${r.referenceName})` : ''}` : ''} | ${ratio(r)} | ${r.goal ?? ''} | ${r.note ?? ''} |`);
    }
    out.push(`\n_section took ${((Date.now() - t0) / 1000).toFixed(1)} s, measured ${new Date().toISOString().slice(0, 16)} (load average ${loadavg()[0]!.toFixed(1)})_\n`);
  }
  const header = [
    '# RunLens benchmarks',
    '',
    'Written by `npm run bench` (single sections: `npm run bench -- store`). Each number is',
    'measured in the same run as its reference; compare the ratios, not the absolute times.',
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}`,
    `- Node ${process.version}; ${pythonVersions()}`,
    '',
  ];
  const file = join(__dirname, '..', '..', 'BENCHMARKS.md');
  let tail = '';
  const kept = new Map<string, string>();
  if (existsSync(file)) {
    // Keep hand-written sections (parity tables) that follow the marker.
    const old = readFileSync(file, 'utf8');
    const i = old.indexOf('<!-- manual -->');
    if (i >= 0) tail = '\n' + old.slice(i);
    // A partial run (`npm run bench -- store`) keeps the other sections' last numbers.
    const body = i >= 0 ? old.slice(0, i) : old;
    for (const part of body.split(/^(?=## )/m).slice(1)) kept.set(part.split('\n')[0]!.slice(3).trim(), part.trimEnd() + '\n');
  }
  const fresh = new Map<string, string>();
  for (const part of out.join('\n').split(/^(?=## )/m)) if (part.startsWith('## ')) fresh.set(part.split('\n')[0]!.slice(3).trim(), part.trimEnd() + '\n');
  const ordered = sections.map((s) => fresh.get(s.title) ?? keptSection(kept.get(s.title))).filter(Boolean);
  writeFileSync(file, header.join('\n') + '\n' + ordered.join('\n') + tail);
  process.stderr.write(`bench: wrote ${file}\n`);
}

void main();
