/**
 * A contact sheet of synthetic faces against a stored PNG (test/snapshots/synth-sheet.png) with a pixel
 * tolerance. On mismatch the new sheet is written beside it as synth-sheet-changed.png; set
 * UPDATE_SNAPSHOTS=1 to accept a change. JPEG artefacts are off (they depend on the codec build).
 */
import { faces } from '../src/data/synth';
import type { Raster } from '../src/types';
import { expectPngSnapshot } from './helpers';

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
    expectPngSnapshot('synth-sheet', sheet, { tolerance: { mean: 1, offLevel: 16, offFraction: 0.005 } });
  });
});
