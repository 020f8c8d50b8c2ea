/** Left-right mirror of a Raster. */
import type { Raster } from '../../types';

/** A new raster with columns in reverse order (x → width − 1 − x), any channel count. */
export function rasterFlip(r: Raster): Raster {
  const { width, height, channels, data } = r;
  const out = new Uint8Array(data.length);
  const row = width * channels;
  for (let y = 0; y < height; y++) {
    const base = y * row;
    for (let x = 0; x < width; x++) {
      const s = base + x * channels;
      const d = base + (width - 1 - x) * channels;
      for (let c = 0; c < channels; c++) out[d + c] = data[s + c];
    }
  }
  return { width, height, channels, data: out };
}
