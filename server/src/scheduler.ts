// Debounced work by key: scheduling again before the delay restarts the wait, so a burst of
// edits costs one run. A failing task is reported, never thrown into the event loop.

export class Debouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly onError: (key: string, err: unknown) => void) {}

  schedule(key: string, delay: number, task: () => void): void {
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      try {
        task();
      } catch (err) {
        this.onError(key, err);
      }
    }, delay);
    this.timers.set(key, timer);
  }

  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
