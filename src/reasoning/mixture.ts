/**
 * The mixture of eq. 3 in image pixels, in log space: p(y) = Σ_k p_k N(y; mu_k, diag(s_k²)) for a whole shape y (2N
 * values) or for one landmark's position, where mu_k is class k's centre placed in the face's box and s_k =
 * sigma_k / √2 per coordinate, scaled by the box's width and height (see `landmarkMoments.ts`). Log-sum-exp keeps
 * far-away shapes finite (a log density of −1e5 rather than log 0).
 */
import { ShapeError, ValueError } from '../errors';
import type { Box } from '../types';
import { describe } from '../util/validate';
import { landmarkResolve, tableScheme, type LandmarkRef } from './landmarkRef';
import type { PosteriorLike, ReasoningTable } from './posterior';
import { prepare, prepareBox } from './support';

const LOG_2PI = Math.log(2 * Math.PI);

/** @internal log Σ exp(a_i) of the entries, finite whenever one entry is. */
export function logSumExp(a: Float64Array): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.exp(a[i] - m);
  return m + Math.log(s);
}

/**
 * log p(shape) under the mixture, for a shape in image pixels (2N values; natural log of a density per pixel^2N).
 * The negative log-likelihood of a true shape is its negative.
 * @example const nll = -mixtureLogDensity(sp, table, box, sample.landmarks)
 */
export function mixtureLogDensity(
  posterior: PosteriorLike,
  table: ReasoningTable,
  box: Box,
  shape: Float32Array | Float64Array,
): number {
  const fn = 'mixtureLogDensity';
  const s = prepare(fn, posterior, table);
  const f = prepareBox(fn, box);
  const N = table.nPoints;
  const D = 2 * N;
  if (!(shape instanceof Float32Array || shape instanceof Float64Array) || shape.length !== D) {
    throw new ShapeError(
      `${fn}: argument 'shape' expected ${D} values (N = ${N} points), got ${describe(shape)}`,
    );
  }
  for (let d = 0; d < D; d++) {
    if (!Number.isFinite(shape[d])) {
      throw new ValueError(`${fn}: argument 'shape' expected finite coordinates, got ${shape[d]} at ${d}`);
    }
  }
  const terms = new Float64Array(s.indices.length);
  for (let i = 0; i < terms.length; i++) {
    const k = s.indices[i];
    const sx = Math.max(table.sigma[k] * f.sdx, 1e-12);
    const sy = Math.max(table.sigma[k] * f.sdy, 1e-12);
    const o = k * D;
    let q = 0;
    for (let j = 0; j < N; j++) {
      const dx = (shape[2 * j] - (f.x + table.centers[o + 2 * j] * f.w)) / sx;
      const dy = (shape[2 * j + 1] - (f.y + table.centers[o + 2 * j + 1] * f.h)) / sy;
      q += dx * dx + dy * dy;
    }
    terms[i] = Math.log(s.weights[i]) - 0.5 * q - N * (LOG_2PI + Math.log(sx) + Math.log(sy));
  }
  return logSumExp(terms);
}

/**
 * log p(landmark at (x, y)) under the mixture's marginal for that landmark (natural log of a density per pixel²).
 * @example const ll = landmarkLogDensity(sp, table, box, 'noseTip', 120.5, 88)
 */
export function landmarkLogDensity(
  posterior: PosteriorLike,
  table: ReasoningTable,
  box: Box,
  landmark: LandmarkRef,
  x: number,
  y: number,
): number {
  const fn = 'landmarkLogDensity';
  const s = prepare(fn, posterior, table);
  const f = prepareBox(fn, box);
  const j = landmarkResolve(fn, landmark, tableScheme(table));
  if (!Number.isFinite(x) || !Number.isFinite(y)) {
    throw new ValueError(`${fn}: arguments 'x', 'y' expected finite pixel coordinates, got (${x}, ${y})`);
  }
  const D = 2 * table.nPoints;
  const terms = new Float64Array(s.indices.length);
  for (let i = 0; i < terms.length; i++) {
    const k = s.indices[i];
    const sx = Math.max(table.sigma[k] * f.sdx, 1e-12);
    const sy = Math.max(table.sigma[k] * f.sdy, 1e-12);
    const dx = (x - (f.x + table.centers[k * D + 2 * j] * f.w)) / sx;
    const dy = (y - (f.y + table.centers[k * D + 2 * j + 1] * f.h)) / sy;
    terms[i] = Math.log(s.weights[i]) - 0.5 * (dx * dx + dy * dy) - LOG_2PI - Math.log(sx) - Math.log(sy);
  }
  return logSumExp(terms);
}
