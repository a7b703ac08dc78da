/**
 * Tees this process's stdout and stderr into a bounded buffer so a run keeps
 * its own output as the `logs/train.log` artifact. Only the last `maxBytes`
 * are kept: a chatty fit must not grow memory without bound.
 */
export function captureOutput(maxBytes = 4 * 1024 * 1024): { read: () => string } {
  const chunks: string[] = [];
  let size = 0;
  let dropped = 0;
  const tee = (stream: NodeJS.WriteStream) => {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
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
  return {
    read: () => (dropped > 0 ? `[${dropped} earlier characters dropped]\n` : '') + chunks.join(''),
  };
}
