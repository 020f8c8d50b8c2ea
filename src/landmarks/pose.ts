/**
 * Head pose: the rotation convention of HeadPose, weak-perspective projection of 3D points, and the fit
 * of the 3D template to a 2D shape.
 *
 * Convention (src/types.ts): camera x to the image's right, y down, z away from the camera;
 * R = Rz(roll)·Rx(pitch)·Ry(yaw), a head point X maps to camera point R·X, and with
 *   Ry(a) = [[cos a, 0, −sin a], [0, 1, 0], [sin a, 0, cos a]]   (+yaw: nose, at −z, goes to +x: image right)
 *   Rx(a) = [[1, 0, 0], [0, cos a, −sin a], [0, sin a, cos a]]   (+pitch: nose goes to +y: down)
 *   Rz(a) = [[cos a, −sin a, 0], [sin a, cos a, 0], [0, 0, 1]]   (+roll: a point right of centre goes down: clockwise on screen)
 * Weak perspective: u = scale·(R·X)ₓ + tx, v = scale·(R·X)ᵧ + ty.
 */
import { ShapeError, ValueError } from '../errors';
import type { HeadPose, Shape, Shape3D } from '../types';
import { assertFiniteNumber, assertInteger, describe } from '../util/validate';
import { mat3Mul, rotationExp, solveSmall } from './mat3';
import { similarityFit } from './kernels';
import { type LandmarkScheme, schemeFor } from './scheme';
import { shapeValidate } from './shape';
import { shape3dValidate, template3d } from './template';

const DEG = Math.PI / 180;

/** Checks that `pose` is a HeadPose with finite yaw, pitch and roll (degrees). */
export function poseValidate(fn: string, name: string, pose: unknown): asserts pose is HeadPose {
  if (typeof pose !== 'object' || pose === null) {
    throw new ValueError(
      `${fn}: argument '${name}' expected a pose {yaw, pitch, roll}, got ${describe(pose)}`,
    );
  }
  const p = pose as Record<string, unknown>;
  for (const k of ['yaw', 'pitch', 'roll'] as const) {
    if (typeof p[k] !== 'number' || !Number.isFinite(p[k])) {
      throw new ValueError(
        `${fn}: argument '${name}' expected a finite ${k} (degrees), got ${describe(p[k])}`,
      );
    }
  }
}

function rotationOf(yaw: number, pitch: number, roll: number): Float64Array {
  const cy = Math.cos(yaw * DEG);
  const sy = Math.sin(yaw * DEG);
  const cp = Math.cos(pitch * DEG);
  const sp = Math.sin(pitch * DEG);
  const cr = Math.cos(roll * DEG);
  const sr = Math.sin(roll * DEG);
  const ry = Float64Array.of(cy, 0, -sy, 0, 1, 0, sy, 0, cy);
  const rx = Float64Array.of(1, 0, 0, 0, cp, -sp, 0, sp, cp);
  const rz = Float64Array.of(cr, -sr, 0, sr, cr, 0, 0, 0, 1);
  return mat3Mul(rz, mat3Mul(rx, ry));
}

/**
 * The rotation R = Rz(roll)·Rx(pitch)·Ry(yaw) of a pose in degrees, 3×3 row-major (see the module
 * comment for the matrices).
 * @example const R = poseRotation({ yaw: 30, pitch: -10, roll: 5 }) // camera point = R · head point
 */
export function poseRotation(pose: HeadPose): Float64Array {
  poseValidate('poseRotation', 'pose', pose);
  return rotationOf(pose.yaw, pose.pitch, pose.roll);
}

function poseOf(r: ArrayLike<number>): HeadPose {
  // R[2] row = [cos p · sin y, sin p, cos p · cos y]; R[0][1] = −sin r cos p; R[1][1] = cos r cos p.
  const sp = Math.max(-1, Math.min(1, r[7]));
  const pitch = Math.asin(sp) / DEG;
  if (Math.abs(sp) < 1 - 1e-12) {
    return {
      yaw: Math.atan2(r[6], r[8]) / DEG,
      pitch,
      roll: Math.atan2(-r[1], r[4]) / DEG,
    };
  }
  // Gimbal lock (pitch = ±90°): only yaw ∓ roll is defined; report roll = 0.
  // With cos p = 0: R[0][0] = cos y, R[0][2] = −sin y.
  return { yaw: Math.atan2(-r[2], r[0]) / DEG, pitch, roll: 0 };
}

