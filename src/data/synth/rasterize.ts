/**
 * The software renderer: perspective projection of the warped mesh, back-face culling, a z-buffer over
 * 1/z, perspective-correct bilinear texture sampling from one mip level, Gouraud shading, and a mouth
 * interior (teeth and a dark throat) on the triangles that open when the jaw drops. Writes over the
 * background already in `target.data`. Plain loops over typed arrays; no allocation per face.
 */
import type { FaceModel } from './faceModel';

/** A pinhole camera: camera point = R·X + t (mm), pixel = f·(x/z, y/z) + (cx, cy). */
export interface Camera {
  /** 3×3 row-major rotation (HeadPose convention). */
  R: ArrayLike<number>;
  /** Translation (mm) of the head's origin in the camera frame. */
  t: readonly [number, number, number];
  /** Focal length in pixels. */
  f: number;
  cx: number;
  cy: number;
}

/** Frame buffers: colour (background already drawn) and depth (1/z; 0 where nothing was drawn). */
export interface RenderTarget {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
  depth: Float32Array;
}

/** Per-face surface appearance. */
export interface Appearance {
  /** Per-vertex light factor (ambient + diffuse), length nVertices. */
  shade: Float32Array;
  /** Texture level to sample. */
  level: number;
  /** Multiplicative colour gains (skin tone, light colour); gray uses the luma of the gains. */
  gain: readonly [number, number, number];
}

/** Scratch arrays for projected vertices, reused across faces. */
export class ProjectionScratch {
  sx: Float32Array;
  sy: Float32Array;
  iz: Float32Array;
  constructor(n: number) {
    this.sx = new Float32Array(n);
    this.sy = new Float32Array(n);
    this.iz = new Float32Array(n);
  }
}

/** Projects canonical points with the camera into (sx, sy, 1/z). */
export function projectPoints(
  verts: Float32Array,
  cam: Camera,
  out: { sx: Float32Array; sy: Float32Array; iz: Float32Array },
): void {
  const R = cam.R;
  const [tx, ty, tz] = cam.t;
  const { f, cx, cy } = cam;
  const r0 = R[0];
  const r1 = R[1];
  const r2 = R[2];
  const r3 = R[3];
  const r4 = R[4];
  const r5 = R[5];
  const r6 = R[6];
  const r7 = R[7];
  const r8 = R[8];
  const n = verts.length / 3;
  for (let i = 0; i < n; i++) {
    const x = verts[3 * i];
    const y = verts[3 * i + 1];
    const z = verts[3 * i + 2];
    const zc = r6 * x + r7 * y + r8 * z + tz;
    const iz = 1 / zc;
    out.iz[i] = iz;
    out.sx[i] = f * (r0 * x + r1 * y + r2 * z + tx) * iz + cx;
    out.sy[i] = f * (r3 * x + r4 * y + r5 * z + ty) * iz + cy;
  }
}

const TEETH = [226, 220, 204];
const THROAT = [58, 22, 26];

