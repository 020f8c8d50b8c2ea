/**
 * Per-class attributes shared by both table builders: head pose (mean ground truth of the members that
 * have one, else the landmark module's pose fit of the centre placed in a nominal box), per-landmark
 * visibility fraction, member ids (CSR), and the boundary checks of the options that carry them.
 */
import { ShapeError, ValueError } from '../errors';
import { poseFit, shapeFromBox } from '../landmarks';
import { type LandmarkScheme, ibug68, schemeFor } from '../landmarks/scheme';
import type { Box, HeadPose } from '../types';
import { describe } from '../util/validate';
import type { Warnings } from '../util/warnings';

/** Per-sample inputs carried into class attributes (all optional, all indexed like the shapes). */
export interface ClassAttributeOptions {
  /** Sample ids, length M. @default ['0', '1', …] */
  ids?: readonly string[];
  /** Ground-truth head pose per sample (undefined where unknown), length M. @default none: poses are fitted */
  poses?: ReadonlyArray<HeadPose | undefined>;
  /** Per-landmark visibility (1 visible, 0 not), packed M × N. @default all visible */
  visibility?: Uint8Array;
  /** The landmark scheme (an object, or a name stored in the table). @default schemeFor(nPoints) */
  scheme?: LandmarkScheme | string;
  /**
   * The box a centre is placed in (pixels) before `landmarks.poseFit` when no member has a ground-truth
   * pose; its aspect ratio is the assumed width : height of the faces' boxes.
   * @default { x: 0, y: 0, width: 100, height: 100 }
   */
  nominalBox?: Box;
  /**
   * Fit a pose (landmarks.poseFit, a few ms per class) for classes none of whose members has a
   * ground-truth pose; when false their pose is NaN (unknown). Turn off for very large tables without
   * ground truth when pose attributes are not needed.
   * @default true
   */
  fitPoses?: boolean;
  /** Receives 'no-pose' when a pose cannot be fitted (a scheme without a 3D template). @default none */
  warnings?: Warnings;
}

export const DEFAULT_NOMINAL_BOX: Box = Object.freeze({ x: 0, y: 0, width: 100, height: 100 });

/** Checks the attribute options against M samples of N points; returns the scheme object (may be generic). */
export function assertAttributeOptions(
  fn: string,
  opts: ClassAttributeOptions,
  M: number,
  nPoints: number,
): LandmarkScheme {
  if (opts.ids !== undefined) {
    if (!Array.isArray(opts.ids) || opts.ids.length !== M) {
      throw new ShapeError(
        `${fn}: argument 'ids' expected ${M} strings (one per shape), got ${describe(opts.ids)}`,
      );
    }
    for (let i = 0; i < M; i++) {
      if (typeof opts.ids[i] !== 'string') {
        throw new ValueError(
          `${fn}: argument 'ids' expected strings, got ${describe(opts.ids[i])} at index ${i}`,
        );
      }
    }
  }
  if (opts.poses !== undefined) {
    if (!Array.isArray(opts.poses) || opts.poses.length !== M) {
      throw new ShapeError(
        `${fn}: argument 'poses' expected ${M} poses (one per shape), got ${describe(opts.poses)}`,
      );
    }
    opts.poses.forEach((p, i) => {
      if (p === undefined) return;
      if (![p.yaw, p.pitch, p.roll].every((v) => typeof v === 'number' && Number.isFinite(v))) {
        throw new ValueError(
          `${fn}: argument 'poses' expected finite yaw, pitch, roll, got ${describe(p)} at index ${i}`,
        );
      }
    });
  }
  if (opts.visibility !== undefined) {
    if (!(opts.visibility instanceof Uint8Array) || opts.visibility.length !== M * nPoints) {
      throw new ShapeError(
        `${fn}: argument 'visibility' expected a Uint8Array of M × N = ${M * nPoints}, got ${describe(opts.visibility)}`,
      );
    }
  }
  let scheme: LandmarkScheme;
  if (opts.scheme === undefined) scheme = schemeFor(nPoints);
  else if (typeof opts.scheme === 'string') {
    if (opts.scheme === ibug68.name) scheme = ibug68;
    else if (opts.scheme === `generic${nPoints}`) scheme = schemeFor(nPoints);
    else {
      throw new ValueError(
        `${fn}: argument 'scheme' expected a scheme object or 'ibug68' / 'generic${nPoints}', got ${describe(opts.scheme)}`,
      );
    }
  } else scheme = opts.scheme;
  if (scheme.nPoints !== nPoints) {
    throw new ShapeError(
      `${fn}: argument 'scheme' expected a scheme of ${nPoints} points, got ${scheme.name} with ${scheme.nPoints} points`,
    );
  }
  return scheme;
}

/**
 * Pose per class: the mean ground truth over the members that have one, else the pose fit of the centre
 * in the nominal box (NaN, with one 'no-pose' warning, when the scheme has no 3D template).
 * `members(k)` lists the sample indices of class k; `poseOf(i)` gives sample i's ground-truth pose.
 */
export function classPoses(
  centers: Float32Array,
  K: number,
  nPoints: number,
  members: (k: number) => ArrayLike<number>,
  poseOf: (i: number) => HeadPose | undefined,
  scheme: LandmarkScheme,
  opts: ClassAttributeOptions,
): Float32Array {
  const dim = 2 * nPoints;
  const pose = new Float32Array(3 * K);
  const box = opts.nominalBox ?? DEFAULT_NOMINAL_BOX;
  let unfitted = 0;
  for (let k = 0; k < K; k++) {
    const m = members(k);
    let n = 0;
    let yaw = 0;
    let pitch = 0;
    let roll = 0;
    for (let t = 0; t < m.length; t++) {
      const p = poseOf(m[t]);
      if (p === undefined) continue;
      yaw += p.yaw;
      pitch += p.pitch;
      roll += p.roll;
      n++;
    }
    if (n > 0) {
      pose[3 * k] = yaw / n;
      pose[3 * k + 1] = pitch / n;
      pose[3 * k + 2] = roll / n;
      continue;
    }
    if (opts.fitPoses === false) {
      pose[3 * k] = pose[3 * k + 1] = pose[3 * k + 2] = NaN;
      continue;
    }
    try {
      const fit = poseFit(shapeFromBox(centers.subarray(k * dim, (k + 1) * dim), box), { scheme });
      pose[3 * k] = fit.pose.yaw;
      pose[3 * k + 1] = fit.pose.pitch;
      pose[3 * k + 2] = fit.pose.roll;
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      pose[3 * k] = pose[3 * k + 1] = pose[3 * k + 2] = NaN;
      unfitted++;
    }
  }
  if (unfitted > 0) {
    opts.warnings?.warn(
      'no-pose',
      `class table: ${unfitted} of ${K} classes have no ground-truth pose and scheme ${scheme.name} has no 3D template to fit one; their pose is NaN`,
    );
  }
  return pose;
}

/** Visibility fraction per class and landmark (1 where unknown); `visOf(i, j)` is sample i's landmark j. */
export function classVisibility(
  K: number,
  nPoints: number,
  members: (k: number) => ArrayLike<number>,
  visOf: ((i: number, j: number) => number) | undefined,
): Float32Array {
  const vis = new Float32Array(K * nPoints).fill(1);
  if (visOf === undefined) return vis;
  for (let k = 0; k < K; k++) {
    const m = members(k);
    if (m.length === 0) continue;
    for (let j = 0; j < nPoints; j++) {
      let s = 0;
      for (let t = 0; t < m.length; t++) s += visOf(m[t], j) ? 1 : 0;
      vis[k * nPoints + j] = s / m.length;
    }
  }
  return vis;
}
