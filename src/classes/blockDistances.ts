/**
 * Squared Euclidean distances between two sets of rows, computed block by block as matrix products on
 * the current tfjs backend, so that a full M × K matrix is never held: for a reference set R (K × D)
 * and a query block Q (B × D), one product of augmented matrices gives
 * ||q||² + ||r||² − 2 q·r = [q, ||q||², 1] · [−2 rᵀ; 1; ||r||²]
 * for a B × C block of columns. Both sides are first centred on the reference mean, which keeps the
 * norms at the scale of the spread and so keeps float32 cancellation small (see `d2ErrorBound`).
 * The reference is stored transposed (D × C chunks) because the wasm backend's matMul with
 * `transposeB` is about 10× slower than a plain product.
 *
 * Internal to `classes/`: the public functions (kmeans, membership, classNeighbors, …) validate their
 * inputs and call these without further checks.
 */
import * as tf from '@tensorflow/tfjs';
import { assertInteger } from '../util/validate';

/** Options shared by every blocked distance computation. */
export interface BlockOptions {
  /**
   * Largest number of float32 distances held in one block (rows × columns); bounds the memory of a
   * block on both the backend and the JS side.
   * @default 16777216 (2^24: 64 MB, e.g. 1,024 rows × 16,384 classes)
   */
  maxBlockFloats?: number;
  /**
   * Query rows per block (each block then spans every column chunk). Lower it to bound memory further;
   * values that would exceed `maxBlockFloats` per chunk are clipped.
   * @default maxBlockFloats / (columns per chunk)
   */
  blockRows?: number;
  /**
   * Test only: round both operands of every block product to this many mantissa bits before upload (10 simulates
   * TensorFloat-32, what CUDA GPUs use for float32 products by default), and widen the rounding bound to match, to
   * show that the results stay exact at that precision. @default none (the backend's own precision)
   */
  simulateMantissaBits?: number;
}

export const DEFAULT_MAX_BLOCK_FLOATS = 1 << 24;
/** Columns per reference chunk: wide enough for an efficient product, narrow enough for 1,024-row blocks. */
const MAX_CHUNK_COLS = 16384;

/** A reference set uploaded once: centred, augmented, transposed chunks. */
export interface PreparedReference {
  readonly dim: number;
  readonly count: number;
  /** The centring vector (the reference mean), length dim. */
  readonly offset: Float32Array;
  /** ||r − offset||² per reference row (float64). */
  readonly norms: Float64Array;
  readonly chunks: ReadonlyArray<{ start: number; cols: number; t: tf.Tensor2D }>;
  /** Rows of query per block. */
  readonly rowBlock: number;
  /** BlockOptions.simulateMantissaBits, or 0 (none). */
  readonly mantissaBits: number;
}

/** Rounds every value of `buf` in place to `bits` mantissa bits (round to nearest, ties away), as TF32 does with 10. */
export function roundMantissa(buf: Float32Array, bits: number): void {
  if (bits <= 0 || bits >= 23) return;
  const u = new Uint32Array(buf.buffer, buf.byteOffset, buf.length);
  const drop = 23 - bits;
  const half = 1 << (drop - 1);
  const mask = ~((1 << drop) - 1) >>> 0;
  for (let i = 0; i < u.length; i++) {
    const e = u[i] & 0x7f800000;
    if (e === 0x7f800000) continue; // inf / NaN stay
    u[i] = ((u[i] + half) & mask) >>> 0;
  }
}

/** Mean of `count` rows of length `dim`. */
export function rowMean(data: Float32Array, count: number, dim: number): Float32Array {
  const acc = new Float64Array(dim);
  for (let i = 0; i < count; i++) {
    const o = i * dim;
    for (let j = 0; j < dim; j++) acc[j] += data[o + j];
  }
  const out = new Float32Array(dim);
  for (let j = 0; j < dim; j++) out[j] = acc[j] / Math.max(count, 1);
  return out;
}

/**
 * Uploads the reference rows as augmented, transposed chunks of (D + 2) × C. Call `releaseReference`
 * when done (in a finally).
 */
