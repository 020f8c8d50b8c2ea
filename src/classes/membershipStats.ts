/**
 * Statistics of membership-set sizes |M_i| (the paper's Fig. 4), computed block by block without
 * keeping any set: only the counts are kept.
 */
import { assertInteger } from '../util/validate';
import { type BlockOptions, assertBlockOptions, prepareReference, releaseReference } from './blockDistances';
import { radiusScan } from './radiusScan';
import { assertTable, assertTableShapes, assertTau } from './tableShapes';
import type { ClassTable } from './types';

export interface MembershipStatsOptions extends BlockOptions {
  /** Equal-width histogram bins over [0, max |M_i| + 1). @default 50 */
  bins?: number;
}

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
  return sizeSummary(sizes, bins);
}

/** Mean, median, fraction empty and histogram of a list of set sizes. */
export function sizeSummary(sizes: Int32Array, bins: number): MembershipStats {
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
  const width = (max + 1) / bins;
  const edges = Float64Array.from({ length: bins + 1 }, (_, b) => b * width);
  const counts = new Int32Array(bins);
  for (let i = 0; i < B; i++) counts[Math.min(bins - 1, Math.floor(sizes[i] / width))]++;
  return {
    sizes,
    histogram: { edges, counts },
    mean: B === 0 ? 0 : sum / B,
    median,
    fractionEmpty: B === 0 ? 0 : empty / B,
  };
}
