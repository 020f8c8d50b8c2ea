/**
 * Principal component analysis on typed arrays, for 2D pictures of embeddings: the covariance (D × D, float64) and
 * its leading eigenvectors by subspace iteration with Gram-Schmidt (deterministic start; D ≤ a few thousand).
 */
import { ValueError } from '../errors';
import { assertInteger, describe } from '../util/validate';

/** What {@link pca} returns. */
export interface PcaResult {
  /** n × c projections of the rows on the components (centred). */
  coords: Float32Array;
  /** c × D unit components, by decreasing variance; the sign makes each one's largest entry positive. */
  components: Float64Array;
  /** Variance along each component. */
  variances: Float64Array;
  /** Share of the total variance along each component. */
  explained: Float64Array;
  /** The mean row (D). */
  mean: Float64Array;
}

/** Options of {@link pca}. */
export interface PcaOptions {
  /** Number of components. @default 2 */
  components?: number;
  /** Most subspace iterations. @default 1000 */
  maxIterations?: number;
  /** Stop when no component moves by more than this (1 − |cos|). @default 1e-12 */
  tolerance?: number;
}

/**
 * The first principal components of n rows of length D (row-major).
 * @example const { coords, explained } = neighbors.pca(features, D) // coords: n × 2
 */
export function pca(rows: Float32Array, D: number, opts: PcaOptions = {}): PcaResult {
  const fn = 'pca';
  assertInteger(fn, 'D', D, 1);
  if (!(rows instanceof Float32Array) || rows.length === 0 || rows.length % D !== 0) {
    throw new ValueError(
      `${fn}: argument 'rows' expected a non-empty Float32Array of rows of length ${D}, got ${describe(rows)}`,
    );
  }
  const n = rows.length / D;
  if (n < 2) throw new ValueError(`${fn}: argument 'rows' expected at least 2 rows, got ${n}`);
  const c = opts.components ?? 2;
  assertInteger(fn, 'components', c, 1, D);
  const maxIt = opts.maxIterations ?? 1000;
  assertInteger(fn, 'maxIterations', maxIt, 1);
  const tol = opts.tolerance ?? 1e-12;
  const mean = new Float64Array(D);
  for (let r = 0; r < n; r++) for (let j = 0; j < D; j++) mean[j] += rows[r * D + j];
  for (let j = 0; j < D; j++) {
    if (!Number.isFinite(mean[j]))
      throw new ValueError(`${fn}: argument 'rows' holds a non-finite value in column ${j}`);
    mean[j] /= n;
  }
  const cov = new Float64Array(D * D);
  const x = new Float64Array(D);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < D; j++) x[j] = rows[r * D + j] - mean[j];
    for (let a = 0; a < D; a++) {
      const xa = x[a];
      if (xa === 0) continue;
      const o = a * D;
      for (let b = a; b < D; b++) cov[o + b] += xa * x[b];
    }
  }
  let total = 0;
  for (let a = 0; a < D; a++) {
    for (let b = a; b < D; b++) {
      cov[a * D + b] /= n - 1;
      cov[b * D + a] = cov[a * D + b];
    }
    total += cov[a * D + a];
  }
  // subspace iteration: V ← orth(C V)
  let V = new Float64Array(c * D);
  for (let q = 0; q < c; q++)
    for (let j = 0; j < D; j++) V[q * D + j] = Math.sin(1 + 7.3 * q + 3.1 * j) + (j === q ? 1 : 0);
  orthonormalize(V, c, D);
  for (let it = 0; it < maxIt; it++) {
    const W = new Float64Array(c * D);
    for (let q = 0; q < c; q++) {
      for (let a = 0; a < D; a++) {
        let s = 0;
        const o = a * D;
        for (let b = 0; b < D; b++) s += cov[o + b] * V[q * D + b];
        W[q * D + a] = s;
      }
    }
    orthonormalize(W, c, D);
    let moved = 0;
    for (let q = 0; q < c; q++) {
      let dot = 0;
      for (let j = 0; j < D; j++) dot += W[q * D + j] * V[q * D + j];
      moved = Math.max(moved, 1 - Math.abs(dot));
    }
    V = W;
    if (moved < tol) break;
  }
  const variances = new Float64Array(c);
  for (let q = 0; q < c; q++) {
    let big = 0;
    for (let j = 0; j < D; j++) if (Math.abs(V[q * D + j]) > Math.abs(V[q * D + big])) big = j;
    if (V[q * D + big] < 0) for (let j = 0; j < D; j++) V[q * D + j] = -V[q * D + j];
    let s = 0;
    for (let a = 0; a < D; a++) {
      let t = 0;
      for (let b = 0; b < D; b++) t += cov[a * D + b] * V[q * D + b];
      s += V[q * D + a] * t;
    }
    variances[q] = s;
  }
  const coords = new Float32Array(n * c);
  for (let r = 0; r < n; r++) {
    for (let q = 0; q < c; q++) {
      let s = 0;
      for (let j = 0; j < D; j++) s += (rows[r * D + j] - mean[j]) * V[q * D + j];
      coords[r * c + q] = s;
    }
  }
  const explained = Float64Array.from(variances, (v) => (total > 0 ? v / total : 0));
  return { coords, components: V, variances, explained, mean };
}

/** Gram-Schmidt on the c rows of V (in place); a vanishing row is replaced by a unit axis orthogonal to the others. */
function orthonormalize(V: Float64Array, c: number, D: number): void {
  const project = (q: number): number => {
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < q; p++) {
        let dot = 0;
        for (let j = 0; j < D; j++) dot += V[q * D + j] * V[p * D + j];
        for (let j = 0; j < D; j++) V[q * D + j] -= dot * V[p * D + j];
      }
    }
    let s = 0;
    for (let j = 0; j < D; j++) s += V[q * D + j] ** 2;
    return Math.sqrt(s);
  };
  for (let q = 0; q < c; q++) {
    let norm = project(q);
    // a rank-deficient covariance maps some directions to 0: take the first axis not yet spanned
    for (let axis = 0; norm < 1e-150 && axis < D; axis++) {
      V.fill(0, q * D, (q + 1) * D);
      V[q * D + axis] = 1;
      norm = project(q);
      if (norm < 0.5) norm = 0;
    }
    for (let j = 0; j < D; j++) V[q * D + j] /= norm;
  }
}