/**
 * The pose (degrees) of a rotation matrix (3×3 row-major), the inverse of poseRotation: pitch in
 * [−90, 90], yaw and roll in (−180, 180]. At pitch ±90° roll is reported as 0.
 * @example poseFromRotation(poseRotation(p)) // ≈ p
 */
export function poseFromRotation(R: ArrayLike<number>): HeadPose {
  if (!(R instanceof Float64Array || R instanceof Float32Array || Array.isArray(R)) || R.length !== 9) {
    throw new ShapeError(
      `poseFromRotation: argument 'R' expected a 3×3 row-major array (length 9), got ${describe(R)}`,
    );
  }
  let err = 0;
  for (let i = 0; i < 9; i++) {
    if (!Number.isFinite(R[i])) {
      throw new ValueError(
        `poseFromRotation: argument 'R' expected finite entries, got ${R[i]} at index ${i}`,
      );
    }
  }
  // R·Rᵀ = I within tolerance, det = +1.
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const d = R[3 * i] * R[3 * j] + R[3 * i + 1] * R[3 * j + 1] + R[3 * i + 2] * R[3 * j + 2];
      err = Math.max(err, Math.abs(d - (i === j ? 1 : 0)));
    }
  }
  const det =
    R[0] * (R[4] * R[8] - R[5] * R[7]) -
    R[1] * (R[3] * R[8] - R[5] * R[6]) +
    R[2] * (R[3] * R[7] - R[4] * R[6]);
  if (err > 1e-4 || det < 0) {
    throw new ValueError(
      `poseFromRotation: argument 'R' expected a rotation (orthonormal, det +1), got |R·Rᵀ − I| = ${err.toExponential(2)}, det ${det.toFixed(4)}`,
    );
  }
  return poseOf(R);
}

function project(
  points3d: ArrayLike<number>,
  r: ArrayLike<number>,
  s: number,
  tx: number,
  ty: number,
): Float32Array {
  const n = points3d.length / 3;
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const x = points3d[3 * i];
    const y = points3d[3 * i + 1];
    const z = points3d[3 * i + 2];
    out[2 * i] = s * (r[0] * x + r[1] * y + r[2] * z) + tx;
    out[2 * i + 1] = s * (r[3] * x + r[4] * y + r[5] * z) + ty;
  }
  return out;
}

/**
 * Weak-perspective (scaled orthographic) projection of 3D points: u = scale·(R·X)ₓ + tx,
 * v = scale·(R·X)ᵧ + ty, with R = poseRotation(pose).
 * @example const s2d = projectWeakPerspective(template3d(), { yaw: 20, pitch: 0, roll: 0 }, 0.8, 64, 64)
 */
export function projectWeakPerspective(
  points3d: Shape3D,
  pose: HeadPose,
  scale: number,
  tx: number,
  ty: number,
): Float32Array {
  const fn = 'projectWeakPerspective';
  shape3dValidate(fn, 'points3d', points3d);
  poseValidate(fn, 'pose', pose);
  assertFiniteNumber(fn, 'scale', scale);
  assertFiniteNumber(fn, 'tx', tx);
  assertFiniteNumber(fn, 'ty', ty);
  return project(points3d, rotationOf(pose.yaw, pose.pitch, pose.roll), scale, tx, ty);
}

/** Options of poseFit. */
export interface PoseFitOptions {
  /** The shape's scheme; chooses the default template. @default schemeFor(N) */
  scheme?: LandmarkScheme;
  /** 3D points (N×3) in the HeadPose camera convention. @default template3d() (iBUG-68 only) */
  template?: Shape3D;
  /** Maximum Levenberg-Marquardt iterations per start. @default 50 */
  iterations?: number;
  /**
   * Per-point non-negative weights (e.g. 0 for occluded points); at least 4 must be positive.
   * Note: 300-W style annotations put the jaw on the visible silhouette, not on fixed 3D points, which pulls
   * |yaw| down on turned faces (by about a quarter on the 300-W training set); weight 0 on
   * `scheme.groups.jaw` avoids that at the cost of fewer points. @default all 1
   */
  weights?: ArrayLike<number>;
}

