/**
 * Detection-box refinement (R-CNN style): a ridge regressor from the classifier's feature f, computed in the current
 * box, to the correction (centre shift, log-scale) that takes the box to the box the classifier was trained on (the
 * landmarks' box). Trained on seeded jitters around that box, and optionally on a real detector's boxes of the same
 * faces, so it also learns the detector's convention (face-api's boxes are larger and lower than the landmarks' box).
 * Applied once or iterated (features recomputed in each new box).
 */
import { ShapeError, ValueError } from '../errors';
import { boxValidate } from '../landmarks/box';
import type { ExemplarModel } from '../model/exemplarModel';
import { predictPosteriors, type PredictItem } from '../model/predict';
import type { Box, Raster, Sample } from '../types';
import { Rng } from '../util/rng';
import { assertInteger, describe } from '../util/validate';
import { BOX_DELTA_DIM, type BoxJitter, boxApplyDelta, boxDelta, boxJitter } from './boxDelta';
import { ridgeApply, ridgeFit, type RidgeModel } from './ridge';

/** A trained box refiner. Plain data (typed arrays): it can be saved as JSON with `refinerToJson`. */
export interface BoxRefiner {
  kind: 'exemplar-landmarks/box-refiner';
  /** The feature dimension D of the model it was trained with. */
  featureDim: number;
  /** The class count K of that model (a refiner is tied to its model's features). */
  classCount: number;
  /** f (D) → δ (4). */
  ridge: RidgeModel;
  /** Default number of applications. */
  iterations: number;
  /** Training rows (jittered boxes + detector boxes). */
  examples: number;
}

/** Options of {@link trainBoxRefiner}. */
export interface TrainBoxRefinerOptions {
  /** Jitter of the training boxes around the target box. @default { centre: 0.2, scale: 0.3, aspect: 0.1 } */
  jitter?: BoxJitter;
  /** Jittered boxes per face. @default 6 */
  perFace?: number;
  /**
   * A real detector's box per sample (undefined where it missed), e.g. `await detect.detectDataset(ds)`: each adds
   * `perDetection` rows (the box, then small jitters of it). @default none
   */
  detections?: ReadonlyArray<Box | undefined>;
  /** Rows per detector box (the box itself, then jitters by `detectionJitter`). @default 3 */
  perDetection?: number;
  /** Jitter around detector boxes. @default { centre: 0.03, scale: 0.05, aspect: 0.03 } */
  detectionJitter?: BoxJitter;
  /** Ridge penalty (relative to the mean feature variance). @default 0.01 */
  lambda?: number;
  /** Default applications at prediction. @default 2 */
  iterations?: number;
  /** Seed of the jitter. @default 0 */
  seed?: number;
  /** Faces per forward pass. @default 64 */
  batchSize?: number;
}

/** Checks a non-empty array of samples with `nPoints` landmarks each (the boundary checks of the refine stage). */
export function assertSamples(
  fn: string,
  name: string,
  samples: unknown,
  nPoints: number,
): asserts samples is Sample[] {
  if (!Array.isArray(samples) || samples.length === 0) {
    throw new ValueError(
      `${fn}: argument '${name}' expected a non-empty array of samples, got ${describe(samples)}`,
    );
  }
  samples.forEach((s: Sample, i) => {
    if (!(s?.landmarks instanceof Float32Array) || s.landmarks.length !== 2 * nPoints) {
      throw new ShapeError(
        `${fn}: argument '${name}[${i}].landmarks' expected ${nPoints} points (the model's), got ${describe(s?.landmarks)}`,
      );
    }
    boxValidate(fn, `${name}[${i}].box`, s.box);
  });
}

/** Features f of the model for faces in boxes, packed (B × D). */
export function boxFeatures(model: ExemplarModel, items: PredictItem[], batchSize = 64): Float32Array {
  const D = model.featureDim;
  const out = new Float32Array(items.length * D);
  for (let s = 0; s < items.length; s += batchSize) {
    const chunk = items.slice(s, s + batchSize);
    predictPosteriors(model, chunk, { topK: 1, batchSize }).forEach((p, i) =>
      out.set(p.feature, (s + i) * D),
    );
  }
  return out;
}

/**
 * Trains a refiner for `model` on `samples` (their `box`, the landmarks' box, is the target).
 * @example const refiner = trainBoxRefiner(model, trainSamples, { detections: await detect.detectDataset(ds) })
 */
