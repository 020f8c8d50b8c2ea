/**
 * One face from its parameters: warp the mesh (blend modes), frame it with a pinhole camera, draw the
 * background, rasterise, derive landmarks with their self-occlusion (z-buffer) and occluder flags, then
 * degrade the image. Holds the scratch buffers, so a FaceRenderer is reused across a stream.
 */
import { poseRotation } from '../../landmarks/pose';
import { shapeBox } from '../../landmarks/box';
import type { Box, Raster } from '../../types';
import { Rng } from '../../util/rng';
import { drawBackground } from './background';
import { type ContourLine, buildContourLines, slideJawToSilhouette } from './jawContour';
import { applyBlendModes } from './blendShapes';
import { addNoise, gaussianBlur, jpegArtefacts, lowResolution, motionBlur } from './degrade';
import type { FaceModel } from './faceModel';
import { BLOTCH_FREQUENCIES, type FaceParams } from './faceParams';
import { type Occluder, drawOccluder, occluderInside } from './occluders';
import type { BackgroundKind, Resolved } from './options';
import { type Camera, ProjectionScratch, projectPoints, rasterizeFace, smoothSilhouette } from './rasterize';

/** Depth tolerance (mm) of the visibility test: a landmark at most this far behind the z-buffer is visible. */
export const VISIBILITY_DEPTH_TOLERANCE_MM = 4;

/** The scan's photo is dark (studio light on a dark backdrop): a constant gain brings skin to mid-grey. */
const TEXTURE_GAIN = 1.45;

export interface RenderedFace {
  image: Raster;
  /** 2D landmarks (px). */
  landmarks: Float32Array;
  /** 3D landmarks in the camera frame (mm): landmarks = f·(x/z, y/z) + (cx, cy). */
  landmarks3d: Float32Array;
  visibility: Uint8Array;
  occlusion: Uint8Array;
  box: Box;
  camera: Camera;
  /** The warped mesh in the head frame (mm); valid until the next render. */
  verts: Float32Array;
  /** 1/z per pixel after rasterising (0 = background); valid until the next render. */
  depth: Float32Array;
  occluder: Occluder | null;
  /** Mip level the texture was sampled at. */
  level: number;
}

/** What a render needs besides the face parameters. */
export interface RenderSpec {
  width: number;
  height: number;
  channels: 1 | 3;
  background: BackgroundKind;
  /** Chooses the occluder once the landmarks and box are known (null = none). */
  occluder: (landmarks: Float32Array, box: Box) => Occluder | null;
  /** Random draws of the degradations (noise). */
  rng: Rng;
  /** Slide hidden jaw landmarks to the silhouette (300-W convention) instead of keeping the 3D points. */
  jawContour: boolean;
}

/** The part of a RenderSpec that the resolved options fix (size, channels, background, jaw convention). */
export function renderSpecOf(o: Resolved): Omit<RenderSpec, 'occluder' | 'rng'> {
  return {
    width: o.width,
    height: o.height,
    channels: o.channels,
    background: o.background,
    jawContour: o.jaw === 'contour',
  };
}

/**
 * The z-buffer test of a point at depth z (mm) seen at pixel (px, py): true when, at one of the pixels of
 * its 3×3 neighbourhood, nothing is drawn or the drawn surface is at most the tolerance in front of it
 * (a sub-pixel point on a silhouette is tested against both sides of the edge).
 */
export function inFrontOfZBuffer(
  depth: Float32Array,
  W: number,
  H: number,
  px: number,
  py: number,
  z: number,
): boolean {
  for (let dy = -1; dy <= 1; dy++) {
    const y = py + dy;
    if (y < 0 || y >= H) continue;
    for (let dx = -1; dx <= 1; dx++) {
      const x = px + dx;
      if (x < 0 || x >= W) continue;
      const d = depth[y * W + x];
      if (d === 0 || z <= 1 / d + VISIBILITY_DEPTH_TOLERANCE_MM) return true;
    }
  }
  return false;
}

export class FaceRenderer {
  private readonly verts: Float32Array;
  private readonly proj: ProjectionScratch;
  private readonly shade: Float32Array;
  private depth = new Float32Array(0);
  private scratch = new Uint8Array(0);
  private contour: ContourLine[] | null = null;
  private readonly sinX: Float32Array[];
  private readonly cosX: Float32Array[];
  private readonly sinY: Float32Array[];
  private readonly cosY: Float32Array[];

