/**
 * Turns a stream's chunks into lines. A line longer than `maxLine` (a
 * progress bar redrawn with `\r` for minutes, a binary dump) is passed on in
 * pieces of that size, so one line never holds memory without bound.
 */
export class LineSplitter {
  private pending = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = 64 * 1024,
  ) {}

  push(chunk: string): void {
    let text = this.pending + chunk;
    let nl = text.indexOf('\n');
    while (nl >= 0) {
      this.onLine(text.slice(0, nl).replace(/\r$/, ''));
      text = text.slice(nl + 1);
      nl = text.indexOf('\n');
    }
    while (text.length > this.maxLine) {
      this.onLine(text.slice(0, this.maxLine));
      text = text.slice(this.maxLine);
    }
    this.pending = text;
  }

  /** Passes on a last line without its newline (the process ended mid-line). */
  end(): void {
    if (this.pending !== '') this.onLine(this.pending);
    this.pending = '';
  }
}

/**
 * The combined output of a run, kept for its `logs/output.log` artifact.
 * Only the last `maxChars` are kept (the end of a log says why a run
 * failed); the log then starts with how much was dropped.
 */
export class OutputLog {
  private readonly chunks: string[] = [];
  private size = 0;
  private dropped = 0;

  /** `onText` also gets every line as appended (the run's live log). */
  constructor(
    private readonly maxChars = 4 * 1024 * 1024,
    private readonly onText?: (text: string) => void,
  ) {}

  append(line: string): void {
    const text = `${line}\n`;
    this.onText?.(text);
    this.chunks.push(text);
    this.size += text.length;
    while (this.size > this.maxChars && this.chunks.length > 1) {
      const first = this.chunks.shift()!;
      this.size -= first.length;
      this.dropped += first.length;
    }
  }

  get empty(): boolean {
    return this.size === 0;
  }

  text(): string {
    return (this.dropped > 0 ? `[${this.dropped} earlier characters dropped]\n` : '') + this.chunks.join('');
  }
}

/** The last `size` lines of a stream (a failed run's error shows the end of its stderr). */
export class TailLines {
  private readonly lines: string[] = [];

  constructor(private readonly size = 15) {}

  push(line: string): void {
    if (line.trim() === '') return;
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
  }

  get all(): readonly string[] {
    return this.lines;
  }
}
