/** The exemplar classifier: inputs, backbones, losses, training at any K, prediction, save/load. */
export { cropToInput, cropRect, referenceBox, inputSpec, type InputOptions, type InputSpec } from './input';
export {
  BACKBONES,
  LOSSES,
  type BackboneArch,
  type LossKind,
  type ModelOptions,
  type ModelConfig,
} from './config';
export { buildBackbone, backboneFlops, compileInference, type InferenceFn } from './backbone';
export { ExemplarModel, createModel, type HeadPrecision, type InferenceOnlyOptions } from './exemplarModel';
export {
  Int8Head,
  INT8_MAX_BATCH,
  REFINE_DELTA,
  DENSE_REFINE_FRACTION,
  PARALLEL_MIN_CLASSES,
  int16FeatureLimit,
  type Int8HeadOptions,
} from './int8Head';
export {
  modeShapeSearch,
  medianSpread,
  type ModeShapeResult,
  type ModeShapeSearchOptions,
} from './modeShape';
export { batchTargets, type BatchTargets } from './batchTargets';
export { targetMatrix, denseLoss } from './losses';
export {
  sampledHeadStep,
  sampleWithoutReplacement,
  sampleOutside,
  hardNegativeSet,
  ROW_ADAM_MODES,
  type RowAdamMode,
  RowAdam,
  SampledHeadScratch,
  type SampledHeadOptions,
  type SampledStep,
} from './sampledHead';
export {
  train,
  DENSE_MAX_K,
  CHECKPOINT_KIND,
  type TrainOptions,
  type TrainResult,
  type EpochRecord,
} from './train';
export {
  chooseHead,
  denseHeadBytes,
  DENSE_ENGINE_MAX_BYTES,
  ENGINE_DENSE_BACKENDS,
  type HeadChoice,
  type HeadQuery,
} from './headChoice';
export { deviceTargets, membershipPairs } from './deviceTargets';
export {
  predict,
  predictBatch,
  predictInputs,
  predictPosteriors,
  posteriorInputs,
  topIndices,
  EXPECTED_TOLERANCE,
  JS_MAX_CLASSES,
  JS_MAX_FRACTION,
  DENSE_MIN_FRACTION,
  DENSE_MIN_FACES,
  STREAM_MIN_FRACTION,
  type Prediction,
  type PosteriorPrediction,
  type PredictOptions,
  type PredictItem,
  type TopClass,
} from './predict';
export { evaluateModel, boxDiagonalError, type EvaluateModelOptions } from './evaluateModel';
export { saveModel, loadModel, MODEL_KIND, type LoadModelOptions } from './modelFile';
export {
  centerSummary,
  expectedShapePlan,
  expectedShapePlanOver,
  keptIndicesOf,
  expectedShapeSum,
  type CenterSummary,
  type ExpectedShapePlan,
} from './expectedShape';
export {
  autoProgress,
  terminalProgress,
  lineProgress,
  notebookProgress,
  progressLine,
  type ProgressSink,
  type ProgressState,
} from './progress';