export function prepareReference(
  ref: Float32Array,
  count: number,
  dim: number,
  opts: BlockOptions = {},
  offset: Float32Array = rowMean(ref, count, dim),
): PreparedReference {
  const maxFloats = opts.maxBlockFloats ?? DEFAULT_MAX_BLOCK_FLOATS;
  const chunkCols = Math.max(1, Math.min(count, MAX_CHUNK_COLS, maxFloats));
  const fit = Math.max(1, Math.floor(maxFloats / chunkCols));
  const rowBlock = Math.min(fit, opts.blockRows ?? fit);
  const mantissaBits = opts.simulateMantissaBits ?? 0;
  const norms = new Float64Array(count);
  const chunks: Array<{ start: number; cols: number; t: tf.Tensor2D }> = [];
  const a = dim + 2;
  try {
    for (let start = 0; start < count; start += chunkCols) {
      const cols = Math.min(chunkCols, count - start);
      const buf = new Float32Array(a * cols);
      for (let c = 0; c < cols; c++) {
        const o = (start + c) * dim;
        let n = 0;
        for (let j = 0; j < dim; j++) {
          const v = ref[o + j] - offset[j];
          n += v * v;
          buf[j * cols + c] = -2 * v;
        }
        norms[start + c] = n;
        buf[dim * cols + c] = 1;
        buf[(dim + 1) * cols + c] = n;
      }
      roundMantissa(buf, mantissaBits);
      chunks.push({ start, cols, t: tf.tensor2d(buf, [a, cols]) });
    }
  } catch (e) {
    for (const c of chunks) c.t.dispose();
    throw e;
  }
  return { dim, count, offset, norms, chunks, rowBlock, mantissaBits };
}

export function releaseReference(p: PreparedReference): void {
  for (const c of p.chunks) c.t.dispose();
}

/** Centres and augments query rows [start, start + rows) into a tensor, returning it and the norms. */
function queryBlock(
  query: Float32Array,
  start: number,
  rows: number,
  p: PreparedReference,
): { q: tf.Tensor2D; norms: Float64Array } {
  const { dim, offset } = p;
  const a = dim + 2;
  const buf = new Float32Array(rows * a);
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = (start + r) * dim;
    let n = 0;
    for (let j = 0; j < dim; j++) {
      const v = query[o + j] - offset[j];
      n += v * v;
      buf[r * a + j] = v;
    }
    norms[r] = n;
    buf[r * a + dim] = n;
    buf[r * a + dim + 1] = 1;
  }
  roundMantissa(buf, p.mantissaBits);
  return { q: tf.tensor2d(buf, [rows, a]), norms };
}

/** A block of squared distances, row-major rows × cols (float32, may be slightly negative near 0). */
export type BlockVisitor = (
  rowStart: number,
  rows: number,
  colStart: number,
  cols: number,
  d2: Float32Array,
  queryNorms: Float64Array,
) => void;

/**
 * Visits every block of squared distances between query rows and the prepared reference: for each
 * block of rows, every column chunk in order (so a row's columns are complete when the next row block
 * starts). `onRowBlockEnd(rowStart, rows)` runs after the last chunk of each row block.
 */
export function forEachDistanceBlock(
  query: Float32Array,
  queryCount: number,
  p: PreparedReference,
  visit: BlockVisitor,
  onRowBlockEnd?: (rowStart: number, rows: number) => void,
): void {
  for (let start = 0; start < queryCount; start += p.rowBlock) {
    const rows = Math.min(p.rowBlock, queryCount - start);
    const { q, norms } = queryBlock(query, start, rows, p);
    try {
      for (const c of p.chunks) {
        const t = tf.matMul(q, c.t);
        let d2: Float32Array;
        try {
          d2 = t.dataSync() as Float32Array;
        } finally {
          t.dispose();
        }
        visit(start, rows, c.start, c.cols, d2, norms);
      }
    } finally {
      q.dispose();
    }
    onRowBlockEnd?.(start, rows);
  }
}

/** Block values per row and chunk that nearestTwo brings back: enough to settle almost every near-tie. */
const NEAREST_TOP = 4;

/**
 * The nearest reference row of every query row, exact (float64 over the float32 inputs, ties to the lower index,
 * the same decision as radiusScan's nearest), with its squared distance, and a lower bound on the squared distance
 * to every other row (for Hamerly's bounds in kmeans; Infinity when there is one reference row). The top
 * NEAREST_TOP values per row and chunk of the negated block come back from the backend; the rows within twice the
 * rounding bound of the smallest are recomputed in float64, every row of the reference when that band holds more
 * than those (a rare near-tie of many).
 * `ref` is the reference the prepared blocks were built from.
 */
