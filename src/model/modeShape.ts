/**
 * The mode of the posterior landmark density, p(y) ∝ Σ_k p_k φ(‖y − mu_k‖_RMS / h) with a Gaussian φ of one bandwidth
 * h, found by mean shift, y ← Σ_k w_k mu_k / Σ_k w_k with w_k = p_k φ(‖y − mu_k‖ / h), from the centres of the few
 * most probable classes; the highest of the modes reached wins (mean shift climbs to the mode nearest its start; a
 * start within one bandwidth of a mode already reached is skipped).
 *
 * Why: the expected shape Σ p_k mu_k averages across the posterior's modes (a face whose yaw sign is ambiguous gets a
 * frontal average that fits neither), and the MAP shape is one class's centre, with that class's quantisation error.
 * The mode keeps to one hypothesis and averages the classes that agree with it. A common bandwidth (default: the
 * median class spread sigma_k) rather than each class's own: with 2N = 136 dimensions a per-class Gaussian's
 * normaliser σ_k^−136 would let the tightest classes decide alone.
 *
 * The sum runs over the most probable classes only (whole float-exponent buckets from the top, at most about
 * `maxClasses`; more only when the top bucket alone holds more): classes far below the top carry no weight near it.
 */

/** What `modeShapeSearch` returns. */
export interface ModeShapeResult {
  /** The mode, in box coordinates (2N). */
  shape: Float64Array;
  /** Mean-shift iterations run. */
  iterations: number;
  /** Classes the sums ran over. */
  classes: number;
  /** log p(y) at the mode, up to a constant (comparable between searches over the same posterior). */
  logDensity: number;
}

/** Options of the mode search. */
export interface ModeShapeSearchOptions {
  /** Kernel bandwidth h (RMS point distance, box units). */
  bandwidth: number;
  /** About how many of the most probable classes to sum over. @default 1024 */
  maxClasses?: number;
  /** Iteration cap. @default 50 */
  maxIterations?: number;
  /** Stop when a step moves the shape less than this (RMS point distance, box units). @default 1e-4 */
  tolerance?: number;
}

/**
 * Mean shift over the posterior p[pOffset … pOffset + K) and the centres (K × dim), from the centre of each class in
 * `starts`; returns the highest mode reached. Unchecked worker (predict validates): p ≥ 0, p > 0 at the starts,
 * bandwidth > 0.
 */
export function modeShapeSearch(
  p: Float32Array,
  pOffset: number,
  K: number,
  centers: Float32Array,
  dim: number,
  starts: ArrayLike<number>,
  opts: ModeShapeSearchOptions,
): ModeShapeResult {
  const maxClasses = opts.maxClasses ?? 1024;
  const maxIterations = opts.maxIterations ?? 50;
  const tolerance = opts.tolerance ?? 1e-4;
  const N = dim / 2;
  // the classes: whole exponent buckets from the top while the count stays ≤ maxClasses (the top bucket always)
  const bits = new Int32Array(p.buffer, p.byteOffset + pOffset * 4, K);
  const bucketCount = new Int32Array(256); // per call: no state shared between searches
  for (let k = 0; k < K; k++) bucketCount[bits[k] >>> 23]++;
  let minExp = 255;
  let count = 0;
  while (minExp > 1 && (count === 0 || count + bucketCount[minExp - 1] <= maxClasses)) {
    count += bucketCount[--minExp];
  }
  const idx = new Int32Array(count);
  let n = 0;
  for (let k = 0; k < K && n < count; k++) if (bits[k] >>> 23 >= minExp && p[pOffset + k] > 0) idx[n++] = k;
  const next = new Float64Array(dim);
  const d2 = new Float64Array(n);
  const scale = 1 / (2 * N * opts.bandwidth * opts.bandwidth);
  let best: ModeShapeResult | null = null;
  const found: Float64Array[] = [];
  const h2 = N * opts.bandwidth * opts.bandwidth;
  for (let si = 0; si < starts.length; si++) {
    const start = starts[si];
    const y = Float64Array.from(centers.subarray(start * dim, (start + 1) * dim));
    // a start within one bandwidth of a mode already reached would climb to it again: skip it
    if (found.some((m) => squaredDistance(m, y) < h2)) continue;
    let it = 0;
    let logDensity = -Infinity;
    while (it < maxIterations) {
      it++;
      let dMin = Infinity;
      for (let i = 0; i < n; i++) {
        const o = idx[i] * dim;
        let s = 0;
        for (let j = 0; j < dim; j++) {
          const t = y[j] - centers[o + j];
          s += t * t;
        }
        d2[i] = s;
        if (s < dMin) dMin = s;
      }
      next.fill(0);
      let wSum = 0;
      for (let i = 0; i < n; i++) {
        // shifted by the nearest class's distance: no underflow when y is far from every centre
        const w = p[pOffset + idx[i]] * Math.exp(-(d2[i] - dMin) * scale);
        if (w === 0) continue;
        wSum += w;
        const o = idx[i] * dim;
        for (let j = 0; j < dim; j++) next[j] += w * centers[o + j];
      }
      logDensity = Math.log(wSum) - dMin * scale; // at y, before the step
      let move = 0;
      for (let j = 0; j < dim; j++) {
        const v = next[j] / wSum;
        move += (v - y[j]) ** 2;
        y[j] = v;
      }
      if (Math.sqrt(move / N) < tolerance) break;
    }
    found.push(y);
    if (!best || logDensity > best.logDensity) best = { shape: y, iterations: it, classes: n, logDensity };
  }
  return best as ModeShapeResult;
}

function squaredDistance(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return s;
}

/** Median of the class spreads sigma_k (the default bandwidth), or `fallback` when none is positive and finite. */
export function medianSpread(sigma: Float32Array, fallback = 0.05): number {
  const v = Array.from(sigma).filter((s) => s > 0 && Number.isFinite(s));
  if (v.length === 0) return fallback;
  v.sort((a, b) => a - b);
  return v[v.length >> 1];
}
