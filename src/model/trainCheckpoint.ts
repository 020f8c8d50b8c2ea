/**
 * The trainer's state and its checkpoint file: weight snapshots (for "restore the best epoch"), the counters, and
 * reading / writing a checkpoint (model, optimiser states, counters, best weights), written atomically through
 * container.ts. A resumed run continues exactly where the checkpoint left off.
 */
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { TrainingError } from '../errors';
import { readContainer, writeContainer, type StoredArray, type WriteHooks } from './container';
import type { ExemplarModel } from './exemplarModel';
import { modelParts } from './modelFile';
import { resumeSettingsCheck } from './resumeCheck';
import type { RowAdam } from './sampledHead';
import type { EpochRecord, ResolvedTrainOptions } from './trainOptions';

/** The `kind` field of a checkpoint file's header. */
export const CHECKPOINT_KIND = 'exemplar-landmarks/checkpoint';

/** Weights of backbone and head, copied out. */
export interface Snapshot {
  backbone: Float32Array[];
  W: Float32Array;
  b: Float32Array;
}

export function snapshot(model: ExemplarModel): Snapshot {
  return {
    backbone: model.backbone.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array)),
    W: Float32Array.from(model.headWeights()),
    b: Float32Array.from(model.headB),
  };
}

export function restore(model: ExemplarModel, s: Snapshot): void {
  const ws = model.backbone.getWeights();
  const vals = ws.map((w, i) => tf.tensor(s.backbone[i], w.shape));
  model.backbone.setWeights(vals);
  tf.dispose(vals);
  model.setHead({ W: s.W, b: s.b });
}

/** Trainer counters saved in checkpoints. */
export interface TrainerState {
  epochsDone: number;
  steps: number;
  best: number;
  bestEpoch: number;
  sinceBest: number;
  history: EpochRecord[];
}

export function freshState(): TrainerState {
  return { epochsDone: 0, steps: 0, best: Infinity, bestEpoch: 0, sinceBest: 0, history: [] };
}

/**
 * The settings a checkpoint must share with the run that resumes it (checked by resumeCheck.ts, which lists every
 * difference). The sampled head's hard negatives and Adam mode are listed only when not at their defaults, so that
 * checkpoints written before they existed still resume; the learning rates, negatives and positives per example are
 * always listed (a checkpoint written before they were resumes only with `inexactResume`).
 */
export function trainSettings(o: ResolvedTrainOptions): Record<string, unknown> {
  return {
    loss: o.loss,
    tau: o.tau,
    head: o.head,
    batchSize: o.batchSize,
    seed: o.seed,
    learningRate: o.learningRate,
    headLearningRate: o.headLearningRate,
    ...(o.head === 'sampled' ? { negatives: o.negatives, maxPositives: o.maxPositives } : {}),
    ...(o.head === 'sampled' && o.hardNegatives > 0 ? { hardNegatives: o.hardNegatives } : {}),
    ...(o.head === 'sampled' && o.rowAdam !== 'lazy' ? { rowAdam: o.rowAdam } : {}),
  };
}

