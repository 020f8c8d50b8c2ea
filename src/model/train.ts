/**
 * The trainer: mini-batch training of backbone + head with one of the three losses, at any K. This file is the
 * loop; its jobs live next to it:
 *
 * - trainOptions.ts: options, defaults, results; headChoice.ts: which head for this backend and K;
 * - trainHeads.ts: one step of the dense head (engine variables, targets built on the device by deviceTargets.ts)
 *   or of the sampled multi-label head (sampledHead.ts: JS-side rows, per-row Adam, optional hard negatives);
 * - trainCheckpoint.ts: snapshots, counters, reading and atomically writing checkpoints (exact resume);
 * - trainClock.ts: running loss, throughput and time left for the progress sinks.
 *
 * Per step: a batch of pre-cropped inputs (cropped once, stored as bytes), its targets from batchTargets (nearest
 * class and M_i, computed per batch), then the head's step. The loss is checked before the update is applied: a
 * non-finite loss throws TrainingError naming the epoch, step and the batch's sample indices, leaving the model and
 * the last checkpoint as they were.
 *
 * After each epoch: validation error (evaluateModel), early stopping on it (patience), and an atomic checkpoint
 * holding the model, the optimiser states, the trainer's counters and the best weights so far. `resume` continues
 * from a checkpoint exactly: a run resumed after epoch e ends with the same weights as an uninterrupted run.
 * Every random draw comes from an Rng seeded by (seed, epoch): same seed, same backend → same weights.
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError, TrainingError, ValueError } from '../errors';
import { shapeToBox } from '../landmarks/box';
import type { Sample } from '../types';
import { Rng } from '../util/rng';
import { describe } from '../util/validate';
import { batchTargets } from './batchTargets';
import { evaluateModel } from './evaluateModel';
import type { ExemplarModel } from './exemplarModel';
import { cropInto, rasterValidate, referenceBox } from './input';
import { autoProgress, type ProgressSink } from './progress';
import {
  freshState,
  maybeResume,
  restore,
  snapshot,
  trainSettings,
  writeCheckpoint,
  type CheckpointTarget,
  type Snapshot,
} from './trainCheckpoint';
import { TrainClock } from './trainClock';
import { DenseHeadTrainer, SampledHeadTrainer, type HeadTrainer } from './trainHeads';
import { resolveTrainOptions, type EpochRecord, type TrainOptions, type TrainResult } from './trainOptions';

export { CHECKPOINT_KIND } from './trainCheckpoint';
export { DENSE_MAX_K } from './headChoice';
export type { EpochRecord, TrainOptions, TrainResult } from './trainOptions';

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

function validationSet(fn: string, model: ExemplarModel, validation: unknown): Sample[] {
  if (!Array.isArray(validation)) {
    throw new ValueError(
      `${fn}: argument 'validation' expected an array of samples, got ${describe(validation)}`,
    );
  }
  const dim = 2 * model.config.nPoints;
  (validation as Sample[]).forEach((s, i) => {
    rasterValidate(fn, `validation[${i}].image`, s?.image);
    if (!(s.landmarks instanceof Float32Array) || s.landmarks.length !== dim) {
      throw new ShapeError(
        `${fn}: argument 'validation[${i}].landmarks' expected ${model.config.nPoints} points, got ${describe(s.landmarks)}`,
      );
    }
  });
  return validation as Sample[];
}

function progressSink(p: TrainOptions['progress']): ProgressSink {
  if (p === 'none') return {};
  return p === undefined || p === 'auto' ? autoProgress() : p;
}

/** The model's trainable backbone variables, in a fixed order. */
function backboneVariables(model: ExemplarModel): tf.Variable[] {
  return model.backbone.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** The error for a non-finite loss: where, and which samples. */
function lossError(
  fn: string,
  loss: number,
  where: { epoch: number; step: number; globalStep: number; batch: Int32Array },
  checkpoint?: string,
): TrainingError {
  const idx = Array.from(where.batch);
  const shown = idx.length > 8 ? `${idx.slice(0, 8).join(', ')}, … (${idx.length})` : idx.join(', ');
  return new TrainingError(
    `${fn}: loss is ${loss} at epoch ${where.epoch + 1} step ${where.step + 1} (global step ${where.globalStep + 1}), batch of samples [${shown}]; ` +
      `the update was not applied${checkpoint ? `; last good checkpoint: ${checkpoint}` : ''}`,
  );
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
  const D = model.featureDim;
  const o = resolveTrainOptions(fn, model.K, D, opts);
  const dim = 2 * model.config.nPoints;
  const data = prepare(fn, model, samples);
  const validation = validationSet(fn, model, opts.validation ?? []);
  const sink = progressSink(opts.progress);

  const backVars = backboneVariables(model);
  const optimizer = tf.train.adam(o.learningRate);
  const head: HeadTrainer =
    o.head === 'dense'
      ? new DenseHeadTrainer(model, backVars, optimizer, o)
      : new SampledHeadTrainer(model, backVars, optimizer, o);
  const centerChunks = model.centerChunks();
  const state = freshState();
  const ck: CheckpointTarget = {
    model,
    optimizer,
    rowAdam: head.rowAdam,
    state,
    settings: trainSettings(o),
    inexactResume: o.inexactResume,
  };

  const stepsPerEpoch = Math.ceil(data.n / o.batchSize);
  let stoppedEarly = false;
  const x = new Float32Array(o.batchSize * data.per);
  const ys = new Float32Array(o.batchSize * dim);
  const { size, channels } = model.config.input;
  const clock = new TrainClock(o.epochs, data.n, stepsPerEpoch);
  try {
    const resumed = await maybeResume(fn, opts.checkpoint, opts.resume, ck);
    let best: Snapshot | null = resumed.best;
    if (resumed.resumed) head.reloadFromModel();
    for (let epoch = state.epochsDone; epoch < o.epochs; epoch++) {
      const rng = new Rng(o.seed * 1000003 + epoch);
      const order = rng.shuffle(Int32Array.from({ length: data.n }, (_, i) => i)) as Int32Array;
      clock.startEpoch();
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
        try {
          lossValue = head.step(xt, B, targets, rng);
        } finally {
          xt.dispose();
        }
        if (!Number.isFinite(lossValue)) {
          const where = { epoch, step, globalStep: state.steps, batch: order.subarray(i0, i0 + B) };
          throw lossError(fn, lossValue, where, opts.checkpoint);
        }
        state.steps++;
        clock.addStep(lossValue, B);
        sink.step?.(clock.stepState(epoch, step, i0, B, state.history.at(-1)?.validationError));
        // let the event loop breathe (progress output, notebook messages)
        if (step % 16 === 15) await new Promise((r) => setImmediate(r));
      }
      head.syncToModel();
      const ips = clock.imagesPerSecond;
      const record: EpochRecord = { epoch: epoch + 1, loss: clock.loss, imagesPerSecond: ips };
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
      sink.epoch?.(clock.epochState(epoch, record.loss, ips, record.validationError));
      if (opts.checkpoint) await writeCheckpoint(opts.checkpoint, ck, best, opts.checkpointHooks);
      if (state.sinceBest >= o.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (o.restoreBest && best && state.bestEpoch !== state.epochsDone) restore(model, best);
  } finally {
    sink.end?.();
    optimizer.dispose();
    head.dispose();
  }
  return {
    history: state.history,
    bestEpoch: state.bestEpoch,
    stoppedEarly,
    steps: state.steps,
    head: o.head,
    targets: o.head === 'dense' ? o.targets : null,
    headReason: o.headReason,
  };
}
