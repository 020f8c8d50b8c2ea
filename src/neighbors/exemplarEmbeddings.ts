/**
 * The two embeddings of the exemplar setting (K = M: one class per training face): the classifier's weight rows w_k
 * (row k scores the class of training face k) and the pooled features f of the training faces themselves (the
 * backbone's output on each face's reference box). Both unit-normalised, so a dot product is a cosine similarity.
 */
import type { Dataset } from '../data/datasets/dataset';
import { ShapeError, ValueError } from '../errors';
import type { ExemplarModel } from '../model/exemplarModel';
import { referenceBox } from '../model/input';
import { predictPosteriors } from '../model/predict';
import { shapeToBox } from '../landmarks/box';
import type { Sample } from '../types';
import { assertInteger, describe } from '../util/validate';
import { unitRows } from './cosineTopK';

/** Which embedding a neighbour search runs on. */
export type EmbeddingKind = 'weights' | 'features';
export const EMBEDDING_KINDS: readonly EmbeddingKind[] = ['weights', 'features'];

/** What {@link exemplarEmbeddings} returns. */
export interface ExemplarEmbeddings {
  /** Feature length D. */
  D: number;
  /** K × D unit rows w_k / ‖w_k‖ of the head. */
  weights: Float32Array;
  /** The exemplar id of each class (its first member). */
  classIds: string[];
  /** M × D unit pooled features of the training faces. */
  features: Float32Array;
  /** The training faces' ids, in the order of `features`. */
  featureIds: string[];
  /** M × 2N training shapes in the coordinates of their reference boxes (what a feature neighbour predicts). */
  featureShapes: Float32Array;
  /** Yaw in degrees of each class (the table's pose) and of each training face (its class's, by id). */
  classYaw: Float32Array;
  featureYaw: Float32Array;
}

/** Options of {@link exemplarEmbeddings}. */
export interface ExemplarEmbeddingsOptions {
  /** Faces per forward pass. @default 32 */
  batchSize?: number;
}

/**
 * Both embeddings of a trained exemplar classifier and its training faces (samples, or a dataset: decoded one
 * batch at a time).
 * @example const emb = neighbors.exemplarEmbeddings(run.model, data.train)
 */
export function exemplarEmbeddings(
  model: ExemplarModel,
  train: readonly Sample[] | Dataset,
  opts: ExemplarEmbeddingsOptions = {},
): ExemplarEmbeddings {
  const fn = 'exemplarEmbeddings';
  const batchSize = opts.batchSize ?? 32;
  assertInteger(fn, 'batchSize', batchSize, 1, 4096);
  const size = Array.isArray(train) ? train.length : (train as Dataset)?.size;
  if (!Number.isInteger(size) || size === 0) {
    throw new ValueError(
      `${fn}: argument 'train' expected a non-empty array of samples or a dataset, got ${describe(train)}`,
    );
  }
  const get = (i: number): Sample => (Array.isArray(train) ? train[i] : (train as Dataset).get(i));
  const D = model.featureDim;
  const dim = 2 * model.config.nPoints;
  const table = model.table;
  const features = new Float32Array(size * D);
  const featureShapes = new Float32Array(size * dim);
  const featureIds: string[] = [];
  for (let i0 = 0; i0 < size; i0 += batchSize) {
    const chunk: Sample[] = [];
    for (let i = i0; i < Math.min(size, i0 + batchSize); i++) chunk.push(get(i));
    chunk.forEach((s, j) => {
      if (!(s?.landmarks instanceof Float32Array) || s.landmarks.length !== dim) {
        throw new ShapeError(
          `${fn}: argument 'train[${i0 + j}].landmarks' expected ${dim / 2} points (the model's), got ${describe(s?.landmarks)}`,
        );
      }
      featureShapes.set(shapeToBox(s.landmarks, referenceBox(s)), (i0 + j) * dim);
      featureIds.push(s.id);
    });
    const ps = predictPosteriors(
      model,
      chunk.map((s) => ({ image: s.image, box: referenceBox(s) })),
      { topK: 1, batchSize },
    );
    ps.forEach((p, j) => features.set(p.feature, (i0 + j) * D));
  }
  const classIds = Array.from(
    { length: table.K },
    (_, k) => table.memberIds[table.memberOffsets[k]] ?? `class ${k}`,
  );
  const classYaw = Float32Array.from({ length: table.K }, (_, k) => table.pose[3 * k]);
  const yawById = new Map(classIds.map((id, k) => [id, classYaw[k]]));
  const featureYaw = Float32Array.from(featureIds, (id) => yawById.get(id) ?? NaN);
  return {
    D,
    weights: unitRows(model.headWeights(), D),
    classIds,
    features: unitRows(features, D),
    featureIds,
    featureShapes,
    classYaw,
    featureYaw,
  };
}
