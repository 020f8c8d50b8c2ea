/**
 * The forward pass of a float32 head on the engine: features and softmax(f·Wᵀ + b) in one tidy, then each face's
 * expected shape summed on the JS side over the classes that hold all but the tolerance of its posterior when they
 * are few (expectedShape.ts), else exactly on the engine (posterior · centres).
 */
import * as tf from '@tensorflow/tfjs';
import type { ExemplarModel } from './exemplarModel';
import { expectedShapePlan, expectedShapeSum } from './expectedShape';
import { assertFiniteFeatures, features, passOutputs, type HeadPass } from './headPass';

/**
 * Most classes the expected shape sums on the JS side per face: min(JS_MAX_CLASSES, K / JS_MAX_FRACTION) (~1 M
 * multiply-adds at 2N = 136, ≲ 2 ms; beyond K / 16 the engine's product over all K is faster). A face whose posterior
 * needs more is summed exactly on the engine (posterior · centres, centres uploaded on first need).
 */
export const JS_MAX_CLASSES = 8192;
/** See JS_MAX_CLASSES. */
export const JS_MAX_FRACTION = 16;

/** Backbone and float head for B faces; the expected shapes too when `expectedTolerance` is not null. */
export function floatHeadPass(
  model: ExemplarModel,
  inputs: Float32Array,
  B: number,
  expectedTolerance: number | null,
): HeadPass {
  const { size, channels } = model.config.input;
  const { K } = model;
  const D = model.featureDim;
  const dim = 2 * model.config.nPoints;
  const shapes = expectedTolerance !== null;
  const { plans, expected, scoreError, tops } = passOutputs(B, dim, shapes);
  const t = model.tensors();
  const [fT, pT] = tf.tidy(() => {
    const x = tf.tensor4d(inputs, [B, size, size, channels]);
    const feat = features(model, x);
    // bias fused into the product: one pass less over B × K
    return [feat, tf.softmax(tf.fused.matMul({ a: feat, b: t.WT, bias: t.b }))];
  });
  const f = fT.dataSync() as Float32Array;
  try {
    assertFiniteFeatures(f, D);
  } catch (e) {
    tf.dispose([fT, pT]);
    throw e;
  }
  const post = pT.dataSync() as Float32Array;
  if (shapes) {
    // expected shapes: JS sum over the classes holding all but `expectedTolerance` of the mass when few enough,
    // else (spread posteriors) the exact product on the engine for those faces
    const summary = model.centerSummary();
    const jsMax = Math.min(JS_MAX_CLASSES, K / JS_MAX_FRACTION);
    for (let i = 0; i < B; i++) plans.push(expectedShapePlan(post, i * K, K, expectedTolerance));
    const onEngine: number[] = [];
    plans.forEach((plan, i) => {
      if (plan.kept <= jsMax) {
        expectedShapeSum(post, i * K, K, model.table.centers, dim, summary, plan, expected, i * dim);
      } else {
        onEngine.push(i);
        plans[i] = { minExp: 0, omittedMass: 0, kept: K };
      }
    });
    if (onEngine.length > 0) {
      const centers = model.centersTensor(); // created outside tidy: it is cached on the model
      const e = tf.tidy(() => {
        const p = onEngine.length === B ? pT : tf.gather(pT, onEngine);
        return tf.matMul(p, centers);
      });
      const ev = e.dataSync() as Float32Array;
      e.dispose();
      onEngine.forEach((i, j) => expected.set(ev.subarray(j * dim, (j + 1) * dim), i * dim));
    }
  }
  tf.dispose([fT, pT]);
  return { f, post, stride: K, scoreError, tops, ...(shapes ? { expected, plans } : {}) };
}
