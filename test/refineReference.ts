/**
 * The refine stage's descriptor path as it was before the speed work (issue 11), kept verbatim as the reference that
 * the optimised kernels (src/refine/hog.ts, frameKernel.ts, ridge.ts) are tested against: gradients by central
 * differences, the per-sample 4-tap bilinear HOG with bounds checks and atan2, the frame as `cropInto` of one channel,
 * the ridge product in JavaScript one output at a time, and cascadeApply built from them. Saved pipelines were
 * trained with these; the new code must agree (and bench/refine-speed.bench.ts times both).
 */
import { cropInto, inputSpec } from '../src/model/input';
import { shapeFromBox, shapeToBox } from '../src/landmarks/box';
import type { Cascade } from '../src/refine/cascade';
import type { GradientMaps, HogSpec } from '../src/refine/hog';
import type { RidgeModel } from '../src/refine/ridge';
import type { Box, Raster } from '../src/types';

/** The old gradientMaps (no checks). */
export function gradientMapsReference(gray: Float32Array, width: number, height: number): GradientMaps {
  const gx = new Float32Array(width * height);
  const gy = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (x > 0 && x < width - 1) gx[i] = 0.5 * (gray[i + 1] - gray[i - 1]);
      if (y > 0 && y < height - 1) gy[i] = 0.5 * (gray[i + width] - gray[i - width]);
    }
  }
  return { width, height, gx, gy };
}

/** The old cascadeFrame: the gray crop by the model's cropInto, then the gradients. */
export function cascadeFrameReference(image: Raster, box: Box, size: number, margin: number): GradientMaps {
  const gray = new Float32Array(size * size);
  cropInto(image, box, inputSpec('ref', { size, channels: 1, margin }), gray, 0);
  return gradientMapsReference(gray, size, size);
}

/** The old hogDescriptors (no checks): N × cells² · bins values. */
export function hogDescriptorsReference(
  maps: GradientMaps,
  points: Float32Array,
  spec: HogSpec,
): Float32Array {
  const nPoints = points.length / 2;
  const { cells, cellSize, bins } = spec;
  const L = cells * cells * bins;
  const dst = new Float32Array(nPoints * L);
  const { width: W, height: H, gx, gy } = maps;
  const side = cells * cellSize;
  const half = side / 2 - 0.5;
  const binWidth = Math.PI / bins;
  for (let p = 0; p < nPoints; p++) {
    const o = p * L;
    const u0 = points[2 * p] - half;
    const v0 = points[2 * p + 1] - half;
    for (let r = 0; r < side; r++) {
      const v = v0 + r;
      const y0 = Math.floor(v);
      const fy = v - y0;
      const cellRow = Math.floor(r / cellSize) * cells;
      for (let c = 0; c < side; c++) {
        const u = u0 + c;
        const x0 = Math.floor(u);
        const fx = u - x0;
        let sx = 0;
        let sy = 0;
        for (let k = 0; k < 4; k++) {
          const xi = x0 + (k & 1);
          const yi = y0 + (k >> 1);
          if (xi < 0 || yi < 0 || xi >= W || yi >= H) continue;
          const w = (k & 1 ? fx : 1 - fx) * (k >> 1 ? fy : 1 - fy);
          if (w === 0) continue;
          sx += w * gx[yi * W + xi];
          sy += w * gy[yi * W + xi];
        }
        const mag = Math.sqrt(sx * sx + sy * sy);
        if (mag === 0) continue;
        let theta = Math.atan2(sy, sx);
        if (theta < 0) theta += Math.PI;
        if (theta >= Math.PI) theta -= Math.PI;
        const t = theta / binWidth;
        const b0 = Math.floor(t) % bins;
        const frac = t - Math.floor(t);
        const cellBase = o + (cellRow + Math.floor(c / cellSize)) * bins;
        dst[cellBase + b0] += mag * (1 - frac);
        dst[cellBase + ((b0 + 1) % bins)] += mag * frac;
      }
    }
    let ss = 0;
    for (let i = o; i < o + L; i++) ss += dst[i] * dst[i];
    const inv = 1 / Math.sqrt(ss + 1e-6);
    for (let i = o; i < o + L; i++) dst[i] *= inv;
  }
  return dst;
}

/** Wᵀ (m × d) per model, as the old ridgeApply cached it. */
const transposed = new WeakMap<RidgeModel, Float32Array>();

/** The old JavaScript ridge product y = x·W + b (n × m): one output at a time over Wᵀ, two accumulators. */
export function ridgeApplyReference(model: RidgeModel, x: Float32Array): Float32Array {
  const { inputDim: d, outputDim: m, weights, bias } = model;
  let wt = transposed.get(model);
  if (wt === undefined) {
    wt = new Float32Array(d * m);
    for (let i = 0; i < d; i++) for (let j = 0; j < m; j++) wt[j * d + i] = weights[i * m + j];
    transposed.set(model, wt);
  }
  const n = x.length / d;
  const out = new Float32Array(n * m);
  for (let r = 0; r < n; r++) {
    const xo = r * d;
    for (let j = 0; j < m; j++) {
      const wo = j * d;
      let s0 = 0;
      let s1 = 0;
      let i = 0;
      for (; i + 1 < d; i += 2) {
        s0 += x[xo + i] * wt[wo + i];
        s1 += x[xo + i + 1] * wt[wo + i + 1];
      }
      if (i < d) s0 += x[xo + i] * wt[wo + i];
      out[r * m + j] = bias[j] + s0 + s1;
    }
  }
  return out;
}

/** The old cascadeApply on one face, with the reference kernels: the start and every stage's shape, in pixels. */
export function cascadeApplyReference(
  cascade: Cascade,
  image: Raster,
  box: Box,
  start: Float32Array,
  topClass: number,
  stages?: number,
): Float32Array[] {
  const c = cascade.clusterOfClass[topClass];
  const set = (cascade.clusters[c] ?? cascade.global).slice(0, stages);
  const { size, margin } = cascade.frame;
  const maps = cascadeFrameReference(image, box, size, margin);
  const cur = shapeToBox(start, box);
  const k = size / (1 + 2 * margin);
  const out = [shapeFromBox(cur, box)];
  for (const model of set) {
    const pts = Float32Array.from(cur, (v) => (v + margin) * k - 0.5);
    const step = ridgeApplyReference(model, hogDescriptorsReference(maps, pts, cascade.hog));
    for (let i = 0; i < cur.length; i++) cur[i] += step[i];
    out.push(shapeFromBox(cur, box));
  }
  return out;
}
