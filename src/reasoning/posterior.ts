/**
 * The posterior in its two forms, and the table it lives on. A posterior over the K classes of a table travels dense
 * (`Float32Array` / `Float64Array` of length K, summing to 1) or sparse (`SparsePosterior`: the fewest classes holding
 * 1 − ε of the mass, most probable first, with ε reported). Every reasoning function accepts either
 * (`PosteriorLike`); a sparse posterior is read as the kept classes renormalised, so any probability computed from it
 * (a heatmap's mass over a region, a marginal's bin) is within ε of the dense one's (total variation ≤ ε).
 *
 * Pure typed-array code (no TensorFlow, no DOM, no Node modules): the same file runs in the widgets.
 */
import { ShapeError, ValueError } from '../errors';
import { assertInteger, assertInRange, describe } from '../util/validate';
import { topOfWeights } from './posteriorTopOf';

/** A posterior kept to its most probable classes (see the module comment). */
export interface SparsePosterior {
  readonly kind: 'sparse-posterior';
  /** Classes in the full table. */
  readonly K: number;
  /** Kept classes, most probable first (distinct, in 0..K-1). */
  readonly indices: Int32Array;
  /** Their probabilities in the full posterior (sum = 1 − epsilon). */
  readonly probs: Float64Array;
  /** Mass left out (≥ 0). */
  readonly epsilon: number;
}

/** A dense posterior over the K classes, or a sparse one. */
export type PosteriorLike = Float32Array | Float64Array | SparsePosterior;

/**
 * The part of a class table that reasoning needs (`classes.ClassTable` satisfies it; so does the small table of
 * `posteriorCompact`). Centres and sigma are in box coordinates (see `classes/types.ts`).
 */
export interface ReasoningTable {
  readonly K: number;
  readonly nPoints: number;
  /** K × 2N centres mu_k in box coordinates, row-major. */
  readonly centers: Float32Array;
  /** K spreads sigma_k: the RMS point distance of the class's members (box units). */
  readonly sigma: Float32Array;
  /** K × 3 yaw, pitch, roll in degrees. */
  readonly pose: Float32Array;
  /** K × N fraction of members in which each landmark is visible. */
  readonly visibility: Float32Array;
  /** Landmark scheme name ('ibug68', …); when absent, `landmarks.schemeFor(nPoints)`. */
  readonly scheme?: string;
}

/** How far a posterior's total may be from 1 (float32 sums over K = 140,000 drift by ~1e-5). */
export const POSTERIOR_SUM_TOLERANCE = 1e-3;

/** Options of `posteriorTop`. */
export interface PosteriorTopOptions {
  /** Mass to keep: the fewest classes whose probabilities sum to at least this. @default 0.999 */
  mass?: number;
  /** At most this many classes (ε then grows past 1 − mass). @default K */
  maxClasses?: number;
}

function isSparse(p: unknown): p is SparsePosterior {
  return typeof p === 'object' && p !== null && (p as { kind?: unknown }).kind === 'sparse-posterior';
}

/**
 * Checks a posterior over K classes: a dense Float32Array / Float64Array of length K, or a SparsePosterior of that
 * K; finite, non-negative, summing to 1 within `POSTERIOR_SUM_TOLERANCE` (sparse: probs + epsilon). Throws
 * ShapeError for a length or K mismatch, ValueError for bad values, naming `fn`.
 * @example posteriorValidate('myFunction', prediction.posterior, table.K)
 */
