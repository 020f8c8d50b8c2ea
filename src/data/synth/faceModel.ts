/**
 * The renderable face: the canonical mesh from data/face (see faceMeshBuild.ts), its texture as a mip
 * pyramid (RGB and gray), vertex normals, blend modes and the mouth interior. Loaded once per process.
 */
import * as fs from 'node:fs';
import { decodeImage } from '../io/image';
import { FormatError } from '../../errors';
import { dataPath } from '../../util/paths';
import { type BlendMode, type MouthInterior, buildBlendModes, buildMouthInterior } from './blendShapes';

/** One level of the texture pyramid. */
export interface TextureLevel {
  width: number;
  height: number;
  rgb: Uint8Array;
  gray: Uint8Array;
}

/** The loaded face: mesh, landmark anchors, texture pyramid and blend modes (see `loadFaceModel`). */
export interface FaceModel {
  nVertices: number;
  /** Canonical positions (mm), x,y,z interleaved. */
  positions: Float32Array;
  /** Texture coordinates in [0,1] (origin top-left). */
  uvs: Float32Array;
  triangles: Uint16Array;
  /** Unit vertex normals of the canonical mesh (pointing out of the face). */
  normals: Float32Array;
  /** The 68 landmarks (canonical, mm), as given by the scan. */
  landmarks: Float32Array;
  landmarkTriangle: Int32Array;
  landmarkBary: Float32Array;
  /** Level 0 = the stored texture; each next level half the size. */
  texture: TextureLevel[];
  /** Texels of level 0 per millimetre of surface (median over edges). */
  texelsPerMm: number;
  modes: BlendMode[];
  mouth: MouthInterior;
}

let cached: FaceModel | null = null;

/** Loads (once) the face shipped in data/face. */
export function loadFaceModel(): FaceModel {
  if (cached !== null) return cached;
  const dir = dataPath('face');
  const meta = JSON.parse(fs.readFileSync(`${dir}/face.json`, 'utf8')) as {
    layout: { nVertices: number; nTriangles: number };
    landmarks: number[];
    landmarkTriangle: number[];
    landmarkBary: number[];
  };
  const bin = fs.readFileSync(`${dir}/face.bin`);
  const { nVertices, nTriangles } = meta.layout;
  const expected = nVertices * 20 + nTriangles * 6;
  if (bin.length !== expected) {
    throw new FormatError(`loadFaceModel: ${dir}/face.bin: expected ${expected} bytes, got ${bin.length}`, {
      file: `${dir}/face.bin`,
    });
  }
  const buf = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length);
  const positions = new Float32Array(buf, 0, nVertices * 3);
  const uvs = new Float32Array(buf, nVertices * 12, nVertices * 2);
  const triangles = new Uint16Array(buf, nVertices * 20, nTriangles * 3);
  const landmarks = Float32Array.from(meta.landmarks);
  const tex = decodeImage(fs.readFileSync(`${dir}/texture.jpg`), { channels: 3, file: `${dir}/texture.jpg` });
  const texture = mipPyramid(tex.width, tex.height, tex.data);
  cached = {
    nVertices,
    positions,
    uvs,
    triangles,
    normals: vertexNormals(positions, triangles),
    landmarks,
    landmarkTriangle: Int32Array.from(meta.landmarkTriangle),
    landmarkBary: Float32Array.from(meta.landmarkBary),
    texture,
    texelsPerMm: texelsPerMm(positions, uvs, triangles, tex.width, tex.height),
    modes: buildBlendModes(positions, landmarks),
    mouth: buildMouthInterior(positions, triangles, landmarks),
  };
  return cached;
}

function vertexNormals(p: Float32Array, tri: Uint16Array): Float32Array {
  const n = new Float32Array(p.length);
  for (let t = 0; t < tri.length; t += 3) {
    const a = 3 * tri[t];
    const b = 3 * tri[t + 1];
    const c = 3 * tri[t + 2];
    const ux = p[b] - p[a];
    const uy = p[b + 1] - p[a + 1];
    const uz = p[b + 2] - p[a + 2];
    const vx = p[c] - p[a];
    const vy = p[c + 1] - p[a + 1];
    const vz = p[c + 2] - p[a + 2];
    const nx = uy * vz - uz * vy;
    const ny = uz * vx - ux * vz;
    const nz = ux * vy - uy * vx;
    for (const o of [a, b, c]) {
      n[o] += nx;
      n[o + 1] += ny;
      n[o + 2] += nz;
    }
  }
  for (let i = 0; i < n.length; i += 3) {
    const l = Math.hypot(n[i], n[i + 1], n[i + 2]) || 1;
    n[i] /= l;
    n[i + 1] /= l;
    n[i + 2] /= l;
  }
  return n;
}

function texelsPerMm(p: Float32Array, uv: Float32Array, tri: Uint16Array, w: number, h: number): number {
  const r: number[] = [];
  for (let t = 0; t < tri.length; t += 3) {
    const a = tri[t];
    const b = tri[t + 1];
    const mm = Math.hypot(p[3 * b] - p[3 * a], p[3 * b + 1] - p[3 * a + 1], p[3 * b + 2] - p[3 * a + 2]);
    const tx = Math.hypot((uv[2 * b] - uv[2 * a]) * w, (uv[2 * b + 1] - uv[2 * a + 1]) * h);
    if (mm > 1e-6) r.push(tx / mm);
  }
  r.sort((x, y) => x - y);
  return r[r.length >> 1];
}

/** Box-filtered pyramid down to 8 px. */
function mipPyramid(width: number, height: number, rgb: Uint8Array): TextureLevel[] {
  const gray = (d: Uint8Array): Uint8Array => {
    const g = new Uint8Array(d.length / 3);
    for (let i = 0; i < g.length; i++) {
      g[i] = Math.round(0.299 * d[3 * i] + 0.587 * d[3 * i + 1] + 0.114 * d[3 * i + 2]);
    }
    return g;
  };
  const levels: TextureLevel[] = [{ width, height, rgb, gray: gray(rgb) }];
  for (;;) {
    const prev = levels[levels.length - 1];
    if (prev.width < 16 || prev.height < 16) break;
    const w = prev.width >> 1;
    const h = prev.height >> 1;
    const d = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 3; c++) {
          const s =
            prev.rgb[(2 * y * prev.width + 2 * x) * 3 + c] +
            prev.rgb[(2 * y * prev.width + 2 * x + 1) * 3 + c] +
            prev.rgb[((2 * y + 1) * prev.width + 2 * x) * 3 + c] +
            prev.rgb[((2 * y + 1) * prev.width + 2 * x + 1) * 3 + c];
          d[(y * w + x) * 3 + c] = (s + 2) >> 2;
        }
      }
    }
    levels.push({ width: w, height: h, rgb: d, gray: gray(d) });
  }
  return levels;
}
