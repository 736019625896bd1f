import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CALIBRATION,
  expectedCalibrationError,
  fitCalibration,
  predict,
  thresholdAtFar,
  type Sample,
} from '../../src/inference/calibration';

describe('calibration', () => {
  it('gives lower confidence to farther matches and higher to clearer margins', () => {
    const at = (distance: number, margin: number) =>
      predict(DEFAULT_CALIBRATION, { distance, margin, quality: 1 });
    for (let d = 0.1; d < 0.7; d += 0.05) {
      expect(at(d, 0.1)).toBeGreaterThanOrEqual(at(d + 0.05, 0.1));
    }
    expect(at(0.35, 0.2)).toBeGreaterThan(at(0.35, 0.02));
    expect(at(0.1, 0.3)).toBeGreaterThan(0.99);
    expect(at(0.7, 0)).toBeLessThan(0.01);
  });

  it('computes the expected calibration error by hand', () => {
    // Bin [0.8, 0.9): predictions 0.8 x2, outcomes 1 and 0 -> |0.8 - 0.5| = 0.3, weight 2/4.
    // Bin [0.2, 0.3): predictions 0.2 x2, outcomes 0 and 0 -> |0.2 - 0| = 0.2, weight 2/4.
    expect(expectedCalibrationError([0.8, 0.8, 0.2, 0.2], [1, 0, 0, 0])).toBeCloseTo(0.25, 10);
    expect(expectedCalibrationError([1, 0], [1, 0])).toBeCloseTo(0, 10);
  });

  it('picks the threshold that keeps false accepts at the asked rate', () => {
    const negatives = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
    const t0 = thresholdAtFar(negatives, 0);
    expect(negatives.filter((s) => s >= t0)).toHaveLength(0);
    const t10 = thresholdAtFar(negatives, 0.1);
    expect(negatives.filter((s) => s >= t10)).toHaveLength(1);
  });

  it('recovers a separable toy problem', () => {
    const samples: Sample[] = [];
    for (let i = 0; i < 200; i++) {
      const distance = (i % 100) / 100;
      samples.push({ evidence: { distance, margin: 0.1, quality: 0 }, label: distance < 0.5 ? 1 : 0 });
    }
    const fitted = fitCalibration(samples);
    const model = { ...DEFAULT_CALIBRATION, ...fitted };
    expect(fitted.weights.distance).toBeLessThan(0);
    expect(predict(model, { distance: 0.3, margin: 0.1, quality: 0 })).toBeGreaterThan(0.9);
    expect(predict(model, { distance: 0.7, margin: 0.1, quality: 0 })).toBeLessThan(0.1);
  });
});
