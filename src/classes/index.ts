/**
 * Pose classes over box-normalised shapes: k-means and exemplar class tables, their files, membership
 * sets under a radius tau (blocked, exact), their statistics, the choice of tau, and the class neighbour
 * graph.
 *
 * @module
 */
export type { ClassTable, Membership } from './types';
export type { BlockOptions } from './blockDistances';
export { kmeans, type KmeansOptions, type KmeansResult } from './kmeans';
export type { ClassAttributeOptions } from './classAttributes';
export {
  classTableFromKmeans,
  classTableFromClusters,
  type ClassTableFromKmeansOptions,
  type ClassTableFromClustersOptions,
  DEFAULT_SIGMA_FLOOR,
} from './classTableFromKmeans';
export {
  classTableExemplars,
  type ClassTableExemplarsOptions,
  FLIP_SUFFIX,
  DEFAULT_EXEMPLAR_TAU,
} from './classTableExemplars';
export { classTableValidate, CLASS_TABLE_KIND } from './classTableValidate';
export { classTableSave, classTableLoad, CLASS_TABLE_FILE_VERSION } from './classTableFile';
export { membership, type MembershipOptions } from './membership';
export { membershipStats, type MembershipStats, type MembershipStatsOptions } from './membershipStats';
export {
  chooseTau,
  type ChooseTauOptions,
  type TauChoice,
  type TauCriterion,
  DEFAULT_TAU_CANDIDATES,
  DEFAULT_TAU_CRITERION,
} from './chooseTau';
export { classNeighbors, type ClassGraph, type ClassNeighborsQuery } from './classNeighbors';
export { nearestClass } from './nearestClass';
