/** Per-point Euclidean errors between a predicted and a ground-truth shape. */
import { ShapeError } from '../errors';
import { shapeValidate } from '../landmarks/shape';
import type { Shape } from '../types';

/** Checks a prediction / ground-truth pair of equal point counts; returns N. */
export function assertShapePair(fn: string, pred: unknown, gt: unknown, nPoints?: number): number {
  shapeValidate(fn, 'gt', gt, nPoints);
  const n = gt.length >> 1;
  if (!(pred instanceof Float32Array) || pred.length !== gt.length) {
    shapeValidate(fn, 'pred', pred);
    throw new ShapeError(
      `${fn}: argument 'pred' expected ${n} points like 'gt', got ${(pred as Float32Array).length >> 1} points`,
    );
  }
  shapeValidate(fn, 'pred', pred, n);
  return n;
}

/**
 * Euclidean distance of each predicted point to its ground truth (pixels, or whatever unit the shapes
 * share). `nPoints` is checked when given.
 * @example const e = pointErrors(pred, gt, 68) // e[i] = |pred_i − gt_i|
 */
export function pointErrors(pred: Shape, gt: Shape, nPoints?: number): Float32Array {
  const n = assertShapePair('pointErrors', pred, gt, nPoints);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.hypot(pred[2 * i] - gt[2 * i], pred[2 * i + 1] - gt[2 * i + 1]);
  return out;
}
