/**
 * Cancelling a diff that spills: what the panel's Cancel (an AbortSignal)
 * and the CLI's Ctrl-C do on the partitioned path. Files of a few MB, so
 * they are scanned on worker threads as large files are, with a small
 * memory budget so partitions go to temp files; the abort lands while those
 * files exist, and none may remain after.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { diffCsvFiles } from './diffFiles';
import type { DiffProgress } from './diffFiles';

const CATEGORIES = ['red', 'green', 'blue', 'cyan'];

/** A and B of `rows` rows (id, 6 numbers, 2 categories); B changes every 50th row. About 60 bytes a row. */
function writePair(dir: string, rows: number): { a: string; b: string } {
  const a: string[] = ['id,x0,x1,x2,x3,x4,x5,c0,c1'];
  const b: string[] = [a[0]];
  for (let r = 0; r < rows; r++) {
    const cells = [String(r)];
    for (let c = 0; c < 6; c++) cells.push(String(((r * (c + 7919)) % 100_003) / 7));
    cells.push(CATEGORIES[r % 4], CATEGORIES[(r >> 2) % 4]);
    a.push(cells.join(','));
    if (r % 50 === 0) cells[1] = '-1';
    b.push(cells.join(','));
  }
  const files = { a: join(dir, 'a.csv'), b: join(dir, 'b.csv') };
  writeFileSync(files.a, a.join('\n') + '\n');
  writeFileSync(files.b, b.join('\n') + '\n');
  return files;
}

/** Every file under `dir` (the diff makes one `runlens-diff-*` folder there). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
}

test('an abort while partitioning or comparing a spilled diff (keyed and not) rejects and removes every temp file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // ~5 MB each: past the size from which files are scanned on worker threads.
  const { a, b } = writePair(dir, 80_000);
  for (const key of [['id'], undefined]) {
    for (const phase of ['partitioning', 'comparing'] as const) {
      const temp = mkdtempSync(join(dir, 'temp-'));
      const controller = new AbortController();
      let seen: string[] = [];
      const phases: DiffProgress['phase'][] = [];
      const run = diffCsvFiles(a, b, {
        key, tempDir: temp, memoryBudget: 1024 * 1024, signal: controller.signal,
        onProgress: (p) => {
          phases.push(p.phase);
          if (p.phase !== phase || controller.signal.aborted) return;
          const files = filesUnder(temp);
          // Abort once partitions are on disk (comparing: after the first pair is compared), from outside the diff's call stack as a Cancel button does.
          if (files.some((f) => f.endsWith('.part')) && (phase === 'partitioning' || p.done > 0)) {
            seen = files;
            setImmediate(() => controller.abort());
          }
        },
      });
      await assert.rejects(run, (e: unknown) => (e as Error).name === 'AbortError', `${key ? 'keyed' : 'unkeyed'}, ${phase}`);
      assert.ok(seen.filter((f) => f.endsWith('.part')).length >= 2, `spill files existed when the abort landed: ${seen.join(', ')}`);
      if (phase === 'comparing') assert.ok(seen.includes('changes.jsonl'), 'the change log had been started');
      assert.ok(!phases.includes('statistics'), 'stopped before the end');
      assert.deepEqual(readdirSync(temp), [], `${key ? 'keyed' : 'unkeyed'}, ${phase}: nothing left in the temp folder`);
    }
  }
});

test('Ctrl-C on `runlens diff` stops it with "error: cancelled", exit 2, and no temp files left', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // ~9 MB each: a second or more of diffing after its temp folder appears, long enough to be interrupted mid-way.
  const { a, b } = writePair(dir, 150_000);
  const temp = mkdtempSync(join(dir, 'temp-'));
  const cli = join(__dirname, '..', '..', 'cli', 'main.ts');
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  // TMPDIR: where the CLI's diff puts its temp folder (os.tmpdir()).
  const proc = spawn(process.execPath, ['--import', tsx, cli, 'diff', a, b], {
    cwd: dir, env: { ...process.env, RUNLENS_STORE: '', TMPDIR: temp }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
  let sent = false;
  let sawFolder = false;
  while (!sent) {
    const folder = readdirSync(temp).find((n) => n.startsWith('runlens-diff-'));
    if (folder && existsSync(join(temp, folder))) {
      sawFolder = true;
      proc.kill('SIGINT');
      sent = true;
    } else if (proc.exitCode !== null) break;
    else await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const code = await exited;
  assert.ok(sawFolder, `the diff started (stderr: ${stderr})`);
  assert.equal(code, 2, `exit code (stderr: ${stderr})`);
  assert.equal(stderr.trim(), 'error: cancelled');
  // (tsx keeps its cache there too.)
  assert.deepEqual(readdirSync(temp).filter((n) => n.startsWith('runlens-')), []);
});
