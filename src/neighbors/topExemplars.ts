/** A face's most similar exemplars by cosine similarity on either embedding, with their images where known. */
import { FLIP_SUFFIX } from '../classes/classTableExemplars';
import type { Dataset } from '../data/datasets/dataset';
import type { ExemplarModel } from '../model/exemplarModel';
import { predictPosteriors } from '../model/predict';
import type { Box, Raster, Sample, Shape } from '../types';
import { assertInteger, assertOneOf } from '../util/validate';
import { cosineTopK } from './cosineTopK';
import { EMBEDDING_KINDS, type EmbeddingKind, type ExemplarEmbeddings } from './exemplarEmbeddings';

/** One neighbour. */
export interface ExemplarMatch {
  /** Row of the embedding (class index for 'weights', training-face index for 'features'). */
  index: number;
  /** The exemplar's id. */
  id: string;
  /** Cosine similarity to the face's feature. */
  similarity: number;
  /** The exemplar's image and landmarks, when `opts.samples` holds its id (not for a mirrored class, '…#flip'). */
  image?: Raster;
  landmarks?: Shape;
}

/** Options of {@link topExemplars}. */
export interface TopExemplarsOptions {
  /** Which embedding. @default 'weights' */
  by?: EmbeddingKind;
  /** How many. @default 5 */
  k?: number;
  /** Where to find the exemplars' images (training samples or a dataset, matched by id). @default none */
  samples?: readonly Sample[] | Dataset;
}

/** Finds samples by id in an array or a dataset (ids indexed once per call). */
function sampleLookup(src: readonly Sample[] | Dataset | undefined): (id: string) => Sample | undefined {
  if (src === undefined) return () => undefined;
  if (Array.isArray(src)) {
    const m = new Map((src as readonly Sample[]).map((s) => [s.id, s]));
    return (id) => m.get(id);
  }
  const ds = src as Dataset;
  const at = new Map(ds.ids.map((id, i) => [id, i]));
  return (id) => {
    const i = at.get(id);
    return i === undefined ? undefined : ds.tryGet(i);
  };
}

/**
 * The k exemplars whose embedding rows are most cosine-similar to the feature of the face in `box`.
 * @example const top = neighbors.topExemplars(model, emb, image, box, { by: 'features', k: 5, samples: data.train })
 */
export function topExemplars(
  model: ExemplarModel,
  embeddings: ExemplarEmbeddings,
  image: Raster,
  box: Box,
  opts: TopExemplarsOptions = {},
): ExemplarMatch[] {
  const [p] = predictPosteriors(model, [{ image, box }], { topK: 1 });
  return topExemplarsOf(p.feature, embeddings, opts);
}

/**
 * topExemplars from an already computed feature f (D).
 * @example neighbors.topExemplarsOf(prediction.feature, emb, { k: 3 })
 */
export function topExemplarsOf(
  feature: Float32Array,
  embeddings: ExemplarEmbeddings,
  opts: TopExemplarsOptions = {},
): ExemplarMatch[] {
  const fn = 'topExemplars';
  const by = opts.by ?? 'weights';
  assertOneOf(fn, 'by', by, EMBEDDING_KINDS);
  const rows = by === 'weights' ? embeddings.weights : embeddings.features;
  const ids = by === 'weights' ? embeddings.classIds : embeddings.featureIds;
  const k = opts.k ?? 5;
  assertInteger(fn, 'k', k, 1, ids.length);
  const { indices, similarities } = cosineTopK(feature, rows, embeddings.D, k);
  const find = sampleLookup(opts.samples);
  return Array.from(indices, (index, q) => {
    const id = ids[index];
    const s = id.endsWith(FLIP_SUFFIX) ? undefined : find(id);
    const m: ExemplarMatch = { index, id, similarity: similarities[q] };
    if (s !== undefined) {
      m.image = s.image;
      m.landmarks = s.landmarks;
    }
    return m;
  });
}
