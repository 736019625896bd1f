import type { Pressure } from './pressure';

// A worker process's job concurrency follows demand between MIN_WORKERS and MAX_WORKERS:
// - scale up by one when jobs wait (more than `upBacklogPerSlot` per running slot, or the oldest
//   has waited `upWaitMs`) and the CPU still has room (below `maxCpu`);
// - scale down by one when the CPU is saturated (above `maxCpu`: more slots would only queue in
//   the thread pool), or after `idleSamples` samples in a row with nothing waiting.

export interface ScalingPolicy {
  min: number;
  max: number;
  upBacklogPerSlot: number;
  upWaitMs: number;
  maxCpu: number;
  idleSamples: number;
}

export const DEFAULT_SCALING: Omit<ScalingPolicy, 'min' | 'max'> = {
  upBacklogPerSlot: 1,
  upWaitMs: 2_000,
  maxCpu: 0.9,
  idleSamples: 3,
};

export class Autoscaler {
  private idle = 0;
  private value: number;

  constructor(private readonly policy: ScalingPolicy) {
    this.value = Math.max(1, policy.min);
  }

  get concurrency(): number {
    return this.value;
  }

  /** Returns the new concurrency (unchanged, one more or one less). */
  update(p: Pressure): number {
    const { min, max } = this.policy;
    const waiting = p.backlog > 0;
    this.idle = waiting ? 0 : this.idle + 1;
    if (p.cpu > this.policy.maxCpu && this.value > min) {
      this.value--;
    } else if (
      waiting &&
      this.value < max &&
      p.cpu <= this.policy.maxCpu &&
      (p.backlog > this.value * this.policy.upBacklogPerSlot || p.oldestWaitMs >= this.policy.upWaitMs)
    ) {
      this.value++;
    } else if (this.idle >= this.policy.idleSamples && this.value > min) {
      this.value--;
      this.idle = 0;
    }
    this.value = Math.min(max, Math.max(Math.max(1, min), this.value));
    return this.value;
  }
}
