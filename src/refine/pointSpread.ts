/**
 * Per-point uncertainty from the posterior: the spread of each landmark over the classes, Σ_k p_k ‖mu_kj − ȳ_j‖²
 * (square-rooted), in pixels of the box, over the classes holding all but `tolerance` of the mass (at most
 * `maxClasses` of them). Pure typed arrays.
 */
import { ShapeError } from '../errors';
import { boxValidate } from '../landmarks/box';
import { topIndices } from '../model/predict';
import type { Box } from '../types';
import { assertInRange, assertInteger, describe } from '../util/validate';

/** Options of {@link pointSpread}. */
export interface PointSpreadOptions {
  /** Mass that may be left out (smallest classes first). @default 0.01 */
  tolerance?: number;
  /** Most classes summed. @default 512 */
  maxClasses?: number;
}

/**
 * The spread of each of N points (pixels) under a posterior over K classes with centres (K × 2N, box coordinates).
 * @example const sd = pointSpread(p.posterior, model.table.centers, 68, p.box)
 */
export function pointSpread(
  posterior: Float32Array,
  centers: Float32Array,
  nPoints: number,
  box: Box,
  opts: PointSpreadOptions = {},
): Float32Array {
  const fn = 'pointSpread';
  assertInteger(fn, 'nPoints', nPoints, 1);
  const dim = 2 * nPoints;
  if (!(posterior instanceof Float32Array) || posterior.length === 0) {
    throw new ShapeError(
      `${fn}: argument 'posterior' expected a non-empty Float32Array, got ${describe(posterior)}`,
    );
  }
  const K = posterior.length;
  if (!(centers instanceof Float32Array) || centers.length !== K * dim) {
    throw new ShapeError(
      `${fn}: argument 'centers' expected K × 2N = ${K} × ${dim} values (one centre per posterior class), got ${describe(centers)}`,
    );
  }
  boxValidate(fn, 'box', box);
  const tolerance = opts.tolerance ?? 0.01;
  const maxClasses = opts.maxClasses ?? 512;
  assertInRange(fn, 'opts.tolerance', tolerance, 0, 1);
  assertInteger(fn, 'opts.maxClasses', maxClasses, 1);
  const order = topIndices(posterior, Math.min(K, maxClasses));
  let mass = 0;
  let used = 0;
  while (used < order.length && mass < 1 - tolerance) mass += posterior[order[used++]];
  const mean = new Float64Array(dim);
  for (let r = 0; r < used; r++) {
    const k = order[r];
    const p = posterior[k];
    for (let j = 0; j < dim; j++) mean[j] += p * centers[k * dim + j];
  }
  for (let j = 0; j < dim; j++) mean[j] /= mass;
  const out = new Float32Array(nPoints);
  for (let r = 0; r < used; r++) {
    const k = order[r];
    const p = posterior[k];
    for (let j = 0; j < nPoints; j++) {
      const dx = (centers[k * dim + 2 * j] - mean[2 * j]) * box.width;
      const dy = (centers[k * dim + 2 * j + 1] - mean[2 * j + 1]) * box.height;
      out[j] += p * (dx * dx + dy * dy);
    }
  }
  for (let j = 0; j < nPoints; j++) out[j] = Math.sqrt(out[j] / mass);
  return out;
}
