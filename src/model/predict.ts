/**
 * Prediction: image + box → posterior over the K classes (softmax of the head's scores, for every training loss, as
 * in the paper), top-k classes, MAP and expected shapes in image pixels, the feature vector, and the exemplar ids
 * behind the top classes. Typed arrays out; every tensor is released before returning.
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../errors';
import { boxValidate } from '../landmarks/box';
import type { Box, Raster, Shape } from '../types';
import { assertInteger, describe } from '../util/validate';
import type { ExemplarModel } from './exemplarModel';
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

/** What `predict` returns for one face. */
export interface Prediction {
  /** K posterior probabilities (sum to 1). */
  posterior: Float32Array;
  /** The `topK` most probable classes, most probable first. */
  topK: TopClass[];
  /** Centre of the most probable class, in image pixels. */
  mapShape: Shape;
  /** Σ_k p_k mu_k, in image pixels. */
  expectedShape: Shape;
  /** The backbone's feature f (D). */
  feature: Float32Array;
  /** The box the prediction is relative to. */
  box: Box;
}

/** Options of `predict` / `predictBatch`. */
export interface PredictOptions {
  /** How many top classes to report. @default 5 */
  topK?: number;
  /** Faces per forward pass. @default 32 */
  batchSize?: number;
}

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
  assertInteger(fn, 'topK', topK, 1, model.K);
  assertInteger(fn, 'batchSize', batchSize, 1, 4096);
  items.forEach((it, i) => {
    rasterValidate(fn, items.length === 1 ? 'image' : `items[${i}].image`, it?.image);
    boxValidate(fn, items.length === 1 ? 'box' : `items[${i}].box`, it?.box);
  });
  const { size, channels } = model.config.input;
  const per = size * size * channels;
  const out: Prediction[] = [];
  for (let i0 = 0; i0 < items.length; i0 += batchSize) {
    const chunk = items.slice(i0, i0 + batchSize);
    const x = new Float32Array(chunk.length * per);
    chunk.forEach((it, j) => cropInto(it.image, it.box, model.config.input, x, j * per));
    out.push(
      ...predictInputs(
        model,
        x,
        chunk.length,
        chunk.map((c) => c.box),
        topK,
      ),
    );
  }
  return out;
}

/**
 * Predicts from already cropped inputs (B × size × size × channels, as cropToInput makes them) and their boxes.
 * Throws ShapeError when `inputs` does not have the model's input size.
 */
export function predictInputs(
  model: ExemplarModel,
  inputs: Float32Array,
  B: number,
  boxes: Box[],
  topK = 5,
): Prediction[] {
  const { size, channels } = model.config.input;
  if (
    !(inputs instanceof Float32Array) ||
    inputs.length !== B * size * size * channels ||
    boxes.length !== B
  ) {
    throw new ShapeError(
      `predictInputs: argument 'inputs' expected ${B} × ${size} × ${size} × ${channels} values and ${B} boxes, got ${describe(inputs)} and ${boxes.length} boxes`,
    );
  }
  const { K } = model;
  const D = model.featureDim;
  const dim = 2 * model.config.nPoints;
  const t = model.tensors();
  const [fT, pT, eT] = tf.tidy(() => {
    const x = tf.tensor4d(inputs, [B, size, size, channels]);
    const f = model.backbone.predict(x) as tf.Tensor2D;
    const p = tf.softmax(tf.add(tf.matMul(f, t.WT), t.b));
    return [f, p, tf.matMul(p, t.centers)];
  });
  const f = fT.dataSync() as Float32Array;
  const post = pT.dataSync() as Float32Array;
  const expected = eT.dataSync() as Float32Array;
  tf.dispose([fT, pT, eT]);
  const { table } = model;
  const res: Prediction[] = [];
  for (let i = 0; i < B; i++) {
    const posterior = post.slice(i * K, (i + 1) * K);
    const top = topIndices(posterior, topK);
    const box = boxes[i];
    const toPixels = (src: ArrayLike<number>, o: number): Float32Array => {
      const s = new Float32Array(dim);
      for (let j = 0; j < dim; j += 2) {
        s[j] = box.x + src[o + j] * box.width;
        s[j + 1] = box.y + src[o + j + 1] * box.height;
      }
      return s;
    };
    res.push({
      posterior,
      topK: Array.from(top, (k) => ({
        index: k,
        prob: posterior[k],
        exemplarIds: table.memberIds.slice(table.memberOffsets[k], table.memberOffsets[k + 1]),
      })),
      mapShape: toPixels(table.centers, top[0] * dim),
      expectedShape: toPixels(expected, i * dim),
      feature: f.slice(i * D, (i + 1) * D),
      box: { ...box },
    });
  }
  return res;
}

/** Indices of the k largest values, largest first (ties: lower index first). O(K·k) worst case, O(K) typical. */
export function topIndices(p: Float32Array, k: number): Int32Array {
  const idx = new Int32Array(k).fill(-1);
  const val = new Float64Array(k).fill(-Infinity);
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (v <= val[k - 1]) continue;
    let j = k - 1;
    while (j > 0 && val[j - 1] < v) {
      val[j] = val[j - 1];
      idx[j] = idx[j - 1];
      j--;
    }
    val[j] = v;
    idx[j] = i;
  }
  return idx;
}
