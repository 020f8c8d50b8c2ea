/**
 * Prediction: image + box → posterior over the K classes (softmax of the head's scores, for every training loss, as
 * in the paper), top-k classes, MAP and expected shapes in image pixels, the feature vector, and the exemplar ids
 * behind the top classes. Typed arrays out; every tensor is released before returning.
 */
import { ShapeError, ValueError } from '../errors';
import { boxValidate } from '../landmarks/box';
import type { Box, Raster, Shape } from '../types';
import { assertInRange, assertInteger, assertPositive, describe } from '../util/validate';
import type { ExemplarModel } from './exemplarModel';
import { floatHeadPass } from './floatHeadPass';
import { type HeadPass } from './headPass';
import { int8HeadPass } from './int8HeadPass';
import { modeShapeSearch } from './modeShape';
import { cropInto, rasterValidate } from './input';

/** One class among the top k. */
export interface TopClass {
  /** Class index in the table. */
  index: number;
  /** Posterior probability. */
  prob: number;
  /** Ids of the samples behind the class (the exemplar itself for exemplar tables). */
  exemplarIds: string[];
}

/** What `predictPosteriors` returns for one face: the posterior and what is read straight off it. */
export interface PosteriorPrediction {
  /** K posterior probabilities (sum to 1). */
  posterior: Float32Array;
  /** The `topK` most probable classes, most probable first. */
  topK: TopClass[];
  /**
   * Bound on any class score's error from an 8-bit head's quantisation (ExemplarModel.inferenceOnly({ head: 'int8' }));
   * 0 for a float32 head. Each probability is then within a factor e^(±2 · bound) of the float head's.
   */
  scoreErrorBound: number;
  /** The backbone's feature f (D). */
  feature: Float32Array;
  /** The box the prediction is relative to. */
  box: Box;
}

/** What `predict` returns for one face: the posterior, and shapes in image pixels. */
export interface Prediction extends PosteriorPrediction {
  /** Centre of the most probable class, in image pixels. */
  mapShape: Shape;
  /**
   * Σ_k p_k mu_k, in image pixels, summed over the classes holding all but `expectedOmittedMass` of the posterior
   * (the rest counted at the mean centre); within `expectedErrorBound` pixels of the full sum.
   */
  expectedShape: Shape;
  /**
   * With the `mode` option: the mode of the posterior landmark density Σ_k p_k φ(‖y − mu_k‖ / h), found by mean shift
   * from the MAP class (modeShape.ts), in image pixels; it keeps to one hypothesis where the expected shape averages
   * several. null without the option.
   */
  modeShape: Shape | null;
  /** Posterior mass left out of the expected shape's sum (≤ the `expectedTolerance` option). */
  expectedOmittedMass: number;
  /** Bound on |expectedShape − Σ_k p_k mu_k| per coordinate, in pixels (0 when nothing was left out). */
  expectedErrorBound: number;
}

/** Options of `predict` / `predictBatch`. */
export interface PredictOptions {
  /** How many top classes to report. @default 5 */
  topK?: number;
  /** Faces per forward pass. @default 32 */
  batchSize?: number;
  /**
   * Posterior mass the expected shape may leave out (smallest classes first; each coordinate then errs by at most
   * this × the centres' radius × the box size, reported as `expectedErrorBound`). 0: every class is summed.
   * @default 1e-4
   */
  expectedTolerance?: number;
  /**
   * Also find the mode of the posterior landmark density (Prediction.modeShape; a few ms per face, ~20 where the
   * posterior has several modes). @default false
   */
  mode?: boolean;
  /** Bandwidth h of the mode's kernel, RMS point distance in box units. @default the median class spread sigma_k */
  modeBandwidth?: number;
}

/** Default of PredictOptions.expectedTolerance. */
export const EXPECTED_TOLERANCE = 1e-4;

/** A face to predict: an image and its (detection) box. */
export interface PredictItem {
  image: Raster;
  box: Box;
}

/**
 * Predicts one face.
 * @example const p = predict(model, sample.image, sample.detection ?? sample.box); p.expectedShape
 */
export function predict(
  model: ExemplarModel,
  image: Raster,
  box: Box,
  opts: PredictOptions = {},
): Prediction {
  return predictBatch(model, [{ image, box }], opts, 'predict')[0];
}

/**
 * Predicts a batch of faces (in forward passes of `batchSize`).
 * @example const ps = predictBatch(model, samples.map((s) => ({ image: s.image, box: s.detection ?? s.box })))
 */
