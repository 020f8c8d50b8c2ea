/**
 * The mean-shape baseline: the mean of the training shapes (box coordinates) placed in each test sample's
 * reference box (its detection box when it has one). What a landmark method must beat.
 */
import { ShapeError, ValueError } from '../errors';
import { shapeFromBox } from '../landmarks/box';
import { boxDiagonalError } from '../model/evaluateModel';
import { referenceBox } from '../model/input';
import type { Sample, Shape } from '../types';
import { describe } from '../util/validate';

/** What `meanShapeBaseline` returns. */
export interface MeanShapeBaseline {
  /** The mean training shape in box coordinates (2N). */
  meanShape: Float32Array;
  /** The mean shape placed in each sample's reference box (image pixels). */
  shapes: Shape[];
  /** Per-sample mean point-to-point error / ground-truth box diagonal. */
  errors: Float32Array;
  /** Mean of `errors`. */
  mean: number;
}

/**
 * Scores the mean shape on `samples`.
 * @example const base = meanShapeBaseline(data.trainShapes, data.validation); base.mean
 */
export function meanShapeBaseline(trainShapes: Float32Array, samples: readonly Sample[]): MeanShapeBaseline {
  const fn = 'meanShapeBaseline';
  if (!Array.isArray(samples) || samples.length === 0) {
    throw new ValueError(`${fn}: argument 'samples' expected a non-empty array, got ${describe(samples)}`);
  }
  const dim = samples[0]?.landmarks?.length;
  if (
    !(trainShapes instanceof Float32Array) ||
    !dim ||
    trainShapes.length === 0 ||
    trainShapes.length % dim !== 0
  ) {
    throw new ShapeError(
      `${fn}: argument 'trainShapes' expected packed shapes of ${dim} values each (M × 2N), got ${describe(trainShapes)}`,
    );
  }
  const M = trainShapes.length / dim;
  const acc = new Float64Array(dim);
  for (let i = 0; i < trainShapes.length; i++) acc[i % dim] += trainShapes[i];
  const meanShape = new Float32Array(dim);
  for (let j = 0; j < dim; j++) meanShape[j] = acc[j] / M;
  if (!meanShape.every(Number.isFinite)) {
    throw new ValueError(`${fn}: argument 'trainShapes' expected finite values, got a non-finite mean`);
  }
  const errors = new Float32Array(samples.length);
  const shapes = samples.map((s, i) => {
    if (!(s?.landmarks instanceof Float32Array) || s.landmarks.length !== dim) {
      throw new ShapeError(
        `${fn}: argument 'samples[${i}].landmarks' expected ${dim / 2} points, got ${describe(s?.landmarks)}`,
      );
    }
    const shape = shapeFromBox(meanShape, referenceBox(s));
    errors[i] = boxDiagonalError(shape, s.landmarks, s.box);
    return shape;
  });
  let sum = 0;
  for (let i = 0; i < errors.length; i++) sum += errors[i];
  return { meanShape, shapes, errors, mean: sum / errors.length };
}
