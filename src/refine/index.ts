/**
 * Refinement around the classifier: the detection-box refiner before it (ridge from the feature f to an R-CNN box
 * correction, also learning a detector's convention), per-cluster cascaded linear regressors after it (HOG-style
 * descriptors, ridge per stage), and the photo-to-landmarks pipeline that chains detector, refiner, classifier and
 * cascade. Ridge solves: tfjs matMul for the normal equations, a float64 Cholesky (cholesky.ts) for the solve.
 *
 * @module
 */
export { ridgeFit, ridgeApply, ENGINE_MIN_ROWS, type RidgeModel, type RidgeOptions } from './ridge';
export { boxDelta, boxApplyDelta, boxJitter, BOX_DELTA_DIM, type BoxJitter } from './boxDelta';
export {
  trainBoxRefiner,
  refineBoxes,
  refineBox,
  boxFeatures,
  type BoxRefiner,
  type TrainBoxRefinerOptions,
  type RefineBoxesOptions,
} from './boxRefiner';
export {
  gradientMaps,
  hogDescriptors,
  hogSpec,
  hogLength,
  type GradientMaps,
  type HogOptions,
  type HogSpec,
} from './hog';
export {
  trainCascade,
  cascadeApply,
  cascadeApplyBatch,
  cascadeFrame,
  type Cascade,
  type CascadeItem,
  type CascadeResult,
  type CascadeFront,
  type CascadeApplyOptions,
  type TrainCascadeOptions,
} from './cascade';
export { pointSpread, type PointSpreadOptions } from './pointSpread';
export {
  faceLandmarks,
  landmarksInBoxes,
  trainLandmarkPipeline,
  PIPELINE_DETECTOR,
  PIPELINE_BOXES,
  PIPELINE_CASCADE,
  PIPELINE_CLASSIFIER,
  type LandmarkPipeline,
  type FaceLandmarks,
  type FaceLandmarksOptions,
  type TrainLandmarkPipelineOptions,
  type TrainedLandmarkPipeline,
} from './pipeline';
export { evaluatePipeline, type EvaluatePipelineOptions, type PipelineEvaluation } from './evaluatePipeline';
export { savePipeline, loadPipeline, PIPELINE_KIND } from './pipelineFile';
export type { PipelineClassifierOptions } from './pipelineClassifier';
export {
  clickedLandmarks,
  type ClickSpec,
  type ClickedLandmarksOptions,
  type ClickedLandmarks,
} from './clickedLandmarks';