  constructor(readonly model: FaceModel) {
    const table = (axis: number, fn: (v: number) => number): Float32Array[] =>
      BLOTCH_FREQUENCIES.map((f) =>
        Float32Array.from({ length: model.nVertices }, (_, i) => fn(f * model.positions[3 * i + axis])),
      );
    this.sinX = table(0, Math.sin);
    this.cosX = table(0, Math.cos);
    this.sinY = table(1, Math.sin);
    this.cosY = table(1, Math.cos);
    this.verts = new Float32Array(model.positions.length);
    this.proj = new ProjectionScratch(model.nVertices);
    this.shade = new Float32Array(model.nVertices);
  }

  render(p: FaceParams, spec: RenderSpec): RenderedFace {
    const m = this.model;
    const { width: W, height: H, channels: C } = spec;
    const nl = m.landmarkTriangle.length;
    applyBlendModes(m.positions, m.modes, { ...p.identity, ...p.expression }, this.verts);
    const verts = this.verts;
    // landmarks in the head frame: barycentric points of their anchor triangles
    const head = new Float32Array(3 * nl);
    for (let l = 0; l < nl; l++) {
      const t = m.landmarkTriangle[l];
      for (let k = 0; k < 3; k++) {
        const v = 3 * m.triangles[3 * t + k];
        const w = m.landmarkBary[3 * l + k];
        head[3 * l] += w * verts[v];
        head[3 * l + 1] += w * verts[v + 1];
        head[3 * l + 2] += w * verts[v + 2];
      }
    }
    const R = poseRotation(p.pose);
    const tz = p.distance;
    // frame: scale and centre so the landmark box has the requested size and offset
    const unit = { sx: new Float32Array(nl), sy: new Float32Array(nl), iz: new Float32Array(nl) };
    projectPoints(head, { R, t: [0, 0, tz], f: 1, cx: 0, cy: 0 }, unit);
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let l = 0; l < nl; l++) {
      x0 = Math.min(x0, unit.sx[l]);
      x1 = Math.max(x1, unit.sx[l]);
      y0 = Math.min(y0, unit.sy[l]);
      y1 = Math.max(y1, unit.sy[l]);
    }
    const f = (p.faceSize * Math.min(W, H)) / Math.max(x1 - x0, y1 - y0);
    const camera: Camera = {
      R,
      t: [0, 0, tz],
      f,
      cx: (W - 1) / 2 + p.offset[0] * W - (f * (x0 + x1)) / 2,
      cy: (H - 1) / 2 + p.offset[1] * H - (f * (y0 + y1)) / 2,
    };
    projectPoints(verts, camera, this.proj);
    // per-vertex light from rotated normals
    const [lx, ly, lz] = p.light.dir;
    const n = m.normals;
    const shade = this.shade;
    const amb = p.light.ambient;
    const dif = p.light.diffuse;
    // light direction in the head frame (Rᵀ·l), so each vertex needs one dot product
    const hlx = R[0] * lx + R[3] * ly + R[6] * lz;
    const hly = R[1] * lx + R[4] * ly + R[7] * lz;
    const hlz = R[2] * lx + R[5] * ly + R[8] * lz;
    const { amp, fx, fy, px: bx, py: by } = p.blotch;
    // sin(f·x + b) = sin(f·x)·cos b + cos(f·x)·sin b, from per-vertex tables
    const [sxf, cxf, syf, cyf] = [this.sinX[fx], this.cosX[fx], this.sinY[fy], this.cosY[fy]];
    const cbx = amp * Math.cos(bx);
    const sbx = amp * Math.sin(bx);
    const cby = Math.cos(by);
    const sby = Math.sin(by);
    for (let i = 0; i < m.nVertices; i++) {
      const d = n[3 * i] * hlx + n[3 * i + 1] * hly + n[3 * i + 2] * hlz;
      const blotch = 1 + (sxf[i] * cbx + cxf[i] * sbx) * (syf[i] * cby + cyf[i] * sby);
      shade[i] = (d > 0 ? amb + dif * d : amb) * blotch;
    }
    const level = Math.max(0, Math.floor(Math.log2((m.texelsPerMm * tz) / f) + 0.3));
    const data = new Uint8Array(W * H * C);
    drawBackground(new Rng(p.backgroundSeed), spec.background, data, W, H, C);
    if (this.depth.length !== W * H) this.depth = new Float32Array(W * H);
    const depth = this.depth;
    depth.fill(0);
    const k = TEXTURE_GAIN;
    const gain: [number, number, number] = [
      k * p.skin[0] * p.tint[0],
      k * p.skin[1] * p.tint[1],
      k * p.skin[2] * p.tint[2],
    ];
    const target = { width: W, height: H, channels: C, data, depth };
    rasterizeFace(m, this.proj, { shade: this.shade, level, gain }, target);
    if (this.scratch.length < data.length) this.scratch = new Uint8Array(data.length);
    smoothSilhouette(target, this.scratch);

