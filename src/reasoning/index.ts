/**
 * Reasoning with the posterior (issue 10): the sparse / dense posterior contract, the mixture in image pixels,
 * marginals (heatmaps, ellipses, attributes, visibility, whole-face scores), conditioning on clicks, the best next
 * click, the HMM over video and calibration. Pure TypeScript on typed arrays: no TensorFlow, no DOM, no Node modules,
 * so the widgets bundle the same code.
 */
export {
  posteriorTop,
  posteriorValidate,
  posteriorCompact,
  tableValidate,
  POSTERIOR_SUM_TOLERANCE,
  type SparsePosterior,
  type PosteriorLike,
  type ReasoningTable,
  type PosteriorTopOptions,
  type CompactPosterior,
} from './posterior';
export { hmmModel, type HmmModel, type HmmModelOptions } from './hmmModel';
export { hmmViterbi, type HmmViterbiOptions, type HmmViterbiResult } from './hmmViterbi';
export {
  hmmForwardBackward,
  type HmmForwardBackwardOptions,
  type HmmForwardBackwardResult,
  type HmmBeamOptions,
  type HmmOutputOptions,
} from './hmmForwardBackward';
export { hmmFilterStep, hmmFilterPosterior, type HmmFilterState } from './hmmFilter';
export { shapesLowPass, type ShapesLowPassOptions } from './hmmLowPass';
export {
  landmarkResolve,
  landmarkName,
  groupResolve,
  groupNames,
  tableScheme,
  type LandmarkRef,
} from './landmarkRef';
export { mixtureLogDensity, landmarkLogDensity } from './mixture';
export { posteriorHeatmap, type Heatmap, type HeatmapOptions } from './heatmap';
export {
  landmarkEllipses,
  posteriorShape,
  type Ellipse,
  type LandmarkMoments,
  type LandmarkEllipsesOptions,
} from './landmarkMoments';
export {
  attributeMarginal,
  POSE_ATTRIBUTES,
  type PoseAttribute,
  type AttributeMarginal,
  type AttributeMarginalOptions,
  type AttributeMode,
  type CredibleInterval,
} from './attributeMarginal';
export { landmarkVisibility } from './landmarkVisibility';
export { posteriorScores, type PosteriorScores } from './posteriorScores';
export {
  type Evidence,
  type LandmarkEvidence,
  type GroupEvidence,
  type BoxEvidence,
  type EvidenceStrength,
  type EvidenceCheckOptions,
} from './evidence';
export { posteriorCondition, type ConditionOptions, type ConditionResult } from './posteriorCondition';
export {
  nextClick,
  oracleBestClick,
  type NextClickOptions,
  type NextClickResult,
  type RankedLandmark,
  type OracleClickOptions,
  type OracleClickResult,
} from './nextClick';
export {
  posteriorTemper,
  calibrationNll,
  calibrationFitTemperature,
  type CalibrationItem,
  type FitTemperatureOptions,
  type TemperatureFit,
} from './calibrationTemperature';
export {
  calibrationReport,
  type CalibrationReport,
  type CalibrationReportOptions,
  type CalibrationVerdict,
  type CoverageRow,
} from './calibrationReport';
export {
  riskCoverage,
  type RiskCoverage,
  type RiskCoverageOptions,
  type RiskCoveragePoint,
} from './calibrationRiskCoverage';
