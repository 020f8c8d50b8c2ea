/**
 * The paper's Table 1: in the exemplar setting, how well does a face's nearest neighbour by cosine similarity
 * predict its landmarks, on the classifier's weight rows w_k and on the pooled features f of the training faces,
 * against the linear classifier itself (its top class, and its expected shape)? Each method's shape is the mean of its
 * top k exemplars' shapes (k = 1: the nearest one), placed in the face's reference box.
 */
import { ValueError } from '../errors';
import { evaluationSummary } from '../evaluate/evaluationSummary';
import { normalizedErrors } from '../evaluate/normalizedError';
import { type Normalization, NORMALIZATIONS } from '../evaluate/normalizer';
import type { ExemplarModel } from '../model/exemplarModel';
import { referenceBox } from '../model/input';
import { predictBatch } from '../model/predict';
import type { Box, Sample } from '../types';
import { assertInteger, assertOneOf, describe } from '../util/validate';
import { cosineTopK } from './cosineTopK';
import type { ExemplarEmbeddings } from './exemplarEmbeddings';

/** The methods of Table 1, in its order. */
export const NEIGHBOR_METHODS = [
  'cosine NN on weights w_k',
  'cosine NN on features f',
  'linear classifier (top class)',
  'linear classifier (expected shape)',
] as const;
export type NeighborMethod = (typeof NEIGHBOR_METHODS)[number];

/** One row of Table 1. */
export interface NeighborTableRow {
  method: NeighborMethod;
  /** Mean normalised landmark error. */
  error: number;
  median: number;
  /** Fraction of faces with error > 0.08. */
  failureRate: number;
  n: number;
}

/** What {@link neighborTable} returns. */
export interface NeighborTable {
  rows: NeighborTableRow[];
  /** Per-face errors of each method. */
  errors: Record<NeighborMethod, Float64Array>;
  /** Per-face predicted shapes (B × 2N, pixels) of each method. */
  shapes: Record<NeighborMethod, Float32Array>;
  /** Share of faces whose nearest weight row is the classifier's top class. */
  weightsAgreeWithClassifier: number;
}

/** Options of {@link neighborTable}. */
export interface NeighborTableOptions {
  /** Neighbours averaged per face. @default 1 */
  k?: number;
  /** @default 'bbox-diagonal' (300-VW) */
  normalization?: Normalization;
  /** Faces per forward pass. @default 32 */
  batchSize?: number;
}

/** Mean of the k rows `idx` of `src` (box coordinates), placed in `box`, written to `out` at `o`. */
function placeMean(
  src: Float32Array,
  idx: ArrayLike<number>,
  dim: number,
  box: Box,
  out: Float32Array,
  o: number,
): void {
  for (let j = 0; j < dim; j++) {
    let s = 0;
    for (let q = 0; q < idx.length; q++) s += src[idx[q] * dim + j];
    s /= idx.length;
    out[o + j] = j % 2 === 0 ? box.x + s * box.width : box.y + s * box.height;
  }
}

/**
 * Table 1 on annotated faces (their reference boxes as the input boxes).
 * @example const t1 = neighbors.neighborTable(model, neighbors.exemplarEmbeddings(model, data.train), data.validation)
 */
export function neighborTable(
  model: ExemplarModel,
  embeddings: ExemplarEmbeddings,
  faces: readonly Sample[],
  opts: NeighborTableOptions = {},
): NeighborTable {
  const fn = 'neighborTable';
  if (!Array.isArray(faces) || faces.length === 0) {
    throw new ValueError(
      `${fn}: argument 'faces' expected a non-empty array of samples, got ${describe(faces)}`,
    );
  }
  const k = opts.k ?? 1;
  assertInteger(fn, 'k', k, 1, Math.min(model.K, embeddings.featureIds.length));
  const normalization = opts.normalization ?? 'bbox-diagonal';
  assertOneOf(fn, 'normalization', normalization, NORMALIZATIONS);
  if (embeddings.D !== model.featureDim || embeddings.weights.length !== model.K * model.featureDim) {
    throw new ValueError(
      `${fn}: argument 'embeddings' expected embeddings of this model (K = ${model.K}, D = ${model.featureDim}), got D = ${embeddings.D}, ${embeddings.weights.length / embeddings.D} weight rows`,
    );
  }
  const nPoints = model.config.nPoints;
  const dim = 2 * nPoints;
  const B = faces.length;
  const boxes = faces.map((s) => referenceBox(s));
  const preds = predictBatch(
    model,
    faces.map((s, i) => ({ image: s.image, box: boxes[i] })),
    { topK: k, batchSize: opts.batchSize ?? 32 },
    fn,
  );
  const D = model.featureDim;
  const f = new Float32Array(B * D);
  preds.forEach((p, i) => f.set(p.feature, i * D));
  const byW = cosineTopK(f, embeddings.weights, D, k);
  const byF = cosineTopK(f, embeddings.features, D, k);
  const shapes = Object.fromEntries(NEIGHBOR_METHODS.map((m) => [m, new Float32Array(B * dim)])) as Record<
    NeighborMethod,
    Float32Array
  >;
  const gt = new Float32Array(B * dim);
  let agree = 0;
  const centers = model.table.centers;
  for (let i = 0; i < B; i++) {
    const o = i * dim;
    gt.set(faces[i].landmarks, o);
    placeMean(
      centers,
      byW.indices.subarray(i * k, (i + 1) * k),
      dim,
      boxes[i],
      shapes[NEIGHBOR_METHODS[0]],
      o,
    );
    placeMean(
      embeddings.featureShapes,
      byF.indices.subarray(i * k, (i + 1) * k),
      dim,
      boxes[i],
      shapes[NEIGHBOR_METHODS[1]],
      o,
    );
    const top = preds[i].topK.map((t) => t.index);
    placeMean(centers, top, dim, boxes[i], shapes[NEIGHBOR_METHODS[2]], o);
    shapes[NEIGHBOR_METHODS[3]].set(preds[i].expectedShape, o);
    if (byW.indices[i * k] === top[0]) agree++;
  }
  const errors = {} as Record<NeighborMethod, Float64Array>;
  const rows = NEIGHBOR_METHODS.map((method) => {
    const e = normalizedErrors(shapes[method], gt, nPoints, { normalization });
    errors[method] = e;
    const s = evaluationSummary(e);
    return { method, error: s.mean, median: s.median, failureRate: s.failureRate, n: s.n };
  });
  return { rows, errors, shapes, weightsAgreeWithClassifier: agree / B };
}
