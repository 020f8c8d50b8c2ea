/**
 * Turns menpo3d's textured scan (`james.obj` + `james.ljson`) into the compact mesh the renderer ships with
 * (`data/face/`): one render vertex per distinct (position, uv) pair, the mesh rotated into a canonical frontal
 * frame, and each iBUG-68 landmark anchored to the mesh as a triangle and barycentric weights.
 *
 * Canonical frame (millimetres): the camera convention of src/types.ts (x to the image's right, y down,
 * z away from the viewer), origin at the landmarks' centroid, x normal to the landmarks' best mirror plane,
 * y along brows → chin. Run `npx tsx src/data/synth/faceMeshBuild.ts <dir with james.*> data/face` to rebuild.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createCanvas, Image } from '@napi-rs/canvas';
import { ibug68 } from '../../landmarks/scheme';
import { jamesToIbug } from './jamesMapping';
import { lipSide } from './faceRegions';

/** The mesh as stored in data/face (see faceModel.ts for the loaded form). */
export interface FaceMesh {
  /** Render vertices, canonical frame, mm: x,y,z interleaved. */
  positions: Float32Array;
  /** Texture coordinates in [0,1], origin at the image's top-left: u,v interleaved. */
  uvs: Float32Array;
  /** Vertex indices, three per triangle, wound so that (b−a)×(c−a) points out of the face. */
  triangles: Uint16Array;
  /** The 68 landmarks (iBUG order) in the canonical frame, as given by the scan (before anchoring). */
  landmarks: Float32Array;
  /** Per landmark: the triangle it is anchored to. */
  landmarkTriangle: Int32Array;
  /** Per landmark: barycentric weights (3 each) in that triangle. */
  landmarkBary: Float32Array;
  /** Per landmark: distance (mm) from the scan's point to its anchor on the surface. */
  landmarkDistance: Float32Array;
}

interface Ljson {
  groups: {
    LJSON: {
      labels: Array<{ label: string; mask: number[] }>;
      landmarks: { points: number[][] };
    };
  };
}

/** Closest point on triangle abc to p (Ericson, Real-Time Collision Detection 5.1.5): barycentric weights. */
export function closestBary(p: number[], a: number[], b: number[], c: number[]): [number, number, number] {
  const sub = (u: number[], v: number[]): number[] => [u[0] - v[0], u[1] - v[1], u[2] - v[2]];
  const dot = (u: number[], v: number[]): number => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
  const ab = sub(b, a);
  const ac = sub(c, a);
  const ap = sub(p, a);
  const d1 = dot(ab, ap);
  const d2 = dot(ac, ap);
  if (d1 <= 0 && d2 <= 0) return [1, 0, 0];
  const bp = sub(p, b);
  const d3 = dot(ab, bp);
  const d4 = dot(ac, bp);
  if (d3 >= 0 && d4 <= d3) return [0, 1, 0];
  const vc = d1 * d4 - d3 * d2;
  if (vc <= 0 && d1 >= 0 && d3 <= 0) {
    const v = d1 / (d1 - d3);
    return [1 - v, v, 0];
  }
  const cp = sub(p, c);
  const d5 = dot(ab, cp);
  const d6 = dot(ac, cp);
  if (d6 >= 0 && d5 <= d6) return [0, 0, 1];
  const vb = d5 * d2 - d1 * d6;
  if (vb <= 0 && d2 >= 0 && d6 <= 0) {
    const w = d2 / (d2 - d6);
    return [1 - w, 0, w];
  }
  const va = d3 * d6 - d5 * d4;
  if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) {
    const w = (d4 - d3) / (d4 - d3 + (d5 - d6));
    return [0, 1 - w, w];
  }
  const denom = 1 / (va + vb + vc);
  const v = vb * denom;
  const w = vc * denom;
  return [1 - v - w, v, w];
}

