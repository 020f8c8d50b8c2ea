/** Failure rate: the fraction of faces whose normalised error exceeds the threshold (0.08 in 300-VW). */
import { sortedErrors } from './errorsValidate';

/**
 * Fraction of errors > maxError (an error equal to the threshold is not a failure, as 1 − CED(T)).
 * @example failureRate(nme, 0.08)
 */
export function failureRate(errors: ArrayLike<number>, maxError = 0.08): number {
  return failureRateSorted(sortedErrors('failureRate', errors, maxError), maxError);
}

export function failureRateSorted(sorted: Float64Array, maxError: number): number {
  let fail = 0;
  for (let i = sorted.length - 1; i >= 0 && sorted[i] > maxError; i--) fail++;
  return fail / sorted.length;
}
