/**
 * The 300-W / 300-VW error protocol on plain typed arrays (no TensorFlow): per-point errors, errors
 * normalised by the box diagonal, the inter-ocular or the inter-pupil distance over all or the inner points,
 * CED, AUC@0.08, failure rate, summaries (overall, per group, hard subset), several methods at once, other
 * systems' predictions from `.pts` folders, and results as danfojs-node DataFrames (loaded on first use only).
 */
export { pointErrors } from './pointErrors';
export { type Normalization, NORMALIZATIONS } from './normalizer';
export { type PointSet, POINT_SETS, pointSetIndices } from './pointSet';
export { normalizedError, normalizedErrors, type NormalizedErrorOptions } from './normalizedError';
export { ced, type Ced, type CedOptions } from './ced';
export { auc, type AucOptions } from './auc';
export { failureRate } from './failureRate';
export {
  evaluationSummary,
  type EvaluationSummary,
  type EvaluationSummaryOptions,
} from './evaluationSummary';
export { summaryByGroup, type GroupSummary } from './summaryByGroup';
export { vw300CategoryOf } from './vw300CategoryOf';
export { hardSubset, type HardSubset, type HardSubsetOptions } from './hardSubset';
export { readPtsPredictions, type ReadPtsPredictionsOptions } from './readPtsPredictions';
export {
  evaluateProtocol,
  protocolCurves,
  type EvaluateProtocolOptions,
  type ProtocolPoints,
  type ProtocolResult,
  type ProtocolRow,
} from './evaluateProtocol';
export {
  danfo,
  toDataFrame,
  dataFrameHtml,
  protocolTable,
  type DataFrame,
  type Cell,
  type ToDataFrameOptions,
  type DataFrameHtmlOptions,
} from './tables';