function sameConfig(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Everything a checkpoint reads into or writes from. */
export interface CheckpointTarget {
  model: ExemplarModel;
  optimizer: tf.Optimizer;
  rowAdam: RowAdam | null;
  state: TrainerState;
  settings: Record<string, unknown>;
  /** Accept other settings that leave the state usable (TrainOptions.inexactResume). @default false */
  inexactResume?: boolean;
}

/**
 * Loads `file` into the model, optimiser, row Adam and counters (in place); returns the best weights it holds
 * (null if none). The dense head's engine variables are reloaded by the caller from the model's head.
 */
export async function readCheckpoint(
  fn: string,
  file: string,
  t: CheckpointTarget,
): Promise<Snapshot | null> {
  const { model } = t;
  const { header, arrays } = readContainer(fn, file, CHECKPOINT_KIND);
  if (!sameConfig(header.config, model.config)) {
    const c = header.config as { K?: number; scheme?: string };
    throw new TrainingError(
      `${fn}: checkpoint ${file} is for another model (K ${c?.K}, scheme ${c?.scheme}, …), expected K ${model.K}, scheme ${model.config.scheme} and the same backbone config`,
    );
  }
  resumeSettingsCheck(fn, file, header.train, t.settings, t.inexactResume === true);
  const parts = (prefix: string): Snapshot => ({
    backbone: model.backbone.getWeights().map((_, i) => arrays[`${prefix}backbone/${i}`] as Float32Array),
    W: arrays[`${prefix}head/W`] as Float32Array,
    b: arrays[`${prefix}head/b`] as Float32Array,
  });
  restore(model, parts(''));
  Object.assign(t.state, header.state as TrainerState);
  const optNames = header.optimizer as string[];
  if (optNames.length > 0) {
    const optShapes = header.optimizerShapes as number[][];
    const named = optNames.map((name, i) => ({
      name,
      tensor: tf.tensor(arrays[`opt/${i}`] as Float32Array, optShapes[i]),
    }));
    await t.optimizer.setWeights(named);
    tf.dispose(named.map((n) => n.tensor));
  }
  const { rowAdam } = t;
  if (rowAdam) {
    rowAdam.m.set(arrays['rowAdam/m'] as Float32Array);
    rowAdam.v.set(arrays['rowAdam/v'] as Float32Array);
    rowAdam.mb.set(arrays['rowAdam/mb'] as Float32Array);
    rowAdam.vb.set(arrays['rowAdam/vb'] as Float32Array);
    if (rowAdam.last.length > 0) rowAdam.last.set(arrays['rowAdam/last'] as Int32Array);
    rowAdam.t = header.rowAdamT as number;
  }
  return header.hasBest ? parts('best/') : null;
}

/** Resumes from `file` when asked and it exists; returns whether it did and the best weights it held. */
export async function maybeResume(
  fn: string,
  file: string | undefined,
  resume: boolean | undefined,
  t: CheckpointTarget,
): Promise<{ resumed: boolean; best: Snapshot | null }> {
  if (!resume || !file || !fs.existsSync(file)) return { resumed: false, best: null };
  return { resumed: true, best: await readCheckpoint(fn, file, t) };
}

/** Writes the checkpoint atomically (the model's head must be in sync with the engine). */
export async function writeCheckpoint(
  file: string,
  t: CheckpointTarget,
  best: Snapshot | null,
  hooks?: WriteHooks,
): Promise<void> {
  const { model, state, rowAdam } = t;
  const { header, arrays } = modelParts(model);
  const all: Record<string, StoredArray> = { ...arrays };
  // getWeights() returns the optimiser's variables plus a fresh 'iter' scalar each call: copy the values out and
  // free the tensors that are not the optimiser's own variables, so that checkpointing leaks nothing.
  const ow = await t.optimizer.getWeights();
  ow.forEach((nt, i) => (all[`opt/${i}`] = Float32Array.from(nt.tensor.dataSync() as Float32Array)));
  const optimizerShapes = ow.map((nt) => nt.tensor.shape);
  tf.dispose(ow.filter((nt) => !(nt.tensor instanceof tf.Variable)).map((nt) => nt.tensor));
  const hasBest = best !== null && state.bestEpoch !== state.epochsDone;
  if (best && hasBest) {
    best.backbone.forEach((a, i) => (all[`best/backbone/${i}`] = a));
    all['best/head/W'] = best.W;
    all['best/head/b'] = best.b;
  }
  if (rowAdam) {
    all['rowAdam/m'] = rowAdam.m;
    all['rowAdam/v'] = rowAdam.v;
    all['rowAdam/mb'] = rowAdam.mb;
    all['rowAdam/vb'] = rowAdam.vb;
    if (rowAdam.last.length > 0) all['rowAdam/last'] = rowAdam.last;
  }
  writeContainer(
    file,
    {
      kind: CHECKPOINT_KIND,
      version: 1,
      ...header,
      train: t.settings,
      state,
      hasBest,
      optimizer: ow.map((nt) => nt.name),
      optimizerShapes,
      rowAdamT: rowAdam ? rowAdam.t : 0,
    },
    all,
    hooks,
  );
}
