import { CsvError } from './dataError';

/** Why a data file could not be opened, as one line naming the file (any format). */
export function readFailure(file: string, e: unknown): CsvError {
  const code = (e as NodeJS.ErrnoException).code;
  const reasons: Readonly<Record<string, string>> = {
    ENOENT: 'file not found',
    ELOOP: 'symlink loop: the path leads back to itself',
    EACCES: 'cannot read the file: permission denied',
    EISDIR: 'is a folder, not a file',
  };
  return new CsvError({ file }, (code !== undefined ? reasons[code] : undefined) ?? `cannot read the file (${code ?? String(e)})`);
}
