/**
 * Model references as users type them: `churn@production` (an alias),
 * `churn:3` or `churn:v3` (a version), `churn` or `churn@latest` (the newest
 * version), `run:<id>` (a run's own model, registered or not). A bare word
 * that is a valid model name parses as `latest`; the resolver falls back to a
 * run id, prefix or name when no model has that name, so `runlens serve <run>`
 * keeps working.
 */
import { UserError } from '../util/errors';
import { LATEST, validateAliasName, validateModelName } from './modelNames';

export type ModelRef =
  | { readonly kind: 'alias'; readonly name: string; readonly alias: string }
  | { readonly kind: 'version'; readonly name: string; readonly version: number }
  | { readonly kind: 'latest'; readonly name: string }
  | { readonly kind: 'run'; readonly runId: string };

const RUN_PREFIX = 'run:';
const NAME_CHARS_RE = /^[A-Za-z0-9._-]+$/;

function fail(text: string, why: string): never {
  throw new UserError(`invalid model reference "${text}": ${why} (use NAME, NAME:VERSION, NAME@ALIAS or run:RUN)`);
}

function modelName(text: string, name: string): string {
  if (name === '') fail(text, 'the model name is missing');
  try {
    return validateModelName(name);
  } catch (e) {
    fail(text, (e as Error).message);
  }
}

/** Parses a model reference; throws a UserError naming the text and what is wrong. */
export function parseModelRef(input: string): ModelRef {
  const text = input.trim();
  if (text === '') throw new UserError('empty model reference (use NAME, NAME:VERSION, NAME@ALIAS or run:RUN)');
  if (text.startsWith(RUN_PREFIX)) {
    const runId = text.slice(RUN_PREFIX.length).trim();
    if (runId === '') fail(text, 'the run is missing after "run:"');
    return { kind: 'run', runId };
  }
  const at = text.lastIndexOf('@');
  if (at >= 0) {
    const name = modelName(text, text.slice(0, at));
    const alias = text.slice(at + 1);
    if (alias === '') fail(text, 'the alias is missing after "@"');
    if (alias.toLowerCase() === LATEST) return { kind: 'latest', name };
    try {
      validateAliasName(alias);
    } catch (e) {
      // `churn@v3` and `churn@3` are the likeliest slips for `churn:3`.
      if (/^v?\d+$/i.test(alias)) fail(text, `aliases are names; for version ${alias.replace(/^v/i, '')} write ${name}:${alias.replace(/^v/i, '')}`);
      fail(text, (e as Error).message);
    }
    return { kind: 'alias', name, alias };
  }
  const colon = text.lastIndexOf(':');
  if (colon >= 0) {
    const name = modelName(text, text.slice(0, colon));
    const v = text.slice(colon + 1);
    if (v.toLowerCase() === LATEST) return { kind: 'latest', name };
    const m = /^v?(\d+)$/i.exec(v);
    const version = m ? Number(m[1]) : NaN;
    if (!Number.isSafeInteger(version) || version < 1) fail(text, `the version must be a whole number from 1, got "${v}"`);
    return { kind: 'version', name, version };
  }
  // Not a possible model name (a run name with spaces, say): it can only be a run.
  if (!NAME_CHARS_RE.test(text) || !/^[A-Za-z0-9]/.test(text)) return { kind: 'run', runId: text };
  return { kind: 'latest', name: text };
}

/** The canonical text of a reference (`churn:3`, `churn@production`, `churn`, `run:<id>`). */
export function formatModelRef(ref: ModelRef): string {
  switch (ref.kind) {
    case 'alias':
      return `${ref.name}@${ref.alias}`;
    case 'version':
      return `${ref.name}:${ref.version}`;
    case 'latest':
      return ref.name;
    case 'run':
      return `${RUN_PREFIX}${ref.runId}`;
  }
}
