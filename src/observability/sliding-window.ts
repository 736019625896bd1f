import { quantile } from 'simple-statistics';

// Windowed numbers for the alert rules and dashboards ("errors in the last five minutes"): fixed
// memory whatever the rate, no timers.

/** Counts in fixed-width buckets over a sliding window: memory is bounded whatever the rate. */
export class SlidingCounter {
  private readonly bucketMs: number;
  private readonly counts: number[];
  private readonly stamps: number[];

  constructor(
    private readonly windowMs: number,
    buckets = 30,
  ) {
    this.bucketMs = Math.max(1, Math.ceil(windowMs / buckets));
    this.counts = new Array<number>(buckets).fill(0);
    this.stamps = new Array<number>(buckets).fill(-1);
  }

  add(n = 1, now = Date.now()): void {
    const slot = Math.floor(now / this.bucketMs);
    const i = slot % this.counts.length;
    if (this.stamps[i] !== slot) {
      this.stamps[i] = slot;
      this.counts[i] = 0;
    }
    this.counts[i]! += n;
  }

  total(now = Date.now()): number {
    const oldest = Math.floor((now - this.windowMs) / this.bucketMs);
    let sum = 0;
    for (let i = 0; i < this.counts.length; i++) {
      if (this.stamps[i]! > oldest) {
        sum += this.counts[i]!;
      }
    }
    return sum;
  }
}

/** Sliding counters by key (error code, decision, ...). */
export class SlidingKeyedCounter {
  private readonly counters = new Map<string, SlidingCounter>();

  constructor(private readonly windowMs: number) {}

  add(key: string, n = 1, now = Date.now()): void {
    let counter = this.counters.get(key);
    if (!counter) {
      counter = new SlidingCounter(this.windowMs);
      this.counters.set(key, counter);
    }
    counter.add(n, now);
  }

  totals(now = Date.now()): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, counter] of this.counters) {
      const total = counter.total(now);
      if (total > 0) {
        out[key] = total;
      } else {
        this.counters.delete(key);
      }
    }
    return out;
  }
}

/** The most recent samples within the window (at most `max`), for percentiles. */
export class SlidingSamples {
  private samples: { at: number; value: number }[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly max = 2000,
  ) {}

  add(value: number, now = Date.now()): void {
    this.samples.push({ at: now, value });
    if (this.samples.length > this.max) {
      this.samples.splice(0, this.samples.length - this.max);
    }
  }

  values(now = Date.now()): number[] {
    const from = now - this.windowMs;
    this.samples = this.samples.filter((s) => s.at > from);
    return this.samples.map((s) => s.value);
  }

  quantile(q: number, now = Date.now()): number | null {
    const values = this.values(now);
    return values.length === 0 ? null : quantile(values, q);
  }
}
