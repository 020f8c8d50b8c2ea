/**
 * Solves A X = B for a symmetric positive-definite A (d × d, row-major float64) and d × m right-hand sides by a
 * Cholesky factorisation A = L Lᵀ with row-contiguous inner products, then forward and back substitution.
 * Written here rather than taken from ml-matrix because it is measured faster on the sizes the cascade solves
 * (d = 2176, m = 136: 4.7 s against ml-matrix's CholeskyDecomposition 21.9 s, same solution to 7e-12; the test
 * checks it against ml-matrix).
 */
import { ValueError } from '../errors';

/** X (d × m, row-major) with A X = B. Throws ValueError when A is not positive definite. */
export function choleskySolve(
  A: Float64Array,
  d: number,
  B: Float64Array,
  m: number,
  fn = 'choleskySolve',
): Float64Array {
  const L = new Float64Array(A);
  for (let j = 0; j < d; j++) {
    const jo = j * d;
    let s = L[jo + j];
    for (let k = 0; k < j; k++) s -= L[jo + k] * L[jo + k];
    if (!(s > 0)) {
      throw new ValueError(
        `${fn}: the regularised normal matrix is not positive definite (pivot ${j} = ${s})`,
      );
    }
    const ljj = Math.sqrt(s);
    L[jo + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < d; i++) {
      const io = i * d;
      let t = L[io + j];
      for (let k = 0; k < j; k++) t -= L[io + k] * L[jo + k];
      L[io + j] = t * inv;
    }
  }
  const X = new Float64Array(B);
  for (let i = 0; i < d; i++) {
    const io = i * d;
    const xo = i * m;
    for (let k = 0; k < i; k++) {
      const l = L[io + k];
      if (l === 0) continue;
      const ko = k * m;
      for (let c = 0; c < m; c++) X[xo + c] -= l * X[ko + c];
    }
    const inv = 1 / L[io + i];
    for (let c = 0; c < m; c++) X[xo + c] *= inv;
  }
  for (let i = d - 1; i >= 0; i--) {
    const xo = i * m;
    for (let k = i + 1; k < d; k++) {
      const l = L[k * d + i];
      if (l === 0) continue;
      const ko = k * m;
      for (let c = 0; c < m; c++) X[xo + c] -= l * X[ko + c];
    }
    const inv = 1 / L[i * d + i];
    for (let c = 0; c < m; c++) X[xo + c] *= inv;
  }
  return X;
}