    // landmarks: camera frame, pixels, visibility (facing the camera and not behind the z-buffer)
    const landmarks3d = new Float32Array(3 * nl);
    const landmarks = new Float32Array(2 * nl);
    const visibility = new Uint8Array(nl);
    for (let l = 0; l < nl; l++) {
      const X = head[3 * l];
      const Y = head[3 * l + 1];
      const Z = head[3 * l + 2];
      const xc = R[0] * X + R[1] * Y + R[2] * Z;
      const yc = R[3] * X + R[4] * Y + R[5] * Z;
      const zc = R[6] * X + R[7] * Y + R[8] * Z + tz;
      landmarks3d.set([xc, yc, zc], 3 * l);
      const u = (f * xc) / zc + camera.cx;
      const v = (f * yc) / zc + camera.cy;
      landmarks[2 * l] = u;
      landmarks[2 * l + 1] = v;
      // smooth normal at the anchor (canonical vertex normals; the warps barely turn them)
      const t = m.landmarkTriangle[l];
      let hx = 0;
      let hy = 0;
      let hz = 0;
      for (let k = 0; k < 3; k++) {
        const vi = 3 * m.triangles[3 * t + k];
        const w = m.landmarkBary[3 * l + k];
        hx += w * n[vi];
        hy += w * n[vi + 1];
        hz += w * n[vi + 2];
      }
      // facing the camera (grazing allowed: cos > −0.05 between the normal and the line of sight)
      const nxc = R[0] * hx + R[1] * hy + R[2] * hz;
      const nyc = R[3] * hx + R[4] * hy + R[5] * hz;
      const nzc = R[6] * hx + R[7] * hy + R[8] * hz;
      const dot = nxc * xc + nyc * yc + nzc * zc;
      let vis = dot < 0.05 * Math.hypot(nxc, nyc, nzc) * Math.hypot(xc, yc, zc);
      const px = Math.round(u);
      const py = Math.round(v);
      if (vis && px >= 0 && py >= 0 && px < W && py < H) vis = inFrontOfZBuffer(depth, W, H, px, py, zc);
      visibility[l] = vis ? 1 : 0;
    }
    if (spec.jawContour) {
      this.contour ??= buildContourLines(m);
      slideJawToSilhouette(this.contour, {
        ...this.proj,
        f,
        cx: camera.cx,
        cy: camera.cy,
        visibleAt: (px, py, z) => inFrontOfZBuffer(depth, W, H, px, py, z),
        width: W,
        height: H,
        landmarks,
        landmarks3d,
        visibility,
      });
    }
    const box = shapeBox(landmarks);
    const occluder = spec.occluder(landmarks, box);
    const occlusion = new Uint8Array(nl);
    if (occluder !== null) {
      drawOccluder(occluder, data, W, H, C);
      for (let l = 0; l < nl; l++)
        occlusion[l] = occluderInside(occluder, landmarks[2 * l], landmarks[2 * l + 1]) ? 1 : 0;
    }
    const image: Raster = { width: W, height: H, channels: C, data };
    if (p.lowRes > 1) lowResolution(data, W, H, C, p.lowRes);
    if (p.blur > 0) gaussianBlur(data, W, H, C, p.blur);
    if (p.motion.length > 0) motionBlur(data, W, H, C, p.motion.length, p.motion.angle);
    if (p.noise > 0) addNoise(spec.rng, data, p.noise);
    if (p.jpeg > 0) jpegArtefacts(data, W, H, C, p.jpeg);
    return {
      image,
      landmarks,
      landmarks3d,
      visibility,
      occlusion,
      box,
      camera,
      verts,
      depth,
      occluder,
      level,
    };
  }
}
