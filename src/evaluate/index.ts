/**
 * The 300-W / 300-VW error protocol on plain typed arrays (no TensorFlow): per-point errors, errors
 * normalised by the box diagonal, the inter-ocular or the inter-pupil distance, CED, AUC@0.08, failure
 * rate and a summary.
 *
 * @module
 */
export { pointErrors } from './pointErrors';
export { type Normalization, NORMALIZATIONS } from './normalizer';
export { normalizedError, normalizedErrors, type NormalizedErrorOptions } from './normalizedError';
export { ced, type Ced, type CedOptions } from './ced';
export { auc, type AucOptions } from './auc';
export { failureRate } from './failureRate';
export {
  evaluationSummary,
  type EvaluationSummary,
  type EvaluationSummaryOptions,
} from './evaluationSummary';
