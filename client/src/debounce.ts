// Coalesces bursts of events (a running flow writes several files per task) into one call:
// `delay` after the last event, but at least every `maxWait` while events keep coming, so a
// long run still refreshes live without a refresh storm. Pure (timers are injectable for tests).

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
  now(): number;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export class Debouncer {
  private handle: unknown;
  private firstPending: number | undefined;
  private disposed = false;

  constructor(
    private readonly fn: () => void,
    private readonly delay = 300,
    private readonly maxWait = 1000,
    private readonly timers: Timers = realTimers,
  ) {}

  /** An event happened. */
  trigger(): void {
    if (this.disposed) return;
    const now = this.timers.now();
    this.firstPending ??= now;
    if (this.handle !== undefined) this.timers.clear(this.handle);
    const wait = Math.max(0, Math.min(this.delay, this.firstPending + this.maxWait - now));
    this.handle = this.timers.set(() => this.fire(), wait);
  }

  /** Runs now if something is pending. */
  flush(): void {
    if (this.handle !== undefined) {
      this.timers.clear(this.handle);
      this.fire();
    }
  }

  private fire(): void {
    this.handle = undefined;
    this.firstPending = undefined;
    this.fn();
  }

  dispose(): void {
    this.disposed = true;
    if (this.handle !== undefined) this.timers.clear(this.handle);
    this.handle = undefined;
  }
}