/** Result of poseFit. */
export interface PoseFitResult {
  /** Degrees, HeadPose convention. */
  pose: HeadPose;
  /** Pixels per template unit (millimetre for the shipped template). */
  scale: number;
  translation: [number, number];
  /** Weighted RMS point distance between `projected` and the shape, in pixels. */
  residual: number;
  /** The fitted template projected: projectWeakPerspective(template, pose, scale, ...translation). */
  projected: Float32Array;
}

/** Yaw starts tried besides the affine-camera initialisation (degrees). */
const YAW_STARTS = [-75, -45, -15, 15, 45, 75];

interface FitState {
  r: Float64Array;
  s: number;
  cost: number;
}

/** Weighted cost Σ wᵢ ‖s·P·R·Xᵢ − uᵢ‖² over centred data. */
function costOf(x: Float64Array, u: Float64Array, w: Float64Array, r: Float64Array, s: number): number {
  let c = 0;
  for (let i = 0; i < w.length; i++) {
    const X = x[3 * i];
    const Y = x[3 * i + 1];
    const Z = x[3 * i + 2];
    const dx = s * (r[0] * X + r[1] * Y + r[2] * Z) - u[2 * i];
    const dy = s * (r[3] * X + r[4] * Y + r[5] * Z) - u[2 * i + 1];
    c += w[i] * (dx * dx + dy * dy);
  }
  return c;
}

/**
 * Levenberg-Marquardt on (rotation vector ω applied on the left, log scale) from a start; the Jacobian of
 * the residual s·P·exp([ω]×)·R·X − u at ω = 0 is, with Y = R·X: ∂/∂ω = −s·P·[Y]×, ∂/∂log s = s·P·Y.
 */
function refine(
  x: Float64Array,
  u: Float64Array,
  w: Float64Array,
  start: FitState,
  iterations: number,
): FitState {
  let { r, s, cost } = start;
  let lambda = 1e-3;
  const h = new Float64Array(16);
  const g = new Float64Array(4);
  for (let it = 0; it < iterations; it++) {
    h.fill(0);
    g.fill(0);
    for (let i = 0; i < w.length; i++) {
      const wi = w[i];
      if (wi === 0) continue;
      const X = x[3 * i];
      const Y = x[3 * i + 1];
      const Z = x[3 * i + 2];
      const yx = r[0] * X + r[1] * Y + r[2] * Z;
      const yy = r[3] * X + r[4] * Y + r[5] * Z;
      const yz = r[6] * X + r[7] * Y + r[8] * Z;
      const rx = s * yx - u[2 * i];
      const ry = s * yy - u[2 * i + 1];
      // Rows of the 2×4 Jacobian: a = [0, s·Yz, −s·Yy, s·Yx], b = [−s·Yz, 0, s·Yx, s·Yy].
      const sz = s * yz;
      const sy = s * yy;
      const sx = s * yx;
      g[0] += wi * (-sz * ry);
      g[1] += wi * (sz * rx);
      g[2] += wi * (-sy * rx + sx * ry);
      g[3] += wi * (sx * rx + sy * ry);
      h[0] += wi * sz * sz;
      h[2] += wi * (-sz * sx);
      h[3] += wi * (-sz * sy);
      h[5] += wi * sz * sz;
      h[6] += wi * (-sz * sy);
      h[7] += wi * sz * sx;
      h[10] += wi * (sy * sy + sx * sx);
      h[11] += wi * (-sy * sx + sx * sy);
      h[15] += wi * (sx * sx + sy * sy);
    }
    for (let p = 0; p < 4; p++) for (let q = 0; q < p; q++) h[4 * p + q] = h[4 * q + p];
    let accepted = false;
    while (!accepted && lambda < 1e12) {
      const a = Float64Array.from(h);
      for (let p = 0; p < 4; p++) a[5 * p] += lambda * (h[5 * p] + 1e-12);
      const d = Float64Array.from(g, (v) => -v);
      if (!solveSmall(a, d, 4)) {
        lambda *= 10;
        continue;
      }
      const r2 = mat3Mul(rotationExp(d[0], d[1], d[2]), r);
      const s2 = s * Math.exp(d[3]);
      const c2 = costOf(x, u, w, r2, s2);
      if (c2 <= cost) {
        const small = Math.abs(d[0]) + Math.abs(d[1]) + Math.abs(d[2]) + Math.abs(d[3]) < 1e-10;
        const flat = cost - c2 <= 1e-12 * cost;
        r = r2;
        s = s2;
        cost = c2;
        lambda = Math.max(lambda / 3, 1e-9);
        accepted = true;
        if (small || flat) return { r, s, cost };
      } else {
        lambda *= 4;
      }
    }
    if (!accepted) break;
  }
  return { r, s, cost };
}

