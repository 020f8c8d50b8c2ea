/**
 * The trainer: mini-batch training of backbone + head with one of the three losses, at any K.
 *
 * Per step: a batch of pre-cropped inputs (cropped once, stored as bytes), its targets from batchTargets (nearest
 * class and M_i, computed per batch), then either
 * - the dense head (tf variables Wᵀ: D × K and b, one Adam over backbone and head, gradients by autodiff through
 *   matMulPlain, which avoids wasm's slow transposed products), or
 * - the sampled multi-label head (sampledHead.ts: JS-side rows, lazy per-row Adam; the backbone's gradient flows
 *   through dL/df by differentiating the surrogate Σ f ⊙ stop(dL/df)).
 * The loss is checked before the update is applied: a non-finite loss throws TrainingError naming the epoch, step
 * and the batch's sample indices, leaving the model and the last checkpoint as they were.
 *
 * After each epoch: validation error (evaluateModel), early stopping on it (patience), and an atomic checkpoint
 * holding the model, the optimiser states, the trainer's counters and the best weights so far. `resume` continues
 * from a checkpoint exactly: a run resumed after epoch e ends with the same weights as an uninterrupted run.
 * Every random draw comes from an Rng seeded by (seed, epoch): same seed, same backend → same weights.
 */
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { ShapeError, TrainingError, ValueError } from '../errors';
import { shapeToBox } from '../landmarks/box';
import type { Sample } from '../types';
import { Rng } from '../util/rng';
import { assertInteger, assertOneOf, assertPositive, describe } from '../util/validate';
import { batchTargets } from './batchTargets';
import { LOSSES, type LossKind } from './config';
import { readContainer, writeContainer, type StoredArray, type WriteHooks } from './container';
import { evaluateModel } from './evaluateModel';
import type { ExemplarModel } from './exemplarModel';
import { cropInto, rasterValidate, referenceBox } from './input';
import { denseLoss, targetMatrix } from './losses';
import { matMulPlain } from './matMulPlain';
import { modelParts } from './modelFile';
import { autoProgress, type ProgressSink, type ProgressState } from './progress';
import { RowAdam, SampledHeadScratch, sampledHeadStep } from './sampledHead';
import { transpose } from './transpose';

/** The `kind` field of a checkpoint file's header. */
export const CHECKPOINT_KIND = 'exemplar-landmarks/checkpoint';

/**
 * Largest K trained with a dense head on the CPU when `head` is 'auto' (multiLabel). Measured on wasm, 64×64, batch
 * 64 (load ~3 on 2 cores): sampled/dense images/s 77/46 at K = 20,000, 86/72 at 5,000, 93/87 at 2,000.
 */
export const DENSE_MAX_K = 5000;

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
  /** 'dense' head, 'sampled' head (multiLabel only), or 'auto': dense when K ≤ DENSE_MAX_K (5,000) or the loss is not multiLabel. @default 'auto' */
  head?: 'auto' | 'dense' | 'sampled';
  /** Sampled head: negatives per step (shared by the batch). @default 1024 */
  negatives?: number;
  /** Sampled head: positives per example before subsampling. @default 64 */
  maxPositives?: number;
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
  /** Progress display: 'auto' (notebook / terminal bar / line per epoch), 'none', or a sink. @default 'auto' */
  progress?: 'auto' | 'none' | ProgressSink;
  /** Test hooks for checkpoint writes. @default none */
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
}

interface Resolved {
  loss: LossKind;
  tau: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  headLearningRate: number;
  head: 'dense' | 'sampled';
  negatives: number;
  maxPositives: number;
  seed: number;
  validationShape: 'expected' | 'map';
  patience: number;
  restoreBest: boolean;
}

/** Applies the defaults of TrainOptions (the one place they live) and validates them. */
function resolve(fn: string, K: number, o: TrainOptions): Resolved {
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
  const head =
    headOpt === 'auto' ? (K <= DENSE_MAX_K || loss !== 'multiLabel' ? 'dense' : 'sampled') : headOpt;
  if (head === 'sampled' && loss !== 'multiLabel') {
    throw new ValueError(`${fn}: argument 'head' 'sampled' expected loss 'multiLabel', got loss '${loss}'`);
  }
  const negatives = o.negatives ?? 1024;
  assertInteger(fn, 'negatives', negatives, 1, 2 ** 31);
  const maxPositives = o.maxPositives ?? 64;
  assertInteger(fn, 'maxPositives', maxPositives, 1, 2 ** 31);
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
    head,
    negatives,
    maxPositives,
    seed,
    validationShape,
    patience,
    restoreBest: o.restoreBest ?? true,
  };
}

