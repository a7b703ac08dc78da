/** Anything that holds a resource and must release it. */
export interface DisposableLike {
  dispose(): void;
}

/**
 * Base for classes that own resources, after VS Code's `lifecycle.ts`:
 * `_register` ties a resource to this owner; registering on an owner that is
 * already disposed disposes the resource at once.
 */
export abstract class Disposable implements DisposableLike {
  private readonly owned: DisposableLike[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  protected _register<T extends DisposableLike>(resource: T): T {
    if (this.disposed) resource.dispose();
    else this.owned.push(resource);
    return resource;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const r of this.owned.splice(0).reverse()) {
      try {
        r.dispose();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'errors while disposing');
  }
}

/** Holds at most one replaceable resource; setting a new one disposes the old. */
export class MutableDisposable<T extends DisposableLike> implements DisposableLike {
  private current: T | undefined;
  private disposed = false;

  get value(): T | undefined {
    return this.current;
  }

  set value(next: T | undefined) {
    if (this.disposed) {
      next?.dispose();
      return;
    }
    if (next === this.current) return;
    const old = this.current;
    this.current = next;
    old?.dispose();
  }

  clear(): void {
    this.value = undefined;
  }

  dispose(): void {
    this.disposed = true;
    const old = this.current;
    this.current = undefined;
    old?.dispose();
  }
}

export function toDisposable(fn: () => void): DisposableLike {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}
