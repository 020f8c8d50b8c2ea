/**
 * Per-batch training targets: for each example's shape (box coordinates) its nearest class and its membership set
 * M_i = {k : d(mu_k, y_i) ≤ tau} ∪ {nearest}, with d the RMS point distance (‖·‖ / √N, the class table's unit).
 * The nearest class is always a member, so no example is left without a positive (for exemplar tables it is the
 * exemplar itself at distance 0).
 *
 * Distances are computed as batched matrix products on the engine, in blocks of classes, so the B × K distance
 * matrix never has to exist at once; nothing is stored across batches (at K = M = 140,000 the sets are too large).
 */
import * as tf from '@tensorflow/tfjs';
import type { Membership } from '../classes/types';
import type { CenterChunk } from './exemplarModel';

/** Targets of one batch. */
export interface BatchTargets {
  /** Nearest class per example. */
  nearest: Int32Array;
  /** M_i per example (CSR), nearest included, indices ascending. */
  membership: Membership;
}

/**
 * Computes targets for `B` shapes (B × 2N, box coordinates) against the class centres, given as transposed chunks
 * with squared norms (ExemplarModel.tensors().centerChunks). `tau` in RMS point distance units; tau = 0 gives
 * M_i = {nearest}.
 */
export function batchTargets(
  chunks: CenterChunk[],
  shapes: Float32Array,
  B: number,
  tau: number,
): BatchTargets {
  const dim = chunks[0].t.shape[0];
  const nPoints = dim / 2;
  const thr = tau * tau * nPoints; // squared Euclidean threshold on the 2N-vector
  const nearest = new Int32Array(B);
  const best = new Float64Array(B).fill(Infinity);
  const lists: number[][] = Array.from({ length: B }, () => []);
  const yNorm = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += shapes[i * dim + j] * shapes[i * dim + j];
    yNorm[i] = s;
  }
  const y = tf.tensor2d(shapes.subarray(0, B * dim), [B, dim]);
  try {
    for (const { start: k0, cols: kb, t, norms } of chunks) {
      // ‖mu‖² − 2 y·mu (‖y‖² added on the JS side)
      const part = tf.tidy(() => tf.add(norms, tf.mul(-2, tf.matMul(y, t))));
      const d = part.dataSync();
      part.dispose();
      for (let i = 0; i < B; i++) {
        const row = i * kb;
        const yi = yNorm[i];
        const list = lists[i];
        let bi = best[i];
        let bk = nearest[i];
        for (let k = 0; k < kb; k++) {
          const dd = d[row + k] + yi;
          if (dd < bi) {
            bi = dd;
            bk = k0 + k;
          }
          if (dd <= thr) list.push(k0 + k);
        }
        best[i] = bi;
        nearest[i] = bk;
      }
    }
  } finally {
    y.dispose();
  }
  const offsets = new Int32Array(B + 1);
  for (let i = 0; i < B; i++) {
    const l = lists[i];
    if (!l.includes(nearest[i])) {
      l.push(nearest[i]);
      l.sort((a, b) => a - b);
    }
    offsets[i + 1] = offsets[i] + l.length;
  }
  const indices = new Int32Array(offsets[B]);
  for (let i = 0; i < B; i++) indices.set(lists[i], offsets[i]);
  return { nearest, membership: { offsets, indices } };
}
