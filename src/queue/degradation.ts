import type { Pressure } from './pressure';

// Degradation modes (issue #11): under backlog or CPU pressure, photo analysis sheds optional work
// (tiling for small faces, the extra embedding models, face thumbnails) so that marks keep coming,
// and says so on every photo and in metrics. It steps back towards FULL only after pressure has
// stayed low for a while, so the mode does not flap on every sample.

export type DegradationMode = 'FULL' | 'REDUCED' | 'MINIMAL';
const ORDER: DegradationMode[] = ['FULL', 'REDUCED', 'MINIMAL'];

export interface DegradationThresholds {
  /** Backlog (waiting jobs) from which analysis is REDUCED / MINIMAL. */
  reducedBacklog: number;
  minimalBacklog: number;
  /** CPU busy share from which analysis is REDUCED / MINIMAL. */
  reducedCpu: number;
  minimalCpu: number;
  /** Calm samples in a row before stepping one mode back towards FULL. */
  calmSamples: number;
  /**
   * CPU pressure counts only while at least this many photos wait: a busy CPU with nothing waiting
   * (warm-up, another tenant) loses nothing by running full analyses.
   */
  cpuMinBacklog: number;
}

export const DEFAULT_DEGRADATION: DegradationThresholds = {
  reducedBacklog: 20,
  minimalBacklog: 100,
  reducedCpu: 0.9,
  minimalCpu: 0.97,
  calmSamples: 3,
  cpuMinBacklog: 5,
};

/** The analysis options a mode allows (AnalyzeOptions fields; `models` and `thumbnails` from issue #10). */
export function optionsForMode(
  mode: DegradationMode,
  primaryModel: string,
): { tiling?: boolean; models?: string[]; thumbnails?: boolean } {
  switch (mode) {
    case 'FULL':
      return {};
    case 'REDUCED':
      return { tiling: false, models: [primaryModel] };
    case 'MINIMAL':
      return { tiling: false, models: [primaryModel], thumbnails: false };
  }
}

export class DegradationController {
  private current: DegradationMode = 'FULL';
  private calm = 0;

  constructor(private readonly thresholds: DegradationThresholds = DEFAULT_DEGRADATION) {}

  get mode(): DegradationMode {
    return this.current;
  }

  /** The mode the pressure alone asks for. */
  target(p: Pressure): DegradationMode {
    const t = this.thresholds;
    const cpu = p.backlog >= t.cpuMinBacklog ? p.cpu : 0;
    if (p.backlog >= t.minimalBacklog || cpu >= t.minimalCpu) {
      return 'MINIMAL';
    }
    if (p.backlog >= t.reducedBacklog || cpu >= t.reducedCpu) {
      return 'REDUCED';
    }
    return 'FULL';
  }

  /** Feeds one sample: escalates at once, relaxes one step after `calmSamples` calmer samples. */
  update(p: Pressure): DegradationMode {
    const target = this.target(p);
    const rank = (m: DegradationMode) => ORDER.indexOf(m);
    if (rank(target) > rank(this.current)) {
      this.current = target;
      this.calm = 0;
    } else if (rank(target) < rank(this.current)) {
      this.calm++;
      if (this.calm >= this.thresholds.calmSamples) {
        this.current = ORDER[rank(this.current) - 1]!;
        this.calm = 0;
      }
    } else {
      this.calm = 0;
    }
    return this.current;
  }
}