/** Training inputs cropped once: bytes (x = q / 127.5 − 1) and shapes in box coordinates. */
interface Prepared {
  n: number;
  per: number;
  pixels: Uint8Array;
  shapes: Float32Array;
}

function prepare(fn: string, model: ExemplarModel, samples: Sample[]): Prepared {
  const { size, channels } = model.config.input;
  const per = size * size * channels;
  const dim = 2 * model.config.nPoints;
  const pixels = new Uint8Array(samples.length * per);
  const shapes = new Float32Array(samples.length * dim);
  const tmp = new Float32Array(per);
  samples.forEach((s, i) => {
    rasterValidate(fn, `train[${i}].image`, s?.image);
    if (!(s.landmarks instanceof Float32Array) || s.landmarks.length !== dim) {
      throw new ShapeError(
        `${fn}: argument 'train[${i}].landmarks' expected ${model.config.nPoints} points (${model.config.scheme}), got ${describe(s.landmarks)}`,
      );
    }
    const box = referenceBox(s);
    cropInto(s.image, box, model.config.input, tmp, 0);
    for (let j = 0; j < per; j++) pixels[i * per + j] = Math.round((tmp[j] + 1) * 127.5);
    shapes.set(shapeToBox(s.landmarks, box), i * dim);
  });
  return { n: samples.length, per, pixels, shapes };
}

/** The model's trainable backbone variables, in a fixed order. */
function backboneVariables(model: ExemplarModel): tf.Variable[] {
  return model.backbone.trainableWeights.map((w) => w.read() as tf.Variable);
}

interface Snapshot {
  backbone: Float32Array[];
  W: Float32Array;
  b: Float32Array;
}

function snapshot(model: ExemplarModel): Snapshot {
  return {
    backbone: model.backbone.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array)),
    W: Float32Array.from(model.headW),
    b: Float32Array.from(model.headB),
  };
}

function restore(model: ExemplarModel, s: Snapshot): void {
  const ws = model.backbone.getWeights();
  const vals = ws.map((w, i) => tf.tensor(s.backbone[i], w.shape));
  model.backbone.setWeights(vals);
  tf.dispose(vals);
  model.headW.set(s.W);
  model.headB.set(s.b);
  model.headChanged();
}

/** Trainer counters saved in checkpoints. */
interface TrainerState {
  epochsDone: number;
  steps: number;
  best: number;
  bestEpoch: number;
  sinceBest: number;
  history: EpochRecord[];
}

/** tfjs types the gradient map as variables; applyGradients only reads them as tensors. */
function applyGrads(optimizer: tf.Optimizer, grads: tf.NamedTensorMap): void {
  optimizer.applyGradients(grads as unknown as Record<string, tf.Variable>);
}

