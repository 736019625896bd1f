import { describe, expect, it } from 'vitest';
import {
  expectedCalibrationError,
  fitLogistic,
  sigmoid,
  thresholdAtFar,
} from '../../src/inference/calibration';

describe('calibration', () => {
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
    const xs: number[][] = [];
    const ys: number[] = [];
    for (let i = 0; i < 200; i++) {
      const similarity = (i % 100) / 100;
      xs.push([similarity]);
      ys.push(similarity > 0.5 ? 1 : 0);
    }
    const fitted = fitLogistic(xs, ys);
    const p = (x: number) => sigmoid(fitted.bias + fitted.weights[0]! * x);
    expect(fitted.weights[0]).toBeGreaterThan(0);
    expect(p(0.7)).toBeGreaterThan(0.9);
    expect(p(0.3)).toBeLessThan(0.1);
  });
});
