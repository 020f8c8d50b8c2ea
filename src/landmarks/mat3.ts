/**
 * Small dense linear algebra for the pose fit (internal): 3×3 rotations as row-major Float64Arrays,
 * the rotation-vector exponential and a pivoted solver for tiny systems.
 */

/** C = A·B for row-major 3×3 matrices. */
export function mat3Mul(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const c = new Float64Array(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      c[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
    }
  }
  return c;
}

/** exp([w]×): the rotation by |w| radians about w (Rodrigues). */
export function rotationExp(wx: number, wy: number, wz: number): Float64Array {
  const th = Math.hypot(wx, wy, wz);
  // Series forms keep the small-angle case accurate.
  const a = th < 1e-8 ? 1 - (th * th) / 6 : Math.sin(th) / th;
  const b = th < 1e-8 ? 0.5 - (th * th) / 24 : (1 - Math.cos(th)) / (th * th);
  return Float64Array.of(
    1 - b * (wy * wy + wz * wz),
    -a * wz + b * wx * wy,
    a * wy + b * wx * wz,
    a * wz + b * wx * wy,
    1 - b * (wx * wx + wz * wz),
    -a * wx + b * wy * wz,
    -a * wy + b * wx * wz,
    a * wx + b * wy * wz,
    1 - b * (wx * wx + wy * wy),
  );
}

/**
 * Solves A·x = b in place for a small n×n system (row-major A, Gaussian elimination with partial
 * pivoting). Returns false when A is singular to working precision.
 */
export function solveSmall(a: Float64Array, b: Float64Array, n: number): boolean {
  let maxAbs = 0;
  for (let i = 0; i < n * n; i++) maxAbs = Math.max(maxAbs, Math.abs(a[i]));
  const eps = maxAbs * 1e-13;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[p * n + c])) p = r;
    if (!(Math.abs(a[p * n + c]) > eps)) return false;
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        const t = a[c * n + k];
        a[c * n + k] = a[p * n + k];
        a[p * n + k] = t;
      }
      const t = b[c];
      b[c] = b[p];
      b[p] = t;
    }
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / a[c * n + c];
      if (f === 0) continue;
      for (let k = c; k < n; k++) a[r * n + k] -= f * a[c * n + k];
      b[r] -= f * b[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r];
    for (let k = r + 1; k < n; k++) s -= a[r * n + k] * b[k];
    b[r] = s / a[r * n + r];
  }
  return true;
}
