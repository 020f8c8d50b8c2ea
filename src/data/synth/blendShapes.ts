/**
 * Identity and expression variation as sparse blend shapes: each mode is a smooth displacement field over
 * the canonical mesh (mm per unit parameter), built once from the landmarks (Gaussian-weighted fields around
 * landmark groups, a jaw rotation, eyelid and lip maps). A face is positions + Σ pₖ·modeₖ, so a warp costs
 * a few multiply-adds per moved vertex and moves every landmark with the surface it is anchored to.
 */
import { ibug68 } from '../../landmarks/scheme';
import { eyeLids, lipLine, polyY, smoothstep } from './faceRegions';

/** Identity parameters, each about in [−1.5, 1.5] (0 = the scan). */
export const IDENTITY_PARAMS = [
  'faceWidth',
  'faceHeight',
  'jawWidth',
  'chinLength',
  'noseSize',
  'eyeSpacing',
  'mouthWidth',
] as const;
/** Expression parameters: mouthOpen, eyesClosed in [0, 1]; smile, browRaise in [−0.5, 1]. */
export const EXPRESSION_PARAMS = ['mouthOpen', 'smile', 'browRaise', 'eyesClosed'] as const;

export type IdentityParam = (typeof IDENTITY_PARAMS)[number];
export type ExpressionParam = (typeof EXPRESSION_PARAMS)[number];
/** One identity: a value per identity parameter. */
export type Identity = Record<IdentityParam, number>;
/** One expression: a value per expression parameter. */
export type Expression = Record<ExpressionParam, number>;

/** One sparse mode: the moved vertices and their displacement per unit parameter (3 per vertex). */
export interface BlendMode {
  name: IdentityParam | ExpressionParam;
  idx: Uint32Array;
  disp: Float32Array;
}

/** The mouth's interior: triangles that open when the jaw drops, and each vertex's jaw weight. */
export interface MouthInterior {
  /** 1 for triangles spanning the lip line between the mouth corners. */
  triangleFlag: Uint8Array;
  /** Per vertex: 0 on the upper lip side, 1 where the jaw moves fully. */
  jawWeight: Float32Array;
}

type Vec = [number, number, number];

function lmPoint(lm: Float32Array, i: number): Vec {
  return [lm[3 * i], lm[3 * i + 1], lm[3 * i + 2]];
}
function mean(lm: Float32Array, idx: readonly number[]): Vec {
  const m: Vec = [0, 0, 0];
  for (const i of idx) for (let k = 0; k < 3; k++) m[k] += lm[3 * i + k] / idx.length;
  return m;
}
function gauss(x: number, y: number, z: number, c: Vec, sigma: number): number {
  const d2 = (x - c[0]) ** 2 + (y - c[1]) ** 2 + (z - c[2]) ** 2;
  return Math.exp(-d2 / (2 * sigma * sigma));
}

/** Landmark-derived anchors of the canonical face used by the fields below. */
function anchors(lm: Float32Array) {
  const g = ibug68.groups;
  const jaw = g.jaw;
  const chin = lmPoint(lm, jaw[(jaw.length - 1) / 2]);
  const jawEnds = mean(lm, [jaw[0], jaw[jaw.length - 1]]);
  const eyes = mean(lm, [...g.rightEye, ...g.leftEye]);
  return {
    chin,
    line: lipLine(lm),
    pivot: [0, eyes[1] + 25, jawEnds[2] + 10] as Vec,
    jawEndsZ: jawEnds[2],
    noseTip: lmPoint(lm, ibug68.noseTip as number),
    noseC: mean(lm, [...g.noseBridge, ...g.noseLower]),
    eyeR: mean(lm, g.rightEye),
    eyeL: mean(lm, g.leftEye),
    cornerR: lmPoint(lm, g.outerLips[0]),
    cornerL: lmPoint(lm, g.outerLips[6]),
    brows: [...g.rightBrow, ...g.leftBrow].map((i) => lmPoint(lm, i)),
    lids: eyeLids(lm),
  };
}

/** The jaw's weight at a canonical point: 0 above the lip line, 1 on the lower lip and chin. */
function jawWeightAt(a: ReturnType<typeof anchors>, x: number, y: number, z: number): number {
  const xl = a.line[0][0];
  const xr = a.line[a.line.length - 1][0];
  const xc = (xl + xr) / 2;
  const hw = (xr - xl) / 2;
  const e = Math.max(0, Math.abs(x - xc) - hw);
  const h = 0.3 + 0.7 * e;
  let w = smoothstep(-h, h, y - polyY(a.line, x));
  w *= 1 - smoothstep(a.chin[1] + 5, a.chin[1] + 35, y);
  w *= 1 - smoothstep(hw + 45, hw + 70, Math.abs(x - xc));
  w *= 1 - smoothstep(a.jawEndsZ + 5, a.jawEndsZ + 25, z);
  return w;
}

