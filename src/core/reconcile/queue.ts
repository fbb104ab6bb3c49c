// A keyed work queue for level-triggered controllers (sample-controller's workqueue): a key
// queued many times runs once; one sync per key at a time; a key queued while its sync runs
// runs again after it; a sync that throws is retried with backoff. The key is the only payload —
// a sync re-reads what it needs.
export class KeyedQueue {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly sync: (key: string) => Promise<void>, private readonly onError: (key: string, err: unknown) => void = () => {}, private readonly maxBackoffMs = 10_000) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) { this.again.add(key); return; }
    const p = this.sync(key).then(
      () => { this.failures.delete(key); },
      (err: unknown) => {
        this.onError(key, err);
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        const t = setTimeout(() => { this.timers.delete(t); this.add(key); }, Math.min(this.maxBackoffMs, 100 * 2 ** n));
        t.unref();
        this.timers.add(t);
      },
    ).finally(() => {
      this.running.delete(key);
      if (this.again.delete(key)) this.add(key);
    });
    this.running.set(key, p);
  }

  /** Stops taking keys and waits for the syncs running now. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }
}
