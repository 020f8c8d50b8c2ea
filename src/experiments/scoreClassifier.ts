/**
 * The three measures of the paper's Fig. 3 for a trained classifier on annotated samples:
 * - landmark error: mean point-to-point distance / ground-truth box diagonal, of the expected shape Σ p_k mu_k
 *   (and, separately, of the MAP shape), predicted from each sample's reference box;
 * - classification accuracy: the top-1 class is the class whose centre is nearest to the ground-truth shape;
 * - multi-label error: the top-1 class lies outside M_i = {k : d(mu_k, y_i) ≤ tau} (M_i gets the nearest class when
 *   no centre is within tau, so a sample whose nearest class is predicted never counts as an error).
 */
import { centerIndex, centerIndexRelease } from '../classes/centerIndex';
import { membershipScan } from '../classes/membership';
import { ValueError } from '../errors';
import { boxDiagonalError } from '../model/evaluateModel';
import type { ExemplarModel } from '../model/exemplarModel';
import { referenceBox } from '../model/input';
import { predictBatch } from '../model/predict';
import type { Sample } from '../types';
import { assertInteger, assertPositive, describe } from '../util/validate';
import { packReferenceShapes } from './prepareData';

/** Options of `scoreClassifier`. */
export interface ScoreOptions {
  /** Membership radius of the multi-label error (RMS point distance, box units). @default 0.05 */
  tau?: number;
  /** Faces per forward pass. @default 32 */
  batchSize?: number;
  /** Also score the mode shape (predict's `mode` option): `errorsMode`, `landmarkErrorMode`. @default false */
  mode?: boolean;
}

/** Scores of a classifier on a set of samples. */
export interface ClassifierScores {
  /** Mean box-diagonal-normalised error of the expected shape. */
  landmarkError: number;
  /** Mean box-diagonal-normalised error of the MAP shape (the top class's centre). */
  landmarkErrorMap: number;
  /** Fraction of samples whose top-1 class is the nearest class. */
  classificationAccuracy: number;
  /** Fraction of samples whose top-1 class is outside M_i. */
  multiLabelError: number;
  /** Per-sample errors of the expected shape. */
  errors: Float32Array;
  /** Per-sample errors of the MAP shape. */
  errorsMap: Float32Array;
  /** With the `mode` option: mean error of the mode shape. */
  landmarkErrorMode?: number;
  /** With the `mode` option: per-sample errors of the mode shape. */
  errorsMode?: Float32Array;
}

function mean(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

/**
 * Scores `model` on `samples` (see the module comment for the definitions).
 * @example const s = scoreClassifier(model, data.validation, { tau: 0.05 }); s.multiLabelError
 */
export function scoreClassifier(
  model: ExemplarModel,
  samples: readonly Sample[],
  opts: ScoreOptions = {},
): ClassifierScores {
  const fn = 'scoreClassifier';
  if (!Array.isArray(samples) || samples.length === 0) {
    throw new ValueError(`${fn}: argument 'samples' expected a non-empty array, got ${describe(samples)}`);
  }
  const tau = opts.tau ?? 0.05;
  assertPositive(fn, 'tau', tau);
  const batchSize = opts.batchSize ?? 32;
  assertInteger(fn, 'batchSize', batchSize, 1, 4096);
  const preds = predictBatch(
    model,
    samples.map((s) => ({ image: s.image, box: referenceBox(s) })),
    { topK: 1, batchSize, mode: opts.mode === true },
    fn,
  );
  const B = samples.length;
  const errors = new Float32Array(B);
  const errorsMap = new Float32Array(B);
  const errorsMode = opts.mode === true ? new Float32Array(B) : undefined;
  samples.forEach((s, i) => {
    errors[i] = boxDiagonalError(preds[i].expectedShape, s.landmarks, s.box);
    errorsMap[i] = boxDiagonalError(preds[i].mapShape, s.landmarks, s.box);
    const mode = preds[i].modeShape;
    if (errorsMode && mode) errorsMode[i] = boxDiagonalError(mode, s.landmarks, s.box);
  });
  const shapes = packReferenceShapes(samples);
  // nearest classes and M_i from the one exact scan that training uses too (classes/membership.ts)
  const { table } = model;
  const index = centerIndex(table.centers, table.K, table.nPoints);
  let scan: ReturnType<typeof membershipScan>;
  try {
    scan = membershipScan(index, shapes, B, tau, true);
  } finally {
    centerIndexRelease(index);
  }
  const { nearest, membership: m } = scan;
  let correct = 0;
  let outside = 0;
  for (let i = 0; i < B; i++) {
    const top = preds[i].topK[0].index;
    if (top === nearest[i]) correct++;
    let inside = false;
    for (let q = m.offsets[i]; q < m.offsets[i + 1]; q++) {
      if (m.indices[q] === top) {
        inside = true;
        break;
      }
    }
    if (!inside) outside++;
  }
  return {
    landmarkError: mean(errors),
    landmarkErrorMap: mean(errorsMap),
    classificationAccuracy: correct / B,
    multiLabelError: outside / B,
    errors,
    errorsMap,
    ...(errorsMode ? { errorsMode, landmarkErrorMode: mean(errorsMode) } : {}),
  };
}
