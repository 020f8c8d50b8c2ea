/**
 * Normalised landmark error of one face or a batch: the mean point-to-point Euclidean error divided by a
 * normalising distance of the ground truth (see normalizer.ts): 'bbox-diagonal' for 300-VW,
 * 'inter-ocular' for 300-W.
 */
import { ShapeError, ValueError } from '../errors';
import type { LandmarkScheme } from '../landmarks/scheme';
import type { Shape } from '../types';
import { assertPackedShapes } from '../classes/packedShapes';
import { type Normalization, normalizerFor } from './normalizer';
import { assertShapePair } from './pointErrors';

/** Options of `normalizedError` and `normalizedErrors`. */
export interface NormalizedErrorOptions {
  /** @default 'bbox-diagonal' (300-VW) */
  normalization?: Normalization;
  /** The landmark scheme (eye corners, pupils). @default schemeFor(N) */
  scheme?: LandmarkScheme;
}

/**
 * Mean point error of `pred` against `gt`, divided by the ground truth's normalising distance.
 * A degenerate ground truth (normaliser 0) is a ValueError.
 * @example normalizedError(pred, gt, { normalization: 'inter-ocular' }) // 300-W NME
 */
export function normalizedError(pred: Shape, gt: Shape, options: NormalizedErrorOptions = {}): number {
  const fn = 'normalizedError';
  const n = assertShapePair(fn, pred, gt);
  const norm = normalizerFor(fn, options.normalization ?? 'bbox-diagonal', n, options.scheme);
  return errorsOf(fn, pred, gt, n, 1, norm)[0];
}

/**
 * Normalised errors of B faces in packed arrays (B × 2N each).
 * @example const nme = normalizedErrors(preds, gts, 68) // Float64Array of B errors
 */
export function normalizedErrors(
  pred: Float32Array,
  gt: Float32Array,
  nPoints: number,
  options: NormalizedErrorOptions = {},
): Float64Array {
  const fn = 'normalizedErrors';
  assertPackedShapes(fn, 'pred', pred, nPoints);
  assertPackedShapes(fn, 'gt', gt, nPoints);
  if (pred.length !== gt.length) {
    throw new ShapeError(
      `${fn}: argument 'pred' expected ${gt.length / (2 * nPoints)} shapes like 'gt', got ${pred.length / (2 * nPoints)}`,
    );
  }
  const norm = normalizerFor(fn, options.normalization ?? 'bbox-diagonal', nPoints, options.scheme);
  return errorsOf(fn, pred, gt, nPoints, gt.length / (2 * nPoints), norm);
}

function errorsOf(
  fn: string,
  pred: Float32Array,
  gt: Float32Array,
  n: number,
  B: number,
  norm: (gt: Float32Array, m: number) => number,
): Float64Array {
  const out = new Float64Array(B);
  for (let m = 0; m < B; m++) {
    const d = norm(gt, m);
    if (!(d > 0)) {
      throw new ValueError(`${fn}: ground truth ${m} is degenerate: its normalising distance is ${d}`);
    }
    const o = m * 2 * n;
    let s = 0;
    for (let i = 0; i < n; i++)
      s += Math.hypot(pred[o + 2 * i] - gt[o + 2 * i], pred[o + 2 * i + 1] - gt[o + 2 * i + 1]);
    out[m] = s / n / d;
  }
  return out;
}
