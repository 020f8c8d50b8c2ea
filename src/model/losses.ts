/**
 * The three training losses on a dense K-way head (scores s, B × K). Each is a sum over classes for an example,
 * averaged over the examples of the batch:
 *
 * - `softmax`:    −log softmax(s_i)[nearest_i]  (one-hot cross-entropy on the nearest class)
 * - `softTarget`: −Σ_k t_ik log softmax(s_i)_k with t_i uniform over M_i (cross-entropy to the soft target)
 * - `multiLabel`: Σ_k [ −y_ik log σ(s_ik) − (1 − y_ik) log(1 − σ(s_ik)) ], y_ik = [k ∈ M_i]  (the paper's eq. 8-9:
 *   K independent sigmoids, positive on the membership set, negative elsewhere), computed stably as
 *   softplus(s) − y·s.
 *
 * At test time the scores of every loss go through a softmax (as in the paper).
 */
import * as tf from '@tensorflow/tfjs';
import type { Membership } from '../classes/types';
import type { LossKind } from './config';

/**
 * Dense target matrix B × K for `loss`: one-hot nearest (softmax), uniform over M_i (softTarget) or the 0/1
 * membership indicator (multiLabel).
 */
export function targetMatrix(
  loss: LossKind,
  K: number,
  nearest: Int32Array,
  membership: Membership,
): Float32Array {
  const B = nearest.length;
  const t = new Float32Array(B * K);
  for (let i = 0; i < B; i++) {
    if (loss === 'softmax') {
      t[i * K + nearest[i]] = 1;
      continue;
    }
    const a = membership.offsets[i];
    const b = membership.offsets[i + 1];
    const v = loss === 'softTarget' ? 1 / (b - a) : 1;
    for (let j = a; j < b; j++) t[i * K + membership.indices[j]] = v;
  }
  return t;
}

/** Mean over the batch of the per-example loss (a scalar tensor). `targets` is a B × K tensor from targetMatrix. */
export function denseLoss(loss: LossKind, scores: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const B = scores.shape[0];
    if (loss === 'multiLabel') {
      return tf.div(tf.sum(tf.sub(tf.softplus(scores), tf.mul(targets, scores))), B) as tf.Scalar;
    }
    const logp = tf.logSoftmax(scores);
    return tf.div(tf.neg(tf.sum(tf.mul(targets, logp))), B) as tf.Scalar;
  });
}