/** The displacement (mm per unit parameter) of mode `name` at a canonical point. */
function field(a: ReturnType<typeof anchors>, name: BlendMode['name'], x: number, y: number, z: number): Vec {
  switch (name) {
    case 'faceWidth':
      return [0.08 * x, 0, 0];
    case 'faceHeight':
      return [0, 0.08 * y, 0];
    case 'jawWidth':
      return [0.12 * x * smoothstep(a.noseTip[1], a.chin[1], y), 0, 0];
    case 'chinLength':
      return [0, 7 * smoothstep(polyY(a.line, x), a.chin[1], y), 0];
    case 'noseSize': {
      const w = 0.2 * gauss(x, y, z, a.noseC, 16);
      return [w * (x - a.noseC[0]), w * (y - a.noseC[1]), w * (z - a.noseC[2])];
    }
    case 'eyeSpacing':
      return [3 * (gauss(x, y, z, a.eyeL, 11) - gauss(x, y, z, a.eyeR, 11)), 0, 0];
    case 'mouthWidth':
      return [3 * (gauss(x, y, z, a.cornerL, 9) - gauss(x, y, z, a.cornerR, 9)), 0, 0];
    case 'mouthOpen': {
      // rotation about the x axis through the pivot by 0.3 rad per unit (linearised)
      const w = 0.3 * jawWeightAt(a, x, y, z);
      return [0, -w * (z - a.pivot[2]), w * (y - a.pivot[1])];
    }
    case 'smile': {
      const gr = gauss(x, y, z, a.cornerR, 9);
      const gl = gauss(x, y, z, a.cornerL, 9);
      return [-2.5 * gr + 2.5 * gl, -3.5 * (gr + gl), 1 * (gr + gl)];
    }
    case 'browRaise': {
      let g = 0;
      for (const b of a.brows) g = Math.max(g, gauss(x, y, z, b, 10));
      const lid = Math.min(...a.lids.map((l) => Math.min(...l.upper.map((p) => p[1]))));
      return [0, -6 * g * smoothstep(lid - 1, lid - 8, y), 0];
    }
    case 'eyesClosed': {
      for (const l of a.lids) {
        const f = x < l.x0 ? 1 - (l.x0 - x) / 3 : x > l.x1 ? 1 - (x - l.x1) / 3 : 1;
        if (f <= 0 || Math.abs(z - l.z) > 20) continue;
        const yu = polyY(l.upper, x);
        const yl = polyY(l.lower, x);
        const yb = yu - 12;
        const yu2 = yl - 0.1 * (yl - yu);
        let y2 = y;
        if (y >= yb && y <= yu) y2 = yb + ((y - yb) * (yu2 - yb)) / (yu - yb);
        else if (y > yu && y <= yl) y2 = yu2 + ((y - yu) * (yl - yu2)) / Math.max(yl - yu, 1e-6);
        return [0, f * (y2 - y), 0];
      }
      return [0, 0, 0];
    }
  }
}

/** Builds every mode over `positions` (canonical mesh) from the canonical landmarks. */
export function buildBlendModes(positions: Float32Array, landmarks: Float32Array): BlendMode[] {
  const a = anchors(landmarks);
  const n = positions.length / 3;
  return [...IDENTITY_PARAMS, ...EXPRESSION_PARAMS].map((name) => {
    const idx: number[] = [];
    const disp: number[] = [];
    for (let i = 0; i < n; i++) {
      const d = field(a, name, positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]);
      if (Math.abs(d[0]) + Math.abs(d[1]) + Math.abs(d[2]) > 1e-3) {
        idx.push(i);
        disp.push(d[0], d[1], d[2]);
      }
    }
    return { name, idx: Uint32Array.from(idx), disp: Float32Array.from(disp) };
  });
}

/** Marks the triangles that open into the mouth's interior and records each vertex's jaw weight. */
export function buildMouthInterior(
  positions: Float32Array,
  triangles: Uint16Array,
  landmarks: Float32Array,
): MouthInterior {
  const a = anchors(landmarks);
  const n = positions.length / 3;
  const jawWeight = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    jawWeight[i] = jawWeightAt(a, positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]);
  }
  const xl = a.line[0][0] - 1;
  const xr = a.line[a.line.length - 1][0] + 1;
  const triangleFlag = new Uint8Array(triangles.length / 3);
  for (let t = 0; t < triangleFlag.length; t++) {
    let lo = 1;
    let hi = 0;
    let inside = true;
    for (let k = 0; k < 3; k++) {
      const v = triangles[3 * t + k];
      lo = Math.min(lo, jawWeight[v]);
      hi = Math.max(hi, jawWeight[v]);
      const x = positions[3 * v];
      if (x < xl || x > xr) inside = false;
    }
    if (inside && hi - lo > 0.5) triangleFlag[t] = 1;
  }
  return { triangleFlag, jawWeight };
}

/** Writes positions + Σ params·modes into `out` (length of positions). */
export function applyBlendModes(
  positions: Float32Array,
  modes: readonly BlendMode[],
  params: Readonly<Record<string, number>>,
  out: Float32Array,
): void {
  out.set(positions);
  for (const m of modes) {
    const p = params[m.name] ?? 0;
    if (p === 0) continue;
    const { idx, disp } = m;
    for (let k = 0; k < idx.length; k++) {
      const o = 3 * idx[k];
      out[o] += p * disp[3 * k];
      out[o + 1] += p * disp[3 * k + 1];
      out[o + 2] += p * disp[3 * k + 2];
    }
  }
}
