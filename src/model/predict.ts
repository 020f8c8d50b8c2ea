/**
 * Prediction: image + box → posterior over the K classes (softmax of the head's scores, for every training loss, as
 * in the paper), top-k classes, MAP and expected shapes in image pixels, the feature vector, and the exemplar ids
 * behind the top classes. Typed arrays out; every tensor is released before returning.
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../errors';
import { boxValidate } from '../landmarks/box';
import type { Box, Raster, Shape } from '../types';
import { assertInRange, assertInteger, assertPositive, describe } from '../util/validate';
import type { ExemplarModel } from './exemplarModel';
import {
  expectedShapePlan,
  expectedShapePlanOver,
  keptIndicesOf,
  expectedShapeSum,
  type ExpectedShapePlan,
} from './expectedShape';
import { INT8_MAX_BATCH, TOPK_MAX, type Int8Head } from './int8Head';
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

/**
 * Most classes the expected shape sums on the JS side per face: min(JS_MAX_CLASSES, K / JS_MAX_FRACTION) (~1 M
 * multiply-adds at 2N = 136, ≲ 2 ms; beyond K / 16 the engine's product over all K is faster). A face whose posterior
 * needs more is summed exactly on the engine (posterior · centres, centres uploaded on first need).
 */
export const JS_MAX_CLASSES = 8192;
/** See JS_MAX_CLASSES. */
export const JS_MAX_FRACTION = 16;

/**
 * 8-bit head: a face whose candidates (classes within e^−20 of its top) exceed this fraction of K has a spread
 * posterior, and its expected shape is summed over every class in one pass over the centres shared by all such faces
 * of the batch (Int8Head.expectedSumDense: ~1 ms per face at K = 140,000 in a batch of 32 on two threads, against ~5
 * through index lists; bench "the 8-bit head's passes side by side"), when there are at least DENSE_MIN_FACES of them
 * (the pass works on 4 faces at once; a face alone is summed by itself, see STREAM_MIN_FRACTION).
 */
export const DENSE_MIN_FRACTION = 0.25;
/** See DENSE_MIN_FRACTION. */
export const DENSE_MIN_FACES = 2;
/**
 * 8-bit head, a face summed alone: when the classes its expected shape needs exceed this fraction of K, it sums every
 * class in order (Int8Head.expectedSumAll, exact) rather than through the list (a scattered row costs ~2.5× a
 * streamed one).
 */
export const STREAM_MIN_FRACTION = 0.4;

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

/** One forward pass: features, posteriors (face i at i · stride), score bounds, and (with a tolerance) expected shapes. */
interface HeadPass {
  f: Float32Array;
  post: Float32Array;
  stride: number;
  scoreError: Float64Array;
  /** 8-bit head: per face the top k, found in the module (undefined: scan the posterior). */
  tops: Array<Int32Array | undefined>;
  /** Expected shapes in box units (B × dim) and their plans; absent when no tolerance was given. */
  expected?: Float32Array;
  plans?: ExpectedShapePlan[];
}

/** Backbone and head for B faces; the expected shapes too when `expectedTolerance` is not null. */
function headPass(
  model: ExemplarModel,
  inputs: Float32Array,
  B: number,
  topK: number,
  expectedTolerance: number | null,
): HeadPass {
  const { size, channels } = model.config.input;
  const { K } = model;
  const D = model.featureDim;
  const dim = 2 * model.config.nPoints;
  const q = model.int8Head();
  const shapes = expectedTolerance !== null;
  const plans: ExpectedShapePlan[] = [];
  const expected = new Float32Array(shapes ? B * dim : 0);
  const scoreError = new Float64Array(B);
  const tops: Array<Int32Array | undefined> = new Array(B);
  if (q) {
    // 8-bit head in its own wasm module: features from the engine, then scores, softmax and expected shapes there
    const fT = tf.tidy(() => features(model, tf.tensor4d(inputs, [B, size, size, channels])));
    const f = fT.dataSync() as Float32Array;
    fT.dispose();
    for (let i = 0; i < f.length; i++) {
      if (!Number.isFinite(f[i])) {
        throw new ValueError(
          `predict: the backbone gave a non-finite feature for face ${Math.floor(i / D)} (NaN or ±inf): the input or the backbone's weights hold NaN or ±inf`,
        );
      }
    }
    const stride = q.Kp;
    const post = new Float32Array(B * stride);
    for (let b0 = 0; b0 < B; b0 += INT8_MAX_BATCH) {
      const n = Math.min(INT8_MAX_BATCH, B - b0);
      const { probs, scoreErrorBound, candidates } = q.posteriors(f.subarray(b0 * D, (b0 + n) * D), n);
      scoreError.set(scoreErrorBound, b0);
      if (topK <= TOPK_MAX) for (let j = 0; j < n; j++) tops[b0 + j] = q.topK(j, topK);
      if (shapes) {
        int8ExpectedShapes(
          model,
          q,
          probs,
          candidates,
          expectedTolerance,
          expected.subarray(b0 * dim),
          plans,
        );
      }
      post.set(probs, b0 * stride);
    }
    return { f, post, stride, scoreError, tops, ...(shapes ? { expected, plans } : {}) };
  }
  const t = model.tensors();
  const [fT, pT] = tf.tidy(() => {
    const x = tf.tensor4d(inputs, [B, size, size, channels]);
    const feat = features(model, x);
    // bias fused into the product: one pass less over B × K
    return [feat, tf.softmax(tf.fused.matMul({ a: feat, b: t.WT, bias: t.b }))];
  });
  const f = fT.dataSync() as Float32Array;
  const post = pT.dataSync() as Float32Array;
  if (shapes) {
    // expected shapes: JS sum over the classes holding all but `expectedTolerance` of the mass when few enough,
    // else (spread posteriors) the exact product on the engine for those faces
    const summary = model.centerSummary();
    const jsMax = Math.min(JS_MAX_CLASSES, K / JS_MAX_FRACTION);
    for (let i = 0; i < B; i++) plans.push(expectedShapePlan(post, i * K, K, expectedTolerance));
    const onEngine: number[] = [];
    plans.forEach((plan, i) => {
      if (plan.kept <= jsMax) {
        expectedShapeSum(post, i * K, K, model.table.centers, dim, summary, plan, expected, i * dim);
      } else {
        onEngine.push(i);
        plans[i] = { minExp: 0, omittedMass: 0, kept: K };
      }
    });
    if (onEngine.length > 0) {
      const centers = model.centersTensor(); // created outside tidy: it is cached on the model
      const e = tf.tidy(() => {
        const p = onEngine.length === B ? pT : tf.gather(pT, onEngine);
        return tf.matMul(p, centers);
      });
      const ev = e.dataSync() as Float32Array;
      e.dispose();
      onEngine.forEach((i, j) => expected.set(ev.subarray(j * dim, (j + 1) * dim), i * dim));
    }
  }
  tf.dispose([fT, pT]);
  return { f, post, stride: K, scoreError, tops, ...(shapes ? { expected, plans } : {}) };
}