/** The affine camera fit u ≈ M·X (M 2×3) made into a scaled rotation; null when degenerate. */
function affineStart(x: Float64Array, u: Float64Array, w: Float64Array): FitState | null {
  const a = new Float64Array(9);
  const bx = new Float64Array(3);
  const by = new Float64Array(3);
  for (let i = 0; i < w.length; i++) {
    const p = [x[3 * i], x[3 * i + 1], x[3 * i + 2]];
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 3; k++) a[3 * j + k] += w[i] * p[j] * p[k];
      bx[j] += w[i] * p[j] * u[2 * i];
      by[j] += w[i] * p[j] * u[2 * i + 1];
    }
  }
  if (!solveSmall(Float64Array.from(a), bx, 3) || !solveSmall(Float64Array.from(a), by, 3)) return null;
  const n1 = Math.hypot(bx[0], bx[1], bx[2]);
  if (!(n1 > 0)) return null;
  const r1 = [bx[0] / n1, bx[1] / n1, bx[2] / n1];
  const dot = by[0] * r1[0] + by[1] * r1[1] + by[2] * r1[2];
  const q = [by[0] - dot * r1[0], by[1] - dot * r1[1], by[2] - dot * r1[2]];
  const n2 = Math.hypot(q[0], q[1], q[2]);
  if (!(n2 > 0)) return null;
  const r2 = [q[0] / n2, q[1] / n2, q[2] / n2];
  const r3 = [r1[1] * r2[2] - r1[2] * r2[1], r1[2] * r2[0] - r1[0] * r2[2], r1[0] * r2[1] - r1[1] * r2[0]];
  const r = Float64Array.of(...r1, ...r2, ...r3);
  const s = (n1 + Math.hypot(by[0], by[1], by[2])) / 2;
  return { r, s, cost: costOf(x, u, w, r, s) };
}

/** A start at a given yaw: in-plane rotation and scale from a 2D similarity fit of the projected template. */
function yawStart(x: Float64Array, u: Float64Array, w: Float64Array, yaw: number): FitState | null {
  const r0 = rotationOf(yaw, 0, 0);
  const p = project(x, r0, 1, 0, 0);
  // Weighted points: zero-weight points are dropped from the 2D fit.
  const keep: number[] = [];
  for (let i = 0; i < w.length; i++) if (w[i] > 0) keep.push(i);
  const src = new Float64Array(2 * keep.length);
  const dst = new Float64Array(2 * keep.length);
  keep.forEach((i, k) => {
    src[2 * k] = p[2 * i];
    src[2 * k + 1] = p[2 * i + 1];
    dst[2 * k] = u[2 * i];
    dst[2 * k + 1] = u[2 * i + 1];
  });
  const f = similarityFit(src, dst, true);
  if (f === null || !(f.scale > 0)) return null;
  const rz = Float64Array.of(f.cos, -f.sin, 0, f.sin, f.cos, 0, 0, 0, 1);
  const r = mat3Mul(rz, r0);
  return { r, s: f.scale, cost: costOf(x, u, w, r, f.scale) };
}

/**
 * Head pose of a 2D shape: the weak-perspective fit of a 3D template (default: the iBUG-68 template) by
 * Levenberg-Marquardt on the rotation and scale, started from an affine-camera solution and from several
 * yaws; the translation is solved exactly (centroids). Returns the best fit.
 * @example const { pose } = poseFit(sample.landmarks) // pose.yaw > 0: the nose points to the image's right
 */
