/**
 * The 300-W convention for the jaw: annotators put the jaw line on the face's visible outline, not on the
 * hidden 3D jaw. With `jaw: 'contour'`, each jaw landmark the face hides from the camera slides, along a
 * horizontal line of mesh vertices at its height (as 300W-LP and 3DDFA do), to the outermost vertex of that
 * line that the z-buffer shows: a projected mesh point on the silhouette.
 */
import { ibug68 } from '../../landmarks/scheme';
import type { FaceModel } from './faceModel';

/** For one jaw landmark: its side (−1 image-left / subject's right, +1) and the vertices of its line. */
export interface ContourLine {
  landmark: number;
  side: number;
  vertices: Uint32Array;
}

/** Half-height (mm) of the band of vertices that forms a landmark's horizontal line. */
const BAND_MM = 2.5;

/** The contour lines of the jaw landmarks (the chin's middle point has none). */
export function buildContourLines(model: FaceModel): ContourLine[] {
  const lm = model.landmarks;
  const p = model.positions;
  const jaw = ibug68.groups.jaw;
  const mid = jaw[(jaw.length - 1) / 2];
  const lines: ContourLine[] = [];
  for (const l of jaw) {
    if (l === mid) continue;
    const [x, y, z] = [lm[3 * l], lm[3 * l + 1], lm[3 * l + 2]];
    const side = Math.sign(x);
    const v: number[] = [];
    for (let i = 0; i < model.nVertices; i++) {
      const vx = p[3 * i];
      if (Math.abs(p[3 * i + 1] - y) > BAND_MM || Math.sign(vx) !== side) continue;
      if (side * vx < side * x - 30 || Math.abs(p[3 * i + 2] - z) > 45) continue;
      v.push(i);
    }
    lines.push({ landmark: l, side, vertices: Uint32Array.from(v) });
  }
  return lines;
}

/** What slideJawToSilhouette reads and updates. */
export interface ContourState {
  /** Projected vertices: pixels and 1/z. */
  sx: Float32Array;
  sy: Float32Array;
  iz: Float32Array;
  /** Camera focal length and principal point. */
  f: number;
  cx: number;
  cy: number;
  /** Visibility test of a camera-space depth at a pixel. */
  visibleAt: (px: number, py: number, z: number) => boolean;
  width: number;
  height: number;
  landmarks: Float32Array;
  landmarks3d: Float32Array;
  visibility: Uint8Array;
}

/** Moves every hidden jaw landmark to the silhouette (see the module comment); returns how many moved. */
export function slideJawToSilhouette(lines: readonly ContourLine[], s: ContourState): number {
  const jaw = ibug68.groups.jaw;
  const a = jaw[0];
  const b = jaw[jaw.length - 1];
  let dx = s.landmarks[2 * b] - s.landmarks[2 * a];
  let dy = s.landmarks[2 * b + 1] - s.landmarks[2 * a + 1];
  const len = Math.hypot(dx, dy);
  if (!(len > 0)) return 0;
  dx /= len;
  dy /= len;
  let moved = 0;
  for (const line of lines) {
    const l = line.landmark;
    if (s.visibility[l] === 1) continue;
    const ux = s.landmarks[2 * l];
    const uy = s.landmarks[2 * l + 1];
    let best = -1;
    let bestOut = -Infinity;
    for (let k = 0; k < line.vertices.length; k++) {
      const v = line.vertices[k];
      const vx = s.sx[v];
      const vy = s.sy[v];
      const out = line.side * ((vx - ux) * dx + (vy - uy) * dy);
      if (out <= bestOut) continue;
      const px = Math.round(vx);
      const py = Math.round(vy);
      if (px < 0 || py < 0 || px >= s.width || py >= s.height) continue;
      if (!s.visibleAt(px, py, 1 / s.iz[v])) continue;
      best = v;
      bestOut = out;
    }
    if (best < 0) continue;
    const z = 1 / s.iz[best];
    s.landmarks[2 * l] = s.sx[best];
    s.landmarks[2 * l + 1] = s.sy[best];
    s.landmarks3d[3 * l] = ((s.sx[best] - s.cx) * z) / s.f;
    s.landmarks3d[3 * l + 1] = ((s.sy[best] - s.cy) * z) / s.f;
    s.landmarks3d[3 * l + 2] = z;
    s.visibility[l] = 1;
    moved++;
  }
  return moved;
}