/** Rasterises the face into `target` (see the module comment). `proj` must hold the projected `verts`. */
export function rasterizeFace(
  model: FaceModel,
  proj: ProjectionScratch,
  look: Appearance,
  target: RenderTarget,
): void {
  const { triangles, uvs } = model;
  const seam = model.mouth.triangleFlag;
  const jaw = model.mouth.jawWeight;
  const { sx, sy, iz } = proj;
  const { width: W, height: H, channels: C, data, depth } = target;
  const tex = model.texture[Math.min(look.level, model.texture.length - 1)];
  const tw = tex.width;
  const th = tex.height;
  const pix = C === 1 ? tex.gray : tex.rgb;
  const shade = look.shade;
  const [g0, g1, g2] = look.gain;
  const gY = 0.299 * g0 + 0.587 * g1 + 0.114 * g2;
  const nt = triangles.length / 3;
  for (let t = 0; t < nt; t++) {
    const a = triangles[3 * t];
    const b = triangles[3 * t + 1];
    const c = triangles[3 * t + 2];
    const x0 = sx[a];
    const y0 = sy[a];
    const x1 = sx[b];
    const y1 = sy[b];
    const x2 = sx[c];
    const y2 = sy[c];
    const area = (x1 - x0) * (y2 - y0) - (y1 - y0) * (x2 - x0);
    if (!(area < 0)) continue; // back-facing, degenerate, or behind the camera (NaN)
    let xmin = Math.ceil(Math.min(x0, x1, x2));
    let xmax = Math.floor(Math.max(x0, x1, x2));
    let ymin = Math.ceil(Math.min(y0, y1, y2));
    let ymax = Math.floor(Math.max(y0, y1, y2));
    if (xmin < 0) xmin = 0;
    if (ymin < 0) ymin = 0;
    if (xmax > W - 1) xmax = W - 1;
    if (ymax > H - 1) ymax = H - 1;
    if (xmin > xmax || ymin > ymax) continue;
    const inv = 1 / area;
    const iz0 = iz[a];
    const iz1 = iz[b];
    const iz2 = iz[c];
    const isSeam = seam[t] === 1;
    // attributes divided by z (perspective-correct): u, v, or the jaw weight on the seam
    const u0 = (isSeam ? jaw[a] : uvs[2 * a]) * iz0;
    const u1 = (isSeam ? jaw[b] : uvs[2 * b]) * iz1;
    const u2 = (isSeam ? jaw[c] : uvs[2 * c]) * iz2;
    const v0 = uvs[2 * a + 1] * iz0;
    const v1 = uvs[2 * b + 1] * iz1;
    const v2 = uvs[2 * c + 1] * iz2;
    const s0 = shade[a];
    const s1 = shade[b];
    const s2 = shade[c];
    for (let py = ymin; py <= ymax; py++) {
      for (let px = xmin; px <= xmax; px++) {
        // barycentric weights from edge functions (all ≥ 0 inside for area < 0 after the sign flip)
        const w0 = ((x2 - x1) * (py - y1) - (y2 - y1) * (px - x1)) * inv;
        const w1 = ((x0 - x2) * (py - y2) - (y0 - y2) * (px - x2)) * inv;
        const w2 = 1 - w0 - w1;
        if (w0 < 0 || w1 < 0 || w2 < 0) continue;
        const z = w0 * iz0 + w1 * iz1 + w2 * iz2;
        const o = py * W + px;
        if (z <= depth[o]) continue;
        depth[o] = z;
        const rz = 1 / z;
        const s = w0 * s0 + w1 * s1 + w2 * s2;
        if (isSeam) {
          const jw = (w0 * u0 + w1 * u1 + w2 * u2) * rz;
          const col = jw < 0.22 ? TEETH : THROAT;
          if (C === 1) {
            data[o] = clamp8((0.299 * col[0] + 0.587 * col[1] + 0.114 * col[2]) * s);
          } else {
            data[3 * o] = clamp8(col[0] * s);
            data[3 * o + 1] = clamp8(col[1] * s);
            data[3 * o + 2] = clamp8(col[2] * s);
          }
          continue;
        }
        let u = (w0 * u0 + w1 * u1 + w2 * u2) * rz * tw - 0.5;
        let v = (w0 * v0 + w1 * v1 + w2 * v2) * rz * th - 0.5;
        if (u < 0) u = 0;
        else if (u > tw - 1.001) u = tw - 1.001;
        if (v < 0) v = 0;
        else if (v > th - 1.001) v = th - 1.001;
        const iu = u | 0;
        const iv = v | 0;
        const fu = u - iu;
        const fv = v - iv;
        const k00 = (1 - fu) * (1 - fv);
        const k10 = fu * (1 - fv);
        const k01 = (1 - fu) * fv;
        const k11 = fu * fv;
        const q = iv * tw + iu;
        if (C === 1) {
          const val = k00 * pix[q] + k10 * pix[q + 1] + k01 * pix[q + tw] + k11 * pix[q + tw + 1];
          data[o] = clamp8(val * s * gY);
        } else {
          const q3 = 3 * q;
          const r3 = 3 * tw;
          for (let ch = 0; ch < 3; ch++) {
            const val =
              k00 * pix[q3 + ch] +
              k10 * pix[q3 + 3 + ch] +
              k01 * pix[q3 + r3 + ch] +
              k11 * pix[q3 + r3 + 3 + ch];
            data[3 * o + ch] = clamp8(val * s * (ch === 0 ? g0 : ch === 1 ? g1 : g2));
          }
        }
      }
    }
  }
}

function clamp8(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
}

/**
 * Softens the face's silhouette: every pixel where the face mask (depth > 0) changes between 4-neighbours
 * becomes the mean of its 3×3 neighbourhood (a cheap stand-in for coverage anti-aliasing). `scratch` must
 * hold at least width·height·channels bytes.
 */
export function smoothSilhouette(target: RenderTarget, scratch: Uint8Array): void {
  const { width: W, height: H, channels: C, data, depth } = target;
  scratch.set(data);
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      const o = y * W + x;
      const m = depth[o] > 0;
      if (
        m === depth[o - 1] > 0 &&
        m === depth[o + 1] > 0 &&
        m === depth[o - W] > 0 &&
        m === depth[o + W] > 0
      )
        continue;
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (let dy = -W; dy <= W; dy += W) {
          const q = (o + dy) * C + c;
          acc += scratch[q - C] + scratch[q] + scratch[q + C];
        }
        data[o * C + c] = (acc + 4) / 9;
      }
    }
  }
}
