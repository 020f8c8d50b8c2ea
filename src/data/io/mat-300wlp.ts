/**
 * 300W-LP / AFLW2000-3D annotation `.mat` files: `pt2d` (2×68, image pixels), `pt3d_68` (3×68) and
 * `Pose_Para` (1×7: pitch, yaw, roll in radians, tx, ty, tz, scale), as written by 3DDFA's MATLAB code.
 *
 * Coordinates: MATLAB pixel coordinates are 1-based; with `oneBased` (default) 1 is subtracted from
 * x and y (of pt2d, and of pt3d_68's x and y) to give this library's 0-based pixels.
 *
 * Pose: 3DDFA builds R = Rx(φ)·Ry(γ)·Rz(θ) with Rx = [1 0 0; 0 c s; 0 −s c],
 * Ry = [c 0 −s; 0 1 0; s 0 c], Rz = [c s 0; −s c 0; 0 0 1] (φ pitch, γ yaw, θ roll), in a model frame
 * with y up and z towards the camera, and flips y when projecting to the image. Rewritten in this
 * library's camera frame (y down, z away) that rotation is Px(−φ)·Py(−γ)·Pz(θ) in the matrices of
 * src/landmarks/pose.ts, which is converted to (yaw, pitch, roll) of R = Rz(roll)·Rx(pitch)·Ry(yaw) by
 * poseFromRotation. For a single-axis rotation this gives yaw = −γ, pitch = −φ, roll = θ (in degrees):
 * 300W-LP's positive yaw turns the nose to the image's left and its positive pitch lifts the nose,
 * matching how Hopenet-style code draws these angles (it negates yaw before drawing).
 */
import * as fs from 'node:fs';
import { FormatError, ValueError } from '../../errors';
import { poseFromRotation } from '../../landmarks';
import { mat3Mul } from '../../landmarks/mat3';
import type { HeadPose } from '../../types';
import { describe } from '../../util';
import { type MatArray, parseMatAs } from './mat5';
import { fileLabel } from './text';

/** The annotation of one 300W-LP image. */
export interface Mat300wLp {
  /** 68 landmarks `[x0, y0, …]`, 0-based pixels (unless `oneBased: false`). */
  pt2d: Float32Array;
  /** 68 3D landmarks `[x0, y0, z0, …]` when the file has `pt3d_68` (x, y shifted like pt2d). */
  pt3d?: Float32Array;
  /** Head pose in degrees in this library's convention (src/types.ts), when the file has `Pose_Para`. */
  pose?: HeadPose;
  /** `Pose_Para` as stored: pitch, yaw, roll (radians), tx, ty, tz, scale. */
  poseParams?: Float64Array;
}

/** Options of {@link readMat300wLp} and {@link parseMat300wLp}. */
export interface Mat300wLpOptions {
  /** File name for error messages. @default the path for readMat300wLp, '<input>' otherwise */
  file?: string;
  /** The file's pixel coordinates are 1-based (MATLAB): subtract 1 from x and y. @default true */
  oneBased?: boolean;
}

/** Reads a 300W-LP / AFLW2000-3D `.mat` annotation. */
export function readMat300wLp(path: string, opts: Mat300wLpOptions = {}): Mat300wLp {
  if (typeof path !== 'string')
    throw new ValueError(`readMat300wLp: argument 'path' expected a string, got ${describe(path)}`);
  return parse300wLpAs('readMat300wLp', fs.readFileSync(path), { ...opts, file: opts.file ?? path });
}

/** Parses the bytes of a 300W-LP / AFLW2000-3D `.mat` annotation. */
export function parseMat300wLp(bytes: Uint8Array, opts: Mat300wLpOptions = {}): Mat300wLp {
  return parse300wLpAs('parseMat300wLp', bytes, opts);
}

/**
 * This library's pose (degrees) from 3DDFA's pitch φ, yaw γ, roll θ (radians); see the module comment.
 * @example poseFrom3ddfa(0, 0.5, 0) // { yaw: -28.6…, pitch: 0, roll: 0 }
 */
export function poseFrom3ddfa(pitch: number, yaw: number, roll: number): HeadPose {
  const c = Math.cos;
  const s = Math.sin;
  // Px(a), Py(a), Pz(a) as in src/landmarks/pose.ts (row-major)
  const px = (a: number): number[] => [1, 0, 0, 0, c(a), -s(a), 0, s(a), c(a)];
  const py = (a: number): number[] => [c(a), 0, -s(a), 0, 1, 0, s(a), 0, c(a)];
  const pz = (a: number): number[] => [c(a), -s(a), 0, s(a), c(a), 0, 0, 0, 1];
  const R = mat3Mul(px(-pitch), mat3Mul(py(-yaw), pz(roll)));
  return poseFromRotation(R);
}

function parse300wLpAs(fn: string, bytes: Uint8Array, opts: Mat300wLpOptions): Mat300wLp {
  const file = opts.file;
  const off = (opts.oneBased ?? true) ? 1 : 0;
  const vars = parseMatAs(fn, bytes, { file });
  const fail = (what: string): never => {
    throw new FormatError(`${fn}: ${fileLabel(file)}: ${what}`, { file });
  };
  const names = Object.keys(vars);
  const find = (name: string): MatArray | undefined => {
    const key = names.find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : vars[key];
  };
  const list = `[${names.map((n) => `'${n}'`).join(', ')}]`;
  const numeric = (v: MatArray, name: string): Float64Array => {
    if (!v.data) fail(`variable '${name}': expected a numeric matrix, got class ${v.class}`);
    const d = v.data as Float64Array;
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(Math.fround(d[i])))
        fail(`variable '${name}': expected finite values, got ${d[i]} at index ${i}`);
    }
    return d;
  };
  // Points stored rows = coordinates (d×N) or columns = coordinates (N×d); returns interleaved.
  const points = (v: MatArray, name: string, d: number): Float32Array => {
    const data = numeric(v, name);
    const [r, c] = v.dims;
    if (v.dims.length !== 2 || (r !== d && c !== d)) {
      fail(`variable '${name}': expected a ${d}×N or N×${d} matrix, got ${v.dims.join('×')}`);
    }
    const n = r === d ? c : r;
    const out = new Float32Array(d * n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) {
        // column-major: element (row, col) at row + col·rows
        const val = r === d ? data[k + i * r] : data[i + k * r];
        out[d * i + k] = k < 2 ? val - off : val;
      }
    }
    return out;
  };
  const pt2dVar = find('pt2d');
  if (!pt2dVar) fail(`expected variable 'pt2d', found ${list}`);
  const result: Mat300wLp = { pt2d: points(pt2dVar as MatArray, 'pt2d', 2) };
  const pt3dVar = find('pt3d_68');
  if (pt3dVar) result.pt3d = points(pt3dVar, 'pt3d_68', 3);
  const poseVar = find('Pose_Para');
  if (poseVar) {
    const p = numeric(poseVar, 'Pose_Para');
    if (p.length !== 7)
      fail(`variable 'Pose_Para': expected 7 values (pitch, yaw, roll, tx, ty, tz, scale), got ${p.length}`);
    result.poseParams = Float64Array.from(p);
    result.pose = poseFrom3ddfa(p[0], p[1], p[2]);
  }
  return result;
}