export function poseFit(shape: Shape, opts: PoseFitOptions = {}): PoseFitResult {
  const fn = 'poseFit';
  shapeValidate(fn, 'shape', shape);
  const n = shape.length >> 1;
  const scheme = opts.scheme ?? schemeFor(n);
  if (scheme.nPoints !== n) {
    throw new ShapeError(
      `${fn}: argument 'opts.scheme' expected a scheme of ${n} points (the shape's), got ${scheme.name} with ${scheme.nPoints} points`,
    );
  }
  let tpl: Float32Array;
  if (opts.template !== undefined) {
    shape3dValidate(fn, 'opts.template', opts.template, n);
    tpl = opts.template;
  } else if (scheme.name === 'ibug68') {
    tpl = template3d();
  } else {
    throw new ValueError(
      `${fn}: argument 'opts.template' expected a 3D template for scheme ${scheme.name} (only ibug68 has a default), got none`,
    );
  }
  const iterations = opts.iterations ?? 50;
  assertInteger(fn, 'opts.iterations', iterations, 1);
  const w = new Float64Array(n).fill(1);
  if (opts.weights !== undefined) {
    const wt = opts.weights;
    if (wt === null || typeof wt !== 'object' || wt.length !== n) {
      throw new ShapeError(`${fn}: argument 'opts.weights' expected ${n} weights, got ${describe(wt)}`);
    }
    let positive = 0;
    for (let i = 0; i < n; i++) {
      if (!(Number.isFinite(wt[i]) && wt[i] >= 0)) {
        throw new ValueError(
          `${fn}: argument 'opts.weights' expected finite weights ≥ 0, got ${wt[i]} at point ${i}`,
        );
      }
      w[i] = wt[i];
      if (wt[i] > 0) positive++;
    }
    if (positive < 4) {
      throw new ValueError(
        `${fn}: argument 'opts.weights' expected at least 4 positive weights, got ${positive}`,
      );
    }
  }
  // Weighted centroids; the optimal translation maps the template's centroid onto the shape's.
  let wsum = 0;
  const cu = [0, 0];
  const cx = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    wsum += w[i];
    cu[0] += w[i] * shape[2 * i];
    cu[1] += w[i] * shape[2 * i + 1];
    for (let k = 0; k < 3; k++) cx[k] += w[i] * tpl[3 * i + k];
  }
  cu[0] /= wsum;
  cu[1] /= wsum;
  for (let k = 0; k < 3; k++) cx[k] /= wsum;
  const x = new Float64Array(3 * n);
  const u = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) x[3 * i + k] = tpl[3 * i + k] - cx[k];
    u[2 * i] = shape[2 * i] - cu[0];
    u[2 * i + 1] = shape[2 * i + 1] - cu[1];
  }
  const starts: FitState[] = [];
  const aff = affineStart(x, u, w);
  if (aff !== null) starts.push(aff);
  for (const yaw of YAW_STARTS) {
    const st = yawStart(x, u, w, yaw);
    if (st !== null) starts.push(st);
  }
  if (starts.length === 0) {
    throw new ValueError(
      `${fn}: argument 'shape' expected points that are not all equal, got a degenerate shape`,
    );
  }
  let best: FitState | null = null;
  for (const st of starts) {
    const f = refine(x, u, w, st, iterations);
    if (best === null || f.cost < best.cost) best = f;
  }
  const { r, s } = best as FitState;
  const tx = cu[0] - s * (r[0] * cx[0] + r[1] * cx[1] + r[2] * cx[2]);
  const ty = cu[1] - s * (r[3] * cx[0] + r[4] * cx[1] + r[5] * cx[2]);
  const projected = project(tpl, r, s, tx, ty);
  let e = 0;
  for (let i = 0; i < n; i++) {
    e += w[i] * ((projected[2 * i] - shape[2 * i]) ** 2 + (projected[2 * i + 1] - shape[2 * i + 1]) ** 2);
  }
  return { pose: poseOf(r), scale: s, translation: [tx, ty], residual: Math.sqrt(e / wsum), projected };
}
