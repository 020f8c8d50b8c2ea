/** Tiny data for the model tests: 5-point "faces" drawn as dots, and exemplar class tables built from arrays. */
import * as tf from '@tensorflow/tfjs';
import type { ClassTable } from '../src/classes/types';
import * as engine from '../src/engine';
import type { Box, Raster, Sample } from '../src/types';
import { Rng } from '../src/util/rng';

/** Uses the project's engine (wasm with its training kernels here; `XL_BACKEND` forces one). */
export async function initBackend(): Promise<string> {
  await engine.init();
  return tf.getBackend();
}

/** n samples on size × size gray images: 5 landmarks whose layout shifts with a hidden pose t ∈ [−1, 1]. */
export function tinySamples(n: number, seed: number, size = 32): Sample[] {
  const rng = new Rng(seed);
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const t = rng.uniform(-1, 1);
    const cx = size / 2 + rng.uniform(-1, 1);
    const cy = size / 2 + rng.uniform(-1, 1);
    const s = size * 0.3;
    // eyes, nose, mouth corners; the nose and mouth move with t
    const pts = [
      [-0.5, -0.4],
      [0.5, -0.4],
      [0.45 * t, 0.05],
      [-0.35 + 0.25 * t, 0.5],
      [0.35 + 0.25 * t, 0.5],
    ];
    const landmarks = new Float32Array(10);
    pts.forEach(([x, y], j) => {
      landmarks[2 * j] = cx + x * s;
      landmarks[2 * j + 1] = cy + y * s;
    });
    const data = new Uint8Array(size * size);
    for (let p = 0; p < data.length; p++) data[p] = 20 + rng.int(20);
    for (let j = 0; j < 5; j++) {
      const px = Math.round(landmarks[2 * j]);
      const py = Math.round(landmarks[2 * j + 1]);
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const xx = px + dx;
          const yy = py + dy;
          if (xx >= 0 && yy >= 0 && xx < size && yy < size) data[yy * size + xx] = 230;
        }
    }
    const image: Raster = { width: size, height: size, channels: 1, data };
    const box = bbox(landmarks);
    out.push({ id: `tiny/${seed}/${i}`, image, landmarks, box, source: 'synth', meta: { t } });
  }
  return out;
}

function bbox(s: Float32Array): Box {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < s.length; i += 2) {
    x0 = Math.min(x0, s[i]);
    x1 = Math.max(x1, s[i]);
    y0 = Math.min(y0, s[i + 1]);
    y1 = Math.max(y1, s[i + 1]);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** A class table whose centres are the given box-coordinate shapes (one class per row). */
export function tableFromCenters(centers: Float32Array, nPoints: number, ids?: string[]): ClassTable {
  const K = centers.length / (2 * nPoints);
  const memberOffsets = new Int32Array(K + 1);
  for (let k = 0; k <= K; k++) memberOffsets[k] = k;
  return {
    kind: 'exemplar-landmarks/class-table',
    method: 'exemplar',
    K,
    nPoints,
    scheme: `generic${nPoints}`,
    centers,
    sigma: new Float32Array(K).fill(0.01),
    pose: new Float32Array(K * 3),
    visibility: new Float32Array(K * nPoints).fill(1),
    memberOffsets,
    memberIds: ids ?? Array.from({ length: K }, (_, k) => `c${k}`),
  };
}

/** The exemplar table of samples: each sample's shape in its reference box is a class. */
export function exemplarTable(samples: Sample[]): ClassTable {
  const nPoints = samples[0].landmarks.length / 2;
  const centers = new Float32Array(samples.length * 2 * nPoints);
  samples.forEach((s, i) => {
    const b = s.detection ?? s.box;
    for (let j = 0; j < 2 * nPoints; j += 2) {
      centers[i * 2 * nPoints + j] = (s.landmarks[j] - b.x) / b.width;
      centers[i * 2 * nPoints + j + 1] = (s.landmarks[j + 1] - b.y) / b.height;
    }
  });
  return tableFromCenters(
    centers,
    nPoints,
    samples.map((s) => s.id),
  );
}

/** A random table of K classes around a unit-square layout. */
export function randomTable(K: number, nPoints: number, seed: number): ClassTable {
  const rng = new Rng(seed);
  const c = new Float32Array(K * 2 * nPoints);
  for (let i = 0; i < c.length; i++) c[i] = rng.uniform(0, 1);
  return tableFromCenters(c, nPoints);
}
