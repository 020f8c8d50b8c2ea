/**
 * k-means on packed shapes: exact accelerated k-means++ seeding, then Lloyd iterations whose
 * assignment step is a batched matrix product on the tfjs backend (blockDistances.nearestTwo, the nearest
 * decided exactly as in membership: any backend precision gives the same assignment) only for the rows
 * whose Hamerly bounds cannot rule out a change of cluster, with empty clusters re-seeded from the points
 * farthest from their centres.
 */
import { ValueError } from '../errors';
import { toRng } from '../util/rng';
import { assertInRange, assertInteger } from '../util/validate';
import {
  type BlockOptions,
  assertBlockOptions,
  exactD2,
  nearestTwo,
  prepareReference,
  releaseReference,
  rowMean,
} from './blockDistances';
import { kmeansPlusPlus } from './kmeansPlusPlus';
import { assertPackedShapes } from './packedShapes';

export interface KmeansOptions extends BlockOptions {
  /** Number of clusters, 1 ≤ K ≤ M. */
  K: number;
  /** Seed of the k-means++ draws. */
  seed: number;
  /**
   * Most Lloyd iterations.
   * @default 50
   */
  iterations?: number;
  /**
   * Stop when the summed squared centre shift of an iteration is at most `tolerance` × the mean
   * per-coordinate variance of the data (scikit-learn's rule), or when no assignment changes.
   * @default 1e-4
   */
  tolerance?: number;
}

/** What `kmeans` returns. */
export interface KmeansResult {
  /** K × 2N centres. */
  centers: Float32Array;
  /** Cluster of each shape (consistent with `centers`: the nearest centre). */
  assignment: Int32Array;
  /** Sum over shapes of the squared Euclidean distance (whole 2N-vector) to their centre. */
  inertia: number;
  /** Lloyd iterations run. */
  iterations: number;
  /** Empty clusters re-seeded, summed over iterations. */
  reseeded: number;
  /** Whether the tolerance or a fixed point was reached before the iteration limit. */
  converged: boolean;
  /**
   * Rows whose distances to all K centres were computed, summed over the assignment steps (M per step
   * without the bounds; Hamerly's bounds skip the rest).
   */
  rowsComputed: number;
}

/**
 * k-means of M packed shapes (M × 2N Float32Array, any coordinates; box coordinates in this library).
 * Deterministic for a seed on one backend.
 * @example const { centers, assignment } = kmeans(shapes, 68, { K: 100, seed: 1 })
 */
export function kmeans(shapes: Float32Array, nPoints: number, options: KmeansOptions): KmeansResult {
  const fn = 'kmeans';
  const M = assertPackedShapes(fn, 'shapes', shapes, nPoints);
  const { K, seed } = options;
  assertInteger(fn, 'K', K, 1);
  if (K > M) throw new ValueError(`kmeans: argument 'K' is larger than the data: K = ${K} > M = ${M} shapes`);
  assertInteger(fn, 'seed', seed, 0);
  const iterations = options.iterations ?? 50;
  assertInteger(fn, 'iterations', iterations, 0);
  const tolerance = options.tolerance ?? 1e-4;
  assertInRange(fn, 'tolerance', tolerance, 0, Infinity);
  assertBlockOptions(fn, options);
  return kmeansRun(shapes, M, 2 * nPoints, K, seed, iterations, tolerance, options);
}