export function posteriorValidate(fn: string, posterior: PosteriorLike, K: number): void {
  if (posterior instanceof Float32Array || posterior instanceof Float64Array) {
    if (posterior.length !== K) {
      throw new ShapeError(
        `${fn}: argument 'posterior' expected length K = ${K} (the table's classes), got length ${posterior.length}`,
      );
    }
    let s = 0;
    for (let k = 0; k < K; k++) {
      const v = posterior[k];
      if (!(v >= 0) || v === Infinity) {
        throw new ValueError(
          `${fn}: argument 'posterior' expected finite non-negative probabilities, got ${v} at class ${k}`,
        );
      }
      s += v;
    }
    assertSumOne(fn, s);
    return;
  }
  if (!isSparse(posterior)) {
    throw new ShapeError(
      `${fn}: argument 'posterior' expected a Float32Array, Float64Array or SparsePosterior, got ${describe(posterior)}`,
    );
  }
  if (posterior.K !== K) {
    throw new ShapeError(
      `${fn}: argument 'posterior' expected a sparse posterior over K = ${K} classes, got K = ${describe(posterior.K)}`,
    );
  }
  const { indices, probs, epsilon } = posterior;
  if (
    !(indices instanceof Int32Array) ||
    !(probs instanceof Float64Array) ||
    indices.length !== probs.length
  ) {
    throw new ShapeError(
      `${fn}: argument 'posterior' expected Int32Array indices and Float64Array probs of one length, got ${describe(indices)} and ${describe(probs)}`,
    );
  }
  if (indices.length === 0) {
    throw new ShapeError(`${fn}: argument 'posterior' expected at least one kept class, got none`);
  }
  if (!(epsilon >= 0 && epsilon <= 1)) {
    throw new ValueError(`${fn}: argument 'posterior' expected epsilon in [0, 1], got ${describe(epsilon)}`);
  }
  const seen = new Uint8Array(K);
  let s = epsilon;
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (!(k >= 0 && k < K)) {
      throw new ShapeError(
        `${fn}: argument 'posterior' expected class indices in 0..${K - 1}, got ${k} at ${i}`,
      );
    }
    if (seen[k])
      throw new ValueError(`${fn}: argument 'posterior' expected distinct classes, got ${k} twice`);
    seen[k] = 1;
    const v = probs[i];
    if (!(v >= 0) || v === Infinity) {
      throw new ValueError(
        `${fn}: argument 'posterior' expected finite non-negative probabilities, got ${v} at kept class ${i}`,
      );
    }
    s += v;
  }
  if (s - epsilon <= 0)
    throw new ValueError(`${fn}: argument 'posterior' expected positive kept mass, got 0`);
  assertSumOne(fn, s);
}

function assertSumOne(fn: string, s: number): void {
  if (!(Math.abs(s - 1) <= POSTERIOR_SUM_TOLERANCE)) {
    throw new ValueError(
      `${fn}: argument 'posterior' expected probabilities summing to 1 (within ${POSTERIOR_SUM_TOLERANCE}), got a sum of ${s}`,
    );
  }
}

/**
 * Checks that `table` has the fields reasoning reads, with consistent lengths. Throws ShapeError / ValueError.
 * @example tableValidate('myFunction', model.table)
 */
export function tableValidate(fn: string, table: ReasoningTable): void {
  if (typeof table !== 'object' || table === null) {
    throw new ValueError(`${fn}: argument 'table' expected a class table, got ${describe(table)}`);
  }
  const { K, nPoints } = table;
  if (!Number.isInteger(K) || K < 1 || !Number.isInteger(nPoints) || nPoints < 1) {
    throw new ValueError(
      `${fn}: argument 'table' expected positive integer K and nPoints, got K = ${describe(K)}, nPoints = ${describe(nPoints)}`,
    );
  }
  const want: Array<[keyof ReasoningTable, number]> = [
    ['centers', K * 2 * nPoints],
    ['sigma', K],
    ['pose', 3 * K],
    ['visibility', K * nPoints],
  ];
  for (const [name, n] of want) {
    const a = table[name];
    if (!(a instanceof Float32Array) || a.length !== n) {
      throw new ShapeError(
        `${fn}: argument 'table' expected ${name} as a Float32Array of length ${n}, got ${describe(a)}`,
      );
    }
  }
}

/**
 * The posterior as (class, probability) pairs renormalised over its support: dense → its non-zero classes (ε = 0),
 * sparse → its kept classes divided by 1 − ε. What every reasoning function iterates over. No validation.
 */
export interface PosteriorSupport {
  readonly indices: Int32Array;
  /** Sums to 1. */
  readonly weights: Float64Array;
  /** Mass the support leaves out of the full posterior. */
  readonly epsilon: number;
}

/** @internal The support of a (validated) posterior; see PosteriorSupport. */
export function posteriorSupport(p: PosteriorLike): PosteriorSupport {
  if (isSparse(p)) {
    let s = 0;
    for (let i = 0; i < p.probs.length; i++) s += p.probs[i];
    const weights = new Float64Array(p.probs.length);
    for (let i = 0; i < weights.length; i++) weights[i] = p.probs[i] / s;
    return { indices: p.indices, weights, epsilon: p.epsilon };
  }
  let n = 0;
  let s = 0;
  for (let k = 0; k < p.length; k++) {
    if (p[k] > 0) {
      n++;
      s += p[k];
    }
  }
  const indices = new Int32Array(n);
  const weights = new Float64Array(n);
  for (let k = 0, j = 0; k < p.length; k++) {
    if (p[k] > 0) {
      indices[j] = k;
      weights[j++] = p[k] / s;
    }
  }
  return { indices, weights, epsilon: 0 };
}

