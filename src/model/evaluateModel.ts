/**
 * Landmark error of a model on annotated samples: mean point-to-point distance divided by the diagonal of the
 * ground-truth box (the 300-VW normalisation), for the expected or the MAP shape, predicted from each sample's
 * reference box (detection if present, else ground truth). Used by the trainer for validation each epoch.
 */
import { ShapeError } from '../errors';
import { normalizedError } from '../evaluate/normalizedError';
import type { Box, Sample, Shape } from '../types';
import { assertOneOf, describe } from '../util/validate';
import type { ExemplarModel } from './exemplarModel';
import { predictInputs } from './predict';
import { cropInto, referenceBox } from './input';

/** Options of evaluateModel. */
export interface EvaluateModelOptions {
  /** Which point estimate to score. @default 'expected' */
  shape?: 'expected' | 'map';
  /** Faces per forward pass. @default 32 */
  batchSize?: number;
}

/**
 * Mean point-to-point distance / diagonal of the ground truth's bounding box: `evaluate.normalizedError`
 * with 'bbox-diagonal' (300-VW). The third argument is the sample's ground-truth box, which by the `Sample`
 * contract is `shapeBox(gt)`; it is not read (the normaliser is measured on `gt`) and stays for callers.
 * Throws like normalizedError on a non-finite coordinate or a degenerate ground truth.
 * @example boxDiagonalError(pred, s.landmarks, s.box)
 */
export function boxDiagonalError(pred: Shape, gt: Shape, _box?: Box): number {
  return normalizedError(pred, gt, { normalization: 'bbox-diagonal' });
}

/**
 * Per-sample normalised errors and their mean.
 * @example const { mean } = evaluateModel(model, validation)
 */
export function evaluateModel(
  model: ExemplarModel,
  samples: Sample[],
  opts: EvaluateModelOptions = {},
): { mean: number; errors: Float32Array } {
  const fn = 'evaluateModel';
  const which = opts.shape ?? 'expected';
  assertOneOf(fn, 'shape', which, ['expected', 'map'] as const);
  const batchSize = opts.batchSize ?? 32;
  const { size, channels } = model.config.input;
  const per = size * size * channels;
  const errors = new Float32Array(samples.length);
  samples.forEach((s, i) => {
    if (!(s?.landmarks instanceof Float32Array) || s.landmarks.length !== 2 * model.config.nPoints) {
      throw new ShapeError(
        `${fn}: argument 'samples[${i}].landmarks' expected ${model.config.nPoints} points, got ${describe(s?.landmarks)}`,
      );
    }
  });
  for (let i0 = 0; i0 < samples.length; i0 += batchSize) {
    const chunk = samples.slice(i0, i0 + batchSize);
    const x = new Float32Array(chunk.length * per);
    const boxes = chunk.map((s, j) => {
      const b = referenceBox(s);
      cropInto(s.image, b, model.config.input, x, j * per);
      return b;
    });
    const preds = predictInputs(model, x, chunk.length, boxes, 1);
    preds.forEach((p, j) => {
      const s = chunk[j];
      errors[i0 + j] = boxDiagonalError(which === 'map' ? p.mapShape : p.expectedShape, s.landmarks, s.box);
    });
  }
  let mean = 0;
  for (let i = 0; i < errors.length; i++) mean += errors[i];
  return { mean: errors.length > 0 ? mean / errors.length : NaN, errors };
}
