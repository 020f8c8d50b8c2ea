/** Cosine similarity search on typed arrays: unit-normalised rows and the top k rows for each query. */
import { ShapeError, ValueError } from '../errors';
import { assertInteger, describe } from '../util/validate';

/** The k most similar rows of each query, most similar first. */
export interface CosineTopK {
  /** B × k row indices. */
  indices: Int32Array;
  /** B × k cosine similarities in [−1, 1]. */
  similarities: Float32Array;
  k: number;
}

function assertRows(fn: string, name: string, v: unknown, D: number): number {
  if (!(v instanceof Float32Array) || v.length === 0 || v.length % D !== 0) {
    throw new ShapeError(
      `${fn}: argument '${name}' expected a non-empty Float32Array of rows of length D = ${D}, got ${describe(v)}`,
    );
  }
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      throw new ValueError(
        `${fn}: argument '${name}' has a non-finite value ${v[i]} at row ${Math.floor(i / D)}`,
      );
    }
  }
  return v.length / D;
}

/**
 * Each row divided by its Euclidean norm (n × D). A zero row is a ValueError (its direction is undefined).
 * @example const unit = neighbors.unitRows(model.headWeights(), model.featureDim)
 */
export function unitRows(rows: Float32Array, D: number): Float32Array {
  const fn = 'unitRows';
  assertInteger(fn, 'D', D, 1);
  const n = assertRows(fn, 'rows', rows, D);
  const out = new Float32Array(rows.length);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let j = 0; j < D; j++) s += rows[r * D + j] ** 2;
    const norm = Math.sqrt(s);
    if (!(norm > 0)) throw new ValueError(`${fn}: row ${r} of 'rows' is zero; its direction is undefined`);
    for (let j = 0; j < D; j++) out[r * D + j] = rows[r * D + j] / norm;
  }
  return out;
}

/**
 * The k rows of `unit` (already unit rows, see unitRows) most cosine-similar to each of the B queries (B × D, any
 * norm; a zero query is a ValueError). Ties go to the lower index.
 * @example const { indices, similarities } = neighbors.cosineTopK(f, unitW, D, 5)
 */
export function cosineTopK(queries: Float32Array, unit: Float32Array, D: number, k: number): CosineTopK {
  const fn = 'cosineTopK';
  assertInteger(fn, 'D', D, 1);
  const B = assertRows(fn, 'queries', queries, D);
  const n = assertRows(fn, 'unit', unit, D);
  assertInteger(fn, 'k', k, 1, n);
  const indices = new Int32Array(B * k);
  const similarities = new Float32Array(B * k);
  const sims = new Float64Array(n);
  for (let b = 0; b < B; b++) {
    let qn = 0;
    for (let j = 0; j < D; j++) qn += queries[b * D + j] ** 2;
    qn = Math.sqrt(qn);
    if (!(qn > 0)) throw new ValueError(`${fn}: query ${b} is zero; its direction is undefined`);
    for (let r = 0; r < n; r++) {
      let s = 0;
      const o = r * D;
      for (let j = 0; j < D; j++) s += queries[b * D + j] * unit[o + j];
      sims[r] = s / qn;
    }
    // partial selection of the k largest, kept sorted (k is small)
    const topI = new Int32Array(k).fill(-1);
    const topS = new Float64Array(k).fill(-Infinity);
    for (let r = 0; r < n; r++) {
      const s = sims[r];
      if (s <= topS[k - 1]) continue;
      let p = k - 1;
      while (p > 0 && s > topS[p - 1]) {
        topS[p] = topS[p - 1];
        topI[p] = topI[p - 1];
        p--;
      }
      topS[p] = s;
      topI[p] = r;
    }
    indices.set(topI, b * k);
    for (let q = 0; q < k; q++) similarities[b * k + q] = topS[q];
  }
  return { indices, similarities, k };
}