export function predictBatch(
  model: ExemplarModel,
  items: PredictItem[],
  opts: PredictOptions = {},
  fn = 'predictBatch',
): Prediction[] {
  if (!Array.isArray(items))
    throw new ValueError(`${fn}: argument 'items' expected an array, got ${describe(items)}`);
  const topK = opts.topK ?? 5;
  const batchSize = opts.batchSize ?? 32;
  const tolerance = opts.expectedTolerance ?? EXPECTED_TOLERANCE;
  assertInteger(fn, 'topK', topK, 1, model.K);
  assertInteger(fn, 'batchSize', batchSize, 1, 4096);
  assertInRange(fn, 'expectedTolerance', tolerance, 0, 1);
  if (opts.mode !== undefined && typeof opts.mode !== 'boolean') {
    throw new ValueError(`${fn}: option 'mode' expected a boolean, got ${describe(opts.mode)}`);
  }
  const bandwidth = opts.modeBandwidth ?? (opts.mode ? model.modeBandwidth() : 0);
  if (opts.modeBandwidth !== undefined) assertPositive(fn, 'modeBandwidth', opts.modeBandwidth);
  return inChunks(model, items, batchSize, fn, (x, B, boxes) =>
    predictInputs(model, x, B, boxes, topK, tolerance, opts.mode ? bandwidth : 0),
  );
}

/**
 * The posteriors and top k of a batch of faces, without the shapes (predictBatch's first half): what tracking over
 * frames and conditioning on clicks start from. Options `topK` and `batchSize` as predictBatch's. Cheaper than
 * predictBatch where the expected shape is costly: an 8-bit head at large K with spread posteriors, one face at a time
 * (the expected shape then reads every class centre).
 * @example const [p] = predictPosteriors(model, [{ image, box }]); p.topK[0].index
 */
export function predictPosteriors(
  model: ExemplarModel,
  items: PredictItem[],
  opts: Pick<PredictOptions, 'topK' | 'batchSize'> = {},
): PosteriorPrediction[] {
  const fn = 'predictPosteriors';
  if (!Array.isArray(items))
    throw new ValueError(`${fn}: argument 'items' expected an array, got ${describe(items)}`);
  const topK = opts.topK ?? 5;
  const batchSize = opts.batchSize ?? 32;
  assertInteger(fn, 'topK', topK, 1, model.K);
  assertInteger(fn, 'batchSize', batchSize, 1, 4096);
  return inChunks(model, items, batchSize, fn, (x, B, boxes) => posteriorInputs(model, x, B, boxes, topK));
}

/** Validates the items, then crops them in chunks of batchSize and runs `run` on each chunk. */
function inChunks<T>(
  model: ExemplarModel,
  items: PredictItem[],
  batchSize: number,
  fn: string,
  run: (x: Float32Array, B: number, boxes: Box[]) => T[],
): T[] {
  items.forEach((it, i) => {
    rasterValidate(fn, items.length === 1 ? 'image' : `items[${i}].image`, it?.image);
    boxValidate(fn, items.length === 1 ? 'box' : `items[${i}].box`, it?.box);
  });
  const { size, channels } = model.config.input;
  const per = size * size * channels;
  const out: T[] = [];
  for (let i0 = 0; i0 < items.length; i0 += batchSize) {
    const chunk = items.slice(i0, i0 + batchSize);
    const x = new Float32Array(chunk.length * per);
    chunk.forEach((it, j) => cropInto(it.image, it.box, model.config.input, x, j * per));
    out.push(
      ...run(
        x,
        chunk.length,
        chunk.map((c) => c.box),
      ),
    );
  }
  return out;
}

/**
 * Predicts from already cropped inputs (B × size × size × channels, as cropToInput makes them) and their boxes.
 * Throws ShapeError when `inputs` does not have the model's input size. `modeBandwidth` > 0 also finds the mode shape.
 */
