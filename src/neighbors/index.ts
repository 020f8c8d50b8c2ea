/**
 * Cosine nearest neighbours in the exemplar setting (the paper's Table 1): the classifier's weight rows w_k and the
 * training faces' pooled features f as embeddings, a face's top exemplars by either, the landmark error of each
 * against the linear classifier, and a PCA projection of the embeddings for a 2D picture. Typed arrays throughout.
 */
export { unitRows, cosineTopK, type CosineTopK } from './cosineTopK';
export {
  exemplarEmbeddings,
  EMBEDDING_KINDS,
  type EmbeddingKind,
  type ExemplarEmbeddings,
  type ExemplarEmbeddingsOptions,
} from './exemplarEmbeddings';
export { topExemplars, topExemplarsOf, type ExemplarMatch, type TopExemplarsOptions } from './topExemplars';
export {
  neighborTable,
  NEIGHBOR_METHODS,
  type NeighborMethod,
  type NeighborTable,
  type NeighborTableRow,
  type NeighborTableOptions,
} from './neighborTable';
export { pca, type PcaResult, type PcaOptions } from './pca';
