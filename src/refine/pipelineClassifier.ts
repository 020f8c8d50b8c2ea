/**
 * The pipeline's classifier step: a class table from the training samples' shapes in their reference boxes (k-means
 * with K classes, or exemplars with K = 'M'), a model, and its training, all from one flat options object. The
 * one-call trainer for users is `experiments.trainClassifier`; this step exists because `refine` sits below
 * `experiments` and trains on samples (not on ExperimentData).
 */
import { classTableExemplars } from '../classes/classTableExemplars';
import { classTableFromKmeans } from '../classes/classTableFromKmeans';
import type { ClassTable } from '../classes/types';
import { ShapeError, ValueError } from '../errors';
import { shapeToBox } from '../landmarks/box';
import type { ModelOptions } from '../model/config';
import { createModel, type ExemplarModel } from '../model/exemplarModel';
import { referenceBox } from '../model/input';
import { train, type TrainOptions, type TrainResult } from '../model/train';
import type { Sample } from '../types';
import { describe } from '../util/validate';

/** Options of the pipeline's classifier: classes, model and training in one object. */
export interface PipelineClassifierOptions extends ModelOptions, TrainOptions {
  /** Number of k-means classes, or 'M' for one class per training sample (exemplars). @default 100 */
  K?: number | 'M';
  /** K = 'M' only: also add each shape's mirror image as a class. @default false */
  flip?: boolean;
}

/** Builds the class table from `samples`, creates the model and trains it; disposes the model on failure. */
export async function trainPipelineClassifier(
  fn: string,
  samples: Sample[],
  opts: PipelineClassifierOptions,
): Promise<{ model: ExemplarModel; table: ClassTable; result: TrainResult }> {
  const nPoints = samples[0].landmarks.length / 2;
  const dim = 2 * nPoints;
  const shapes = new Float32Array(samples.length * dim);
  samples.forEach((s, i) => {
    if (!(s.landmarks instanceof Float32Array) || s.landmarks.length !== dim) {
      throw new ShapeError(
        `${fn}: argument 'train[${i}].landmarks' expected ${nPoints} points like train[0], got ${describe(s.landmarks)}`,
      );
    }
    shapes.set(shapeToBox(s.landmarks, referenceBox(s)), i * dim);
  });
  const attrs = { ids: samples.map((s) => s.id), poses: samples.map((s) => s.pose) };
  const K = opts.K ?? 100;
  let table: ClassTable;
  if (K === 'M') {
    table = classTableExemplars(shapes, nPoints, { ...attrs, flip: opts.flip ?? false, tau: opts.tau });
  } else {
    if (typeof K !== 'number' || !Number.isInteger(K) || K < 1 || K > samples.length) {
      throw new ValueError(
        `${fn}: option 'classifier.K' expected 'M' or an integer in 1..${samples.length} (the training samples), got ${describe(K)}`,
      );
    }
    table = classTableFromKmeans(shapes, nPoints, { ...attrs, K, seed: opts.seed ?? 0 });
  }
  const model = createModel(table, opts);
  try {
    return { model, table, result: await train(model, samples, opts) };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
