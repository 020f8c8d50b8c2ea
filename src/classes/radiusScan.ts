/**
 * The radius search behind membership sets, their statistics, the class neighbour graph and the
 * exemplar spreads: for every query row, the reference rows within a squared distance `r2`, found
 * block by block (blockDistances) and decided exactly: entries whose float32 block value lies within
 * the rounding bound of the threshold are recomputed in float64 from the inputs, so the result equals
 * the brute-force definition ||q − r||² ≤ r2 computed in float64. The nearest reference row is decided the
 * same way: every row whose block value lies within twice the bound of the smallest is recomputed in float64,
 * so the nearest is the brute-force one too (ties to the lower index), at any precision of the backend's
 * products (TF32 included: see productRoundoff). Internal to `classes/`.
 */
import {
  type PreparedReference,
  d2ErrorBound,
  exactD2,
  forEachDistanceBlock,
  productRoundoff,
} from './blockDistances';

/**
 * Called once per query row, in order, with the reference rows within the radius (ascending index)
 * and their squared distances: `count` entries of `index` and `d2` (views valid during the call only;
 * empty when the scan only counts, and `d2` empty unless asked for). `nearest`/`nearestD2` are the row's
 * nearest reference row and its squared distance, both exact (float64 over the float32 inputs; ties to the
 * lower index), or -1 / Infinity when every row was excluded.
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
  /** What to keep per entry: nothing (counts only), indices, or indices and squared distances. */
  keep?: 'count' | 'index' | 'distance';
}

/** A growable flat buffer of entries in row order for one column chunk of one row block. */
class ChunkEntries {
  index = new Int32Array(1024);
  d2 = new Float64Array(0);
  used = 0;
  /** rowEnd[r]: entries of rows 0..r end here. */
  rowEnd: Int32Array;
  constructor(
    rows: number,
    private readonly withD2: boolean,
  ) {
    this.rowEnd = new Int32Array(rows);
    if (withD2) this.d2 = new Float64Array(1024);
  }
  push(k: number, d: number): void {
    if (this.used === this.index.length) {
      const idx = new Int32Array(this.index.length * 2);
      idx.set(this.index);
      this.index = idx;
      if (this.withD2) {
        const dd = new Float64Array(idx.length);
        dd.set(this.d2);
        this.d2 = dd;
      }
    }
    this.index[this.used] = k;
    if (this.withD2) this.d2[this.used] = d;
    this.used++;
  }
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
  const keep = opts.keep ?? 'distance';
  const roundoff = productRoundoff(p);
  const store = keep !== 'count';
  const withD2 = keep === 'distance';
  // The largest reference norm per chunk bounds the rounding band of every entry in it.
  const chunkMaxNorm = p.chunks.map((c) => {
    let m = 0;
    for (let k = c.start; k < c.start + c.cols; k++) if (refNorms[k] > m) m = refNorms[k];
    return m;
  });
  const maxNorm = chunkMaxNorm.reduce((a, b) => Math.max(a, b), 0);
  // Nearest candidates per row of the block: (index, block value) pairs within twice the row's bound of the
  // running minimum, rechecked in float64 at the row's end.
  let cands: number[][] = [];
  let twoBand = new Float64Array(0);
  let parts: ChunkEntries[] = [];
  let counts = new Int32Array(0);
  let nearest = new Int32Array(0);
  let nearestD2 = new Float64Array(0);
  let index = new Int32Array(256);
  let dist = new Float64Array(256);
  const empty = new Float64Array(0);
  let chunk = 0;

  /** Replaces row r's float32 nearest by the exact one among its candidates (those within 2 bounds of the best). */
  const exactNearest = (r: number, qi: number): void => {
    const cand = cands[r];
    const lim = nearestD2[r] + twoBand[r];
    let best = Infinity;
    let bestAt = -1;
    for (let t = 0; t < cand.length; t += 2) {
      if (cand[t + 1] > lim) continue;
      const k = cand[t];
      const d = exactD2(query, qi, ref, k, dim);
      if (d < best || (d === best && k < bestAt)) {
        best = d;
        bestAt = k;
      }
    }
    nearest[r] = bestAt;
    nearestD2[r] = best;
  };

  forEachDistanceBlock(
    query,
    queryCount,
    p,
    (rowStart, rows, colStart, cols, block, qNorms) => {
      if (colStart === 0) {
        parts = [];
        counts = new Int32Array(rows);
        nearest = new Int32Array(rows).fill(-1);
        nearestD2 = new Float64Array(rows).fill(Infinity);
        twoBand = new Float64Array(rows);
        for (let r = 0; r < rows; r++) twoBand[r] = 2 * d2ErrorBound(dim, qNorms[r], maxNorm, roundoff);
        if (cands.length < rows) cands = Array.from({ length: rows }, (_, r) => cands[r] ?? []);
        for (let r = 0; r < rows; r++) cands[r].length = 0;
      }
      const part = store ? new ChunkEntries(rows, withD2) : null;
      if (part) parts.push(part);
      chunk = colStart === 0 ? 0 : chunk + 1;
      const chunkNorm = chunkMaxNorm[chunk];
      for (let r = 0; r < rows; r++) {
        const qi = rowStart + r;
        const b = d2ErrorBound(dim, qNorms[r], chunkNorm, roundoff);
        const band = twoBand[r];
        const cand = cands[r];
        const hi = r2 + b;
        const lo = r2 - b;
        const o = r * cols;
        let best = nearestD2[r];
        let bestAt = nearest[r];
        let count = counts[r];
        for (let c = 0; c < cols; c++) {
          const v = block[o + c];
          if (v <= best + band) {
            const k = colStart + c;
            if (!(excludeSelf && k === qi)) {
              cand.push(k, v);
              if (v < best) {
                best = v;
                bestAt = k;
              }
            }
          }
          if (v > hi) continue;
          const k = colStart + c;
          if (excludeSelf && k === qi) continue;
          let d = v;
          if (v >= lo) {
            d = exactD2(query, qi, ref, k, dim);
            if (d > r2) continue;
          }
          count++;
          if (part) part.push(k, d > 0 ? d : 0);
        }
        counts[r] = count;
        if (part) part.rowEnd[r] = part.used;
        nearestD2[r] = best;
        nearest[r] = bestAt;
      }
    },
    (rowStart, rows) => {
      for (let r = 0; r < rows; r++) {
        exactNearest(r, rowStart + r);
        const n = counts[r];
        if (store && n > index.length) {
          index = new Int32Array(Math.max(n, 2 * index.length));
          dist = new Float64Array(index.length);
        }
        let t = 0;
        for (const part of parts) {
          const a = r === 0 ? 0 : part.rowEnd[r - 1];
          const e = part.rowEnd[r];
          index.set(part.index.subarray(a, e), t);
          if (withD2) dist.set(part.d2.subarray(a, e), t);
          t += e - a;
        }
        visit(rowStart + r, index, withD2 ? dist : empty, n, nearest[r], nearestD2[r]);
      }
      parts = [];
    },
  );
}
