import type { FaceQuality, QualityIssue } from './types';

// Face quality from cheap measurements. Thresholds were set on the shared development photos so that
// every usable enrollment photo passes; they flag faces that are clearly poor, not merely imperfect.

export const QUALITY_THRESHOLDS = {
  /** Shorter side of the face box in original pixels. */
  minSizePx: 40,
  /** Normalised variance of the Laplacian (see sharpness()). */
  minSharpness: 0.08,
  /** Head turned further than this (degrees) loses too much of the face. */
  maxYaw: 40,
  maxPitch: 35,
  minBrightness: 0.15,
  maxBrightness: 0.92,
  minDetectionScore: 0.6,
} as const;

export interface Point {
  x: number;
  y: number;
}

/**
 * Variance of the 4-neighbour Laplacian of a grey square crop (0..255), divided by 1000 and capped
 * at 1: a focused face scores 0.2-1, a visibly blurred one under 0.08. The crop is a fixed size, so
 * the value does not depend on the face's resolution in the photo.
 */
export function sharpness(grey: Uint8Array, size: number): number {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const i = y * size + x;
      const lap = 4 * grey[i]! - grey[i - 1]! - grey[i + 1]! - grey[i - size]! - grey[i + size]!;
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  const mean = sum / n;
  return Math.min(1, (sumSq / n - mean * mean) / 1000);
}

export function brightness(grey: Uint8Array): number {
  let sum = 0;
  for (const v of grey) {
    sum += v;
  }
  return sum / grey.length / 255;
}

const mean = (points: Point[]): Point => ({
  x: points.reduce((s, p) => s + p.x, 0) / points.length,
  y: points.reduce((s, p) => s + p.y, 0) / points.length,
});

/**
 * Head pose from the 68 landmarks, approximated without a 3-D model:
 * - roll: angle of the line between the eye centres;
 * - yaw: where the nose tip sits between the jaw's two ends (0.5 = frontal), mapped through asin;
 * - pitch: where the nose tip sits between the eye line and the mouth (about 0.5 when level).
 * Good to ~10 degrees near frontal, which is what a quality gate needs.
 */
export function pose(landmarks: Point[]): { yaw: number; pitch: number; roll: number } {
  if (landmarks.length !== 68) {
    return { yaw: 0, pitch: 0, roll: 0 };
  }
  const leftEye = mean(landmarks.slice(36, 42));
  const rightEye = mean(landmarks.slice(42, 48));
  const nose = landmarks[30]!;
  const mouth = mean(landmarks.slice(48, 68));
  const jawLeft = landmarks[0]!;
  const jawRight = landmarks[16]!;
  const deg = (r: number) => (r * 180) / Math.PI;
  const roll = deg(Math.atan2(rightEye.y - leftEye.y, rightEye.x - leftEye.x));
  // Measure along the eye axis so a tilted (rolled) head does not read as turned.
  const axis = { x: Math.cos((roll * Math.PI) / 180), y: Math.sin((roll * Math.PI) / 180) };
  const along = (p: Point) => p.x * axis.x + p.y * axis.y;
  const span = along(jawRight) - along(jawLeft);
  const ratio = span > 0 ? (along(nose) - along(jawLeft)) / span : 0.5;
  const yaw = deg(Math.asin(Math.max(-1, Math.min(1, (ratio - 0.5) * 2))));
  const across = (p: Point) => -p.x * axis.y + p.y * axis.x;
  const eyeLine = (across(leftEye) + across(rightEye)) / 2;
  const vertical = across(mouth) - eyeLine;
  const pitchRatio = vertical > 0 ? (across(nose) - eyeLine) / vertical : 0.6;
  const pitch = deg(Math.asin(Math.max(-1, Math.min(1, (pitchRatio - 0.6) * 2.5))));
  return { yaw, pitch, roll };
}

export interface QualityInput {
  sizePx: number;
  sharpness: number;
  brightness: number;
  detectionScore: number;
  pose: { yaw: number; pitch: number; roll: number };
}

/** Combines the measures into issues and one 0..1 score (each factor 1 when comfortably good). */
export function assessQuality(input: QualityInput, t = QUALITY_THRESHOLDS): FaceQuality {
  const issues: QualityIssue[] = [];
  if (input.sizePx < t.minSizePx) {
    issues.push('TOO_SMALL');
  }
  if (input.sharpness < t.minSharpness) {
    issues.push('BLURRY');
  }
  if (Math.abs(input.pose.yaw) > t.maxYaw || Math.abs(input.pose.pitch) > t.maxPitch) {
    issues.push('POSE');
  }
  if (input.brightness < t.minBrightness) {
    issues.push('UNDEREXPOSED');
  }
  if (input.brightness > t.maxBrightness) {
    issues.push('OVEREXPOSED');
  }
  if (input.detectionScore < t.minDetectionScore) {
    issues.push('LOW_DETECTION_SCORE');
  }
  const clamp = (v: number) => Math.max(0, Math.min(1, v));
  const size = clamp(input.sizePx / (2 * t.minSizePx));
  const focus = clamp(input.sharpness / (2 * t.minSharpness));
  const turn = clamp(
    Math.cos((input.pose.yaw * Math.PI) / 180) * Math.cos((input.pose.pitch * Math.PI) / 180),
  );
  const light = clamp(1 - Math.abs(input.brightness - 0.5) * 1.2);
  const score = Math.round(size * focus * turn * light * 1000) / 1000;
  return {
    sizePx: Math.round(input.sizePx),
    sharpness: Math.round(input.sharpness * 1000) / 1000,
    yaw: Math.round(input.pose.yaw),
    pitch: Math.round(input.pose.pitch),
    roll: Math.round(input.pose.roll),
    brightness: Math.round(input.brightness * 1000) / 1000,
    score,
    issues,
  };
}
