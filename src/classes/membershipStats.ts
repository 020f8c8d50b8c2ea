/**
 * Statistics of membership-set sizes |M_i| (the paper's Fig. 4), computed block by block without
 * keeping any set: only the counts are kept.
 */
import { assertInteger, assertOneOf } from '../util/validate';
import { type BlockOptions, assertBlockOptions, prepareReference, releaseReference } from './blockDistances';
import { radiusScan } from './radiusScan';
import { assertTable, assertTableShapes, assertTau } from './tableShapes';
import type { ClassTable } from './types';

export interface MembershipStatsOptions extends BlockOptions {
  /** Number of histogram bins. @default 50 */
  bins?: number;
  /**
   * 'linear': equal-width bins over [0, max |M_i| + 1). 'log': bin 0 is [0, 1) (the empty sets), the
   * others geometric from 1 to max |M_i| + 1 (sizes span orders of magnitude at K = M, as in Fig. 4).
   * @default 'linear'
   */
  binning?: 'linear' | 'log';
}

/** What `membershipStats` returns: membership-set sizes over a set of shapes, and their histogram. */
export interface MembershipStats {
  /** |M_i| per example. */
  sizes: Int32Array;
  /** Histogram of the sizes: counts[b] examples with edges[b] ≤ |M_i| < edges[b + 1]. */
  histogram: { edges: Float64Array; counts: Int32Array };
  mean: number;
  median: number;
  /** Fraction of examples with an empty set. */
  fractionEmpty: number;
}

/**
 * Sizes of the membership sets of `shapes` (B × 2N, box coordinates) under tau, and their summary.
 * @example const { median, fractionEmpty } = membershipStats(table, trainShapes, 0.05)
 */
export function membershipStats(
  table: ClassTable,
  shapes: Float32Array,
  tau: number,
  options: MembershipStatsOptions = {},
): MembershipStats {
  const fn = 'membershipStats';
  assertTable(fn, table);
  const B = assertTableShapes(fn, table, shapes);
  assertTau(fn, tau);
  assertBlockOptions(fn, options);
  const bins = options.bins ?? 50;
  assertInteger(fn, 'bins', bins, 1);
  const binning = options.binning ?? 'linear';
  assertOneOf(fn, 'binning', binning, ['linear', 'log'] as const);
  if (binning === 'log') assertInteger(fn, 'bins', bins, 2);
  const sizes = new Int32Array(B);
  const p = prepareReference(table.centers, table.K, 2 * table.nPoints, options);
  try {
    radiusScan(
      shapes,
      B,
      table.centers,
      p,
      tau * tau * table.nPoints,
      (row, _i, _d, count) => {
        sizes[row] = count;
      },
      { keep: 'count' },
    );
  } finally {
    releaseReference(p);
  }
  return sizeSummary(sizes, bins, binning);
}

/** Mean, median, fraction empty and histogram of a list of set sizes. */
export function sizeSummary(
  sizes: Int32Array,
  bins: number,
  binning: 'linear' | 'log' = 'linear',
): MembershipStats {
  const B = sizes.length;
  const sorted = Int32Array.from(sizes).sort();
  let sum = 0;
  let empty = 0;
  for (let i = 0; i < B; i++) {
    sum += sizes[i];
    if (sizes[i] === 0) empty++;
  }
  const median = B === 0 ? 0 : B % 2 ? sorted[B >> 1] : (sorted[B / 2 - 1] + sorted[B / 2]) / 2;
  const max = B === 0 ? 0 : sorted[B - 1];
  const counts = new Int32Array(bins);
  let edges: Float64Array;
  if (binning === 'linear') {
    const width = (max + 1) / bins;
    edges = Float64Array.from({ length: bins + 1 }, (_, b) => b * width);
    for (let i = 0; i < B; i++) counts[Math.min(bins - 1, Math.floor(sizes[i] / width))]++;
  } else {
    // edges[0] = 0, edges[b] = (max + 1)^((b − 1)/(bins − 1)) for b ≥ 1, so edges[1] = 1, edges[bins] = max + 1.
    const top = Math.log(max + 1);
    edges = Float64Array.from({ length: bins + 1 }, (_, b) =>
      b === 0 ? 0 : Math.exp((top * (b - 1)) / (bins - 1)),
    );
    edges[bins] = max + 1;
    for (let i = 0; i < B; i++) {
      const s = sizes[i];
      let b = s === 0 ? 0 : 1 + Math.floor((Math.log(s) / top) * (bins - 1));
      b = Math.min(bins - 1, Math.max(0, b));
      // Guard the floating-point rounding of the logarithm against the stored edges.
      while (b > 0 && s < edges[b]) b--;
      while (b < bins - 1 && s >= edges[b + 1]) b++;
      counts[b]++;
    }
  }
  return {
    sizes,
    histogram: { edges, counts },
    mean: B === 0 ? 0 : sum / B,
    median,
    fractionEmpty: B === 0 ? 0 : empty / B,
  };
}
