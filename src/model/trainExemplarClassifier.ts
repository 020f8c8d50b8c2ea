/**
 * One call from samples to a trained exemplar classifier: class table (k-means with K classes, or exemplars with
 * K = M), model, training. For notebooks and experiments; each step is also available on its own
 * (classes.classTableFromKmeans / classTableExemplars, createModel, train).
 */
import { classTableExemplars, classTableFromKmeans } from '../classes';
import type { ClassTable } from '../classes/types';
import { ShapeError, ValueError } from '../errors';
import { shapeToBox } from '../landmarks/box';
import type { Sample } from '../types';
import { describe } from '../util/validate';
import type { Warnings } from '../util/warnings';
import type { ModelOptions } from './config';
import { createModel, type ExemplarModel } from './exemplarModel';
import { referenceBox } from './input';
import { train, type TrainOptions, type TrainResult } from './train';

/** Options of trainExemplarClassifier: data, classes, model and training in one object. */
export interface TrainExemplarClassifierOptions extends ModelOptions, TrainOptions {
  /** Training samples (their shapes, in their reference boxes, also make the class table). */
  train: Sample[];
  /** Number of k-means classes, or 'exemplar' for one class per training sample (K = M). @default 'exemplar' */
  K?: number | 'exemplar';
  /** Exemplar tables: also add each shape's mirror image as a class. @default false */
  flip?: boolean;
  /** Use this class table instead of building one (K and flip are then ignored). @default built from `train` */
  table?: ClassTable;
  /** Collects recoverable trouble from the class-table step. @default none */
  warnings?: Warnings;
}

/** The trained model, its class table and the training record. */
export interface ExemplarClassifier {
  model: ExemplarModel;
  table: ClassTable;
  result: TrainResult;
}

/**
 * Builds the class table, creates the model and trains it.
 * @example const { model, result } = await trainExemplarClassifier({ train, validation, K: 'exemplar', loss: 'multiLabel', tau: 0.05, epochs: 5 })
 */
export async function trainExemplarClassifier(
  opts: TrainExemplarClassifierOptions,
): Promise<ExemplarClassifier> {
  const fn = 'trainExemplarClassifier';
  const samples = opts?.train;
  if (!Array.isArray(samples) || samples.length === 0) {
    throw new ValueError(
      `${fn}: argument 'train' expected a non-empty array of samples, got ${describe(samples)}`,
    );
  }
  const nPoints = samples[0].landmarks.length / 2;
  const dim = 2 * nPoints;
  let table = opts.table;
  if (!table) {
    const shapes = new Float32Array(samples.length * dim);
    samples.forEach((s, i) => {
      if (!(s.landmarks instanceof Float32Array) || s.landmarks.length !== dim) {
        throw new ShapeError(
          `${fn}: argument 'train[${i}].landmarks' expected ${nPoints} points like train[0], got ${describe(s.landmarks)}`,
        );
      }
      shapes.set(shapeToBox(s.landmarks, referenceBox(s)), i * dim);
    });
    const attrs = {
      ids: samples.map((s) => s.id),
      poses: samples.map((s) => s.pose),
      visibility: samples.every((s) => s.visibility)
        ? Uint8Array.from(samples.flatMap((s) => Array.from(s.visibility as Uint8Array)))
        : undefined,
      warnings: opts.warnings,
    };
    const K = opts.K ?? 'exemplar';
    if (K === 'exemplar') {
      table = classTableExemplars(shapes, nPoints, { ...attrs, flip: opts.flip ?? false, tau: opts.tau });
    } else {
      if (typeof K !== 'number' || !Number.isInteger(K) || K < 1 || K > samples.length) {
        throw new ValueError(
          `${fn}: argument 'K' expected 'exemplar' or an integer in 1..${samples.length} (the training samples), got ${describe(K)}`,
        );
      }
      table = classTableFromKmeans(shapes, nPoints, { ...attrs, K, seed: opts.seed ?? 0 });
    }
  }
  const model = createModel(table, opts);
  try {
    const result = await train(model, samples, opts);
    return { model, table, result };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
