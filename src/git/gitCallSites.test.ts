import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.join(__dirname, '..', '..');

/** Starting git: a process call whose program (or shell string) is git, in TypeScript or Python. */
const GIT_SPAWN = [
  /\b(?:spawn|spawnSync|execFile|execFileSync|exec|execSync|fork)\s*\(\s*['"`]git\b/,
  /\bsubprocess\.\w+\s*\(\s*\[?\s*['"]git\b/,
  /\bos\.(?:system|popen)\s*\(\s*['"]git\b/,
  // The editor's built-in Git extension would run git with the repository's config.
  /getExtension\s*(?:<[^>]*>)?\s*\(\s*['"]vscode\.git['"]/,
];

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of fs.readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|mts|js|mjs|py)$/.test(name)) out.push(p);
  }
  return out;
}

/** The guarded module itself, tests and their helpers (which set up repositories with plain git). */
function exempt(rel: string): boolean {
  return rel === 'src/git/gitCommand.ts' || /\.test\.ts$/.test(rel) || rel.split('/').includes('testing');
}

/** Every git call site outside src/git/gitCommand.ts, as `path:line`. */
function stray(): string[] {
  const found: string[] = [];
  for (const file of [...sourceFiles(path.join(ROOT, 'src')), ...sourceFiles(path.join(ROOT, 'python'))]) {
    const rel = path.relative(ROOT, file).split(path.sep).join('/');
    if (exempt(rel)) continue;
    fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      if (GIT_SPAWN.some((re) => re.test(line))) found.push(`${rel}:${i + 1}`);
    });
  }
  return found;
}

test('git runs only through src/git/gitCommand.ts (src/ incl. the extension, and python/)', () => {
  assert.deepEqual(stray(), []);
});

test('the scan recognizes each way of starting git', () => {
  const lines = [
    "execFile('git', args, cb)",
    'spawnSync("git", ["-C", dir])',
    'exec(`git status`)',
    "subprocess.run(['git', 'status'])",
    "os.system('git status')",
    "vscode.extensions.getExtension<GitExtension>('vscode.git')",
  ];
  for (const line of lines) assert.ok(GIT_SPAWN.some((re) => re.test(line)), line);
  assert.ok(!GIT_SPAWN.some((re) => re.test("spawn('gitleaks', [])") || re.test("kind: 'git'")));
});
