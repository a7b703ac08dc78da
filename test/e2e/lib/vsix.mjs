// Builds the RunLens VSIX the way a release does (`npm run package`) and
// reads it back, for the packaging test (ui/vsix.ui.mjs).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

/** Top-level entries of the project that packaging never reads (big, or outputs). */
const NOT_STAGED = new Set(['node_modules', '.git', 'dist', 'out', 'test', 'test-results', '.bench', '.vscode-test']);

/**
 * Runs `npm run package` on a copy of the project and returns the VSIX.
 *
 * A copy, because packaging rebuilds dist/ in production mode: in the work
 * tree that would swap the bundles under whoever runs or watches the
 * development build meanwhile (and vsce could pick up their rebuild). The
 * copy holds the sources, the manifest and .vscodeignore, without dist/,
 * test/ and any `.runlens` store; node_modules is a link to the project's,
 * so vsce's `npm list --production` sees the real dependency tree.
 * @param {{ root: string, workDir: string, timeoutMs?: number }} o
 * @returns {Promise<{ vsix: string, stage: string, output: string, ms: number }>}
 */
export async function packageVsix({ root, workDir, timeoutMs = 240_000 }) {
  const t0 = Date.now();
  const stage = join(workDir, 'stage');
  mkdirSync(stage, { recursive: true });
  cpSync(root, stage, {
    recursive: true,
    filter: (src) => {
      const rel = relative(root, src);
      if (rel === '') return true;
      const parts = rel.split(sep);
      if (parts.length === 1 && NOT_STAGED.has(parts[0])) return false;
      return !parts.includes('.runlens') && !src.endsWith('.vsix');
    },
  });
  symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'), 'dir');
  const { version, name } = JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8'));
  const output = await run('npm', ['run', 'package'], stage, timeoutMs);
  const vsix = join(stage, `${name}-${version}.vsix`);
  if (!existsSync(vsix)) throw new Error(`npm run package did not write ${basename(vsix)}:\n${output}`);
  return { vsix, stage, output, ms: Date.now() - t0 };
}

function run(cmd, args, cwd, timeoutMs) {
  return new Promise((resolve, reject) => {
    // stdin closed: vsce asks questions on a TTY
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${out.split('\n').slice(-40).join('\n')}`));
    });
  });
}

/**
 * @typedef {{ name: string, size: number, compressedSize: number, method: number, offset: number }} ZipEntry
 */

/**
 * The entries of a zip file, from its central directory. Hand-written (40
 * lines) rather than a dependency: the test needs names, sizes and a few
 * small files, and `unzip` is not on every machine that runs the tests.
 * @param {Buffer} buf
 * @returns {ZipEntry[]}
 */
export function zipEntries(buf) {
  // end of central directory: signature, then a comment of up to 64 KiB
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let k = 0; k < count; k++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry at ${p}`);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({
      name: buf.toString('utf8', p + 46, p + 46 + nameLen),
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      offset: buf.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/**
 * The content of one entry (stored or deflated).
 * @param {Buffer} buf the zip file
 * @param {ZipEntry} entry
 */
export function zipRead(buf, entry) {
  const p = entry.offset;
  if (buf.readUInt32LE(p) !== 0x04034b50) throw new Error(`bad local header for ${entry.name}`);
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const data = buf.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(data);
  if (entry.method === 8) return inflateRawSync(data);
  throw new Error(`${entry.name}: unsupported compression method ${entry.method}`);
}
