import type { LiveLogFile } from '../store/liveLogs';

/** What captureOutput gives: the text so far, and a live copy for other processes to follow. */
export interface CapturedOutput {
  read(): string;
  /** Writes everything captured so far, then every later chunk, to `live` (undefined stops the copy). */
  mirrorTo(live: LiveLogFile | undefined): void;
}

/**
 * Tees this process's stdout and stderr into a bounded buffer so a run keeps
 * its own output as the `logs/train.log` artifact. Only the last `maxBytes`
 * are kept: a chatty fit must not grow memory without bound.
 */
export function captureOutput(maxBytes = 4 * 1024 * 1024): CapturedOutput {
  const chunks: string[] = [];
  let size = 0;
  let dropped = 0;
  let live: LiveLogFile | undefined;
  const tee = (stream: NodeJS.WriteStream) => {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      live?.write(text);
      chunks.push(text);
      size += text.length;
      while (size > maxBytes && chunks.length > 1) {
        const first = chunks.shift()!;
        size -= first.length;
        dropped += first.length;
      }
      return original(chunk, ...rest);
    }) as typeof stream.write;
  };
  tee(process.stdout);
  tee(process.stderr);
  const read = () => (dropped > 0 ? `[${dropped} earlier characters dropped]\n` : '') + chunks.join('');
  return {
    read,
    mirrorTo: (file) => {
      live = file;
      live?.write(read());
    },
  };
}