/** The rotation (rows = canonical axes) and origin that bring the scan's landmarks to the canonical frame. */
function canonicalFrame(lm: number[][]): { rows: number[][]; origin: number[] } {
  // Scan frame: x right, y up, z towards the viewer → camera frame (x, −y, −z), a proper rotation.
  const p = lm.map((q) => [q[0], -q[1], -q[2]]);
  const mirror = ibug68.mirror as Int32Array;
  const jaw = ibug68.groups.jaw;
  const across = p[jaw[jaw.length - 1]].map((v, k) => v - p[jaw[0]][k]);
  const n = [0, 0, 0];
  for (let i = 0; i < p.length; i++) {
    const j = mirror[i];
    if (j === i) continue;
    const d = p[j].map((v, k) => v - p[i][k]);
    const s = d[0] * across[0] + d[1] * across[1] + d[2] * across[2] >= 0 ? 1 : -1;
    for (let k = 0; k < 3; k++) n[k] += s * d[k];
  }
  const norm = (v: number[]): number[] => {
    const l = Math.hypot(v[0], v[1], v[2]);
    return v.map((x) => x / l);
  };
  const x = norm(n);
  const mean = (idx: readonly number[]): number[] =>
    [0, 1, 2].map((k) => idx.reduce((s, i) => s + p[i][k], 0) / idx.length);
  const brows = mean([...ibug68.groups.rightBrow, ...ibug68.groups.leftBrow]);
  const chin = mean([jaw[(jaw.length - 1) / 2]]);
  let y = chin.map((v, k) => v - brows[k]);
  const dx = y[0] * x[0] + y[1] * x[1] + y[2] * x[2];
  y = norm(y.map((v, k) => v - dx * x[k]));
  const z = [x[1] * y[2] - x[2] * y[1], x[2] * y[0] - x[0] * y[2], x[0] * y[1] - x[1] * y[0]];
  const origin = mean(Array.from({ length: p.length }, (_, i) => i));
  // rows act on camera-frame points; fold the scan→camera flip into them
  const rows = [x, y, z].map((r) => [r[0], -r[1], -r[2]]);
  const originScan = [origin[0], -origin[1], -origin[2]];
  return { rows, origin: originScan };
}

/** Builds the canonical mesh from the text of james.obj and james.ljson. */
export function buildFaceMesh(objText: string, ljsonText: string): FaceMesh {
  const v: number[][] = [];
  const vt: number[][] = [];
  const faces: Array<Array<[number, number]>> = [];
  for (const line of objText.split('\n')) {
    if (line.startsWith('v ')) v.push(line.trim().split(/\s+/).slice(1, 4).map(Number));
    else if (line.startsWith('vt ')) vt.push(line.trim().split(/\s+/).slice(1, 3).map(Number));
    else if (line.startsWith('f ')) {
      const corners = line
        .trim()
        .split(/\s+/)
        .slice(1)
        .map((c): [number, number] => {
          const [a, b] = c.split('/');
          return [Number(a) - 1, Number(b) - 1];
        });
      for (let k = 1; k + 1 < corners.length; k++) faces.push([corners[0], corners[k], corners[k + 1]]);
    }
  }
  const lj = JSON.parse(ljsonText) as Ljson;
  const perm = jamesToIbug(lj.groups.LJSON.labels);
  const pts = lj.groups.LJSON.landmarks.points;
  const lmScan = Array.from(perm, (j) => pts[j]);
  const { rows, origin } = canonicalFrame(lmScan);
  const toCanon = (q: number[]): number[] => {
    const d = [q[0] - origin[0], q[1] - origin[1], q[2] - origin[2]];
    return rows.map((r) => r[0] * d[0] + r[1] * d[1] + r[2] * d[2]);
  };

  // one render vertex per distinct (position, uv)
  const key = new Map<string, number>();
  const pos: number[] = [];
  const uv: number[] = [];
  const tri: number[] = [];
  for (const f of faces) {
    for (const [vi, ti] of f) {
      const k = `${vi}/${ti}`;
      let idx = key.get(k);
      if (idx === undefined) {
        idx = pos.length / 3;
        key.set(k, idx);
        pos.push(...toCanon(v[vi]));
        uv.push(vt[ti][0], 1 - vt[ti][1]);
      }
      tri.push(idx);
    }
  }
  const positions = Float32Array.from(pos);
  const triangles = Uint16Array.from(tri);
  // wind triangles so normals point towards the camera (−z) on the front of the face, judged by area
  let nz = 0;
  for (let t = 0; t < triangles.length; t += 3) {
    const [a, b, c] = [triangles[t], triangles[t + 1], triangles[t + 2]];
    const ux = positions[3 * b] - positions[3 * a];
    const uy = positions[3 * b + 1] - positions[3 * a + 1];
    const wx = positions[3 * c] - positions[3 * a];
    const wy = positions[3 * c + 1] - positions[3 * a + 1];
    nz += ux * wy - uy * wx;
  }
  if (nz > 0) {
    for (let t = 0; t < triangles.length; t += 3) {
      const s = triangles[t + 1];
      triangles[t + 1] = triangles[t + 2];
      triangles[t + 2] = s;
    }
  }

  const landmarks = Float32Array.from(lmScan.flatMap(toCanon));
  const { landmarkTriangle, landmarkBary, landmarkDistance } = anchorLandmarks(
    positions,
    triangles,
    landmarks,
  );
  return {
    positions,
    uvs: Float32Array.from(uv),
    triangles,
    landmarks,
    landmarkTriangle,
    landmarkBary,
    landmarkDistance,
  };
}

