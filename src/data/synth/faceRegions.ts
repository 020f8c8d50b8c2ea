/**
 * Regions of the canonical face defined by its landmarks (canonical frame, mm, y down): the lip line that
 * splits upper from lower lip, and the eyelid curves. Used to anchor landmarks and to build blend shapes.
 */
import { ibug68 } from '../../landmarks/scheme';

type Pt = [number, number];

const pt = (lm: Float32Array, i: number): Pt => [lm[3 * i], lm[3 * i + 1]];
const mid = (a: Pt, b: Pt): Pt => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];

/** Piecewise-linear y(x) through points sorted by x; clamped at both ends. */
export function polyY(poly: readonly Pt[], x: number): number {
  if (x <= poly[0][0]) return poly[0][1];
  for (let k = 1; k < poly.length; k++) {
    if (x <= poly[k][0]) {
      const [x0, y0] = poly[k - 1];
      const [x1, y1] = poly[k];
      return x1 > x0 ? y0 + ((y1 - y0) * (x - x0)) / (x1 - x0) : y1;
    }
  }
  return poly[poly.length - 1][1];
}

/** The line where the lips meet: inner-lip corners and the mid-points of the upper/lower inner-lip pairs. */
export function lipLine(lm: Float32Array): Pt[] {
  const g = ibug68.groups.innerLips; // corner, 3 upper (left→right), corner, 3 lower (right→left)
  const line: Pt[] = [
    pt(lm, g[0]),
    mid(pt(lm, g[1]), pt(lm, g[7])),
    mid(pt(lm, g[2]), pt(lm, g[6])),
    mid(pt(lm, g[3]), pt(lm, g[5])),
    pt(lm, g[4]),
  ];
  return line.sort((a, b) => a[0] - b[0]);
}

/** −1 above the lip line, +1 below it, 0 outside the mouth corners. */
export function lipSide(lm: Float32Array, x: number, y: number): number {
  const line = lipLine(lm);
  if (x < line[0][0] || x > line[line.length - 1][0]) return 0;
  return y > polyY(line, x) ? 1 : -1;
}

/** One eye's lid curves (sorted by x) and its corner x range. */
export interface EyeLids {
  upper: Pt[];
  lower: Pt[];
  x0: number;
  x1: number;
  /** mean depth of the eye's landmarks */
  z: number;
}

/** Upper and lower lid curves of both eyes (iBUG: corner, 2 upper, corner, 2 lower). */
export function eyeLids(lm: Float32Array): EyeLids[] {
  return [ibug68.groups.rightEye, ibug68.groups.leftEye].map((g) => {
    const c0 = pt(lm, g[0]);
    const c1 = pt(lm, g[3]);
    const upper = [c0, pt(lm, g[1]), pt(lm, g[2]), c1].sort((a, b) => a[0] - b[0]);
    const lower = [c0, pt(lm, g[5]), pt(lm, g[4]), c1].sort((a, b) => a[0] - b[0]);
    const z = g.reduce((s, i) => s + lm[3 * i + 2], 0) / g.length;
    return { upper, lower, x0: Math.min(c0[0], c1[0]), x1: Math.max(c0[0], c1[0]), z };
  });
}

/** Hermite smoothstep: 0 below e0, 1 above e1. */
export function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}
