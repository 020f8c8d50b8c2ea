/** The numbers a 300-W / 300-VW results table reports for one method. */
import { assertOneOf, assertPositive } from '../util/validate';
import { aucSorted } from './auc';
import { sortedErrors } from './errorsValidate';
import { failureRateSorted } from './failureRate';

/** Options of `evaluationSummary`. */
export interface EvaluationSummaryOptions {
  /** Threshold of the AUC and the failure rate. @default 0.08 */
  maxError?: number;
  /** @default 'simpson' (see auc) */
  aucMethod?: 'simpson' | 'exact';
  /** @default 0.0001 */
  aucStep?: number;
}

/** What `evaluationSummary` returns. */
export interface EvaluationSummary {
  /** Number of faces. */
  n: number;
  mean: number;
  median: number;
  /** AUC@maxError in [0, 1]. */
  auc: number;
  /** Fraction of errors > maxError. */
  failureRate: number;
}

/**
 * Mean, median, AUC and failure rate of normalised errors (one per face).
 * @example const s = evaluationSummary(normalizedErrors(preds, gts, 68)) // { n, mean, median, auc, failureRate }
 */
export function evaluationSummary(
  errors: ArrayLike<number>,
  options: EvaluationSummaryOptions = {},
): EvaluationSummary {
  const fn = 'evaluationSummary';
  const maxError = options.maxError ?? 0.08;
  const sorted = sortedErrors(fn, errors, maxError);
  const method = options.aucMethod ?? 'simpson';
  assertOneOf(fn, 'aucMethod', method, ['simpson', 'exact'] as const);
  const step = options.aucStep ?? 0.0001;
  assertPositive(fn, 'aucStep', step);
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return {
    n,
    mean: sum / n,
    median: n % 2 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    auc: aucSorted(sorted, maxError, method, step),
    failureRate: failureRateSorted(sorted, maxError),
  };
}
