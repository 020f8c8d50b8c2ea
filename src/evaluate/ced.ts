/** The cumulative error distribution (CED): the fraction of faces with error ≤ t, for t on a grid. */
import { assertInteger } from '../util/validate';
import { cumulativeFractions, sortedErrors } from './errorsValidate';

/** Options of `ced`. */
export interface CedOptions {
  /** Largest threshold. @default 0.08 */
  maxError?: number;
  /** Grid intervals: thresholds are i·maxError/steps, i = 0..steps. @default 800 (a 1e-4 step at 0.08) */
  steps?: number;
}

/** A CED: thresholds and the fraction of faces at or below each. */
export interface Ced {
  /** steps + 1 thresholds from 0 to maxError. */
  thresholds: Float64Array;
  /** Fraction of errors ≤ each threshold (non-decreasing). */
  fraction: Float64Array;
}

/**
 * The CED of normalised errors (one per face).
 * @example const { thresholds, fraction } = ced(nme, { maxError: 0.08 })
 */
export function ced(errors: ArrayLike<number>, options: CedOptions = {}): Ced {
  const maxError = options.maxError ?? 0.08;
  const steps = options.steps ?? 800;
  const sorted = sortedErrors('ced', errors, maxError);
  assertInteger('ced', 'steps', steps, 1);
  return cedSorted(sorted, maxError, steps);
}

/** CED of already-sorted, validated errors on steps + 1 thresholds from 0 to maxError. */
export function cedSorted(sorted: Float64Array, maxError: number, steps: number): Ced {
  const thresholds = Float64Array.from({ length: steps + 1 }, (_, i) => (i * maxError) / steps);
  return { thresholds, fraction: cumulativeFractions(sorted, thresholds) };
}
