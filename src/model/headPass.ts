/**
 * What both heads' forward passes share: the pass's result (HeadPass), the backbone's features in inference mode,
 * and the refusal of a non-finite feature (a NaN input or weight would otherwise become a NaN posterior, top index -1
 * and NaN shapes).
 */
import type * as tf from '@tensorflow/tfjs';
import { ValueError } from '../errors';
import type { ExemplarModel } from './exemplarModel';
import type { ExpectedShapePlan } from './expectedShape';

/** One forward pass: features, posteriors (face i at i · stride), score bounds, and (with a tolerance) expected shapes. */
export interface HeadPass {
  f: Float32Array;
  post: Float32Array;
  stride: number;
  scoreError: Float64Array;
  /** 8-bit head: per face the top k, found in the module (undefined: scan the posterior). */
  tops: Array<Int32Array | undefined>;
  /** Expected shapes in box units (B × dim) and their plans; absent when no tolerance was given. */
  expected?: Float32Array;
  plans?: ExpectedShapePlan[];
}

/**
 * The backbone's features for a batch, in inference mode: the model's compiled forward pass (ExemplarModel.inference:
 * plain fused ops, no tf.layers graph walk or predict's batching loop, ~1.5 ms per call less than predict at batch 1).
 */
export function features(model: ExemplarModel, x: tf.Tensor4D): tf.Tensor2D {
  return model.inference()(x);
}

/** The per-face outputs both heads fill: plans and expected shapes (B × dim, when asked), score bounds, top k. */
export function passOutputs(
  B: number,
  dim: number,
  withShapes: boolean,
): {
  plans: ExpectedShapePlan[];
  expected: Float32Array;
  scoreError: Float64Array;
  tops: Array<Int32Array | undefined>;
} {
  return {
    plans: [],
    expected: new Float32Array(withShapes ? B * dim : 0),
    scoreError: new Float64Array(B),
    tops: new Array<Int32Array | undefined>(B),
  };
}

/** Throws ValueError naming the first face whose feature (B × D, row-major) holds NaN or ±inf. */
export function assertFiniteFeatures(f: Float32Array, D: number): void {
  for (let i = 0; i < f.length; i++) {
    if (!Number.isFinite(f[i])) {
      throw new ValueError(
        `predict: the backbone gave a non-finite feature for face ${Math.floor(i / D)} (NaN or ±inf): the input or the backbone's weights hold NaN or ±inf`,
      );
    }
  }
}
