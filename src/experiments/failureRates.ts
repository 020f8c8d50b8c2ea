/** Failure rates (error / box diagonal above a threshold) of several methods side by side, with their ratios. */
import { failureRate } from '../evaluate/failureRate';
import { ValueError } from '../errors';
import { assertPositive, describe } from '../util/validate';

/** One method's row. */
export interface FailureRateRow {
  name: string;
  n: number;
  meanError: number;
  failureRate: number;
  /** This method's failure rate divided by the first method's (the reference). */
  ratioToReference: number;
}

/**
 * Failure rates of named per-sample error arrays; the first entry is the reference of `ratioToReference`.
 * @example failureRates({ meanShape: base.errors, classifier: scores.errors })  // ratio < 0.5: under half
 */
export function failureRates(errors: Record<string, ArrayLike<number>>, threshold = 0.08): FailureRateRow[] {
  const fn = 'failureRates';
  if (typeof errors !== 'object' || errors === null || Object.keys(errors).length === 0) {
    throw new ValueError(`${fn}: argument 'errors' expected {name: errors}, got ${describe(errors)}`);
  }
  assertPositive(fn, 'threshold', threshold);
  const rows = Object.entries(errors).map(([name, e]) => {
    const rate = failureRate(e, threshold);
    let s = 0;
    for (let i = 0; i < e.length; i++) s += e[i];
    return { name, n: e.length, meanError: s / e.length, failureRate: rate, ratioToReference: NaN };
  });
  const ref = rows[0].failureRate;
  for (const r of rows)
    r.ratioToReference = ref > 0 ? r.failureRate / ref : r.failureRate === 0 ? 1 : Infinity;
  return rows;
}