function sameConfig(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Trains `model` in place on `train` samples.
 * @example const result = await train(model, samples, { loss: 'multiLabel', tau: 0.05, epochs: 5, validation })
 */
export async function train(
  model: ExemplarModel,
  samples: Sample[],
  opts: TrainOptions = {},
): Promise<TrainResult> {
  const fn = 'train';
  if (!Array.isArray(samples) || samples.length === 0) {
    throw new ValueError(
      `${fn}: argument 'train' expected a non-empty array of samples, got ${describe(samples)}`,
    );
  }
  if (model.isInferenceOnly) {
    throw new ValueError(
      `${fn}: argument 'model' is inference-only (its head weights live on the engine only); load it without { inference: true } to train`,
    );
  }
  const o = resolve(fn, model.K, opts);
  const { K } = model;
  const D = model.featureDim;
  const dim = 2 * model.config.nPoints;
  const data = prepare(fn, model, samples);
  const validation = opts.validation ?? [];
  if (!Array.isArray(validation)) {
    throw new ValueError(
      `${fn}: argument 'validation' expected an array of samples, got ${describe(validation)}`,
    );
  }
  validation.forEach((s, i) => {
    rasterValidate(fn, `validation[${i}].image`, s?.image);
    if (!(s.landmarks instanceof Float32Array) || s.landmarks.length !== dim) {
      throw new ShapeError(
        `${fn}: argument 'validation[${i}].landmarks' expected ${model.config.nPoints} points, got ${describe(s.landmarks)}`,
      );
    }
  });
  const sink: ProgressSink =
    opts.progress === 'none'
      ? {}
      : opts.progress === undefined || opts.progress === 'auto'
        ? autoProgress()
        : opts.progress;

  const backVars = backboneVariables(model);
  const optimizer = tf.train.adam(o.learningRate);
  let Wv: tf.Variable | null = null;
  let bv: tf.Variable | null = null;
  let rowAdam: RowAdam | null = null;
  if (o.head === 'dense') {
    Wv = tf.tidy(() => tf.variable(tf.tensor2d(transpose(model.headW, K, D), [D, K]), true));
    bv = tf.tidy(() => tf.variable(tf.tensor1d(model.headB), true));
  } else {
    rowAdam = new RowAdam(K, D);
  }
  const allVars = Wv && bv ? [...backVars, Wv, bv] : backVars;
  const scratch = o.head === 'sampled' ? new SampledHeadScratch(K) : null;
  const centerChunks = model.centerChunks();

  const state: TrainerState = {
    epochsDone: 0,
    steps: 0,
    best: Infinity,
    bestEpoch: 0,
    sinceBest: 0,
    history: [],
  };
  let best: Snapshot | null = null;
  const trainSettings = { loss: o.loss, tau: o.tau, head: o.head, batchSize: o.batchSize, seed: o.seed };

  const syncHead = () => {
    if (Wv && bv) {
      transpose(Wv.dataSync() as Float32Array, D, K, model.headW);
      model.headB.set(bv.dataSync() as Float32Array);
    }
    model.headChanged();
  };

  // ---- resume
  if (opts.resume && opts.checkpoint && fs.existsSync(opts.checkpoint)) {
    const file = opts.checkpoint;
    const { header, arrays } = readContainer(fn, file, CHECKPOINT_KIND);
    if (!sameConfig(header.config, model.config)) {
      const c = header.config as { K?: number; scheme?: string };
      throw new TrainingError(
        `${fn}: checkpoint ${file} is for another model (K ${c?.K}, scheme ${c?.scheme}, …), expected K ${K}, scheme ${model.config.scheme} and the same backbone config`,
      );
    }
    if (!sameConfig(header.train, trainSettings)) {
      throw new TrainingError(
        `${fn}: checkpoint ${file} was trained with ${JSON.stringify(header.train)}, expected ${JSON.stringify(trainSettings)}`,
      );
    }
    const parts = (prefix: string): Snapshot => ({
      backbone: model.backbone.getWeights().map((_, i) => arrays[`${prefix}backbone/${i}`] as Float32Array),
      W: arrays[`${prefix}head/W`] as Float32Array,
      b: arrays[`${prefix}head/b`] as Float32Array,
    });
    restore(model, parts(''));
    Object.assign(state, header.state as TrainerState);
    if (header.hasBest) best = parts('best/');
    if (Wv && bv) {
      const [Wn, bn] = [tf.tensor2d(transpose(model.headW, K, D), [D, K]), tf.tensor1d(model.headB)];
      Wv.assign(Wn);
      bv.assign(bn);
      tf.dispose([Wn, bn]);
    }
    const optNames = header.optimizer as string[];
    if (optNames.length > 0) {
      const optShapes = header.optimizerShapes as number[][];
      const named = optNames.map((name, i) => ({
        name,
        tensor: tf.tensor(arrays[`opt/${i}`] as Float32Array, optShapes[i]),
      }));
      await optimizer.setWeights(named);
      tf.dispose(named.map((n) => n.tensor));
    }
    if (rowAdam) {
      rowAdam.m.set(arrays['rowAdam/m'] as Float32Array);
      rowAdam.v.set(arrays['rowAdam/v'] as Float32Array);
      rowAdam.mb.set(arrays['rowAdam/mb'] as Float32Array);
      rowAdam.vb.set(arrays['rowAdam/vb'] as Float32Array);
      rowAdam.t = header.rowAdamT as number;
    }
  }

  const saveCheckpoint = async () => {
    if (!opts.checkpoint) return;
    const { header, arrays } = modelParts(model);
    const all: Record<string, StoredArray> = { ...arrays };
    // getWeights() returns the optimiser's variables plus a fresh 'iter' scalar each call: copy the values out and
    // free the tensors that are not the optimiser's own variables, so that checkpointing leaks nothing.
    const ow = await optimizer.getWeights();
    ow.forEach((nt, i) => (all[`opt/${i}`] = Float32Array.from(nt.tensor.dataSync() as Float32Array)));
    const optimizerShapes = ow.map((nt) => nt.tensor.shape);
    tf.dispose(ow.filter((nt) => !(nt.tensor instanceof tf.Variable)).map((nt) => nt.tensor));
    if (best && state.bestEpoch !== state.epochsDone) {
      best.backbone.forEach((a, i) => (all[`best/backbone/${i}`] = a));
      all['best/head/W'] = best.W;
      all['best/head/b'] = best.b;
    }
    if (rowAdam) {
      all['rowAdam/m'] = rowAdam.m;
      all['rowAdam/v'] = rowAdam.v;
      all['rowAdam/mb'] = rowAdam.mb;
      all['rowAdam/vb'] = rowAdam.vb;
    }
    writeContainer(
      opts.checkpoint,
      {
        kind: CHECKPOINT_KIND,
        version: 1,
        ...header,
        train: trainSettings,
        state,
        hasBest: best !== null && state.bestEpoch !== state.epochsDone,
        optimizer: ow.map((nt) => nt.name),
        optimizerShapes,
        rowAdamT: rowAdam ? rowAdam.t : 0,
      },
      all,
      opts.checkpointHooks,
    );
  };

  // ---- epochs
  const stepsPerEpoch = Math.ceil(data.n / o.batchSize);
  let stoppedEarly = false;
  const runStart = performance.now();
  let imagesThisRun = 0;
  const x = new Float32Array(o.batchSize * data.per);
  const ys = new Float32Array(o.batchSize * dim);
  const { size, channels } = model.config.input;
  try {
    for (let epoch = state.epochsDone; epoch < o.epochs; epoch++) {
      const rng = new Rng(o.seed * 1000003 + epoch);
      const order = rng.shuffle(Int32Array.from({ length: data.n }, (_, i) => i)) as Int32Array;
      const epochStart = performance.now();
      let lossSum = 0;
      let lossCount = 0;
      for (let step = 0; step < stepsPerEpoch; step++) {
        const i0 = step * o.batchSize;
        const B = Math.min(o.batchSize, data.n - i0);
        for (let j = 0; j < B; j++) {
          const src = order[i0 + j];
          const po = src * data.per;
          for (let p = 0; p < data.per; p++) x[j * data.per + p] = data.pixels[po + p] / 127.5 - 1;
          ys.set(data.shapes.subarray(src * dim, (src + 1) * dim), j * dim);
        }
        const targets = batchTargets(centerChunks, ys, B, o.tau);
        const xt = tf.tensor4d(x.subarray(0, B * data.per), [B, size, size, channels]);
        let lossValue: number;
        if (Wv && bv) {
          const T = tf.tensor2d(targetMatrix(o.loss, K, targets.nearest, targets.membership), [B, K]);
          const W = Wv;
          const b = bv;
          const { value, grads } = tf.variableGrads(() => {
            const f = model.backbone.apply(xt, { training: true }) as tf.Tensor2D;
            return denseLoss(o.loss, tf.add(matMulPlain(f, W as tf.Tensor2D), b) as tf.Tensor2D, T);
          }, allVars);
          lossValue = value.dataSync()[0];
          value.dispose();
          T.dispose();
          if (Number.isFinite(lossValue)) applyGrads(optimizer, grads);
          tf.dispose(grads);
        } else {
          let res: ReturnType<typeof sampledHeadStep> | null = null;
          const { value, grads } = tf.variableGrads(() => {
            const f = model.backbone.apply(xt, { training: true }) as tf.Tensor2D;
            res = sampledHeadStep(
              f.dataSync() as Float32Array,
              B,
              model.headW,
              model.headB,
              targets.membership,
              { negatives: o.negatives, maxPositives: o.maxPositives },
              rng,
              scratch as SampledHeadScratch,
            );
            return tf.sum(tf.mul(f, tf.tensor2d(res.dLdf, [B, D]))) as tf.Scalar;
          }, backVars);
          value.dispose();
          const r = res as unknown as ReturnType<typeof sampledHeadStep>;
          lossValue = r.loss;
          if (Number.isFinite(lossValue)) {
            applyGrads(optimizer, grads);
            (rowAdam as RowAdam).update(model.headW, model.headB, r.rows, r.gW, r.gb, o.headLearningRate);
          }
          tf.dispose(grads);
        }
        xt.dispose();
        if (!Number.isFinite(lossValue)) {
          const idx = Array.from(order.subarray(i0, i0 + B));
          const shown = idx.length > 8 ? `${idx.slice(0, 8).join(', ')}, … (${idx.length})` : idx.join(', ');
          throw new TrainingError(
            `${fn}: loss is ${lossValue} at epoch ${epoch + 1} step ${step + 1} (global step ${state.steps + 1}), batch of samples [${shown}]; ` +
              `the update was not applied${opts.checkpoint ? `; last good checkpoint: ${opts.checkpoint}` : ''}`,
          );
        }
        state.steps++;
        lossSum += lossValue * B;
        lossCount += B;
        imagesThisRun += B;
        const elapsed = (performance.now() - epochStart) / 1000;
        const runElapsed = (performance.now() - runStart) / 1000;
        const remainingImages = (o.epochs - epoch - 1) * data.n + (data.n - i0 - B);
        const progress: ProgressState = {
          epoch: epoch + 1,
          epochs: o.epochs,
          step: step + 1,
          steps: stepsPerEpoch,
          loss: lossSum / lossCount,
          imagesPerSecond: lossCount / Math.max(elapsed, 1e-9),
          etaSeconds: (remainingImages * runElapsed) / Math.max(imagesThisRun, 1),
          validationError: state.history.at(-1)?.validationError,
        };
        sink.step?.(progress);
        // let the event loop breathe (progress output, notebook messages)
        if (step % 16 === 15) await new Promise((r) => setImmediate(r));
      }
      syncHead();
      const ips = lossCount / Math.max((performance.now() - epochStart) / 1000, 1e-9);
      const record: EpochRecord = { epoch: epoch + 1, loss: lossSum / lossCount, imagesPerSecond: ips };
      if (validation.length > 0) {
        record.validationError = evaluateModel(model, validation, { shape: o.validationShape }).mean;
      }
      state.history.push(record);
      state.epochsDone = epoch + 1;
      const score = record.validationError ?? -epoch; // without validation the latest epoch is the best
      if (score < state.best) {
        state.best = score;
        state.bestEpoch = epoch + 1;
        state.sinceBest = 0;
        if (o.restoreBest && validation.length > 0) best = snapshot(model);
      } else {
        state.sinceBest++;
      }
      sink.epoch?.({
        epoch: epoch + 1,
        epochs: o.epochs,
        step: stepsPerEpoch,
        steps: stepsPerEpoch,
        loss: record.loss,
        imagesPerSecond: ips,
        etaSeconds:
          ((o.epochs - epoch - 1) * data.n * (performance.now() - runStart)) /
          1000 /
          Math.max(imagesThisRun, 1),
        validationError: record.validationError,
      });
      await saveCheckpoint();
      if (state.sinceBest >= o.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (o.restoreBest && best && state.bestEpoch !== state.epochsDone) restore(model, best);
  } finally {
    sink.end?.();
    optimizer.dispose();
    Wv?.dispose();
    bv?.dispose();
  }
  return {
    history: state.history,
    bestEpoch: state.bestEpoch,
    stoppedEarly,
    steps: state.steps,
    head: o.head,
  };
}
