/**
 * Page tokens of {@link RunSource.searchRuns}: opaque base64url JSON that
 * names the query it belongs to, so a token is never applied to another
 * filter, sort or scope.
 */
import { createHash } from 'node:crypto';
import { RunSourceError } from './runSource';

/** Where the next page starts. */
export type PagePosition =
  /** The n-th matching row of the whole sorted result. */
  | { readonly kind: 'offset'; readonly offset: number }
  /** Inside the server's own paging: the page at `serverToken` (of `pageSize` runs), after its first `skip` runs. */
  | { readonly kind: 'server'; readonly serverToken: string | null; readonly skip: number; readonly pageSize: number };

interface Token {
  readonly q: string;
  readonly p: PagePosition;
}

/** A short digest of what identifies a query (filter, sort, scope). */
export function queryKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

export function encodePageToken(query: string, p: PagePosition): string {
  return Buffer.from(JSON.stringify({ q: query, p } satisfies Token)).toString('base64url');
}

/** The position a token holds; throws a RunSourceError for a foreign or damaged token. */
export function decodePageToken(token: string, query: string): PagePosition {
  let t: Token;
  try {
    t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Token;
  } catch {
    throw new RunSourceError('the page token is damaged: start again without it');
  }
  if (typeof t !== 'object' || t === null || t.q !== query || typeof t.p !== 'object' || t.p === null) {
    throw new RunSourceError('the page token belongs to another query (filter, sort, experiment or parent): start again without it');
  }
  const p = t.p;
  if (p.kind === 'offset' && Number.isInteger(p.offset) && p.offset >= 0) return p;
  if (p.kind === 'server' && Number.isInteger(p.skip) && p.skip >= 0 && Number.isInteger(p.pageSize) && p.pageSize > 0 && (p.serverToken === null || typeof p.serverToken === 'string')) return p;
  throw new RunSourceError('the page token is damaged: start again without it');
}
