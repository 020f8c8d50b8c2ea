/** Channel conversion between grayscale, RGB and RGBA rasters, and raster validation. */
import { ShapeError, ValueError } from '../../errors';
import type { Raster } from '../../types';
import { describe } from '../../util';

/**
 * Returns `r` converted to `channels` (1 = gray, 3 = RGB, 4 = RGBA); `r` itself when it already has
 * them. Color → gray uses the ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B, rounded); gray → color
 * repeats the value; dropping alpha keeps the color as stored (no compositing); adding alpha makes
 * the raster opaque (255).
 */
export function rasterToChannels(r: Raster, channels: 1 | 3 | 4): Raster {
  assertRaster('rasterToChannels', 'r', r);
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new ValueError(
      `rasterToChannels: argument 'channels' expected 1, 3 or 4, got ${describe(channels)}`,
    );
  }
  const from = r.channels;
  if (from === channels) return r;
  const n = r.width * r.height;
  const src = r.data;
  const dst = new Uint8Array(n * channels);
  if (channels === 1) {
    for (let i = 0, s = 0; i < n; i++, s += from) {
      dst[i] = Math.round(0.299 * src[s] + 0.587 * src[s + 1] + 0.114 * src[s + 2]);
    }
  } else if (from === 1) {
    for (let i = 0, d = 0; i < n; i++, d += channels) {
      const v = src[i];
      dst[d] = v;
      dst[d + 1] = v;
      dst[d + 2] = v;
      if (channels === 4) dst[d + 3] = 255;
    }
  } else {
    for (let i = 0, s = 0, d = 0; i < n; i++, s += from, d += channels) {
      dst[d] = src[s];
      dst[d + 1] = src[s + 1];
      dst[d + 2] = src[s + 2];
      if (channels === 4) dst[d + 3] = 255;
    }
  }
  return { width: r.width, height: r.height, channels, data: dst };
}

/** Checks that `r` is a well-formed Raster (positive integer size, 1/3/4 channels, matching data length). */
export function assertRaster(fn: string, name: string, r: unknown): asserts r is Raster {
  const x = r as Partial<Raster> | null;
  if (x === null || typeof x !== 'object') {
    throw new ValueError(`${fn}: argument '${name}' expected a Raster, got ${describe(r)}`);
  }
  const { width, height, channels, data } = x;
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    (width as number) < 1 ||
    (height as number) < 1
  ) {
    throw new ShapeError(
      `${fn}: argument '${name}' expected positive integer width and height, got ${describe(width)}×${describe(height)}`,
    );
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new ShapeError(`${fn}: argument '${name}.channels' expected 1, 3 or 4, got ${describe(channels)}`);
  }
  if (!(data instanceof Uint8Array)) {
    throw new ShapeError(`${fn}: argument '${name}.data' expected a Uint8Array, got ${describe(data)}`);
  }
  const want = (width as number) * (height as number) * channels;
  if (data.length !== want) {
    throw new ShapeError(
      `${fn}: argument '${name}.data' expected length ${want} (${width}×${height}×${channels}), got length ${data.length}`,
    );
  }
}