/**
 * Anchors each landmark to the closest point of the surface. Inner-lip points are anchored only to triangles
 * lying wholly on their own side of the lip line, so that they part with their lip when the mouth opens.
 */
function anchorLandmarks(
  positions: Float32Array,
  triangles: Uint16Array,
  landmarks: Float32Array,
): Pick<FaceMesh, 'landmarkTriangle' | 'landmarkBary' | 'landmarkDistance'> {
  const n = landmarks.length / 3;
  const landmarkTriangle = new Int32Array(n);
  const landmarkBary = new Float32Array(3 * n);
  const landmarkDistance = new Float32Array(n);
  const vp = (i: number): number[] => [positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]];
  const side = new Int8Array(positions.length / 3);
  for (let i = 0; i < side.length; i++) side[i] = lipSide(landmarks, positions[3 * i], positions[3 * i + 1]);
  for (let l = 0; l < n; l++) {
    const p = [landmarks[3 * l], landmarks[3 * l + 1], landmarks[3 * l + 2]];
    const want = landmarkLipSide(l);
    let best = Infinity;
    for (let t = 0; t < triangles.length; t += 3) {
      const ia = triangles[t];
      const ib = triangles[t + 1];
      const ic = triangles[t + 2];
      if (want !== 0 && (side[ia] !== want || side[ib] !== want || side[ic] !== want)) continue;
      const a = vp(ia);
      const b = vp(ib);
      const c = vp(ic);
      const w = closestBary(p, a, b, c);
      const q = [0, 1, 2].map((k) => w[0] * a[k] + w[1] * b[k] + w[2] * c[k]);
      const d = Math.hypot(q[0] - p[0], q[1] - p[1], q[2] - p[2]);
      if (d < best) {
        best = d;
        landmarkTriangle[l] = t / 3;
        landmarkBary.set(w, 3 * l);
      }
    }
    landmarkDistance[l] = best;
  }
  return { landmarkTriangle, landmarkBary, landmarkDistance };
}

/** −1 for the upper inner lip, +1 for the lower inner lip, 0 for every other landmark. */
function landmarkLipSide(l: number): number {
  const inner = ibug68.groups.innerLips;
  // inner lips: corner, 3 upper, corner, 3 lower (iBUG order)
  const k = inner.indexOf(l);
  if (k < 0 || k === 0 || k === 4) return 0;
  return k < 4 ? -1 : 1;
}

