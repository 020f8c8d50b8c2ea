/**
 * The dense head's B × K target built on the engine from sparse targets, so that no B × K array is built in
 * JavaScript or crosses to the device (the same values as losses.ts `targetMatrix`):
 *
 * - softmax: the one-hot rows (i, nearest_i), B pairs;
 * - softTarget / multiLabel: the membership sets: the CSR (offsets, indices) is expanded to one (row, class) pair
 *   per member (2 · nnz int32 go up) with value 1 / |M_i| (softTarget) or 1 (multiLabel);
 * both scattered into zeros by `tf.scatterND`. (Not `tf.oneHot(…, 'float32')`: tfjs-backend-wasm 4.22's OneHot
 * kernel writes int32 bits into a float32 output, 1 → 1.4e-45; test/model-dense-engine.test.ts covers it.)
 *
 * The pairs are distinct (a membership set has no repeated class), so scatterND's summing of duplicates never
 * applies. The membership sets come from batchTargets (one shared distance routine); this file only moves them.
 */
import * as tf from '@tensorflow/tfjs';
import type { Membership } from '../classes/types';
import type { LossKind } from './config';

/** The (row, class) pairs and values of a batch's targets: one-hot nearest or the membership sets (CSR expanded). */
export function membershipPairs(
  loss: LossKind,
  nearest: Int32Array,
  membership: Membership,
  B: number,
): { pairs: Int32Array; values: Float32Array } {
  if (loss === 'softmax') {
    const pairs = new Int32Array(2 * B);
    for (let i = 0; i < B; i++) {
      pairs[2 * i] = i;
      pairs[2 * i + 1] = nearest[i];
    }
    return { pairs, values: new Float32Array(B).fill(1) };
  }
  const { offsets, indices } = membership;
  const nnz = offsets[B] - offsets[0];
  const pairs = new Int32Array(2 * nnz);
  const values = new Float32Array(nnz);
  let e = 0;
  for (let i = 0; i < B; i++) {
    const a = offsets[i];
    const b = offsets[i + 1];
    const v = loss === 'softTarget' ? 1 / (b - a) : 1;
    for (let j = a; j < b; j++, e++) {
      pairs[2 * e] = i;
      pairs[2 * e + 1] = indices[j];
      values[e] = v;
    }
  }
  return { pairs, values };
}

/** The B × K target of `loss` as a tensor built on the engine (caller disposes). */
export function deviceTargets(
  loss: LossKind,
  K: number,
  nearest: Int32Array,
  membership: Membership,
): tf.Tensor2D {
  const B = nearest.length;
  return tf.tidy(() => {
    const { pairs, values } = membershipPairs(loss, nearest, membership, B);
    if (values.length === 0) return tf.zeros([B, K]) as tf.Tensor2D;
    return tf.scatterND(tf.tensor2d(pairs, [values.length, 2], 'int32'), tf.tensor1d(values), [
      B,
      K,
    ]) as tf.Tensor2D;
  });
}
