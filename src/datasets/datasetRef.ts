import { DatasetError } from './datasetError';
import { parseQueryDatasetName, queryDatasetName } from './sql/sqlSource';

/**
 * What a user can point a dataset diff at:
 * - a file: `data/train.csv` (relative paths resolve against the workspace);
 * - a recorded version: its fingerprint (sha256), a unique prefix of 6+ hex
 *   digits, optionally written `sha256:…`;
 * - a git revision of a file: `data/train.csv@HEAD~3`, `data/train.csv@v1.2`;
 * - a query, run now: its dataset name `<url> :: <query>` (as `runlens
 *   datasets` lists it), e.g. `sqlite:shop.db :: SELECT * FROM sales`.
 */
export type DatasetRef =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'version'; readonly fingerprint: string }
  | { readonly kind: 'git'; readonly path: string; readonly rev: string }
  | { readonly kind: 'query'; readonly url: string; readonly query: string };

/** Shortest fingerprint prefix accepted: shorter hex strings are too likely to be meant as names. */
export const MIN_PREFIX = 6;
const HEX_RE = /^[0-9a-fA-F]+$/;

/**
 * Parses a dataset ref. Rules, in order:
 * - `sha256:<hex>` is a version;
 * - 6–64 hex digits (no `/` or `.`) is a version; write `./abc123` for a file named so;
 * - `path@rev` is a git revision, split at the last `@` not followed by `{`
 *   (so `HEAD@{2}` and paths holding `@` still work);
 * - a trailing `@` (`odd@name.csv@`) means "this file, no revision";
 * - anything else is a file.
 */
export function parseDatasetRef(text: string): DatasetRef {
  const t = text.trim();
  if (!t) throw new DatasetError('empty dataset reference (give a file, a version fingerprint, or path@revision)');
  if (/^sha256:/i.test(t)) {
    const hex = t.slice('sha256:'.length);
    if (!HEX_RE.test(hex) || hex.length < MIN_PREFIX || hex.length > 64) {
      throw new DatasetError(`"${t}" is not a dataset fingerprint (expected sha256: followed by ${MIN_PREFIX} to 64 hex digits)`);
    }
    return { kind: 'version', fingerprint: hex.toLowerCase() };
  }
  if (HEX_RE.test(t) && t.length >= MIN_PREFIX && t.length <= 64) return { kind: 'version', fingerprint: t.toLowerCase() };
  const query = parseQueryDatasetName(t);
  if (query) return { kind: 'query', ...query };
  if (t.endsWith('@')) return { kind: 'file', path: t.slice(0, -1) };
  const at = lastRevisionAt(t);
  if (at === -1) return { kind: 'file', path: t };
  const path = t.slice(0, at);
  const rev = t.slice(at + 1);
  if (!path) throw new DatasetError(`"${t}" has a revision but no file (expected path@revision, e.g. data/train.csv@HEAD~1)`);
  if (rev.startsWith('-')) throw new DatasetError(`"${rev}" is not a git revision (in "${t}")`);
  return { kind: 'git', path, rev };
}

/** The text `parseDatasetRef` reads back as the same ref. */
export function formatDatasetRef(ref: DatasetRef): string {
  switch (ref.kind) {
    case 'version':
      return ref.fingerprint;
    case 'git':
      return `${ref.path}@${ref.rev}`;
    case 'query':
      return queryDatasetName(ref.url, ref.query);
    case 'file': {
      const parsed = safeParse(ref.path);
      if (parsed?.kind === 'file' && parsed.path === ref.path) return ref.path;
      if (parsed?.kind === 'version' && !ref.path.includes('@')) return `./${ref.path}`;
      return `${ref.path}@`;
    }
  }
}

function lastRevisionAt(t: string): number {
  for (let i = t.length - 1; i >= 0; i--) {
    if (t[i] === '@' && t[i + 1] !== '{') return i;
  }
  return -1;
}

function safeParse(text: string): DatasetRef | undefined {
  try {
    return parseDatasetRef(text);
  } catch {
    return undefined;
  }
}
