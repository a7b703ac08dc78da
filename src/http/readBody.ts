import type { IncomingMessage } from 'node:http';
import { HttpError } from './httpErrors';

/**
 * Reads a request's whole body, failing with a 413 `errorCode` error as soon
 * as it exceeds `limit` bytes: at once when Content-Length says so, else when
 * a chunked upload grows past it. The rest of an oversized body is not kept
 * (the caller answers the 413 with `Connection: close` and lets the request
 * drain), and the socket stays up so the client gets that answer.
 */
export function readBody(req: IncomingMessage, limit: number, errorCode: string): Promise<Buffer> {
  const tooLarge = (): HttpError => new HttpError(413, errorCode, `the request body exceeds the limit of ${limit} bytes`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}
