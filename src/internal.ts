/**
 * `exemplar-landmarks/internal`: what the benchmarks and tests reach into but a user does not call — unchecked
 * workers, routing thresholds, scratch buffers and test fixtures. Not part of the public API (src/index.ts): these
 * names may change or go without notice. Rule for a new export: a function a user calls, its options and result
 * types, a documented default and a data constant go to the folder's index.ts; a worker that skips validation (or
 * takes the caller's `fn` name), a routing threshold, a scratch or optimiser-state class and a fixture come here.
 */

// engine: the native GPU check behind engine.init / engine.info
export {
  nativeGpuStatus,
  nvidiaDeviceName,
  CUDA_REQUIREMENT,
  type GpuStatus,
  type NativeBackendFlags,
} from './engine/gpuDevice';

// io: the EXIF tag neutralised before Skia decodes (io.exifOrientation is the public reader)
export { exifOrientationTag } from './data/io/exif-orientation';

// datasets, synth: the simulated detectors' per-item workers (datasets.withDetections and synth.faces use them)
export { jitterBox } from './data/datasets/withDetections';
export { simulateDetection } from './data/synth/faces';

// model: input defaults, the compiled backbone, the 8-bit head and its routing
export { inputSpec } from './model/input';
export { compileInference } from './model/backbone';
export {
  Int8Head,
  INT8_MAX_BATCH,
  REFINE_DELTA,
  DENSE_REFINE_FRACTION,
  PARALLEL_MIN_CLASSES,
  int16FeatureLimit,
  type Int8HeadOptions,
} from './model/int8Head';
export { DENSE_MIN_FRACTION, DENSE_MIN_FACES, STREAM_MIN_FRACTION } from './model/int8HeadPass';
export { JS_MAX_CLASSES, JS_MAX_FRACTION } from './model/floatHeadPass';
export { topIndices } from './model/predict';
export {
  centerSummary,
  expectedShapePlan,
  expectedShapePlanOver,
  keptIndicesOf,
  expectedShapeSum,
  type CenterSummary,
  type ExpectedShapePlan,
} from './model/expectedShape';
export {
  modeShapeSearch,
  medianSpread,
  type ModeShapeResult,
  type ModeShapeSearchOptions,
} from './model/modeShape';

// model: the trainer's steps, targets, losses and head choice
export { batchTargets, type BatchTargets } from './model/batchTargets';
export { targetMatrix, denseLoss } from './model/losses';
export { deviceTargets, membershipPairs } from './model/deviceTargets';
export {
  sampledHeadStep,
  sampleWithoutReplacement,
  sampleOutside,
  hardNegativeSet,
  RowAdam,
  SampledHeadScratch,
  type SampledHeadOptions,
  type SampledStep,
} from './model/sampledHead';
export {
  chooseHead,
  denseHeadBytes,
  DENSE_MAX_K,
  ENGINE_DENSE_BACKENDS,
  type HeadChoice,
  type HeadQuery,
} from './model/headChoice';

// viz: the figure builders' shared layout and checks, drawing on a raw context (the widgets), tslab lookup
export { baseLayout, finiteSeries } from './viz/figure';
export { resolveDrawShapeOptions, drawShapeOnContext, type ResolvedDrawShapeOptions } from './viz/drawShape';
export { jsonForScript } from './viz/figureHtml';
export { tslabDisplay } from './viz/show';
export { widgetBundlePath } from './viz/widgetHtml';

// experiments: the benchmark's random class table, K's resolution
export { randomClassTable } from './experiments/forwardCostVsK';
export { resolveK } from './experiments/classTableFor';
