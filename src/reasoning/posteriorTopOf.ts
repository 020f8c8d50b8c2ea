/**
 * @internal The fewest entries of a weight vector holding a fraction `mass` of its total, most probable first (ties
 * by index), in time linear in its length plus a sort of the entries near the cut: one pass buckets the weights by
 * their binary magnitude relative to the total, the cumulative bucket masses locate the cut, and only the buckets
 * above it are sorted.
 */

/** What `topOfWeights` returns. */
export interface TopOfWeights {
  /** Kept entries' class indices (from `indices`, or positions when `indices` is null), largest weight first. */
  indices: Int32Array;
  /** Kept weights renormalised to sum 1. */
  weights: Float64Array;
  /** Kept fraction of the total weight. */
  kept: number;
}

const NB = 128;

export function topOfWeights(
  indices: Int32Array | null,
  w: ArrayLike<number>,
  mass: number,
  maxClasses = Infinity,
): TopOfWeights {
  const n = w.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i];
  const target = mass * total;
  const bucketMass = new Float64Array(NB);
  const bucket = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = w[i];
    if (v > 0) {
      const b = Math.min(NB - 1, Math.floor(-Math.log2(v / total)));
      bucket[i] = b;
      bucketMass[b] += v;
    } else bucket[i] = 255;
  }
  let cut = NB - 1;
  for (let b = 0, acc = 0; b < NB; b++) {
    acc += bucketMass[b];
    if (acc >= target) {
      cut = b;
      break;
    }
  }
  const cand: number[] = [];
  for (let i = 0; i < n; i++) if (bucket[i] <= cut) cand.push(i);
  if (cand.length === 0) cand.push(0);
  const id = (i: number): number => (indices ? indices[i] : i);
  cand.sort((a, b) => w[b] - w[a] || id(a) - id(b));
  let m = 0;
  let kept = 0;
  while (m < cand.length && m < maxClasses && (m === 0 || kept < target)) kept += w[cand[m++]];
  const outI = new Int32Array(m);
  const outW = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    outI[i] = id(cand[i]);
    outW[i] = kept > 0 ? w[cand[i]] / kept : 1 / m;
  }
  return { indices: outI, weights: outW, kept: total > 0 ? kept / total : 1 };
}
