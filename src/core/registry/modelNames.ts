import { UserError } from '../util/errors';

/** Longest model or alias name (MLflow allows 256 for names; 128 keeps build folder names short). */
export const MAX_NAME_LENGTH = 128;

/** The alias every model has implicitly: its newest version (reserved, as in MLflow). */
export const LATEST = 'latest';

/**
 * Letters, digits, `-`, `_` and `.`, starting with a letter or digit: safe as
 * a folder name (`.runlens/builds/<model>-<version>/`), an image label and a
 * CLI argument (never `..`, never something that looks like an option).
 */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** `v3` or `3` would read as a version number in `churn@v3`; MLflow reserves `v<digits>` too. */
const VERSION_LIKE_RE = /^v?\d+$/i;

function checkName(kind: string, name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new UserError(`${kind} name must not be empty`);
  if (name.length > MAX_NAME_LENGTH) {
    throw new UserError(`${kind} name "${name.slice(0, 40)}…" is ${name.length} characters long (at most ${MAX_NAME_LENGTH})`);
  }
  if (!NAME_RE.test(name)) {
    const bad = [...name].find((c) => !/[A-Za-z0-9._-]/.test(c));
    const why = bad === undefined ? 'must start with a letter or a digit' : `contains ${JSON.stringify(bad)}`;
    throw new UserError(`invalid ${kind} name "${name}": ${why} (use letters, digits, "-", "_" and ".")`);
  }
}

/** Throws a UserError naming the problem when `name` is not a valid model name. */
export function validateModelName(name: string): string {
  checkName('model', name);
  return name;
}

/** Like {@link validateModelName}, and `latest` and version-like names (`3`, `v3`) are reserved. */
export function validateAliasName(alias: string): string {
  checkName('alias', alias);
  if (alias.toLowerCase() === LATEST) throw new UserError(`the alias "${alias}" is reserved: it always means the newest version`);
  if (VERSION_LIKE_RE.test(alias)) throw new UserError(`the alias "${alias}" looks like a version number; choose a name such as "production"`);
  return alias;
}
