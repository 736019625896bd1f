import { describe, expect, it } from 'vitest';
import { Autoscaler } from '../../src/queue/autoscaler';
import { DEFAULT_DEGRADATION, DegradationController, optionsForMode } from '../../src/queue/degradation';

const p = (backlog: number, cpu = 0.2, oldestWaitMs = 0) => ({ backlog, cpu, oldestWaitMs });

describe(DegradationController.name, () => {
  it('sheds work under backlog or CPU pressure and returns to FULL step by step when it ends', () => {
    const sut = new DegradationController(DEFAULT_DEGRADATION);
    expect(sut.update(p(0))).toBe('FULL');
    // A busy CPU with nothing waiting sheds nothing.
    expect(sut.update(p(0, 1))).toBe('FULL');
    expect(sut.update(p(25))).toBe('REDUCED');
    expect(sut.update(p(10, 0.95))).toBe('REDUCED');
    expect(sut.update(p(150))).toBe('MINIMAL');
    const calm = [p(0), p(0), p(0)].map((x) => sut.update(x));
    expect(calm).toEqual(['MINIMAL', 'MINIMAL', 'REDUCED']);
    expect([p(0), p(0), p(0)].map((x) => sut.update(x))).toEqual(['REDUCED', 'REDUCED', 'FULL']);
  });

  it('maps modes to analysis options', () => {
    expect(optionsForMode('FULL', 'm')).toEqual({});
    expect(optionsForMode('REDUCED', 'm')).toEqual({ tiling: false, models: ['m'] });
    expect(optionsForMode('MINIMAL', 'm')).toEqual({ tiling: false, models: ['m'], thumbnails: false });
  });
});

describe(Autoscaler.name, () => {
  it('moves concurrency between min and max with backlog and CPU', () => {
    const sut = new Autoscaler({
      min: 1,
      max: 3,
      upBacklogPerSlot: 1,
      upWaitMs: 2_000,
      maxCpu: 0.9,
      idleSamples: 2,
    });
    expect(sut.concurrency).toBe(1);
    expect(sut.update(p(5))).toBe(2);
    expect(sut.update(p(5))).toBe(3);
    expect(sut.update(p(50))).toBe(3); // ceiling
    expect(sut.update(p(50, 0.99))).toBe(2); // CPU saturated: more slots would only queue
    expect(sut.update(p(1, 0.5, 5_000))).toBe(3); // one photo waiting long enough
    expect(sut.update(p(0))).toBe(3);
    expect(sut.update(p(0))).toBe(2);
    expect(sut.update(p(0))).toBe(2);
    expect(sut.update(p(0))).toBe(1);
    expect(sut.update(p(0))).toBe(1); // floor
  });
});
