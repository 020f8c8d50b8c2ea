/**
 * The trainer's options, results and the one place their defaults live (`resolveTrainOptions`). The head is chosen
 * here too, through headChoice.ts, from the active backend's capability.
 */
import * as tf from '@tensorflow/tfjs';
import type { Sample } from '../types';
import { assertInteger, assertOneOf, assertPositive } from '../util/validate';
import { LOSSES, type LossKind } from './config';
import type { WriteHooks } from './container';
import { chooseHead, DENSE_ENGINE_MAX_BYTES, type HeadChoice } from './headChoice';
import type { ProgressSink } from './progress';
import { ROW_ADAM_MODES, type RowAdamMode } from './sampledHead';

/** Options of `train`. */
export interface TrainOptions {
  /** Training loss. @default 'multiLabel' */
  loss?: LossKind;
  /** Membership radius tau (RMS point distance in box units) for softTarget and multiLabel. @default 0.05 */
  tau?: number;
  /** Passes over the training data. @default 10 */
  epochs?: number;
  /** Images per step (the last batch of an epoch may be smaller). @default 64 */
  batchSize?: number;
  /** Adam learning rate of the backbone (and dense head). @default 0.001 */
  learningRate?: number;
  /** Adam learning rate of the head rows. @default learningRate */
  headLearningRate?: number;
  /**
   * 'dense' head on the engine, 'sampled' head (multiLabel only), or 'auto', chosen by the backend (headChoice.ts):
   * on 'tensorflow' / 'webgl' / 'webgpu' dense at any K whose head fits in `denseMaxBytes`; on 'wasm' / 'cpu' dense
   * when K ≤ DENSE_MAX_K (5,000) or the loss is not multiLabel, else sampled.
   * @default 'auto'
   */
  head?: 'auto' | 'dense' | 'sampled';
  /**
   * Dense head: where the B × K target is built. 'device': the membership sets go up as (row, class) indices and the
   * target is scattered on the engine (deviceTargets.ts); 'host': a dense B × K array built in JavaScript and
   * uploaded (the previous behaviour). Both give the same target.
   * @default 'device'
   */
  targets?: 'device' | 'host';
  /** 'auto' head on a GPU/native backend: largest estimated engine memory (bytes) of the dense head. @default 4 GiB */
  denseMaxBytes?: number;
  /** Sampled head: negatives per step (shared by the batch). @default 1024 */
  negatives?: number;
  /** Sampled head: positives per example before subsampling. @default 64 */
  maxPositives?: number;
  /**
   * Sampled head: hard negatives, the `hardNegatives` nearest classes of each example's nearest class (those not in
   * its membership set are the classes just outside tau), always included in the step's negatives with weight 1;
   * the `negatives` uniform draws then come from the other classes, weighted (K − |H|) / n (unbiased, see
   * sampledHead.ts). 0 = uniform negatives only.
   * @default 0
   */
  hardNegatives?: number;
  /**
   * Sampled head: Adam over the rows. 'lazy': moments of rows not in a step stay as they were; 'decayed': a row's
   * moments are decayed by β^Δ for the Δ steps it sat out before it is updated (what dense Adam does to them).
   * @default 'lazy'
   */
  rowAdam?: RowAdamMode;
  /** Seed of shuffling and negative sampling. @default 0 */
  seed?: number;
  /** Validation samples, scored after every epoch. @default none */
  validation?: Sample[];
  /** Point estimate scored on validation. @default 'expected' */
  validationShape?: 'expected' | 'map';
  /** Stop after this many epochs without a better validation error. @default Infinity (never) */
  patience?: number;
  /** At the end, put back the weights of the epoch with the best validation error. @default true */
  restoreBest?: boolean;
  /** Checkpoint file, written atomically after every epoch. @default none */
  checkpoint?: string;
  /** Continue from `checkpoint` when it exists. @default false */
  resume?: boolean;
  /**
   * Resume even when the checkpoint was written with other settings that leave its state usable (learning rates,
   * negatives, positives per example, tau, batch size, seed, loss): the run continues with the new ones and is then
   * no longer exact. Without it such a resume throws TrainingError listing the differences (resumeCheck.ts).
   * @default false
   */
  inexactResume?: boolean;
  /** Progress display: 'auto' (notebook / terminal bar / line per epoch), 'none', or a sink. @default 'auto' */
  progress?: 'auto' | 'none' | ProgressSink;
  /**
   * Test hooks for checkpoint writes. @default none
   * @internal
   */
  checkpointHooks?: WriteHooks;
}

