/**
 * The host's half of a webview page's ready handshake, without vscode (the
 * panel host in src/extension/webview wires it to a real webview).
 *
 * A page posts `ready` once its listener is up; before that a posted message
 * is lost, and a page hidden without `retainContextWhenHidden` is torn down
 * and posts `ready` again when shown. So:
 * - `post` sends only to a ready page and drops the rest: what a page shows
 *   is sent again in full by the panel's catch-up when the page says ready.
 * - `postWhenReady` is for one-off requests (scroll to a section) that no
 *   catch-up carries: queued until the page is ready, then sent once, after
 *   the catch-up.
 * - `whenReady` settles the first time a page said ready and got its catch-up.
 */
export class PageChannel<HostToPage> {
  private ready = false;
  private closed = false;
  private queue: HostToPage[] = [];
  private resolveReady!: () => void;
  /** Settles once the page first said `ready` and its catch-up was sent. */
  readonly whenReady: Promise<void> = new Promise((resolve) => (this.resolveReady = resolve));

  constructor(private readonly send: (message: HostToPage) => PromiseLike<unknown>) {}

  /** The page said `ready` and is not hidden since. */
  get isReady(): boolean {
    return this.ready && !this.closed;
  }

  /**
   * The page said `ready`: `catchUp` sends what it shows (with `post`), then
   * the queued one-off messages follow in the order they were queued.
   */
  async pageReady(catchUp: () => Promise<void>): Promise<void> {
    if (this.closed) return;
    this.ready = true;
    await catchUp();
    const queued = this.queue.splice(0);
    for (const [i, m] of queued.entries()) {
      if (!this.isReady) {
        // Hidden again mid-flush: keep what was not sent for the next `ready`.
        this.queue.unshift(...queued.slice(i));
        return;
      }
      await this.send(m);
    }
    this.resolveReady();
  }

  /** The page was hidden (torn down): nothing reaches it until it says `ready` again. */
  pageHidden(): void {
    this.ready = false;
  }

  /** Sends to a ready page, in order; stops at the first message that finds it not ready. */
  async post(messages: readonly HostToPage[]): Promise<void> {
    for (const m of messages) {
      if (!this.isReady) return;
      await this.send(m);
    }
  }

  /** Sends now to a ready page, else once it says `ready` (after its catch-up). */
  async postWhenReady(message: HostToPage): Promise<void> {
    if (this.closed) return;
    if (this.isReady) await this.send(message);
    else this.queue.push(message);
  }

  /** The panel is gone: nothing is sent any more. */
  close(): void {
    this.closed = true;
    this.queue = [];
  }
}
