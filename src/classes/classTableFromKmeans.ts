/**
 * A class table from k-means (K ≪ M): centres are the cluster means, sigma_k the RMS point distance of
 * the members to their centre (floored), attributes from the members.
 */
import { ShapeError, ValueError } from '../errors';
import { assertInRange, describe } from '../util/validate';
import {
  type ClassAttributeOptions,
  assertAttributeOptions,
  classPoses,
  classVisibility,
} from './classAttributes';
import { type KmeansOptions, kmeans } from './kmeans';
import { assertPackedShapes } from './packedShapes';
import type { ClassTable } from './types';

export interface ClassTableFromKmeansOptions extends KmeansOptions, ClassAttributeOptions {
  /**
   * Smallest sigma_k (RMS point distance, box units), for classes of one member or identical members.
   * @default 0.005
   */
  sigmaFloor?: number;
}

/** Smallest class spread sigma_k (RMS box units) of a k-means table. */
export const DEFAULT_SIGMA_FLOOR = 0.005;

/**
 * Clusters M shapes (M × 2N, box coordinates) into K classes and builds the table. To keep the k-means
 * result (assignment, inertia), call `kmeans` and then `classTableFromClusters`.
 * @example const table = classTableFromKmeans(shapes, 68, { K: 1000, seed: 1, ids, poses })
 */
export function classTableFromKmeans(
  shapes: Float32Array,
  nPoints: number,
  options: ClassTableFromKmeansOptions,
): ClassTable {
  const fn = 'classTableFromKmeans';
  const M = assertPackedShapes(fn, 'shapes', shapes, nPoints);
  assertAttributeOptions(fn, options, M, nPoints);
  assertSigmaFloor(fn, options.sigmaFloor);
  const km = kmeans(shapes, nPoints, options);
  return buildFromClusters(shapes, M, nPoints, options.K, km.centers, km.assignment, options);
}

/** Options of classTableFromClusters: the attribute inputs and the sigma floor. */
export type ClassTableFromClustersOptions = Omit<ClassTableFromKmeansOptions, keyof KmeansOptions>;

/**
 * A k-means-style class table from any clustering: K centres (K × 2N) and each shape's cluster.
 * @example const km = kmeans(shapes, 68, { K: 50, seed: 1 }); const table = classTableFromClusters(shapes, 68, km.centers, km.assignment)
 */
export function classTableFromClusters(
  shapes: Float32Array,
  nPoints: number,
  centers: Float32Array,
  assignment: Int32Array,
  options: ClassTableFromClustersOptions = {},
): ClassTable {
  const fn = 'classTableFromClusters';
  const M = assertPackedShapes(fn, 'shapes', shapes, nPoints);
  const K = assertPackedShapes(fn, 'centers', centers, nPoints);
  if (!(assignment instanceof Int32Array) || assignment.length !== M) {
    throw new ShapeError(
      `${fn}: argument 'assignment' expected an Int32Array of length ${M}, got ${describe(assignment)}`,
    );
  }
  for (let i = 0; i < M; i++) {
    if (!(assignment[i] >= 0 && assignment[i] < K)) {
      throw new ValueError(
        `${fn}: argument 'assignment' expected cluster indices in 0..${K - 1}, got ${assignment[i]} at index ${i}`,
      );
    }
  }
  assertAttributeOptions(fn, options, M, nPoints);
  assertSigmaFloor(fn, options.sigmaFloor);
  return buildFromClusters(shapes, M, nPoints, K, centers, assignment, options);
}

function assertSigmaFloor(fn: string, v: number | undefined): void {
  if (v !== undefined) assertInRange(fn, 'sigmaFloor', v, Number.MIN_VALUE, Infinity);
}

function buildFromClusters(
  shapes: Float32Array,
  M: number,
  nPoints: number,
  K: number,
  centers: Float32Array,
  assignment: Int32Array,
  options: ClassTableFromClustersOptions,
): ClassTable {
  const scheme = assertAttributeOptions('classTableFromClusters', options, M, nPoints);
  const sigmaFloor = options.sigmaFloor ?? DEFAULT_SIGMA_FLOOR;
  const dim = 2 * nPoints;
  // Members CSR: classes in order, samples ascending within a class.
  const memberOffsets = new Int32Array(K + 1);
  for (let i = 0; i < M; i++) memberOffsets[assignment[i] + 1]++;
  for (let k = 0; k < K; k++) memberOffsets[k + 1] += memberOffsets[k];
  const fill = memberOffsets.slice(0, K);
  const order = new Int32Array(M);
  for (let i = 0; i < M; i++) order[fill[assignment[i]]++] = i;
  const members = (k: number): Int32Array => order.subarray(memberOffsets[k], memberOffsets[k + 1]);

  const sse = new Float64Array(K);
  for (let i = 0; i < M; i++) {
    const k = assignment[i];
    let s = 0;
    for (let j = 0; j < dim; j++) s += (shapes[i * dim + j] - centers[k * dim + j]) ** 2;
    sse[k] += s;
  }
  const sigma = new Float32Array(K);
  for (let k = 0; k < K; k++) {
    const n = memberOffsets[k + 1] - memberOffsets[k];
    sigma[k] = Math.max(sigmaFloor, n > 0 ? Math.sqrt(sse[k] / (n * nPoints)) : 0);
  }
  const ids = options.ids;
  const vis = options.visibility;
  const poses = options.poses;
  const table: ClassTable = {
    kind: 'exemplar-landmarks/class-table',
    method: 'kmeans',
    K,
    nPoints,
    scheme: scheme.name,
    centers,
    sigma,
    pose: classPoses(centers, K, nPoints, members, (i) => poses?.[i], scheme, options),
    visibility: classVisibility(K, nPoints, members, vis && ((i, j) => vis[i * nPoints + j])),
    memberOffsets,
    memberIds: Array.from(order, (i) => (ids ? ids[i] : String(i))),
  };
  return table;
}
