/**
 * The one-call trainer: class table (k-means with K classes, or exemplars with K = 'M') → model → training, from
 * experiment data (`prepareData`, or `dataFromSamples` for your own samples). Each step is also available on its own
 * (classes.classTableFromKmeans / classTableExemplars, model.createModel, model.train).
 */
import type { ClassTable } from '../classes/types';
import type { LossKind, ModelOptions } from '../model/config';
import { createModel, type ExemplarModel } from '../model/exemplarModel';
import { train, type TrainOptions, type TrainResult } from '../model/train';
import { classTableFor, type ClassTableForOptions, type KSpec } from './classTableFor';
import type { ExperimentData } from './prepareData';

/** Options of `trainClassifier`. */
export interface TrainClassifierOptions {
  /** Classes: a number (k-means) or 'M' (exemplars). @default 'M' */
  K?: KSpec;
  /** Training loss. @default 'multiLabel' */
  loss?: LossKind;
  /** Model options (backbone, input, widths, featureDim, seed). @default {} (the small CPU net, 64×64 gray) */
  model?: ModelOptions;
  /** Trainer options (epochs, batchSize, tau, learningRate, progress, …); `loss` is taken from above. @default { epochs: 10, progress: 'none' } */
  train?: Omit<TrainOptions, 'loss'>;
  /** Class-table options (seed, tau, iterations, flip, warnings); tau defaults to the trainer's tau. @default {} */
  table?: ClassTableForOptions;
  /** Score validation after every epoch (early stopping / best-weight restore use it). @default false */
  validateEachEpoch?: boolean;
}

/** What `trainClassifier` returns: the trained model (dispose it when done), its table and the trainer's record. */
export interface TrainedClassifier {
  model: ExemplarModel;
  table: ClassTable;
  result: TrainResult;
  loss: LossKind;
}

/**
 * Builds the class table, creates the model and trains it on `data.train`.
 * @example const { model } = await trainClassifier(data, { K: 'M', loss: 'multiLabel', train: { epochs: 5 } })
 */
export async function trainClassifier(
  data: ExperimentData,
  opts: TrainClassifierOptions = {},
  table?: ClassTable,
): Promise<TrainedClassifier> {
  const loss = opts.loss ?? 'multiLabel';
  const trainOpts: TrainOptions = { epochs: 10, progress: 'none', ...opts.train, loss };
  const tab = table ?? classTableFor(data, opts.K ?? 'M', { tau: trainOpts.tau, ...opts.table });
  const model = createModel(tab, opts.model ?? {});
  try {
    const result = await train(model, data.train, {
      ...trainOpts,
      validation: opts.validateEachEpoch ? data.validation : undefined,
    });
    return { model, table: tab, result, loss };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
