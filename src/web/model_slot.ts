// The current model, shared by runs that may overlap (a photo analysis, the webcam loop, a model load):
// a run holds the model it started with until it ends, and a model replaced meanwhile is disposed only
// when its last run lets go, so no run ever reads freed weights.

export interface Disposable {
  dispose(): void;
}

export class ModelSlot<T extends Disposable> {
  private current: T | null = null;
  private readonly users = new Map<T, number>();
  private readonly retired = new Set<T>();

  get value(): T | null {
    return this.current;
  }

  /** Makes `next` current; the previous one is disposed now if no run holds it, else when the last one ends. */
  set(next: T | null): void {
    const old = this.current;
    this.current = next;
    if (old && old !== next) {
      this.retired.add(old);
      this.release(old, 0);
    }
  }

  /** Runs fn with the current model (null when none), which stays alive until fn settles. */
  async use<R>(fn: (value: T | null) => Promise<R>): Promise<R> {
    const v = this.current;
    if (v) this.users.set(v, (this.users.get(v) ?? 0) + 1);
    try {
      return await fn(v);
    } finally {
      if (v) this.release(v, 1);
    }
  }

  private release(v: T, by: number): void {
    const left = (this.users.get(v) ?? 0) - by;
    if (left > 0) return void this.users.set(v, left);
    this.users.delete(v);
    if (this.retired.delete(v)) v.dispose();
  }
}
