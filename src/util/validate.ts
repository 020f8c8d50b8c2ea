/**
 * Assertion helpers used at public boundaries. Each narrows its argument's type and throws a named
 * error of the form `fn: argument 'name' expected …, got …`. Hot loops never call these.
 */
import { ShapeError, ValueError } from '../errors';

/** Any array of numbers we accept at the boundary. */
export type NumberArray = Float32Array | Float64Array | number[] | ReadonlyArray<number>;

/** A short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (Array.isArray(v)) return `array of length ${v.length}`;
  if (ArrayBuffer.isView(v))
    return `${v.constructor.name} of length ${(v as unknown as { length: number }).length}`;
  if (typeof v === 'object') return `object ${(v as object).constructor?.name ?? ''}`.trim();
  return typeof v;
}

export function assertFiniteNumber(fn: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ValueError(`${fn}: argument '${name}' expected a finite number, got ${describe(v)}`);
  }
}

export function assertInteger(
  fn: string,
  name: string,
  v: unknown,
  min = -Infinity,
  max = Infinity,
): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = `${Number.isFinite(min) ? min : '-∞'}..${Number.isFinite(max) ? max : '∞'}`;
    throw new ValueError(`${fn}: argument '${name}' expected an integer in ${range}, got ${describe(v)}`);
  }
}

export function assertInRange(
  fn: string,
  name: string,
  v: unknown,
  min: number,
  max: number,
): asserts v is number {
  assertFiniteNumber(fn, name, v);
  if (v < min || v > max) {
    throw new ValueError(`${fn}: argument '${name}' expected a number in [${min}, ${max}], got ${v}`);
  }
}

export function assertPositive(fn: string, name: string, v: unknown): asserts v is number {
  assertFiniteNumber(fn, name, v);
  if (v <= 0) throw new ValueError(`${fn}: argument '${name}' expected a number > 0, got ${v}`);
}

export function assertOneOf<T extends string>(
  fn: string,
  name: string,
  v: unknown,
  allowed: readonly T[],
): asserts v is T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new ValueError(
      `${fn}: argument '${name}' expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(v)}`,
    );
  }
}

/** Checks that `v` is an array of numbers of the given length (if set) with finite entries. */
export function assertFiniteArray(
  fn: string,
  name: string,
  v: unknown,
  length?: number,
): asserts v is NumberArray {
  if (!(Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array)) {
    throw new ShapeError(`${fn}: argument '${name}' expected a number array, got ${describe(v)}`);
  }
  const a = v as ArrayLike<number>;
  if (length !== undefined && a.length !== length) {
    throw new ShapeError(`${fn}: argument '${name}' expected length ${length}, got length ${a.length}`);
  }
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new ValueError(
        `${fn}: argument '${name}' expected finite numbers, got ${describe(x)} at index ${i}`,
      );
    }
  }
}
