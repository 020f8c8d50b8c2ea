/**
 * An exemplar class table: K = M, every training shape its own class (and, with `flip`, its mirror
 * image as another class). sigma_k comes from the exemplar's membership set under tau: the RMS point
 * distance to the other exemplars within tau, floored (the floor when it has none).
 */
import { shapeFlipNormalized } from '../landmarks';
import { ValueError } from '../errors';
import type { HeadPose } from '../types';
import { assertInRange } from '../util/validate';
import type { BlockOptions } from './blockDistances';
import { assertBlockOptions } from './blockDistances';
import {
  type ClassAttributeOptions,
  assertAttributeOptions,
  classPoses,
  classVisibility,
} from './classAttributes';
import { radiusGraph } from './classNeighbors';
import { DEFAULT_SIGMA_FLOOR } from './classTableFromKmeans';
import { assertPackedShapes } from './packedShapes';
import { assertTau } from './tableShapes';
import type { ClassTable } from './types';

export interface ClassTableExemplarsOptions extends ClassAttributeOptions, BlockOptions {
  /**
   * Also add each shape's mirror image (via `landmarks.shapeFlipNormalized` and the scheme's mirror
   * permutation) as a class; its id is the source id with the suffix '#flip', its pose has yaw and roll
   * negated, its visibility mirrored. Classes 0..M−1 are the originals, M..2M−1 their flips in order.
   * @default false
   */
  flip?: boolean;
  /** Radius (RMS point distance, box units) of the neighbourhood that sigma_k is fit to. @default 0.05 */
  tau?: number;
  /** Smallest sigma_k. @default 0.005 */
  sigmaFloor?: number;
}

/** Appended to a member id for the flipped copy of an exemplar (`'img_1#flip'`). */
export const FLIP_SUFFIX = '#flip';
/** Default tau of `classTableExemplars`: the radius whose members give each class its sigma and attributes. */
export const DEFAULT_EXEMPLAR_TAU = 0.05;

/**
 * Every shape (M × 2N, box coordinates) its own class; with `flip`, K = 2M.
 * @example const table = classTableExemplars(shapes, 68, { ids, flip: true, tau: 0.05 })
 */
export function classTableExemplars(
  shapes: Float32Array,
  nPoints: number,
  options: ClassTableExemplarsOptions = {},
): ClassTable {
  const fn = 'classTableExemplars';
  const M = assertPackedShapes(fn, 'shapes', shapes, nPoints);
  const scheme = assertAttributeOptions(fn, options, M, nPoints);
  assertBlockOptions(fn, options);
  const tau = options.tau ?? DEFAULT_EXEMPLAR_TAU;
  assertTau(fn, tau);
  const sigmaFloor = options.sigmaFloor ?? DEFAULT_SIGMA_FLOOR;
  assertInRange(fn, 'sigmaFloor', sigmaFloor, Number.MIN_VALUE, Infinity);
  const flip = options.flip ?? false;
  const dim = 2 * nPoints;
  const K = flip ? 2 * M : M;
  if (flip && scheme.mirror === null) {
    throw new ValueError(
      `${fn}: argument 'flip' needs a scheme with a mirror permutation, got scheme ${scheme.name} without one`,
    );
  }
  const centers = new Float32Array(K * dim);
  centers.set(shapes);
  if (flip) {
    for (let i = 0; i < M; i++) {
      centers.set(shapeFlipNormalized(shapes.subarray(i * dim, (i + 1) * dim), scheme), (M + i) * dim);
    }
  }
  const mirror = scheme.mirror;

  const graph = radiusGraph(centers, K, nPoints, tau, options);
  const sigma = new Float32Array(K);
  for (let k = 0; k < K; k++) {
    let s = 0;
    const a = graph.offsets[k];
    const b = graph.offsets[k + 1];
    for (let t = a; t < b; t++) s += graph.distances[t] * graph.distances[t];
    sigma[k] = Math.max(sigmaFloor, b > a ? Math.sqrt(s / (b - a)) : 0);
  }

  const source = (k: number): number => (k < M ? k : k - M);
  const self = (k: number): Int32Array => Int32Array.of(k);
  // Poses of the originals (ground truth, else fitted); a flipped copy mirrors its source's pose
  // (yaw and roll negated), so each pose is fitted at most once.
  const poses = options.poses;
  const pose = new Float32Array(3 * K);
  pose.set(
    classPoses(centers, M, nPoints, self, (k: number): HeadPose | undefined => poses?.[k], scheme, options),
  );
  for (let k = M; k < K; k++) {
    pose[3 * k] = -pose[3 * (k - M)];
    pose[3 * k + 1] = pose[3 * (k - M) + 1];
    pose[3 * k + 2] = -pose[3 * (k - M) + 2];
  }
  const vis = options.visibility;
  const visOf =
    vis &&
    ((k: number, j: number): number =>
      k < M ? vis[k * nPoints + j] : vis[(k - M) * nPoints + (mirror as Int32Array)[j]]);
  const ids = options.ids;
  const memberIds: string[] = new Array<string>(K);
  for (let k = 0; k < K; k++) {
    const id = ids ? ids[source(k)] : String(source(k));
    memberIds[k] = k < M ? id : id + FLIP_SUFFIX;
  }
  return {
    kind: 'exemplar-landmarks/class-table',
    method: 'exemplar',
    K,
    nPoints,
    scheme: scheme.name,
    centers,
    sigma,
    pose,
    visibility: classVisibility(K, nPoints, self, visOf),
    memberOffsets: Int32Array.from({ length: K + 1 }, (_, k) => k),
    memberIds,
  };
}
