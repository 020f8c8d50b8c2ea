/** RGBA views of rasters for canvases (channel conversion itself is io's `rasterToChannels`). */
import { rasterToChannels } from '../data/io/raster-channels';
import type { Raster } from '../types';

/** RGBA bytes of a (validated) raster, as canvases want them; alpha 255 when the raster has none. */
export function rasterToRgba(r: Raster): Uint8ClampedArray {
  const d = rasterToChannels(r, 4).data;
  return new Uint8ClampedArray(d.buffer, d.byteOffset, d.byteLength);
}

/** A new raster with `channels` 3 (alpha dropped) or 4 from a canvas's RGBA bytes (copied). */
export function rasterFromRgba(
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
  channels: 3 | 4,
): Raster {
  const rgbaRaster: Raster = { width, height, channels: 4, data: new Uint8Array(rgba) };
  return channels === 4 ? rgbaRaster : rasterToChannels(rgbaRaster, 3);
}
