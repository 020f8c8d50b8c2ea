/**
 * The class neighbour graph: for every class, its nearest other classes (by the RMS point distance
 * between centres) or all other classes within a radius, as a sparse CSR graph. The HMM over frames uses
 * it for transitions between similar classes; exemplar tables use the radius form for their spreads.
 */
import { ValueError } from '../errors';
import { assertInteger, describe } from '../util/validate';
import {
  type BlockOptions,
  assertBlockOptions,
  forEachDistanceBlock,
  prepareReference,
  releaseReference,
} from './blockDistances';
import { radiusScan } from './radiusScan';
import { assertTable, assertTau } from './tableShapes';
import type { ClassTable } from './types';

/** A sparse graph over classes: class k's neighbours are `indices[offsets[k] .. offsets[k+1])`. */
export interface ClassGraph {
  readonly offsets: Int32Array;
  readonly indices: Int32Array;
  /** RMS point distance (box units) of each edge, aligned with `indices`. */
  readonly distances: Float32Array;
}

/** Either the k nearest other classes, or every other class within `radius` (RMS point distance). */
export type ClassNeighborsQuery = ({ k: number; radius?: undefined } | { radius: number; k?: undefined }) &
  BlockOptions;

/**
 * The class neighbour graph. `{ k }`: the k nearest other classes, nearest first (ties by index);
 * `{ radius }`: every other class within the radius, ascending index.
 * @example const g = classNeighbors(table, { k: 10 }) // g.indices[g.offsets[c] .. g.offsets[c + 1]]
 */
export function classNeighbors(table: ClassTable, query: ClassNeighborsQuery): ClassGraph {
  const fn = 'classNeighbors';
  assertTable(fn, table);
  assertBlockOptions(fn, query);
  if (query.k !== undefined && query.radius === undefined) {
    assertInteger(fn, 'k', query.k, 1, table.K - 1);
    return knnGraph(table, query.k, query);
  }
  if (query.radius !== undefined && query.k === undefined) {
    assertTau(fn, query.radius, 'radius');
    return radiusGraph(table.centers, table.K, table.nPoints, query.radius, query);
  }
  throw new ValueError(
    `${fn}: argument 'query' expected exactly one of { k } or { radius }, got ${describe(query)}`,
  );
}

/** Radius graph over the rows of `centers` (used by classNeighbors and the exemplar builder). */
export function radiusGraph(
  centers: Float32Array,
  K: number,
  nPoints: number,
  radius: number,
  opts: BlockOptions,
): ClassGraph {
  const dim = 2 * nPoints;
  const offsets = new Int32Array(K + 1);
  const idxParts: Int32Array[] = [];
  const distParts: Float32Array[] = [];
  let used = 0;
  const p = prepareReference(centers, K, dim, opts);
  try {
    radiusScan(
      centers,
      K,
      centers,
      p,
      radius * radius * nPoints,
      (row, idx, d2, count) => {
        const ix = idx.slice(0, count);
        const ds = new Float32Array(count);
        for (let t = 0; t < count; t++) ds[t] = Math.sqrt(d2[t] / nPoints);
        idxParts.push(ix);
        distParts.push(ds);
        used += count;
        offsets[row + 1] = used;
      },
      { excludeSelf: true },
    );
  } finally {
    releaseReference(p);
  }
  return {
    offsets,
    indices: concat(idxParts, new Int32Array(used)),
    distances: concat(distParts, new Float32Array(used)),
  };
}

function knnGraph(table: ClassTable, k: number, opts: BlockOptions): ClassGraph {
  const K = table.K;
  const nPoints = table.nPoints;
  const dim = 2 * nPoints;
  const indices = new Int32Array(K * k);
  const dist = new Float64Array(K * k).fill(Infinity);
  const offsets = Int32Array.from({ length: K + 1 }, (_, i) => i * k);
  const p = prepareReference(table.centers, K, dim, opts);
  try {
    forEachDistanceBlock(table.centers, K, p, (rowStart, rows, colStart, cols, block) => {
      for (let r = 0; r < rows; r++) {
        const row = rowStart + r;
        const base = row * k;
        const o = r * cols;
        for (let c = 0; c < cols; c++) {
          const col = colStart + c;
          if (col === row) continue;
          const v = Math.max(0, block[o + c]);
          // Insert into the row's sorted top-k (strictly smaller: ties keep the lower index).
          if (!(v < dist[base + k - 1])) continue;
          let t = k - 1;
          while (t > 0 && v < dist[base + t - 1]) {
            dist[base + t] = dist[base + t - 1];
            indices[base + t] = indices[base + t - 1];
            t--;
          }
          dist[base + t] = v;
          indices[base + t] = col;
        }
      }
    });
  } finally {
    releaseReference(p);
  }
  const distances = new Float32Array(K * k);
  for (let i = 0; i < K * k; i++) distances[i] = Math.sqrt(dist[i] / nPoints);
  return { offsets, indices, distances };
}

function concat<T extends Int32Array | Float32Array>(parts: T[], out: T): T {
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
