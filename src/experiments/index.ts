/**
 * The paper's experiments as functions (used by the notebooks and the benchmark): experiment data, class tables for
 * any K, training and scoring a classifier (Fig. 3's landmark error, classification accuracy, multi-label error),
 * the losses-vs-K grid, forward cost against K (Fig. 2), the mean-shape baseline, failure rates side by side, and
 * the posterior as a yaw distribution.
 *
 * @module
 */
export {
  prepareData,
  dataFromSamples,
  packReferenceShapes,
  DATA_SOURCES,
  DEFAULT_W300_PATH,
  type DataSource,
  type PrepareDataOptions,
  type ExperimentData,
} from './prepareData';
export { classTableFor, type KSpec, type ClassTableForOptions } from './classTableFor';
export { trainClassifier, type TrainClassifierOptions, type TrainedClassifier } from './trainClassifier';
export { scoreClassifier, type ScoreOptions, type ClassifierScores } from './scoreClassifier';
export { lossesVsK, type LossesVsKOptions, type LossesVsKResult, type LossesVsKRow } from './lossesVsK';
export { forwardCostVsK, type ForwardCostOptions, type ForwardCostRow } from './forwardCostVsK';
export { meanShapeBaseline, type MeanShapeBaseline } from './meanShapeBaseline';
export { failureRates, type FailureRateRow } from './failureRates';
export {
  posteriorYawDistribution,
  type YawDistribution,
  type YawDistributionOptions,
} from './posteriorYawDistribution';
export {
  cachedModel,
  cachedModelSettings,
  type CachedModel,
  type CachedModelOptions,
  type CachedModelSettings,
} from './cachedModel';
export { posedClassTable, type PosedClassTableOptions } from './posedClassTable';
export {
  videoStageTable,
  VIDEO_STAGES,
  type VideoStageMethod,
  type VideoStageRow,
  type VideoStageTable,
  type VideoStageTableOptions,
  type VideoHmmOptions,
  videoTemperatureScan,
  type VideoTemperatureScan,
  type VideoTemperatureScanOptions,
} from './videoStageTable';
