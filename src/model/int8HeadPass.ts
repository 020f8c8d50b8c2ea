/**
 * The forward pass of an 8-bit head (int8Head.ts) and its routing: features from the engine, then scores, softmax,
 * top k and expected shapes in the head's own WebAssembly module, each face's expected shape summed through the
 * path that is cheapest for how spread its posterior is.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExemplarModel } from './exemplarModel';
import {
  expectedShapePlan,
  expectedShapePlanOver,
  keptIndicesOf,
  type ExpectedShapePlan,
} from './expectedShape';
import { assertFiniteFeatures, features, passOutputs, type HeadPass } from './headPass';
import { INT8_MAX_BATCH, TOPK_MAX, type Int8Head } from './int8Head';

/**
 * 8-bit head: a face whose candidates (classes within e^−20 of its top) exceed this fraction of K has a spread
 * posterior, and its expected shape is summed over every class in one pass over the centres shared by all such faces
 * of the batch (Int8Head.expectedSumDense: ~1 ms per face at K = 140,000 in a batch of 32 on two threads, against ~5
 * through index lists; bench "the 8-bit head's passes side by side"), when there are at least DENSE_MIN_FACES of them
 * (the pass works on 4 faces at once; a face alone is summed by itself, see STREAM_MIN_FRACTION).
 */
export const DENSE_MIN_FRACTION = 0.25;
/** See DENSE_MIN_FRACTION. */
export const DENSE_MIN_FACES = 2;
/**
 * 8-bit head, a face summed alone: when the classes its expected shape needs exceed this fraction of K, it sums every
 * class in order (Int8Head.expectedSumAll, exact) rather than through the list (a scattered row costs ~2.5× a
 * streamed one).
 */
export const STREAM_MIN_FRACTION = 0.4;

/** Backbone and 8-bit head for B faces; the expected shapes too when `expectedTolerance` is not null. */
export function int8HeadPass(
  model: ExemplarModel,
  q: Int8Head,
  inputs: Float32Array,
  B: number,
  topK: number,
  expectedTolerance: number | null,
): HeadPass {
  const { size, channels } = model.config.input;
  const D = model.featureDim;
  const dim = 2 * model.config.nPoints;
  const shapes = expectedTolerance !== null;
  const { plans, expected, scoreError, tops } = passOutputs(B, dim, shapes);
  // 8-bit head in its own wasm module: features from the engine, then scores, softmax and expected shapes there
  const fT = tf.tidy(() => features(model, tf.tensor4d(inputs, [B, size, size, channels])));
  const f = fT.dataSync() as Float32Array;
  fT.dispose();
  assertFiniteFeatures(f, D);
  const stride = q.Kp;
  const post = new Float32Array(B * stride);
  for (let b0 = 0; b0 < B; b0 += INT8_MAX_BATCH) {
    const n = Math.min(INT8_MAX_BATCH, B - b0);
    const { probs, scoreErrorBound, candidates } = q.posteriors(f.subarray(b0 * D, (b0 + n) * D), n);
    scoreError.set(scoreErrorBound, b0);
    if (topK <= TOPK_MAX) for (let j = 0; j < n; j++) tops[b0 + j] = q.topK(j, topK);
    if (shapes) {
      int8ExpectedShapes(model, q, probs, candidates, expectedTolerance, expected.subarray(b0 * dim), plans);
    }
    post.set(probs, b0 * stride);
  }
  return { f, post, stride, scoreError, tops, ...(shapes ? { expected, plans } : {}) };
}

/**
 * 8-bit head: the expected shapes (box units) of the n faces of the last `posteriors` call, into out (n × dim), and
 * their plans appended to `plans`. A face whose candidates are many (a spread posterior), or whose candidates leave
 * out more than the tolerance, is summed over every class, exactly: in one pass over the centres shared by all such
 * faces of the batch when there are at least DENSE_MIN_FACES, else alone. The others are summed over the candidates
 * that hold all but the tolerance (every other class is below e^−20 of the top).
 */
function int8ExpectedShapes(
  model: ExemplarModel,
  q: Int8Head,
  probs: Float32Array,
  candidates: Int32Array[],
  tolerance: number,
  out: Float32Array,
  plans: ExpectedShapePlan[],
): void {
  const { K } = model;
  const dim = 2 * model.config.nPoints;
  const stride = q.Kp;
  const mean = model.centerSummary().mean;
  const n = candidates.length;
  const overAll: number[] = [];
  const inside = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const cand = candidates[j];
    if (cand.length > K * DENSE_MIN_FRACTION) {
      overAll.push(j);
      continue;
    }
    let m = 0;
    for (let i = 0; i < cand.length; i++) m += probs[j * stride + cand[i]];
    inside[j] = m;
    if (1 - m > tolerance) overAll.push(j);
  }
  const denseSums = overAll.length >= DENSE_MIN_FACES ? q.expectedSumDense(overAll) : null;
  for (let j = 0; j < n; j++) {
    const at = overAll.indexOf(j);
    let sums: Float64Array;
    let plan: ExpectedShapePlan;
    if (at >= 0 && denseSums) {
      sums = denseSums.subarray(at * dim, (at + 1) * dim);
      plan = { minExp: 0, omittedMass: 0, kept: K };
    } else {
      // alone: the classes that hold all but the tolerance, through a list, or in order when they are most (over
      // every class the plan's histogram runs over the row in order, at half the cost of going through a list)
      const whole = at >= 0 ? expectedShapePlan(probs, j * stride, K, tolerance) : null;
      const streamed = (n: number) => n > K * STREAM_MIN_FRACTION;
      const sub = !whole
        ? expectedShapePlanOver(probs, j * stride, candidates[j], tolerance, Math.max(0, 1 - inside[j]))
        : streamed(whole.kept)
          ? null // not listed: every class is streamed
          : keptIndicesOf(probs, j * stride, K, whole);
      if (!sub || streamed(sub.kept)) {
        sums = q.expectedSumAll(j);
        plan = { minExp: 0, omittedMass: 0, kept: K };
      } else {
        sums = q.expectedSumOver(j, sub.keptIndices);
        plan = sub;
      }
    }
    plans.push(plan);
    for (let c = 0; c < dim; c++) out[j * dim + c] = sums[c] + plan.omittedMass * mean[c];
  }
}
