/**
 * A bounded cache whose least recently used entry goes first. A hit only stamps its entry: moving
 * it to the end of a Map instead (delete, then set with this request's key) stored a new entry per
 * search, which the young generation promoted to the old one. That was half of what a search load
 * promoted (9 → 4.5 MB in 17 s at ~3,800 searches a second, issue 6), and what a major GC must
 * then collect. Eviction scans for the oldest stamp: only a miss with a full cache pays it.
 */
export class RecentlyUsed<V> {
  private readonly entries = new Map<string, { value: V; used: number }>();
  private clock = 0;
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    entry.used = ++this.clock;
    return entry.value;
  }

  set(key: string, value: V): void {
    const entry = this.entries.get(key);
    if (entry) {
      entry.value = value;
      entry.used = ++this.clock;
      return;
    }
    if (this.entries.size >= this.capacity) this.evictLeastRecentlyUsed();
    this.entries.set(key, { value, used: ++this.clock });
  }

  private evictLeastRecentlyUsed(): void {
    let oldest: string | undefined;
    let oldestUse = Infinity;
    for (const [key, entry] of this.entries) {
      if (entry.used < oldestUse) {
        oldestUse = entry.used;
        oldest = key;
      }
    }
    if (oldest !== undefined) this.entries.delete(oldest);
  }
}
