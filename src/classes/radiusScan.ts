/**
 * The radius search behind membership sets, their statistics, the class neighbour graph and the
 * exemplar spreads: for every query row, the reference rows within a squared distance `r2`, found
 * block by block (blockDistances) and decided exactly: entries whose float32 block value lies within
 * the rounding bound of the threshold are recomputed in float64 from the inputs, so the result equals
 * the brute-force definition ||q − r||² ≤ r2 computed in float64. Internal to `classes/`.
 */
import { type PreparedReference, d2ErrorBound, exactD2, forEachDistanceBlock } from './blockDistances';

/**
 * Called once per query row, in order, with the reference rows within the radius (ascending index)
 * and their squared distances (`count` entries of `index` and `d2` are valid; the arrays are reused).
 * `nearest`/`nearestD2` are the row's nearest reference row and squared distance (float32 accuracy),
 * or -1 when every reference row was excluded.
 */
export type RowVisitor = (
  row: number,
  index: Int32Array,
  d2: Float64Array,
  count: number,
  nearest: number,
  nearestD2: number,
) => void;

export interface RadiusScanOptions {
  /** Skip reference row i for query row i (query and reference are the same set). */
  excludeSelf?: boolean;
}

/**
 * Scans `queryCount` rows of `query` against the prepared reference (built from `ref`) for entries with
 * squared distance ≤ r2, calling `visit` per row.
 */
export function radiusScan(
  query: Float32Array,
  queryCount: number,
  ref: Float32Array,
  p: PreparedReference,
  r2: number,
  visit: RowVisitor,
  opts: RadiusScanOptions = {},
): void {
  const dim = p.dim;
  const refNorms = p.norms;
  const excludeSelf = opts.excludeSelf === true;
  let lists: Array<{ idx: number[]; d2: number[] }> = [];
  let nearest = new Int32Array(0);
  let nearestD2 = new Float64Array(0);
  let index = new Int32Array(256);
  let dist = new Float64Array(256);

  forEachDistanceBlock(
    query,
    queryCount,
    p,
    (rowStart, rows, colStart, cols, block, qNorms) => {
      if (colStart === 0) {
        lists = Array.from({ length: rows }, () => ({ idx: [], d2: [] }));
        nearest = new Int32Array(rows).fill(-1);
        nearestD2 = new Float64Array(rows).fill(Infinity);
      }
      for (let r = 0; r < rows; r++) {
        const qi = rowStart + r;
        const qn = qNorms[r];
        const o = r * cols;
        const list = lists[r];
        let best = nearestD2[r];
        let bestAt = nearest[r];
        for (let c = 0; c < cols; c++) {
          const v = block[o + c];
          const k = colStart + c;
          if (v < best && !(excludeSelf && k === qi)) {
            best = v;
            bestAt = k;
          }
          // Cheap reject first: far outside the radius even allowing for rounding.
          if (v > r2 && v - r2 > d2ErrorBound(dim, qn, refNorms[k])) continue;
          if (excludeSelf && k === qi) continue;
          let d = v;
          if (Math.abs(v - r2) <= d2ErrorBound(dim, qn, refNorms[k])) {
            d = exactD2(query, qi, ref, k, dim);
            if (d > r2) continue;
          }
          list.idx.push(k);
          list.d2.push(Math.max(0, d));
        }
        nearestD2[r] = best;
        nearest[r] = bestAt;
      }
    },
    (rowStart, rows) => {
      for (let r = 0; r < rows; r++) {
        const list = lists[r];
        const n = list.idx.length;
        if (n > index.length) {
          index = new Int32Array(Math.max(n, 2 * index.length));
          dist = new Float64Array(index.length);
        }
        for (let t = 0; t < n; t++) {
          index[t] = list.idx[t];
          dist[t] = list.d2[t];
        }
        visit(rowStart + r, index, dist, n, nearest[r], Math.max(0, nearestD2[r]));
      }
      lists = [];
    },
  );
}
