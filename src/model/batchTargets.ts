/**
 * Per-batch training targets: for each example's shape (box coordinates) its nearest class and its membership set
 * M_i = {k : d(mu_k, y_i) ≤ tau} ∪ {nearest}, with d the RMS point distance (‖·‖ / √N, the class table's unit).
 * The nearest class is always a member, so no example is left without a positive (for exemplar tables it is the
 * exemplar itself at distance 0).
 *
 * Computed by the same scan as classes.membership and classes.nearestClass (classes/membership.ts: blocked products
 * on the engine over centred shapes, rechecked in float64 near the threshold and near the nearest), against the
 * model's centres prepared once (ExemplarModel.centerChunks()); nothing is stored across batches (at
 * K = M = 140,000 the sets are too large). The sets are therefore the same at any precision of the engine's
 * products, TF32 on a GPU included.
 */
import type { CenterIndex } from '../classes/centerIndex';
import { membershipScan } from '../classes/membership';
import type { Membership } from '../classes/types';

/** Targets of one batch. */
export interface BatchTargets {
  /** Nearest class per example. */
  nearest: Int32Array;
  /** M_i per example (CSR), nearest included, indices ascending. */
  membership: Membership;
}

/**
 * Computes targets for the first `B` shapes of `shapes` (B × 2N, box coordinates) against the class centres
 * prepared by ExemplarModel.centerChunks(). `tau` in RMS point distance units; tau = 0 gives M_i = {nearest}
 * (plus any centre at distance exactly 0).
 */
export function batchTargets(index: CenterIndex, shapes: Float32Array, B: number, tau: number): BatchTargets {
  // The exact nearest is within tau whenever any class is, so "nearest when empty" is "∪ {nearest}".
  const { membership, nearest } = membershipScan(index, shapes, B, tau, true);
  return { nearest, membership };
}
