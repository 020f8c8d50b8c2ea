/**
 * A contact sheet of synthetic faces against a stored PNG (test/snapshots/synth-sheet.png) with a pixel
 * tolerance. On mismatch the new sheet is written beside it as synth-sheet-changed.png; set
 * UPDATE_SNAPSHOTS=1 to accept a change. JPEG artefacts are off (they depend on the codec build).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readImage, writeImage } from '../src/data/io/image';
import { faces } from '../src/data/synth';
import type { Raster } from '../src/types';

const SNAP = path.join(__dirname, 'snapshots', 'synth-sheet.png');
const CHANGED = path.join(__dirname, 'snapshots', 'synth-sheet-changed.png');

/** Tiles equal-size RGB rasters, `columns` per row, 1 px apart (no scaling, no fonts). */
function tile(rasters: Raster[], columns: number): Raster {
  const { width: w, height: h } = rasters[0];
  const rows = Math.ceil(rasters.length / columns);
  const W = columns * (w + 1) + 1;
  const H = rows * (h + 1) + 1;
  const data = new Uint8Array(W * H * 3).fill(255);
  rasters.forEach((r, k) => {
    const ox = (k % columns) * (w + 1) + 1;
    const oy = Math.floor(k / columns) * (h + 1) + 1;
    for (let y = 0; y < h; y++)
      data.set(r.data.subarray(y * w * 3, (y + 1) * w * 3), ((oy + y) * W + ox) * 3);
  });
  return { width: W, height: H, channels: 3, data };
}

describe('synth snapshot', () => {
  it('renders the same contact sheet as the stored PNG (pixel tolerance)', () => {
    const set = faces({ n: 12, seed: 2024, size: 48, channels: 3, preset: 'hard', jpeg: 0 });
    const sheet = tile(
      [...set].map((s) => s.image),
      6,
    );
    if (!fs.existsSync(SNAP) || process.env.UPDATE_SNAPSHOTS === '1') {
      writeImage(SNAP, sheet);
      console.log(`      wrote ${SNAP}`);
      return;
    }
    const ref = readImage(SNAP, { channels: 3 });
    assert.equal(ref.width, sheet.width);
    assert.equal(ref.height, sheet.height);
    let sum = 0;
    let big = 0;
    for (let i = 0; i < ref.data.length; i++) {
      const d = Math.abs(ref.data[i] - sheet.data[i]);
      sum += d;
      if (d > 16) big++;
    }
    const mean = sum / ref.data.length;
    const frac = big / ref.data.length;
    if (mean > 1 || frac > 0.005) {
      writeImage(CHANGED, sheet);
      assert.fail(
        `snapshot differs: mean |diff| ${mean.toFixed(2)}, ${(100 * frac).toFixed(2)}% of values off by > 16; see ${CHANGED}`,
      );
    }
    if (fs.existsSync(CHANGED)) fs.rmSync(CHANGED);
  });
});
