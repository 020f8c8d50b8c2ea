/**
 * The expected shape Σ_k p_k mu_k on the JS side, over the classes that hold all but at most `tolerance` of the
 * posterior mass (so no second copy of the K × 2N centres has to live on the engine, where XNNPACK would also keep
 * a packed copy of it: 2 × 76 MB at K = 140,000).
 *
 * Classes are dropped smallest first by binary exponent (one histogram pass over the float bits), as long as the
 * dropped mass m stays ≤ tolerance; their contribution is replaced by m · c̄ (c̄ = the mean centre). The error is
 * then |E − Σ_k p_k mu_k| ≤ m · max_k |mu_k − c̄| per coordinate, which is reported (`bound`, box units, x and y).
 * tolerance = 0 sums every class with p_k > 0 (exact up to float rounding). predict.ts sums on the engine instead when
 * more than JS_MAX_CLASSES classes are needed (a spread posterior).
 */

/** The mean centre and the largest deviation from it, per axis (what the error bound needs). */
export interface CenterSummary {
  /** Mean centre c̄ (2N). */
  mean: Float64Array;
  /** max_k |mu_k,x − c̄_x| over all x coordinates. */
  radiusX: number;
  /** max_k |mu_k,y − c̄_y| over all y coordinates. */
  radiusY: number;
}

/** c̄ and the per-axis radius around it for K × dim centres. */
export function centerSummary(centers: Float32Array, K: number, dim: number): CenterSummary {
  const mean = new Float64Array(dim);
  for (let k = 0; k < K; k++) {
    const o = k * dim;
    for (let j = 0; j < dim; j++) mean[j] += centers[o + j];
  }
  for (let j = 0; j < dim; j++) mean[j] /= K;
  let radiusX = 0;
  let radiusY = 0;
  for (let k = 0; k < K; k++) {
    const o = k * dim;
    for (let j = 0; j < dim; j += 2) {
      const dx = Math.abs(centers[o + j] - mean[j]);
      const dy = Math.abs(centers[o + j + 1] - mean[j + 1]);
      if (dx > radiusX) radiusX = dx;
      if (dy > radiusY) radiusY = dy;
    }
  }
  return { mean, radiusX, radiusY };
}

/** Which classes the sum takes: those whose binary exponent is ≥ minExp (and p > 0). */
export interface ExpectedShapePlan {
  /** Lowest float32 exponent (biased) kept. */
  minExp: number;
  /** Posterior mass of the classes left out (≤ tolerance). */
  omittedMass: number;
  /** Classes summed. */
  kept: number;
}

/** Posterior mass and class count per float32 exponent (256 buckets), fresh per call: no state between calls. */
function exponentBuckets(): { bucketMass: Float64Array; bucketCount: Int32Array } {
  return { bucketMass: new Float64Array(256), bucketCount: new Int32Array(256) };
}

/** Drops whole exponent buckets (bucketMass) from the bottom while the dropped mass, from `start`, stays ≤ tolerance. */
function dropFromBottom(
  bucketMass: Float64Array,
  tolerance: number,
  start: number,
): { minExp: number; omittedMass: number } {
  let minExp = 0;
  let omittedMass = start;
  while (minExp < 255 && omittedMass + bucketMass[minExp] <= tolerance) omittedMass += bucketMass[minExp++];
  return { minExp, omittedMass };
}

/**
 * Chooses the classes to sum for the posterior p[pOffset … pOffset + K): whole exponent buckets are dropped from
 * the bottom while the dropped mass stays ≤ tolerance (one pass over K). Unchecked worker.
 */