export function predictInputs(
  model: ExemplarModel,
  inputs: Float32Array,
  B: number,
  boxes: Box[],
  topK = 5,
  expectedTolerance = EXPECTED_TOLERANCE,
  modeBandwidth = 0,
): Prediction[] {
  checkInputs('predictInputs', model, inputs, B, boxes);
  const { K, table } = model;
  const dim = 2 * model.config.nPoints;
  const summary = model.centerSummary();
  const pass = headPass(model, inputs, B, topK, expectedTolerance);
  const { expected, plans } = pass as Required<HeadPass>;
  return posteriorsOut(model, pass, B, boxes, topK).map((r, i) => {
    const { box, posterior } = r;
    const toPixels = (src: ArrayLike<number>, o: number): Float32Array => {
      const s = new Float32Array(dim);
      for (let j = 0; j < dim; j += 2) {
        s[j] = box.x + src[o + j] * box.width;
        s[j + 1] = box.y + src[o + j + 1] * box.height;
      }
      return s;
    };
    const omitted = plans[i].omittedMass;
    return {
      ...r,
      mapShape: toPixels(table.centers, r.topK[0].index * dim),
      expectedShape: toPixels(expected, i * dim),
      modeShape:
        modeBandwidth > 0
          ? toPixels(
              modeShapeSearch(posterior, 0, K, table.centers, dim, topIndices(posterior, Math.min(3, K)), {
                bandwidth: modeBandwidth,
              }).shape,
              0,
            )
          : null,
      expectedOmittedMass: omitted,
      expectedErrorBound: omitted * Math.max(summary.radiusX * box.width, summary.radiusY * box.height),
    };
  });
}

/**
 * The posterior and top k only, from already cropped inputs (as predictInputs; no shapes are summed): what tracking
 * and conditioning start from, and the cheaper call when the expected shape is not needed (at large K with a spread
 * posterior the expected shape reads every class centre).
 */
export function posteriorInputs(
  model: ExemplarModel,
  inputs: Float32Array,
  B: number,
  boxes: Box[],
  topK = 5,
): PosteriorPrediction[] {
  checkInputs('posteriorInputs', model, inputs, B, boxes);
  return posteriorsOut(model, headPass(model, inputs, B, topK, null), B, boxes, topK);
}

function checkInputs(fn: string, model: ExemplarModel, inputs: Float32Array, B: number, boxes: Box[]): void {
  const { size, channels } = model.config.input;
  if (
    !(inputs instanceof Float32Array) ||
    inputs.length !== B * size * size * channels ||
    boxes.length !== B
  ) {
    throw new ShapeError(
      `${fn}: argument 'inputs' expected ${B} × ${size} × ${size} × ${channels} values and ${B} boxes, got ${describe(inputs)} and ${boxes.length} boxes`,
    );
  }
}

/** Backbone and head for B faces (8-bit or float); the expected shapes too when `expectedTolerance` is not null. */
function headPass(
  model: ExemplarModel,
  inputs: Float32Array,
  B: number,
  topK: number,
  expectedTolerance: number | null,
): HeadPass {
  const q = model.int8Head();
  return q
    ? int8HeadPass(model, q, inputs, B, topK, expectedTolerance)
    : floatHeadPass(model, inputs, B, expectedTolerance);
}

/** The per-face posterior, top k, feature and bound of a head pass. */
function posteriorsOut(
  model: ExemplarModel,
  pass: HeadPass,
  B: number,
  boxes: Box[],
  topK: number,
): PosteriorPrediction[] {
  const { K, table } = model;
  const D = model.featureDim;
  const { post, stride, f } = pass;
  const res: PosteriorPrediction[] = [];
  for (let i = 0; i < B; i++) {
    // dataSync (or the int8 path) gave a fresh array, so one face may keep it whole
    const posterior = B === 1 && stride === K ? post : post.slice(i * stride, i * stride + K);
    const top = pass.tops[i] ?? topIndices(posterior, topK);
    res.push({
      posterior,
      topK: Array.from(top, (k) => ({
        index: k,
        prob: posterior[k],
        exemplarIds: table.memberIds.slice(table.memberOffsets[k], table.memberOffsets[k + 1]),
      })),
      scoreErrorBound: pass.scoreError[i],
      feature: f.slice(i * D, (i + 1) * D),
      box: { ...boxes[i] },
    });
  }
  return res;
}

/**
 * Indices of the k largest values, largest first (ties: lower index first). O(K·k) worst case, O(K) typical: the k-th
 * value so far is kept in a local, so most values cost one compare.
 */
export function topIndices(p: Float32Array, k: number): Int32Array {
  const idx = new Int32Array(k).fill(-1);
  const val = new Float64Array(k).fill(-Infinity);
  let kth = -Infinity;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const v = p[i];
    if (!(v > kth)) continue;
    let j = k - 1;
    while (j > 0 && val[j - 1] < v) {
      val[j] = val[j - 1];
      idx[j] = idx[j - 1];
      j--;
    }
    val[j] = v;
    idx[j] = i;
    kth = val[k - 1];
  }
  return idx;
}

export { features } from './headPass';
export { JS_MAX_CLASSES, JS_MAX_FRACTION } from './floatHeadPass';
export { DENSE_MIN_FRACTION, DENSE_MIN_FACES, STREAM_MIN_FRACTION } from './int8HeadPass';