/** Byte layout of face.bin, recorded in face.json. */
export interface FaceMeshLayout {
  nVertices: number;
  nTriangles: number;
  /** Float32 x,y,z; then Float32 u,v; then Uint16 triangles (little-endian). */
  order: ['positions', 'uvs', 'triangles'];
}

/** Writes face.bin + face.json into `dir` (atomic: temp file then rename). */
export function writeFaceMesh(mesh: FaceMesh, dir: string, source: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const bin = Buffer.concat([
    Buffer.from(mesh.positions.buffer, mesh.positions.byteOffset, mesh.positions.byteLength),
    Buffer.from(mesh.uvs.buffer, mesh.uvs.byteOffset, mesh.uvs.byteLength),
    Buffer.from(mesh.triangles.buffer, mesh.triangles.byteOffset, mesh.triangles.byteLength),
  ]);
  const round = (a: Float32Array, d: number): number[] => Array.from(a, (x) => Number(x.toFixed(d)));
  const json = {
    source,
    licence: 'BSD-3-Clause, menpo3d (Imperial College London and others); see LICENSE.txt',
    units: 'mm',
    frame:
      'canonical frontal: x to the image right, y down, z away from the viewer; origin at the landmarks centroid',
    scheme: 'ibug68',
    layout: {
      nVertices: mesh.positions.length / 3,
      nTriangles: mesh.triangles.length / 3,
      order: ['positions', 'uvs', 'triangles'],
    } satisfies FaceMeshLayout,
    landmarks: round(mesh.landmarks, 4),
    landmarkTriangle: Array.from(mesh.landmarkTriangle),
    landmarkBary: round(mesh.landmarkBary, 6),
    landmarkDistance: round(mesh.landmarkDistance, 4),
  };
  const put = (name: string, data: Buffer | string): void => {
    const tmp = path.join(dir, `.${name}.tmp`);
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, path.join(dir, name));
  };
  put('face.bin', bin);
  put('face.json', JSON.stringify(json, null, 1) + '\n');
}

/** Writes a downscaled copy of the texture as texture.jpg (quality 88), atomically. */
export function writeFaceTexture(srcJpg: string, dir: string, width: number): void {
  const img = new Image();
  img.src = fs.readFileSync(srcJpg);
  const height = Math.round((img.height * width) / img.width);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(img, 0, 0, width, height);
  const tmp = path.join(dir, '.texture.jpg.tmp');
  fs.writeFileSync(tmp, canvas.toBuffer('image/jpeg', 88));
  fs.renameSync(tmp, path.join(dir, 'texture.jpg'));
}

if (require.main === module) {
  const [src, out] = process.argv.slice(2);
  if (src === undefined || out === undefined) {
    console.error('usage: tsx src/data/synth/faceMeshBuild.ts <dir with james.obj, james.ljson> <out dir>');
    process.exit(2);
  }
  const mesh = buildFaceMesh(
    fs.readFileSync(path.join(src, 'james.obj'), 'utf8'),
    fs.readFileSync(path.join(src, 'james.ljson'), 'utf8'),
  );
  writeFaceMesh(mesh, out, 'menpo3d james.obj / james.ljson');
  writeFaceTexture(path.join(src, 'james.jpg'), out, 1200);
  fs.copyFileSync(path.join(src, 'LICENSE.txt'), path.join(out, 'LICENSE.txt'));
  fs.chmodSync(path.join(out, 'LICENSE.txt'), 0o644);
  console.log(
    `wrote ${out}: ${mesh.positions.length / 3} vertices, ${mesh.triangles.length / 3} triangles; ` +
      `landmark-to-surface distance max ${Math.max(...mesh.landmarkDistance).toFixed(3)} mm`,
  );
}
