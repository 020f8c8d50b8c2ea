/**
 * Similarity (Procrustes) alignment of 2D shapes: the closed-form least-squares rotation, scale and
 * translation of a source onto a target (Umeyama 1991, which in 2D reduces to two sums), and generalized
 * Procrustes analysis of many shapes.
 */
import { ValueError } from '../errors';
import type { Shape } from '../types';
import { assertInteger, assertPositive } from '../util/validate';
import { centroidOf, rmsDistanceOf, shapesAt, shapesCount, similarityApply, similarityFit } from './kernels';
import { shapesValidate, shapeValidate } from './shape';

/** Options of procrustes. */
export interface ProcrustesOptions {
  /** Fit a scale (similarity); false fits a rigid transform (rotation and translation only). @default true */
  scale?: boolean;
  /** Reflections are never allowed (the fitted map is a proper rotation). Only `false` is accepted. @default false */
  reflection?: false;
}

/** The fitted map x ↦ scale·R(rotation)·x + translation and the source shape aligned with it. */
export interface ProcrustesResult {
  /** scale·R·source + translation, as a new shape. */
  aligned: Float32Array;
  scale: number;
  /** Rotation angle in radians, in the image frame (x right, y down: positive turns clockwise on screen). */
  rotation: number;
  translation: [number, number];
  /** RMS point distance between `aligned` and the target (pixels of the target). */
  rmsd: number;
}

/**
 * Least-squares similarity alignment of `source` onto `target` (same point count): minimises
 * Σ‖scale·R·sᵢ + t − tᵢ‖² in closed form. A source whose points all coincide is a ValueError.
 * @example const { aligned, rmsd } = procrustes(predicted, truth)
 */
export function procrustes(source: Shape, target: Shape, opts: ProcrustesOptions = {}): ProcrustesResult {
  shapeValidate('procrustes', 'source', source);
  shapeValidate('procrustes', 'target', target, source.length >> 1);
  const withScale = opts.scale ?? true;
  if (opts.reflection !== undefined && opts.reflection !== false) {
    throw new ValueError(
      `procrustes: argument 'opts.reflection' expected false (reflections are not supported), got ${String(opts.reflection)}`,
    );
  }
  const f = similarityFit(source, target, withScale);
  if (f === null) {
    throw new ValueError(
      `procrustes: argument 'source' expected at least two distinct points, got all equal`,
    );
  }
  const aligned = similarityApply(source, f, new Float32Array(source.length));
  return {
    aligned,
    scale: f.scale,
    rotation: Math.atan2(f.sin, f.cos),
    translation: [f.tx, f.ty],
    rmsd: rmsDistanceOf(aligned, target),
  };
}

/** Options of generalizedProcrustes. */
export interface GeneralizedProcrustesOptions {
  /** Fit scale as well as rotation and translation. @default true */
  scale?: boolean;
  /** Maximum number of align-to-mean / re-estimate rounds. @default 10 */
  iterations?: number;
  /** Stop when the mean moves less than this (RMS point distance, in mean-shape units). @default 1e-6 */
  tolerance?: number;
}

/** Result of generalizedProcrustes. */
export interface GeneralizedProcrustesResult {
  /**
   * The mean shape: centred at the origin, unit RMS point distance from its centroid, and rotated to the
   * orientation of the first input shape.
   */
  mean: Float32Array;
  /** Every input shape aligned onto the mean, packed M×2N in input order. */
  aligned: Float32Array;
  /** Rounds run. */
  iterations: number;
}

function normalizeInPlace(s: Float32Array): boolean {
  const [cx, cy] = centroidOf(s);
  let ss = 0;
  for (let i = 0; i < s.length; i += 2) {
    s[i] -= cx;
    s[i + 1] -= cy;
    ss += s[i] * s[i] + s[i + 1] * s[i + 1];
  }
  const r = Math.sqrt(ss / (s.length >> 1));
  if (!(r > 0)) return false;
  for (let i = 0; i < s.length; i++) s[i] /= r;
  return true;
}

/**
 * Generalized Procrustes analysis: aligns all shapes to their evolving mean until it settles.
 * `shapes` is an array of shapes or one packed M×2N Float32Array.
 * @example const { mean, aligned } = generalizedProcrustes(trainShapes, 68)
 */
export function generalizedProcrustes(
  shapes: Float32Array[] | Float32Array,
  nPoints: number,
  opts: GeneralizedProcrustesOptions = {},
): GeneralizedProcrustesResult {
  shapesValidate('generalizedProcrustes', 'shapes', shapes, nPoints);
  const withScale = opts.scale ?? true;
  const maxIter = opts.iterations ?? 10;
  const tol = opts.tolerance ?? 1e-6;
  assertInteger('generalizedProcrustes', 'opts.iterations', maxIter, 1);
  assertPositive('generalizedProcrustes', 'opts.tolerance', tol);
  const d = 2 * nPoints;
  const m = shapesCount(shapes, nPoints);
  const ref = Float32Array.from(shapesAt(shapes, nPoints, 0));
  if (!normalizeInPlace(ref)) {
    throw new ValueError(
      `generalizedProcrustes: argument 'shapes' expected shape 0 to have at least two distinct points, got all equal`,
    );
  }
  const aligned = new Float32Array(m * d);
  const alignAll = (target: Float32Array): void => {
    for (let k = 0; k < m; k++) {
      const src = shapesAt(shapes, nPoints, k);
      const f = similarityFit(src, target, withScale);
      if (f === null) {
        throw new ValueError(
          `generalizedProcrustes: argument 'shapes' expected shape ${k} to have at least two distinct points, got all equal`,
        );
      }
      similarityApply(src, f, aligned.subarray(k * d, (k + 1) * d));
    }
  };
  let mean = ref;
  let it = 0;
  while (it < maxIter) {
    it++;
    alignAll(mean);
    const acc = new Float64Array(d);
    for (let k = 0; k < m; k++) {
      for (let i = 0; i < d; i++) acc[i] += aligned[k * d + i];
    }
    const next = Float32Array.from(acc, (v) => v / m);
    if (!normalizeInPlace(next)) {
      throw new ValueError(`generalizedProcrustes: argument 'shapes' gave a degenerate mean shape`);
    }
    // Fix the gauge: keep the mean in the first shape's orientation so that it cannot drift.
    const g = similarityFit(next, ref, false);
    if (g !== null) similarityApply(next, g, next);
    const moved = rmsDistanceOf(next, mean);
    mean = next;
    if (moved < tol) break;
  }
  alignAll(mean);
  return { mean, aligned, iterations: it };
}
