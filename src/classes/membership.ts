/**
 * Membership sets M_i = {k : d(mu_k, y_i) ≤ tau}, d the RMS point distance (||mu_k − y_i|| / √N), for a
 * batch of shapes in box coordinates, computed block by block (never the whole batch × K matrix) and
 * decided exactly at the boundary (see radiusScan).
 */
import type { Warnings } from '../util/warnings';
import { type BlockOptions, assertBlockOptions, prepareReference, releaseReference } from './blockDistances';
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
  const N = table.nPoints;
  const dim = 2 * N;
  const offsets = new Int32Array(B + 1);
  const withDistances = options.withDistances ?? false;
  let indices = new Int32Array(Math.max(16, B * 4));
  let dist = new Float32Array(withDistances ? indices.length : 0);
  let used = 0;
  let empties = 0;
  const p = prepareReference(table.centers, table.K, dim, options);
  try {
    radiusScan(
      shapes,
      B,
      table.centers,
      p,
      tau * tau * table.nPoints,
      (row, idx, d2, count, nearest, nearestD2) => {
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
          empties++;
        } else {
          indices.set(idx.subarray(0, count), used);
          if (withDistances) for (let t = 0; t < count; t++) dist[used + t] = Math.sqrt(d2[t] / N);
          used += count;
        }
        offsets[row + 1] = used;
      },
      { keep: withDistances ? 'distance' : 'index' },
    );
  } finally {
    releaseReference(p);
  }
  if (empties > 0) {
    options.warnings?.warn(
      'empty-membership',
      `membership: ${empties} of ${B} examples had no class within tau = ${tau}; given their nearest class`,
    );
  }
  const out = { offsets, indices: indices.slice(0, used) };
  return withDistances ? { ...out, distances: dist.slice(0, used) } : out;
}
