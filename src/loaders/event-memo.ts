/**
 * Data shared by every subscriber of one event, resolved once. A live event is delivered to each
 * subscription separately (1000 dashboards = 1000 executions of the same selection); without this
 * each would load the record's student on its own, 1000 lookups per mark. Entries are keyed by the
 * event (record id and version) and dropped after `ttlMs`, so later events see fresh data.
 */
export class EventMemo<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly ttlMs = 2_000) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = load();
      this.entries.set(key, entry);
      // A failed load is not shared with later subscribers.
      entry.catch(() => this.entries.delete(key));
      setTimeout(() => this.entries.delete(key), this.ttlMs).unref();
    }
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }
}