/**
 * The sparse form of a dense posterior: the fewest classes whose probabilities sum to at least `mass` (most probable
 * first; ties by class index), capped at `maxClasses`, with ε = the mass left out. Linear in K plus a sort of the
 * candidates (one pass buckets the probabilities by magnitude, so only the classes above the cut are sorted).
 * @example const sp = posteriorTop(prediction.posterior, { mass: 0.999 }) // sp.indices.length ≪ K, sp.epsilon ≤ 0.001
 */
export function posteriorTop(
  posterior: Float32Array | Float64Array,
  opts: PosteriorTopOptions = {},
): SparsePosterior {
  const fn = 'posteriorTop';
  if (!(posterior instanceof Float32Array || posterior instanceof Float64Array)) {
    throw new ShapeError(
      `${fn}: argument 'posterior' expected a dense Float32Array or Float64Array, got ${describe(posterior)}`,
    );
  }
  const K = posterior.length;
  if (K === 0) throw new ShapeError(`${fn}: argument 'posterior' expected length K ≥ 1, got length 0`);
  posteriorValidate(fn, posterior, K);
  const mass = opts.mass ?? 0.999;
  assertInRange(fn, 'mass', mass, 0, 1);
  const maxClasses = opts.maxClasses ?? K;
  assertInteger(fn, 'maxClasses', maxClasses, 1);
  let total = 0;
  for (let k = 0; k < K; k++) total += posterior[k];
  const top = topOfWeights(null, posterior, mass, maxClasses);
  const indices = top.indices;
  const probs = new Float64Array(indices.length);
  let kept = 0;
  for (let i = 0; i < indices.length; i++) kept += probs[i] = posterior[indices[i]] / total;
  return { kind: 'sparse-posterior', K, indices, probs, epsilon: Math.max(0, 1 - kept) };
}

/** What `posteriorCompact` returns: a posterior over a small table of only the kept classes. */
export interface CompactPosterior {
  /** Probabilities over the compact table's classes (sum to 1: the kept classes renormalised). */
  posterior: Float64Array;
  /** The kept classes' rows of the full table (K = kept classes). */
  table: ReasoningTable;
  /** Compact class i is class `indices[i]` of the full table. */
  indices: Int32Array;
  /** Mass the compact posterior leaves out of the full one. */
  epsilon: number;
}

/**
 * A small table of only the classes a posterior keeps, with the posterior over it: what a widget carries in its page
 * (at K = 140,000 the full centres are 38 MB; a sparse posterior's few hundred classes are kilobytes). A dense
 * posterior keeps its non-zero classes. Every reasoning function gives the same results on the compact pair.
 * @example const c = posteriorCompact(posteriorTop(p), table); posteriorHeatmap(c.posterior, c.table, box, { landmark: 'noseTip' })
 */
export function posteriorCompact(p: PosteriorLike, table: ReasoningTable): CompactPosterior {
  const fn = 'posteriorCompact';
  tableValidate(fn, table);
  posteriorValidate(fn, p, table.K);
  const { indices, weights, epsilon } = posteriorSupport(p);
  const n = indices.length;
  const N = table.nPoints;
  const D = 2 * N;
  const centers = new Float32Array(n * D);
  const sigma = new Float32Array(n);
  const pose = new Float32Array(3 * n);
  const visibility = new Float32Array(n * N);
  for (let i = 0; i < n; i++) {
    const k = indices[i];
    centers.set(table.centers.subarray(k * D, (k + 1) * D), i * D);
    sigma[i] = table.sigma[k];
    pose.set(table.pose.subarray(3 * k, 3 * k + 3), 3 * i);
    visibility.set(table.visibility.subarray(k * N, (k + 1) * N), i * N);
  }
  const small: ReasoningTable = {
    K: n,
    nPoints: N,
    centers,
    sigma,
    pose,
    visibility,
    ...(table.scheme !== undefined ? { scheme: table.scheme } : {}),
  };
  return { posterior: Float64Array.from(weights), table: small, indices: Int32Array.from(indices), epsilon };
}
