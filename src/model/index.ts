/**
 * The exemplar classifier: inputs, backbones, losses, training at any K, prediction, save/load.
 *
 * @module
 */
export { cropToInput, cropRect, referenceBox, type InputOptions, type InputSpec } from './input';
export {
  BACKBONES,
  LOSSES,
  type BackboneArch,
  type LossKind,
  type ModelOptions,
  type ModelConfig,
} from './config';
export { buildBackbone, backboneFlops, type InferenceFn } from './backbone';
export { ExemplarModel, createModel, type HeadPrecision, type InferenceOnlyOptions } from './exemplarModel';
export { ROW_ADAM_MODES, type RowAdamMode } from './sampledHead';
export { train, CHECKPOINT_KIND, type TrainOptions, type TrainResult, type EpochRecord } from './train';
export { DENSE_ENGINE_MAX_BYTES } from './headChoice';
export {
  predict,
  predictBatch,
  predictInputs,
  predictPosteriors,
  posteriorInputs,
  EXPECTED_TOLERANCE,
  type Prediction,
  type PosteriorPrediction,
  type PredictOptions,
  type PredictItem,
  type TopClass,
} from './predict';
export { evaluateModel, boxDiagonalError, type EvaluateModelOptions } from './evaluateModel';
export { saveModel, loadModel, MODEL_KIND, type LoadModelOptions } from './modelFile';
export {
  autoProgress,
  terminalProgress,
  lineProgress,
  notebookProgress,
  progressLine,
  type ProgressSink,
  type ProgressState,
} from './progress';