function kmeansRun(
  data: Float32Array,
  M: number,
  dim: number,
  K: number,
  seed: number,
  maxIter: number,
  tolerance: number,
  blockOpts: BlockOptions,
): KmeansResult {
  const rng = toRng(seed);
  const seeds = kmeansPlusPlus(data, M, dim, K, rng);
  let centers: Float32Array = new Float32Array(K * dim);
  for (let k = 0; k < K; k++) centers.set(data.subarray(seeds[k] * dim, (seeds[k] + 1) * dim), k * dim);

  // Absolute tolerance: tolerance × mean per-coordinate variance.
  const mean = rowMean(data, M, dim);
  let variance = 0;
  for (let i = 0; i < M * dim; i++) variance += (data[i] - mean[i % dim]) ** 2;
  const tolAbs = (tolerance * variance) / (M * dim);

  // Hamerly's bounds (Euclidean, not squared): upper[i] ≥ d(x_i, c_assignment[i]),
  // lower[i] ≤ distance to the second-nearest centre. upper = ∞ forces a recomputation.
  const assignment = new Int32Array(M).fill(-1);
  const upper = new Float64Array(M).fill(Infinity);
  const lower = new Float64Array(M);
  let iter = 0;
  let reseeded = 0;
  let rowsComputed = 0;
  let converged = false;
  let fresh = false; // assignment consistent with `centers`

  /** One assignment step: bound checks, then the blocked top-2 for the rows whose bounds fail. */
  const assign = (): boolean => {
    const unsure: number[] = [];
    for (let i = 0; i < M; i++) {
      if (upper[i] <= lower[i]) continue;
      if (assignment[i] >= 0) {
        upper[i] = Math.sqrt(exactD2(data, i, centers, assignment[i], dim));
        if (upper[i] <= lower[i]) continue;
      }
      unsure.push(i);
    }
    const n = unsure.length;
    rowsComputed += n;
    if (n === 0) return false;
    let rows = data;
    if (n < M) {
      rows = new Float32Array(n * dim);
      for (let t = 0; t < n; t++) rows.set(data.subarray(unsure[t] * dim, (unsure[t] + 1) * dim), t * dim);
    }
    const idx = new Int32Array(n);
    const d1 = new Float64Array(n);
    const d2 = new Float64Array(n);
    const p = prepareReference(centers, K, dim, blockOpts, mean);
    try {
      nearestTwo(rows, n, centers, p, idx, d1, d2);
    } finally {
      releaseReference(p);
    }
    let changed = false;
    for (let t = 0; t < n; t++) {
      const i = unsure[t];
      if (idx[t] !== assignment[i]) changed = true;
      assignment[i] = idx[t];
      upper[i] = Math.sqrt(d1[t]);
      lower[i] = Math.sqrt(d2[t]);
    }
    return changed;
  };

  while (iter < maxIter) {
    const changed = assign();
    fresh = true;
    if (!changed && iter > 0) {
      converged = true;
      break;
    }
    iter++;
    const moved = reseedEmpty(assignment, upper, M, K, lower);
    reseeded += moved;
    const updated = centersOf(data, assignment, M, dim, K, centers);
    // Centre drifts loosen the bounds: upper grows by its centre's drift, lower shrinks by the largest
    // drift of another centre.
    const drift = new Float64Array(K);
    let shift = 0;
    let max1 = 0;
    let max2 = 0;
    let argMax = -1;
    for (let k = 0; k < K; k++) {
      const d = exactD2(updated, k, centers, k, dim);
      shift += d;
      drift[k] = Math.sqrt(d);
      if (drift[k] > max1) {
        max2 = max1;
        max1 = drift[k];
        argMax = k;
      } else if (drift[k] > max2) max2 = drift[k];
    }
    for (let i = 0; i < M; i++) {
      const a = assignment[i];
      upper[i] += drift[a];
      lower[i] -= a === argMax ? max2 : max1;
    }
    centers = updated;
    fresh = false;
    if (shift <= tolAbs) {
      converged = true;
      break;
    }
  }
  if (!fresh) assign();
  let inertia = 0;
  for (let i = 0; i < M; i++) inertia += exactD2(data, i, centers, assignment[i], dim);
  return { centers, assignment, inertia, iterations: iter, reseeded, converged, rowsComputed };
}

/**
 * Moves the farthest points (largest d2, from clusters with more than one member) into empty clusters,
 * one point per empty cluster, deterministically. Returns the number of clusters re-seeded. Exported for
 * tests only (not part of the public index).
 */
export function reseedEmpty(
  assignment: Int32Array,
  d2: Float64Array,
  M: number,
  K: number,
  lower?: Float64Array,
): number {
  const size = new Int32Array(K);
  for (let i = 0; i < M; i++) size[assignment[i]]++;
  const empty: number[] = [];
  for (let k = 0; k < K; k++) if (size[k] === 0) empty.push(k);
  if (empty.length === 0) return 0;
  const order = Array.from({ length: M }, (_, i) => i).sort((a, b) => d2[b] - d2[a] || a - b);
  let e = 0;
  for (const i of order) {
    if (e === empty.length) break;
    const from = assignment[i];
    if (size[from] <= 1) continue;
    size[from]--;
    assignment[i] = empty[e];
    size[empty[e]]++;
    d2[i] = 0;
    if (lower) lower[i] = -Infinity;
    e++;
  }
  return e;
}

/** Cluster means (float64 sums); a cluster left empty keeps its previous centre. */
function centersOf(
  data: Float32Array,
  assignment: Int32Array,
  M: number,
  dim: number,
  K: number,
  previous: Float32Array,
): Float32Array {
  const sum = new Float64Array(K * dim);
  const n = new Int32Array(K);
  for (let i = 0; i < M; i++) {
    const k = assignment[i];
    n[k]++;
    const o = i * dim;
    const c = k * dim;
    for (let j = 0; j < dim; j++) sum[c + j] += data[o + j];
  }
  const out = new Float32Array(K * dim);
  for (let k = 0; k < K; k++) {
    const c = k * dim;
    if (n[k] === 0) out.set(previous.subarray(c, c + dim), c);
    else for (let j = 0; j < dim; j++) out[c + j] = sum[c + j] / n[k];
  }
  return out;
}