/**
 * 8-bit head: the expected shapes (box units) of the n faces of the last `posteriors` call, into out (n × dim), and
 * their plans appended to `plans`. A face whose candidates are many (a spread posterior), or whose candidates leave
 * out more than the tolerance, is summed over every class, exactly: in one pass over the centres shared by all such
 * faces of the batch when there are at least DENSE_MIN_FACES, else alone. The others are summed over the candidates
 * that hold all but the tolerance (every other class is below e^−20 of the top).
 */
function int8ExpectedShapes(
  model: ExemplarModel,
  q: Int8Head,
  probs: Float32Array,
  candidates: Int32Array[],
  tolerance: number,
  out: Float32Array,
  plans: ExpectedShapePlan[],
): void {
  const { K } = model;
  const dim = 2 * model.config.nPoints;
  const stride = q.Kp;
  const mean = model.centerSummary().mean;
  const n = candidates.length;
  const overAll: number[] = [];
  const inside = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const cand = candidates[j];
    if (cand.length > K * DENSE_MIN_FRACTION) {
      overAll.push(j);
      continue;
    }
    let m = 0;
    for (let i = 0; i < cand.length; i++) m += probs[j * stride + cand[i]];
    inside[j] = m;
    if (1 - m > tolerance) overAll.push(j);
  }
  const denseSums = overAll.length >= DENSE_MIN_FACES ? q.expectedSumDense(overAll) : null;
  for (let j = 0; j < n; j++) {
    const at = overAll.indexOf(j);
    let sums: Float64Array;
    let plan: ExpectedShapePlan;
    if (at >= 0 && denseSums) {
      sums = denseSums.subarray(at * dim, (at + 1) * dim);
      plan = { minExp: 0, omittedMass: 0, kept: K };
    } else {
      // alone: the classes that hold all but the tolerance, through a list, or in order when they are most (over
      // every class the plan's histogram runs over the row in order, at half the cost of going through a list)
      const whole = at >= 0 ? expectedShapePlan(probs, j * stride, K, tolerance) : null;
      const streamed = (n: number) => n > K * STREAM_MIN_FRACTION;
      const sub = !whole
        ? expectedShapePlanOver(probs, j * stride, candidates[j], tolerance, Math.max(0, 1 - inside[j]))
        : streamed(whole.kept)
          ? null // not listed: every class is streamed
          : keptIndicesOf(probs, j * stride, K, whole);
      if (!sub || streamed(sub.kept)) {
        sums = q.expectedSumAll(j);
        plan = { minExp: 0, omittedMass: 0, kept: K };
      } else {
        sums = q.expectedSumOver(j, sub.keptIndices);
        plan = sub;
      }
    }
    plans.push(plan);
    for (let c = 0; c < dim; c++) out[j * dim + c] = sums[c] + plan.omittedMass * mean[c];
  }
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
 * The backbone's features for a batch, in inference mode: the model's compiled forward pass (ExemplarModel.inference:
 * plain fused ops, no tf.layers graph walk or predict's batching loop, ~1.5 ms per call less than predict at batch 1).
 */
export function features(model: ExemplarModel, x: tf.Tensor4D): tf.Tensor2D {
  return model.inference()(x);
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
