/**
 * Canvas output against stored PNGs with a pixel tolerance (STYLE §11): a face drawn by drawLandmarks
 * and a contactSheet (no captions: fonts differ between machines). On mismatch the new image is written
 * beside the stored one as viz-<name>-changed.png; UPDATE_SNAPSHOTS=1 accepts a change.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { landmarks, viz, type Raster } from '../src';
import { readImage, writeImage } from '../src/data/io/image';

/** Mean absolute difference and the fraction of values off by more than 16 levels. */
function pixelDiff(a: Raster, b: Raster): { mean: number; offFraction: number } {
  let sum = 0;
  let off = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i] - b.data[i]);
    sum += d;
    if (d > 16) off++;
  }
  return { mean: sum / a.data.length, offFraction: off / a.data.length };
}

function expectPngSnapshot(name: string, img: Raster): void {
  const file = path.join(__dirname, 'snapshots', `viz-${name}.png`);
  const changed = file.replace(/\.png$/, '-changed.png');
  if (!fs.existsSync(file) || process.env.UPDATE_SNAPSHOTS === '1') {
    writeImage(file, img);
    console.log(`      wrote ${file}`);
    return;
  }
  const ref = readImage(file, { channels: img.channels });
  assert.deepEqual([ref.width, ref.height], [img.width, img.height], `${name}: size`);
  const { mean, offFraction } = pixelDiff(ref, img);
  if (mean > 1 || offFraction > 0.005) {
    writeImage(changed, img);
    assert.fail(
      `${name}: mean |diff| ${mean.toFixed(2)}, ${(100 * offFraction).toFixed(2)}% of values off by > 16; see ${changed}`,
    );
  }
  if (fs.existsSync(changed)) fs.rmSync(changed);
}

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
    expectPngSnapshot('face', img);
  });

  it('contactSheet of faces at several yaws matches the stored PNG', () => {
    const faces = [-60, -30, 0, 30, 60].map((yaw) =>
      viz.drawLandmarks(ramp(96, 96), face(yaw), { radius: 1 }),
    );
    expectPngSnapshot('sheet', viz.contactSheet(faces, { columns: 3, cellSize: 64 }));
  });
});
