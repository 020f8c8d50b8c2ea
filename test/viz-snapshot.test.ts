/**
 * Canvas output against stored PNGs with a pixel tolerance (STYLE §11): a face drawn by drawLandmarks
 * and a contactSheet (no captions: fonts differ between machines). On mismatch the new image is written
 * beside the stored one as viz-<name>-changed.png; UPDATE_SNAPSHOTS=1 accepts a change.
 */
import { landmarks, viz, type Raster } from '../src';
import { expectPngSnapshot } from './helpers';

/** Drawing differs slightly between canvas builds (anti-aliasing). */
const TOLERANCE = { mean: 1, offLevel: 16, offFraction: 0.005 };

/** A horizontal gray ramp (deterministic background with structure). */
function ramp(width: number, height: number): Raster {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data[y * width + x] = (x * 255) / (width - 1);
  return { width, height, channels: 1, data };
}

/** The 3D template turned by `yaw` and projected into a 96×96 image. */
function face(yaw: number): Float32Array {
  return landmarks.projectWeakPerspective(landmarks.template3d(), { yaw, pitch: 0, roll: 0 }, 0.45, 48, 52);
}

describe('viz snapshots (PNG, pixel tolerance)', () => {
  it('drawLandmarks of a face with its box matches the stored PNG', () => {
    const s = face(20);
    const img = viz.drawLandmarks(ramp(96, 96), s, { box: landmarks.shapeBox(s), radius: 1.5 });
    expectPngSnapshot('viz-face', img, { tolerance: TOLERANCE });
  });

  it('contactSheet of faces at several yaws matches the stored PNG', () => {
    const faces = [-60, -30, 0, 30, 60].map((yaw) =>
      viz.drawLandmarks(ramp(96, 96), face(yaw), { radius: 1 }),
    );
    expectPngSnapshot('viz-sheet', viz.contactSheet(faces, { columns: 3, cellSize: 64 }), {
      tolerance: TOLERANCE,
    });
  });

  it('drawEllipses and drawHeatmapOverlay over a face match the stored PNG', () => {
    const s = face(-15);
    const n = s.length >> 1;
    const cov = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) cov.set([1 + (i % 5), ((i % 3) - 1) * 0.8, 1.5 + (i % 4) * 0.5], 3 * i);
    // a Gaussian bump on a 16×16 grid laid over the face box
    const heat = new Float32Array(256);
    for (let r = 0; r < 16; r++)
      for (let c = 0; c < 16; c++) heat[r * 16 + c] = Math.exp(-((c - 10) ** 2 + (r - 6) ** 2) / 8);
    const box = landmarks.shapeBox(s);
    const img = viz.drawEllipses(viz.drawHeatmapOverlay(ramp(96, 96), heat, 16, 16, { rect: box }), s, cov, {
      k: 1.5,
    });
    expectPngSnapshot('viz-ellipses-heatmap', img, { tolerance: TOLERANCE });
  });
});
