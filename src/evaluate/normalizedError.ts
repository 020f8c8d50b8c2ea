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
import { type PointSet, pointSetIndices } from './pointSet';

export interface NormalizedErrorOptions {
  /** @default 'bbox-diagonal' (300-VW) */
  normalization?: Normalization;
  /** The landmark scheme (eye corners, pupils, inner points). @default schemeFor(N) */
  scheme?: LandmarkScheme;
  /**
   * Which points the mean error runs over: 'all', 'inner' (the scheme's `innerPoints`: the 49 of 300-W / 300-VW)
   * or a list of indices (e.g. `ibug68.groups.rightEye`). The normaliser is measured on the whole ground truth.
   * @default 'all'
   */
  points?: PointSet;
}

/**
 * Mean point error of `pred` against `gt`, divided by the ground truth's normalising distance.
 * A degenerate ground truth (normaliser 0) is a ValueError.
 * @example normalizedError(pred, gt, { normalization: 'inter-ocular' }) // 300-W NME
 */
export function normalizedError(pred: Shape, gt: Shape, options: NormalizedErrorOptions = {}): number {
  const fn = 'normalizedError';
  const n = assertShapePair(fn, pred, gt);
  const normalization = options.normalization ?? 'bbox-diagonal';
  const norm = normalizerFor(fn, normalization, n, options.scheme);
  const idx = pointSetIndices(fn, options.points ?? 'all', n, options.scheme);
  return errorsOf(fn, pred, gt, n, 1, norm, normalization, idx)[0];
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
  const normalization = options.normalization ?? 'bbox-diagonal';
  const norm = normalizerFor(fn, normalization, nPoints, options.scheme);
  const idx = pointSetIndices(fn, options.points ?? 'all', nPoints, options.scheme);
  return errorsOf(fn, pred, gt, nPoints, gt.length / (2 * nPoints), norm, normalization, idx);
}

function errorsOf(
  fn: string,
  pred: Float32Array,
  gt: Float32Array,
  n: number,
  B: number,
  norm: (gt: Float32Array, m: number) => number,
  normalization: Normalization,
  idx: Int32Array,
): Float64Array {
  const out = new Float64Array(B);
  for (let m = 0; m < B; m++) {
    const d = norm(gt, m);
    if (!(d > 0)) {
      const what =
        normalization === 'inter-ocular'
          ? 'the outer-eye-corner distance'
          : normalization === 'inter-pupil'
            ? 'the pupil distance'
            : 'the box diagonal';
      throw new ValueError(
        `${fn}: ground truth ${m} is degenerate: its normalising distance is ${d} (${what}, normalization '${normalization}'), expected > 0`,
      );
    }
    const o = m * 2 * n;
    let s = 0;
    for (let q = 0; q < idx.length; q++) {
      const i = idx[q];
      s += Math.hypot(pred[o + 2 * i] - gt[o + 2 * i], pred[o + 2 * i + 1] - gt[o + 2 * i + 1]);
    }
    out[m] = s / idx.length / d;
  }
  return out;
}
