import os from 'node:os';

/** Machine CPU busy share (0..1) since the previous call, from the kernel's per-core counters. */
export function cpuSampler(): () => number {
  const totals = () => {
    let idle = 0;
    let total = 0;
    for (const cpu of os.cpus()) {
      const t = cpu.times;
      idle += t.idle;
      total += t.user + t.nice + t.sys + t.irq + t.idle;
    }
    return { idle, total };
  };
  let last = totals();
  return () => {
    const now = totals();
    const dt = now.total - last.total;
    const busy = dt > 0 ? 1 - (now.idle - last.idle) / dt : 0;
    last = now;
    return Math.min(1, Math.max(0, busy));
  };
}

export interface Pressure {
  /** Jobs waiting (not running) in the queue, cluster-wide with BullMQ. */
  backlog: number;
  /** Age of the oldest waiting job, ms. */
  oldestWaitMs: number;
  /** Machine CPU busy share, 0..1. */
  cpu: number;
}
