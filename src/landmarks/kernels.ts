/**
 * Unchecked numeric kernels on interleaved point arrays shared by the landmark modules (internal: not
 * exported from the package; callers validate at their boundary).
 */

/** Centroid without checks (internal). */
export function centroidOf(shape: ArrayLike<number>): [number, number] {
  const n = shape.length >> 1;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += shape[2 * i];
    sy += shape[2 * i + 1];
  }
  return [sx / n, sy / n];
}

/** Number of shapes in a validated collection. */
export function shapesCount(shapes: Float32Array[] | Float32Array, nPoints: number): number {
  return shapes instanceof Float32Array ? shapes.length / (2 * nPoints) : shapes.length;
}

/** Shape m of a validated collection (a view for packed input, no copy). */
export function shapesAt(shapes: Float32Array[] | Float32Array, nPoints: number, m: number): Float32Array {
  if (!(shapes instanceof Float32Array)) return shapes[m];
  const d = 2 * nPoints;
  return shapes.subarray(m * d, (m + 1) * d);
}

/** RMS distance without checks (internal): sqrt(Σ‖aᵢ − bᵢ‖² / N). */
export function rmsDistanceOf(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return Math.sqrt(s / (a.length >> 1));
}

/** A 2D similarity x ↦ scale·R(cos, sin)·x + (tx, ty). */
export interface Fit {
  scale: number;
  cos: number;
  sin: number;
  tx: number;
  ty: number;
}

/** The similarity fit without checks (internal). Returns null when the source is a single repeated point. */
export function similarityFit(
  src: ArrayLike<number>,
  dst: ArrayLike<number>,
  withScale: boolean,
): Fit | null {
  const n = src.length >> 1;
  const [sx, sy] = centroidOf(src);
  const [dx, dy] = centroidOf(dst);
  let a = 0;
  let b = 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const px = src[2 * i] - sx;
    const py = src[2 * i + 1] - sy;
    const qx = dst[2 * i] - dx;
    const qy = dst[2 * i + 1] - dy;
    a += px * qx + py * qy;
    b += px * qy - py * qx;
    ss += px * px + py * py;
  }
  if (!(ss > 0)) return null;
  const norm = Math.hypot(a, b);
  // With a degenerate (all-equal) target any rotation is optimal: keep the identity.
  const cos = norm > 0 ? a / norm : 1;
  const sin = norm > 0 ? b / norm : 0;
  const scale = withScale ? norm / ss : 1;
  const tx = dx - scale * (cos * sx - sin * sy);
  const ty = dy - scale * (sin * sx + cos * sy);
  return { scale, cos, sin, tx, ty };
}

/** Apply a fit to a shape (internal). */
export function similarityApply(src: ArrayLike<number>, f: Fit, out: Float32Array): Float32Array {
  const n = src.length >> 1;
  const c = f.scale * f.cos;
  const s = f.scale * f.sin;
  for (let i = 0; i < n; i++) {
    const x = src[2 * i];
    const y = src[2 * i + 1];
    out[2 * i] = c * x - s * y + f.tx;
    out[2 * i + 1] = s * x + c * y + f.ty;
  }
  return out;
}