export function trainBoxRefiner(
  model: ExemplarModel,
  samples: Sample[],
  opts: TrainBoxRefinerOptions = {},
): BoxRefiner {
  const fn = 'trainBoxRefiner';
  assertSamples(fn, 'samples', samples, model.config.nPoints);
  const perFace = opts.perFace ?? 6;
  const perDetection = opts.perDetection ?? 3;
  const iterations = opts.iterations ?? 2;
  const batchSize = opts.batchSize ?? 64;
  assertInteger(fn, 'opts.perFace', perFace, 0, 1000);
  assertInteger(fn, 'opts.perDetection', perDetection, 1, 1000);
  assertInteger(fn, 'opts.iterations', iterations, 1, 20);
  assertInteger(fn, 'opts.batchSize', batchSize, 1, 4096);
  const dets = opts.detections;
  if (dets !== undefined && (!Array.isArray(dets) || dets.length !== samples.length)) {
    throw new ShapeError(
      `${fn}: argument 'opts.detections' expected one box (or undefined) per sample (${samples.length}), got ${describe(dets)}`,
    );
  }
  const rng = new Rng(opts.seed ?? 0);
  const detJitter = opts.detectionJitter ?? { centre: 0.03, scale: 0.05, aspect: 0.03 };
  const items: PredictItem[] = [];
  const targets: number[] = [];
  const add = (s: Sample, b: Box): void => {
    items.push({ image: s.image, box: b });
    targets.push(...boxDelta(b, s.box));
  };
  samples.forEach((s, i) => {
    for (let j = 0; j < perFace; j++) add(s, boxJitter(s.box, rng, opts.jitter));
    const d = dets?.[i];
    if (d === undefined) return;
    boxValidate(fn, `opts.detections[${i}]`, d);
    add(s, d);
    for (let j = 1; j < perDetection; j++) add(s, boxJitter(d, rng, detJitter));
  });
  if (items.length === 0) {
    throw new ValueError(`${fn}: no training boxes (opts.perFace is 0 and no detections were given)`);
  }
  const X = boxFeatures(model, items, batchSize);
  const ridge = ridgeFit(X, model.featureDim, Float32Array.from(targets), BOX_DELTA_DIM, {
    lambda: opts.lambda ?? 0.01,
  });
  return {
    kind: 'exemplar-landmarks/box-refiner',
    featureDim: model.featureDim,
    classCount: model.K,
    ridge,
    iterations,
    examples: items.length,
  };
}

/** Checks that a refiner belongs to a model of this feature dimension and class count. */
export function refinerValidate(
  fn: string,
  refiner: unknown,
  model: ExemplarModel,
): asserts refiner is BoxRefiner {
  const r = refiner as Partial<BoxRefiner> | null;
  if (typeof r !== 'object' || r === null || r.kind !== 'exemplar-landmarks/box-refiner' || !r.ridge) {
    throw new ValueError(
      `${fn}: argument 'refiner' expected a BoxRefiner (trainBoxRefiner), got ${describe(refiner)}`,
    );
  }
  if (r.featureDim !== model.featureDim || r.classCount !== model.K) {
    throw new ShapeError(
      `${fn}: argument 'refiner' was trained for a model with D = ${r.featureDim}, K = ${r.classCount}, got a model with D = ${model.featureDim}, K = ${model.K}`,
    );
  }
}

/** Options of {@link refineBoxes}. */
export interface RefineBoxesOptions {
  /** Applications (features recomputed in each new box). @default the refiner's `iterations` */
  iterations?: number;
  /** Faces per forward pass. @default 64 */
  batchSize?: number;
}

/**
 * Refines a batch of boxes: `iterations` times, δ = ridge(f(box)) and box ← box ∘ δ. Returns the refined boxes.
 * @example const [box] = refineBoxes(refiner, model, [{ image, box: detection }])
 */
export function refineBoxes(
  refiner: BoxRefiner,
  model: ExemplarModel,
  items: PredictItem[],
  opts: RefineBoxesOptions = {},
): Box[] {
  const fn = 'refineBoxes';
  refinerValidate(fn, refiner, model);
  if (!Array.isArray(items))
    throw new ValueError(`${fn}: argument 'items' expected an array, got ${describe(items)}`);
  const iterations = opts.iterations ?? refiner.iterations;
  assertInteger(fn, 'opts.iterations', iterations, 0, 20);
  items.forEach((it, i) => boxValidate(fn, `items[${i}].box`, it?.box));
  let boxes = items.map((it) => it.box);
  for (let t = 0; t < iterations; t++) {
    const X = boxFeatures(
      model,
      items.map((it, i) => ({ image: it.image, box: boxes[i] })),
      opts.batchSize ?? 64,
    );
    const delta = ridgeApply(refiner.ridge, X);
    boxes = boxes.map((b, i) => boxApplyDelta(b, delta, i * BOX_DELTA_DIM));
  }
  return boxes;
}

/**
 * Refines one box.
 * @example const box = refineBox(refiner, model, image, detection)
 */
export function refineBox(
  refiner: BoxRefiner,
  model: ExemplarModel,
  image: Raster,
  box: Box,
  opts: RefineBoxesOptions = {},
): Box {
  return refineBoxes(refiner, model, [{ image, box }], opts)[0];
}
