/**
 * Area under the CED up to a threshold, divided by the threshold (so in [0, 1]): AUC@0.08 of 300-VW.
 *
 * 'simpson' (the default) follows the 300-VW / Menpo evaluation scripts (menpofit / menpobench
 * `area_under_curve_and_failure_rate`): the CED sampled every `step` (1e-4) from 0 to the threshold and
 * integrated with Simpson's rule (`scipy.integrate.simps`), divided by the threshold. 'exact' integrates
 * the step-function CED exactly: mean over faces of max(0, T − e) / T. The two differ by at most about
 * step / T (0.00125 at the defaults) and agree exactly when no error falls inside the grid.
 */
import { assertOneOf, assertPositive } from '../util/validate';
import { cumulativeFractions, sortedErrors } from './errorsValidate';

/** Options of `auc`. */
export interface AucOptions {
  /** @default 'simpson' */
  method?: 'simpson' | 'exact';
  /** Grid step of 'simpson' (rounded to an even number of intervals). @default 0.0001 */
  step?: number;
}

/**
 * AUC of the CED on [0, maxError], normalised to [0, 1].
 * @example auc(nme, 0.08) // 1 when every error is 0, 0 when every error exceeds 0.08
 */
export function auc(errors: ArrayLike<number>, maxError = 0.08, options: AucOptions = {}): number {
  const sorted = sortedErrors('auc', errors, maxError);
  const method = options.method ?? 'simpson';
  assertOneOf('auc', 'method', method, ['simpson', 'exact'] as const);
  const step = options.step ?? 0.0001;
  assertPositive('auc', 'step', step);
  return aucSorted(sorted, maxError, method, step);
}

/** AUC of already-sorted, validated errors. */
export function aucSorted(
  sorted: Float64Array,
  maxError: number,
  method: 'simpson' | 'exact',
  step: number,
): number {
  if (method === 'exact') return exactAucSorted(sorted, maxError);
  let n = Math.max(2, Math.round(maxError / step));
  if (n % 2) n++;
  const h = maxError / n;
  const t = Float64Array.from({ length: n + 1 }, (_, i) => i * h);
  const f = cumulativeFractions(sorted, t);
  let s = f[0] + f[n];
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f[i];
  return Math.min(1, Math.max(0, (s * h) / 3 / maxError));
}

/** Exact AUC of already-sorted, validated errors: mean over faces of max(0, T − e) / T. */
export function exactAucSorted(sorted: Float64Array, maxError: number): number {
  let area = 0;
  for (let i = 0; i < sorted.length && sorted[i] < maxError; i++) area += maxError - sorted[i];
  return area / (sorted.length * maxError);
}
