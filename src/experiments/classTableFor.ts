/** The class table of an experiment: k-means classes for a numeric K, exemplar classes (K = M) for 'M'. */
import { classTableExemplars } from '../classes/classTableExemplars';
import { classTableFromKmeans } from '../classes/classTableFromKmeans';
import type { ClassTable } from '../classes/types';
import { ValueError } from '../errors';
import { assertInteger, assertPositive, describe } from '../util/validate';
import type { Warnings } from '../util/warnings';
import type { ExperimentData } from './prepareData';

/** A class count: a number (k-means) or 'M' (every training shape its own class). */
export type KSpec = number | 'M';

/** Options of `classTableFor`. */
export interface ClassTableForOptions {
  /** Seed of k-means++. @default 0 */
  seed?: number;
  /** Radius that exemplar classes' sigma is fit to (RMS point distance, box units). @default 0.05 */
  tau?: number;
  /** Lloyd iterations of k-means. @default 30 */
  iterations?: number;
  /** K = 'M' only: also add each shape's mirror image as a class (K = 2M; classTableExemplars' `flip`). @default false */
  flip?: boolean;
  /** Collects recoverable trouble from the class-table step. @default none */
  warnings?: Warnings;
}

/** Resolves a K spec against M training shapes; throws ValueError when K exceeds M. */
export function resolveK(fn: string, K: unknown, M: number): number {
  if (K === 'M') return M;
  assertInteger(fn, 'K', K, 1, Number.MAX_SAFE_INTEGER);
  if (K > M) {
    throw new ValueError(`${fn}: argument 'K' expected at most M = ${M} (the training shapes), got ${K}`);
  }
  return K;
}

/**
 * Builds the class table for K classes from the experiment's training shapes.
 * @example const table = classTableFor(data, 'M')  // exemplar classes
 * @example const table = classTableFor(data, 100, { seed: 1 })  // k-means classes
 */
export function classTableFor(data: ExperimentData, K: KSpec, opts: ClassTableForOptions = {}): ClassTable {
  const fn = 'classTableFor';
  if (typeof data !== 'object' || data === null || !(data.trainShapes instanceof Float32Array)) {
    throw new ValueError(
      `${fn}: argument 'data' expected ExperimentData (prepareData), got ${describe(data)}`,
    );
  }
  const M = data.ids.length;
  const k = resolveK(fn, K, M);
  const seed = opts.seed ?? 0;
  assertInteger(fn, 'seed', seed, 0, 2 ** 31);
  const tau = opts.tau ?? 0.05;
  assertPositive(fn, 'tau', tau);
  const attributes = { ids: data.ids, poses: data.poses, warnings: opts.warnings };
  if (opts.flip !== undefined && typeof opts.flip !== 'boolean') {
    throw new ValueError(`${fn}: option 'flip' expected a boolean, got ${describe(opts.flip)}`);
  }
  if (K === 'M') {
    return classTableExemplars(data.trainShapes, data.nPoints, {
      ...attributes,
      tau,
      flip: opts.flip ?? false,
    });
  }
  if (opts.flip) {
    throw new ValueError(`${fn}: option 'flip' expected K = 'M' (exemplar classes), got K = ${K}`);
  }
  return classTableFromKmeans(data.trainShapes, data.nPoints, {
    ...attributes,
    K: k,
    seed,
    iterations: opts.iterations ?? 30,
  });
}