export function nearestTwo(
  query: Float32Array,
  queryCount: number,
  ref: Float32Array,
  p: PreparedReference,
  outIndex: Int32Array,
  outD2: Float64Array,
  outSecondD2: Float64Array,
): void {
  const { dim } = p;
  const roundoff = productRoundoff(p);
  let maxNorm = 0;
  for (let k = 0; k < p.count; k++) if (p.norms[k] > maxNorm) maxNorm = p.norms[k];
  const T = NEAREST_TOP;
  for (let start = 0; start < queryCount; start += p.rowBlock) {
    const rows = Math.min(p.rowBlock, queryCount - start);
    const { q, norms } = queryBlock(query, start, rows, p);
    // per row: the T smallest block values so far (ascending) and their indices
    const topV = new Float64Array(rows * T).fill(Infinity);
    const topI = new Int32Array(rows * T).fill(-1);
    try {
      for (const c of p.chunks) {
        const kk = Math.min(T, c.cols);
        const [vt, it] = tf.tidy(() => {
          const r = tf.topk(tf.neg(tf.matMul(q, c.t)), kk);
          return [r.values, r.indices];
        });
        let val: Float32Array;
        let idx: Int32Array;
        try {
          val = vt.dataSync() as Float32Array;
          idx = it.dataSync() as Int32Array;
        } finally {
          vt.dispose();
          it.dispose();
        }
        for (let r = 0; r < rows; r++) {
          const o = r * T;
          for (let t = 0; t < kk; t++) {
            const v = -val[r * kk + t];
            const k = c.start + idx[r * kk + t];
            if (!(v < topV[o + T - 1])) continue;
            let j = T - 1;
            while (j > 0 && topV[o + j - 1] > v) {
              topV[o + j] = topV[o + j - 1];
              topI[o + j] = topI[o + j - 1];
              j--;
            }
            topV[o + j] = v;
            topI[o + j] = k;
          }
        }
      }
    } finally {
      q.dispose();
    }
    for (let r = 0; r < rows; r++) {
      const qi = start + r;
      const o = r * T;
      const b = d2ErrorBound(dim, norms[r], maxNorm, roundoff);
      const lim = topV[o] + 2 * b;
      // every row within the band is among the listed ones unless the list is full of them
      const all = p.count > T && topV[o + T - 1] <= lim;
      let best = Infinity;
      let bestAt = -1;
      const consider = (k: number) => {
        const d = exactD2(query, qi, ref, k, dim);
        if (d < best || (d === best && k < bestAt)) {
          best = d;
          bestAt = k;
        }
      };
      if (all) for (let k = 0; k < p.count; k++) consider(k);
      else for (let t = 0; t < T && topI[o + t] >= 0 && topV[o + t] <= lim; t++) consider(topI[o + t]);
      // any other row's block value is ≥ the smallest listed value other than the winner's; its exact squared
      // distance is at least that minus the bound
      let other = Infinity;
      for (let t = 0; t < T; t++) {
        if (topI[o + t] >= 0 && topI[o + t] !== bestAt) {
          other = topV[o + t];
          break;
        }
      }
      outIndex[qi] = bestAt;
      outD2[qi] = best;
      outSecondD2[qi] = p.count === 1 ? Infinity : Math.max(0, other - b);
    }
  }
}

/**
 * Relative rounding of one product in the backend's matMul: 2⁻²⁴ (float32) on the wasm and cpu backends;
 * 2⁻¹¹ on the native 'tensorflow' backend, whose CUDA build may multiply in TensorFloat-32 (10-bit
 * mantissa, float32 accumulation) on recent GPUs, and on WebGL/WebGPU. Read once per scan.
 */
export function productRoundoff(p?: PreparedReference): number {
  if (p && p.mantissaBits > 0) return Math.max(2 ** -(p.mantissaBits + 1), 4.8828125e-4);
  const b = tf.getBackend();
  return b === 'wasm' || b === 'cpu' ? 5.960464477539063e-8 : 4.8828125e-4;
}

/**
 * A bound on |block value − exact squared distance| for a query row of centred norm `qn` and a
 * reference row of centred norm `rn`. The entry sums D + 2 terms whose absolute values add up to at most
 * 2(qn + rn); float32 accumulation errs by at most (D + 2)·u times that (u = 2⁻²⁴), the rounding of the
 * centred inputs and of the products adds about 2·p relative per term (p = productRoundoff()); we take
 * 2·((D + 8)·u + 2p)·(qn + rn), doubled for safety. Entries within this band of a threshold are recomputed
 * exactly in float64.
 */
export function d2ErrorBound(dim: number, qn: number, rn: number, p = 5.960464477539063e-8): number {
  return 4 * ((dim + 8) * 5.960464477539063e-8 + 2 * p) * (qn + rn) + 1e-30;
}

/** Exact squared distance between row i of a and row j of b (float64 over the float32 inputs). */
export function exactD2(a: Float32Array, i: number, b: Float32Array, j: number, dim: number): number {
  const oa = i * dim;
  const ob = j * dim;
  let s = 0;
  for (let t = 0; t < dim; t++) {
    const d = a[oa + t] - b[ob + t];
    s += d * d;
  }
  return s;
}

/** Boundary check of the block options of a public function. */
export function assertBlockOptions(fn: string, opts: BlockOptions): void {
  if (opts.maxBlockFloats !== undefined) assertInteger(fn, 'maxBlockFloats', opts.maxBlockFloats, 1);
  if (opts.blockRows !== undefined) assertInteger(fn, 'blockRows', opts.blockRows, 1);
  if (opts.simulateMantissaBits !== undefined) {
    assertInteger(fn, 'simulateMantissaBits', opts.simulateMantissaBits, 1, 23);
  }
}
