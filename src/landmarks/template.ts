/**
 * The 3D landmark template used for head pose: iBUG-68 points of a mean face in millimetres, in the
 * camera convention of HeadPose (x to the image's right, y down, z away from the viewer; the nose tip has
 * the smallest z), centred at the points' centroid. Shipped as data/template/ibug68-template.json, made
 * from menpo3d's template.ljson (BSD-3-Clause, data/template/LICENSE-menpo3d.txt) by
 * template3dFromLjson(ljson, { unitScale: 0.001 }).
 */
import * as fs from 'node:fs';
import { FormatError, ShapeError, ValueError } from '../errors';
import type { Shape3D } from '../types';
import { dataPath } from '../util/paths';
import { assertPositive, describe } from '../util/validate';
import { type LandmarkScheme, schemeFor } from './scheme';

/** File name of the shipped template inside the package's data folder. */
export const TEMPLATE_FILE = ['template', 'ibug68-template.json'] as const;

/** The shipped template file's contents. */
export interface Template3dFile {
  name: string;
  scheme: string;
  units: string;
  nPoints: number;
  source: string;
  license: string;
  transformation: string;
  /** [x, y, z] per point. */
  points: number[][];
}

let cached: Float32Array | null = null;

/** Checks that `v` is a Float32Array of 3D points (length 3N, N ≥ 1, finite). */
export function shape3dValidate(
  fn: string,
  name: string,
  v: unknown,
  nPoints?: number,
): asserts v is Float32Array {
  if (!(v instanceof Float32Array) || v.length === 0 || v.length % 3 !== 0) {
    throw new ShapeError(
      `${fn}: argument '${name}' expected a Float32Array of interleaved x,y,z (length a non-zero multiple of 3), got ${describe(v)}`,
    );
  }
  if (nPoints !== undefined && v.length !== 3 * nPoints) {
    throw new ShapeError(
      `${fn}: argument '${name}' expected ${nPoints} 3D points (length ${3 * nPoints}), got ${v.length / 3} points`,
    );
  }
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      throw new ValueError(
        `${fn}: argument '${name}' expected finite coordinates, got ${'xyz'[i % 3]} = ${v[i]} at point ${Math.floor(i / 3)}`,
      );
    }
  }
}

/**
 * The iBUG-68 3D template (68×3, millimetres, centred, x right, y down, z away from the viewer), read from
 * the package's data folder on first use and cached; each call returns a fresh copy.
 * @example const proj = projectWeakPerspective(template3d(), { yaw: 30, pitch: 0, roll: 0 }, 1, 0, 0)
 */
export function template3d(): Float32Array {
  if (cached === null) {
    const file = dataPath(...TEMPLATE_FILE);
    let parsed: Template3dFile;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Template3dFile;
    } catch (e) {
      throw new FormatError(`template3d: ${file}: cannot read JSON (${(e as Error).message})`, { file });
    }
    if (!Array.isArray(parsed.points) || parsed.points.length !== parsed.nPoints) {
      throw new FormatError(`template3d: ${file}: expected 'points' of length nPoints`, { file });
    }
    const out = new Float32Array(parsed.points.length * 3);
    parsed.points.forEach((p, i) => {
      if (!Array.isArray(p) || p.length !== 3 || !p.every((v) => Number.isFinite(v))) {
        throw new FormatError(`template3d: ${file}: point ${i}: expected [x, y, z], got ${describe(p)}`, {
          file,
        });
      }
      out.set(p, 3 * i);
    });
    cached = out;
  }
  return Float32Array.from(cached);
}

/** Options of template3dFromLjson. */
export interface LjsonConversionOptions {
  /** Multiplier from the file's units to the output units (0.001: micrometres → millimetres). @default 1 */
  unitScale?: number;
  /**
   * The file's axes are menpo's (x to the viewer's right, y up, z towards the viewer): negate y and z
   * (a 180° rotation about x, so handedness is kept). @default true
   */
  yUp?: boolean;
  /** Centre the points at their centroid. @default true */
  centre?: boolean;
  /**
   * Make the points exactly left-right symmetric with the scheme's mirror permutation: pᵢ and its mirror
   * p_m(i) are replaced by their average after reflecting x (self-mirrored points get x = 0).
   * Needs centre. @default true when the scheme has a mirror
   */
  symmetrize?: boolean;
  /** Scheme giving the mirror permutation. @default schemeFor(N) */
  scheme?: LandmarkScheme;
}

/**
 * Reads the landmarks of a menpo LJSON (version 3) 3D landmark file, already parsed, into our camera
 * convention. The first group is used.
 * @example const t = template3dFromLjson(JSON.parse(fs.readFileSync('template.ljson', 'utf8')), { unitScale: 0.001 })
 */
export function template3dFromLjson(ljson: unknown, opts: LjsonConversionOptions = {}): Shape3D {
  const fn = 'template3dFromLjson';
  const groups = (ljson as { groups?: Record<string, { landmarks?: { points?: unknown } }> } | null)?.groups;
  const first = groups && typeof groups === 'object' ? Object.values(groups)[0] : undefined;
  const pts = first?.landmarks?.points;
  if (!Array.isArray(pts) || pts.length === 0) {
    throw new FormatError(`${fn}: argument 'ljson' expected groups.<name>.landmarks.points, got none`);
  }
  const unitScale = opts.unitScale ?? 1;
  const yUp = opts.yUp ?? true;
  const centre = opts.centre ?? true;
  assertPositive(fn, 'opts.unitScale', unitScale);
  const n = pts.length;
  const out = new Float32Array(3 * n);
  const f = new Float64Array(3 * n);
  pts.forEach((p: unknown, i) => {
    if (!Array.isArray(p) || p.length !== 3 || !p.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new FormatError(`${fn}: argument 'ljson' point ${i}: expected [x, y, z], got ${describe(p)}`);
    }
    const [x, y, z] = p as number[];
    f[3 * i] = x * unitScale;
    f[3 * i + 1] = (yUp ? -y : y) * unitScale;
    f[3 * i + 2] = (yUp ? -z : z) * unitScale;
  });
  if (centre) {
    for (let k = 0; k < 3; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += f[3 * i + k];
      for (let i = 0; i < n; i++) f[3 * i + k] -= s / n;
    }
  }
  const scheme = opts.scheme ?? schemeFor(n);
  const symmetrize = opts.symmetrize ?? scheme.mirror !== null;
  if (symmetrize) {
    if (scheme.mirror === null || scheme.nPoints !== n) {
      throw new ValueError(
        `${fn}: argument 'opts.symmetrize' needs a scheme of ${n} points with a mirror, got ${scheme.name}`,
      );
    }
    if (!centre) throw new ValueError(`${fn}: argument 'opts.symmetrize' needs opts.centre = true`);
    const m = scheme.mirror;
    const g = Float64Array.from(f);
    for (let i = 0; i < n; i++) {
      const j = m[i];
      g[3 * i] = (f[3 * i] - f[3 * j]) / 2;
      g[3 * i + 1] = (f[3 * i + 1] + f[3 * j + 1]) / 2;
      g[3 * i + 2] = (f[3 * i + 2] + f[3 * j + 2]) / 2;
    }
    f.set(g);
  }
  out.set(f);
  return out;
}