/** One finished epoch. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  validationError?: number;
  imagesPerSecond: number;
}

/** What `train` returns. */
export interface TrainResult {
  history: EpochRecord[];
  /** Epoch (1-based) with the best validation error; the last epoch without validation. */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Steps taken in total (including those before a resume). */
  steps: number;
  head: 'dense' | 'sampled';
  /** Dense head: where its targets were built; null for the sampled head. */
  targets: 'device' | 'host' | null;
  /** Why this head (headChoice.ts). */
  headReason: string;
}

/** TrainOptions with every default applied. */
export interface ResolvedTrainOptions {
  loss: LossKind;
  tau: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  headLearningRate: number;
  head: 'dense' | 'sampled';
  headReason: string;
  targets: 'device' | 'host';
  negatives: number;
  maxPositives: number;
  hardNegatives: number;
  rowAdam: RowAdamMode;
  seed: number;
  validationShape: 'expected' | 'map';
  patience: number;
  restoreBest: boolean;
  inexactResume: boolean;
}

/** Applies the defaults of TrainOptions (the one place they live) and validates them. */
export function resolveTrainOptions(fn: string, K: number, D: number, o: TrainOptions): ResolvedTrainOptions {
  const loss = o.loss ?? 'multiLabel';
  assertOneOf(fn, 'loss', loss, LOSSES);
  const tau = o.tau ?? 0.05;
  assertPositive(fn, 'tau', tau);
  const epochs = o.epochs ?? 10;
  assertInteger(fn, 'epochs', epochs, 1, 1e6);
  const batchSize = o.batchSize ?? 64;
  assertInteger(fn, 'batchSize', batchSize, 1, 65536);
  const learningRate = o.learningRate ?? 0.001;
  assertPositive(fn, 'learningRate', learningRate);
  const headLearningRate = o.headLearningRate ?? learningRate;
  assertPositive(fn, 'headLearningRate', headLearningRate);
  const headOpt = o.head ?? 'auto';
  assertOneOf(fn, 'head', headOpt, ['auto', 'dense', 'sampled'] as const);
  const denseMaxBytes = o.denseMaxBytes ?? DENSE_ENGINE_MAX_BYTES;
  assertPositive(fn, 'denseMaxBytes', denseMaxBytes);
  const choice: HeadChoice = chooseHead(fn, {
    backend: tf.getBackend(),
    K,
    D,
    batchSize,
    loss,
    head: headOpt,
    denseMaxBytes,
  });
  const targets = o.targets ?? 'device';
  assertOneOf(fn, 'targets', targets, ['device', 'host'] as const);
  const negatives = o.negatives ?? 1024;
  assertInteger(fn, 'negatives', negatives, 1, 2 ** 31);
  const maxPositives = o.maxPositives ?? 64;
  assertInteger(fn, 'maxPositives', maxPositives, 1, 2 ** 31);
  const hardNegatives = o.hardNegatives ?? 0;
  assertInteger(fn, 'hardNegatives', hardNegatives, 0, Math.max(0, K - 1));
  const rowAdam = o.rowAdam ?? 'lazy';
  assertOneOf(fn, 'rowAdam', rowAdam, ROW_ADAM_MODES);
  const seed = o.seed ?? 0;
  assertInteger(fn, 'seed', seed, 0, 2 ** 31);
  const validationShape = o.validationShape ?? 'expected';
  assertOneOf(fn, 'validationShape', validationShape, ['expected', 'map'] as const);
  const patience = o.patience ?? Infinity;
  if (patience !== Infinity) assertInteger(fn, 'patience', patience, 1, 1e6);
  return {
    loss,
    tau,
    epochs,
    batchSize,
    learningRate,
    headLearningRate,
    head: choice.head,
    headReason: choice.reason,
    targets,
    negatives,
    maxPositives,
    hardNegatives,
    rowAdam,
    seed,
    validationShape,
    patience,
    restoreBest: o.restoreBest ?? true,
    inexactResume: o.inexactResume ?? false,
  };
}
