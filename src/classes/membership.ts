/**
 * Membership sets M_i = {k : d(mu_k, y_i) ≤ tau}, d the RMS point distance (||mu_k − y_i|| / √N), and the
 * nearest class of each shape, for a batch of shapes in box coordinates: computed block by block (never the
 * whole batch × K matrix) on centred shapes, and decided exactly at the boundary and for the nearest (see
 * radiusScan), so the result does not depend on the precision of the backend's products. This is the one
 * implementation behind `membership`, `nearestClass`, the trainer's per-batch targets (model/batchTargets)
 * and the scores of `experiments.scoreClassifier`.
 */
import type { Warnings } from '../util/warnings';
import { type BlockOptions, assertBlockOptions } from './blockDistances';
import { type CenterIndex, centerIndex, centerIndexRelease } from './centerIndex';
import { radiusScan } from './radiusScan';
import { assertTable, assertTableShapes, assertTau } from './tableShapes';
import type { ClassTable, Membership } from './types';

export interface MembershipOptions extends BlockOptions {
  /**
   * Guarantee a non-empty set: an example with no class within tau gets its nearest class (and a
   * warning 'empty-membership' in `warnings`, one per call, giving the count).
   * @default false
   */
  includeNearest?: boolean;
  /** Where the empty-set warning goes when `includeNearest` is on. @default none (not reported) */
  warnings?: Warnings;
  /** Also return each entry's RMS point distance (`distances`, aligned with `indices`). @default false */
  withDistances?: boolean;
}

/** What membershipScan returns: the sets, each shape's nearest class, and how many sets were empty. */
export interface MembershipScan {
  membership: Membership;
  /** Nearest class per shape (exact; ties to the lower index). */
  nearest: Int32Array;
  /** Shapes with no class within tau (given their nearest when `includeNearest`). */
  empties: number;
}

/**
 * The scan behind every membership set and nearest class (no boundary checks: the public callers validate).
 * `tau` null: nearest classes only (the sets come back empty).
 */
export function membershipScan(
  index: CenterIndex,
  shapes: Float32Array,
  B: number,
  tau: number | null,
  includeNearest: boolean,
  withDistances = false,
): MembershipScan {
  const N = index.nPoints;
  const offsets = new Int32Array(B + 1);
  const nearestOut = new Int32Array(B);
  const store = tau !== null;
  let indices = new Int32Array(store ? Math.max(16, B * 4) : 0);
  let dist = new Float32Array(withDistances ? indices.length : 0);
  let used = 0;
  let empties = 0;
  radiusScan(
    shapes,
    B,
    index.centers,
    index.prepared,
    tau === null ? -1 : tau * tau * N,
    (row, idx, d2, count, nearest, nearestD2) => {
      nearestOut[row] = nearest;
      if (!store) {
        offsets[row + 1] = 0;
        return;
      }
      if (count === 0) empties++;
      const add = count === 0 && includeNearest ? 1 : count;
      if (used + add > indices.length) {
        const size = Math.max(used + add, 2 * indices.length);
        const grown = new Int32Array(size);
        grown.set(indices.subarray(0, used));
        indices = grown;
        if (withDistances) {
          const g = new Float32Array(size);
          g.set(dist.subarray(0, used));
          dist = g;
        }
      }
      if (count === 0 && includeNearest) {
        if (withDistances) dist[used] = Math.sqrt(nearestD2 / N);
        indices[used++] = nearest;
      } else {
        indices.set(idx.subarray(0, count), used);
        if (withDistances) for (let t = 0; t < count; t++) dist[used + t] = Math.sqrt(d2[t] / N);
        used += count;
      }
      offsets[row + 1] = used;
    },
    { keep: !store ? 'count' : withDistances ? 'distance' : 'index' },
  );
  const m = { offsets, indices: indices.slice(0, used) };
  return {
    membership: withDistances ? { ...m, distances: dist.slice(0, used) } : m,
    nearest: nearestOut,
    empties,
  };
}

/**
 * Membership sets of B shapes (B × 2N, box coordinates) as CSR: example i owns
 * `indices[offsets[i] .. offsets[i+1])`, ascending class indices.
 * @example const m = membership(table, batchShapes, 0.05, { includeNearest: true })
 */
export function membership(
  table: ClassTable,
  shapes: Float32Array,
  tau: number,
  options: MembershipOptions = {},
): Membership {
  const fn = 'membership';
  assertTable(fn, table);
  const B = assertTableShapes(fn, table, shapes);
  assertTau(fn, tau);
  assertBlockOptions(fn, options);
  const includeNearest = options.includeNearest ?? false;
  const index = centerIndex(table.centers, table.K, table.nPoints, options);
  let scan: MembershipScan;
  try {
    scan = membershipScan(index, shapes, B, tau, includeNearest, options.withDistances ?? false);
  } finally {
    centerIndexRelease(index);
  }
  if (scan.empties > 0 && includeNearest) {
    options.warnings?.warn(
      'empty-membership',
      `membership: ${scan.empties} of ${B} examples had no class within tau = ${tau}; given their nearest class`,
    );
  }
  return scan.membership;
}