export function expectedShapePlan(
  p: Float32Array,
  pOffset: number,
  K: number,
  tolerance: number,
): ExpectedShapePlan {
  // p ≥ 0, so the sign bit is 0 and bits >>> 23 is the biased exponent (0: zeros and subnormals)
  const bits = new Int32Array(p.buffer, p.byteOffset + pOffset * 4, K);
  const { bucketMass, bucketCount } = exponentBuckets();
  for (let k = 0; k < K; k++) {
    const e = bits[k] >>> 23;
    bucketMass[e] += p[pOffset + k];
    bucketCount[e]++;
  }
  const { minExp, omittedMass } = dropFromBottom(bucketMass, tolerance, 0);
  let kept = 0;
  for (let e = Math.max(minExp, 1); e < 256; e++) kept += bucketCount[e];
  if (minExp === 0) {
    // subnormals (p > 0 in bucket 0) are summed too
    for (let k = 0; k < K; k++) if (bits[k] >>> 23 === 0 && p[pOffset + k] > 0) kept++;
  }
  return { minExp, omittedMass, kept };
}

/** Σ over the plan's classes of p_k mu_k, plus the omitted mass at the mean centre, into out[outOffset…]. */
export function expectedShapeSum(
  p: Float32Array,
  pOffset: number,
  K: number,
  centers: Float32Array,
  dim: number,
  summary: CenterSummary,
  plan: ExpectedShapePlan,
  out: Float32Array,
  outOffset: number,
): void {
  const bits = new Int32Array(p.buffer, p.byteOffset + pOffset * 4, K);
  const { minExp } = plan;
  const acc = new Float64Array(dim); // per call: any number of points
  for (let k = 0; k < K; k++) {
    if (bits[k] >>> 23 < minExp) continue;
    const w = p[pOffset + k];
    if (w === 0) continue;
    const o = k * dim;
    for (let j = 0; j < dim; j++) acc[j] += w * centers[o + j];
  }
  for (let j = 0; j < dim; j++) out[outOffset + j] = acc[j] + plan.omittedMass * summary.mean[j];
}

/** A plan over a subset of the classes (an index list), and the classes it keeps. */
export interface SubsetPlan extends ExpectedShapePlan {
  /** The kept classes (a subset of the index list, in its order). */
  keptIndices: Int32Array;
}

/**
 * expectedShapePlan over the classes in `idx` only, when the classes outside hold `outsideMass` ≤ tolerance: the
 * outside mass counts as omitted, and buckets are dropped from the bottom of `idx` while the total stays ≤ tolerance.
 * (The 8-bit head's candidates: every class outside them is below e^−20 of the top.) Unchecked worker.
 */
export function expectedShapePlanOver(
  p: Float32Array,
  pOffset: number,
  idx: Int32Array,
  tolerance: number,
  outsideMass: number,
): SubsetPlan {
  const { bucketMass, bucketCount } = exponentBuckets();
  const bits = new Int32Array(p.buffer, p.byteOffset + pOffset * 4, p.length - pOffset);
  for (let i = 0; i < idx.length; i++) {
    const e = bits[idx[i]] >>> 23;
    bucketMass[e] += p[pOffset + idx[i]];
    bucketCount[e]++;
  }
  const { minExp, omittedMass } = dropFromBottom(bucketMass, tolerance, outsideMass);
  const keptIndices = new Int32Array(idx.length);
  let kept = 0;
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i];
    if (bits[k] >>> 23 >= minExp && p[pOffset + k] > 0) keptIndices[kept++] = k;
  }
  return { minExp, omittedMass, kept, keptIndices: keptIndices.subarray(0, kept) };
}

/** The classes an expectedShapePlan over all K classes of p[pOffset …] keeps, listed. Unchecked worker. */
export function keptIndicesOf(
  p: Float32Array,
  pOffset: number,
  K: number,
  plan: ExpectedShapePlan,
): SubsetPlan {
  const bits = new Int32Array(p.buffer, p.byteOffset + pOffset * 4, K);
  const keptIndices = new Int32Array(plan.kept);
  let n = 0;
  for (let k = 0; k < K; k++) {
    if (bits[k] >>> 23 >= plan.minExp && p[pOffset + k] > 0) keptIndices[n++] = k;
  }
  return { ...plan, keptIndices: keptIndices.subarray(0, n) };
}
