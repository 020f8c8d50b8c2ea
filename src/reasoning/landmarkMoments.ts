/**
 * Per-landmark marginals of the mixture (eq. 3) in image pixels: mean, 2×2 covariance, an uncertainty ellipse and a
 * scalar spread — the per-point confidence. Under class k landmark j is Gaussian around mu_kj with per-coordinate sd
 * s_k = sigma_k / √2 (box units, scaled by the box's width and height), so the mixture's moments are exact:
 * mean m_j = Σ_k p_k mu_kj, Cov_j = Σ_k p_k (diag(s_kx², s_ky²) + (mu_kj − m_j)(mu_kj − m_j)ᵀ).
 */
import { ValueError } from '../errors';
import type { Box } from '../types';
import { assertInRange } from '../util/validate';
import { chi2Radius2 } from './normal';
import type { PosteriorLike, PosteriorSupport, ReasoningTable } from './posterior';
import { prepare, prepareBox, type PixelFrame } from './support';

/** An ellipse in pixels: centre, semi-axes (major ≥ minor) and the major axis's angle (radians from +x, y down). */
export interface Ellipse {
  cx: number;
  cy: number;
  major: number;
  minor: number;
  angle: number;
}

/** What `landmarkEllipses` returns, one entry per landmark. */
export interface LandmarkMoments {
  /** Expected shape in pixels (2N, interleaved): the posterior mean of every landmark. */
  mean: Float64Array;
  /** Covariances, 3 per landmark: [xx, xy, yy] (pixels²). */
  cov: Float64Array;
  /** Spread per landmark: sqrt(tr Cov_j), the RMS distance of the landmark from its mean, in pixels. */
  spread: Float64Array;
  /** The `level` ellipse of each landmark (the region of a Gaussian with its mean and covariance holding `level`). */
  ellipses: Ellipse[];
  /** The ellipses' probability level. */
  level: number;
  /** Mass of the full posterior the computation left out (the sparse posterior's ε; 0 for dense). */
  epsilon: number;
}

/** Options of `landmarkEllipses`. */
export interface LandmarkEllipsesOptions {
  /** Probability level of the ellipses. @default 0.95 */
  level?: number;
}

/** @internal Mean (2N) and covariance (3N) over a support, in pixels. */
export function momentsOf(
  s: PosteriorSupport,
  table: ReasoningTable,
  f: PixelFrame,
): { mean: Float64Array; cov: Float64Array } {
  const N = table.nPoints;
  const D = 2 * N;
  const { centers, sigma } = table;
  const { indices, weights } = s;
  const mx = new Float64Array(N);
  const my = new Float64Array(N);
  const sxx = new Float64Array(N);
  const sxy = new Float64Array(N);
  const syy = new Float64Array(N);
  let wVar = 0; // Σ p_k sigma_k² (the within-class part, the same for every landmark)
  // moments in box coordinates first (one pass), then to pixels
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    const w = weights[i];
    if (w === 0) continue;
    wVar += w * sigma[k] * sigma[k];
    const o = k * D;
    for (let j = 0; j < N; j++) {
      const x = centers[o + 2 * j];
      const y = centers[o + 2 * j + 1];
      mx[j] += w * x;
      my[j] += w * y;
      sxx[j] += w * x * x;
      sxy[j] += w * x * y;
      syy[j] += w * y * y;
    }
  }
  const mean = new Float64Array(D);
  const cov = new Float64Array(3 * N);
  const within = wVar / 2;
  for (let j = 0; j < N; j++) {
    const vx = Math.max(0, sxx[j] - mx[j] * mx[j]) + within;
    const vy = Math.max(0, syy[j] - my[j] * my[j]) + within;
    const cxy = sxy[j] - mx[j] * my[j];
    mean[2 * j] = f.x + mx[j] * f.w;
    mean[2 * j + 1] = f.y + my[j] * f.h;
    cov[3 * j] = vx * f.w * f.w;
    cov[3 * j + 1] = cxy * f.w * f.h;
    cov[3 * j + 2] = vy * f.h * f.h;
  }
  return { mean, cov };
}

/** @internal The ellipse of a 2×2 covariance holding `r2` (chi-square radius²). */
export function ellipseOf(cx: number, cy: number, xx: number, xy: number, yy: number, r2: number): Ellipse {
  const tr = xx + yy;
  const det = xx * yy - xy * xy;
  const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
  const l1 = Math.max(0, tr / 2 + disc);
  const l2 = Math.max(0, tr / 2 - disc);
  const angle = xy === 0 && xx >= yy ? 0 : xy === 0 ? Math.PI / 2 : Math.atan2(l1 - xx, xy);
  return { cx, cy, major: Math.sqrt(r2 * l1), minor: Math.sqrt(r2 * l2), angle };
}

/**
 * Every landmark's posterior mean, covariance, `level` ellipse and spread in image pixels, for a face in `box`.
 * One pass over the posterior's support × N.
 * @example const m = landmarkEllipses(posteriorTop(pred.posterior), table, detection); m.spread // px per point
 */
export function landmarkEllipses(
  posterior: PosteriorLike,
  table: ReasoningTable,
  box: Box,
  opts: LandmarkEllipsesOptions = {},
): LandmarkMoments {
  const fn = 'landmarkEllipses';
  const s = prepare(fn, posterior, table);
  const f = prepareBox(fn, box);
  const level = opts.level ?? 0.95;
  assertInRange(fn, 'level', level, 0, 1);
  if (level >= 1) throw new ValueError(`${fn}: argument 'level' expected a number < 1, got ${level}`);
  const { mean, cov } = momentsOf(s, table, f);
  const N = table.nPoints;
  const r2 = chi2Radius2(level);
  const spread = new Float64Array(N);
  const ellipses: Ellipse[] = [];
  for (let j = 0; j < N; j++) {
    spread[j] = Math.sqrt(cov[3 * j] + cov[3 * j + 2]);
    ellipses.push(ellipseOf(mean[2 * j], mean[2 * j + 1], cov[3 * j], cov[3 * j + 1], cov[3 * j + 2], r2));
  }
  return { mean, cov, spread, ellipses, level, epsilon: s.epsilon };
}

/**
 * The posterior's expected shape in image pixels (Float32Array 2N, like `model.predict`'s expectedShape).
 * @example const shape = posteriorShape(condition.posterior, table, box)
 */
export function posteriorShape(posterior: PosteriorLike, table: ReasoningTable, box: Box): Float32Array {
  const fn = 'posteriorShape';
  const s = prepare(fn, posterior, table);
  const f = prepareBox(fn, box);
  return shapeOf(s, table, f);
}

/** @internal The expected shape (pixels) of a support. */
export function shapeOf(s: PosteriorSupport, table: ReasoningTable, f: PixelFrame): Float32Array {
  const D = 2 * table.nPoints;
  const acc = new Float64Array(D);
  const { indices, weights } = s;
  for (let i = 0; i < indices.length; i++) {
    const w = weights[i];
    if (w === 0) continue;
    const o = indices[i] * D;
    for (let d = 0; d < D; d++) acc[d] += w * table.centers[o + d];
  }
  const out = new Float32Array(D);
  for (let d = 0; d < D; d += 2) {
    out[d] = f.x + acc[d] * f.w;
    out[d + 1] = f.y + acc[d + 1] * f.h;
  }
  return out;
}
