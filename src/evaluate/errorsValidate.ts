/** Boundary check for a list of per-face errors. */
import { ShapeError, ValueError } from '../errors';
import { assertPositive, describe } from '../util/validate';

/** Checks a non-empty array of finite errors ≥ 0 and a threshold > 0; returns the errors sorted ascending. */
export function sortedErrors(fn: string, errors: unknown, maxError: unknown): Float64Array {
  if (
    !(errors instanceof Float32Array || errors instanceof Float64Array || Array.isArray(errors)) ||
    errors.length === 0
  ) {
    throw new ShapeError(
      `${fn}: argument 'errors' expected a non-empty array of numbers, got ${describe(errors)}`,
    );
  }
  assertPositive(fn, 'maxError', maxError);
  const out = new Float64Array(errors.length);
  for (let i = 0; i < errors.length; i++) {
    const e = (errors as ArrayLike<unknown>)[i];
    if (typeof e !== 'number' || !(e >= 0) || !Number.isFinite(e)) {
      throw new ValueError(
        `${fn}: argument 'errors' expected finite errors ≥ 0, got ${describe(e)} at index ${i}`,
      );
    }
    out[i] = e;
  }
  return out.sort();
}

/** Fraction of sorted errors ≤ t, for ascending t, by a moving pointer. */
export function cumulativeFractions(sorted: Float64Array, thresholds: Float64Array): Float64Array {
  const out = new Float64Array(thresholds.length);
  let j = 0;
  for (let s = 0; s < thresholds.length; s++) {
    while (j < sorted.length && sorted[j] <= thresholds[s]) j++;
    out[s] = j / sorted.length;
  }
  return out;
}
