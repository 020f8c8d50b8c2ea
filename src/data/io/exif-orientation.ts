/**
 * EXIF orientation (tag 0x0112) of JPEG and WebP photos, and the pixel transform that shows them upright.
 * Cameras and phones store pixels as the sensor saw them and record the rotation in this tag.
 */
import { ValueError } from '../../errors';
import type { Raster } from '../../types';
import { describe } from '../../util';
import { assertRaster } from './raster-channels';

/**
 * The EXIF orientation of a JPEG or WebP (1..8; 1 = as stored), or 1 when there is none or it is unreadable.
 * 2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90° clockwise, 7 transverse, 8 rotate 90° anticlockwise.
 */
export function exifOrientation(b: Uint8Array): number {
  return exifOrientationTag(b)?.orientation ?? 1;
}

/**
 * Where a JPEG's or WebP's EXIF orientation is stored: its value (1..8), the byte offset of that 16-bit value and
 * its byte order; undefined when there is none. Used to neutralise it before Skia decodes (Skia would
 * otherwise rotate the pixels while drawing into a canvas of the stored size, cropping them).
 */
export function exifOrientationTag(
  b: Uint8Array,
): { orientation: number; offset: number; littleEndian: boolean } | undefined {
  if (!(b instanceof Uint8Array) || b.length < 16) return undefined;
  if (b[0] === 0xff && b[1] === 0xd8) {
    // JPEG: APP1 segments "Exif\0\0" + TIFF, before the first scan
    let i = 2;
    while (i + 4 <= b.length && b[i] === 0xff) {
      const m = b[i + 1];
      if (m === 0xda || m === 0xd9) break;
      const len = (b[i + 2] << 8) | b[i + 3];
      if (len < 2) break;
      if (m === 0xe1 && i + 2 + len <= b.length) {
        const found = fromExif(b, i + 4, i + 2 + len);
        if (found) return found;
      }
      i += 2 + len;
    }
    return undefined;
  }
  if (String.fromCharCode(b[0], b[1], b[2], b[3], b[8], b[9], b[10], b[11]) === 'RIFFWEBP') {
    // WebP: an "EXIF" chunk holding TIFF data (some writers prefix "Exif\0\0")
    for (let i = 12; i + 8 <= b.length;) {
      const size = (b[i + 4] | (b[i + 5] << 8) | (b[i + 6] << 16) | (b[i + 7] << 24)) >>> 0;
      const end = i + 8 + size;
      if (end > b.length) return undefined;
      if (String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3]) === 'EXIF') return fromExif(b, i + 8, end);
      i = end + (size & 1);
    }
  }
  return undefined;
}

/** Finds the orientation entry of IFD0 in the EXIF data b[start, end) (optionally after "Exif\0\0"). */
function fromExif(
  b: Uint8Array,
  start: number,
  end: number,
): { orientation: number; offset: number; littleEndian: boolean } | undefined {
  let t0 = start;
  if (
    end - start >= 6 &&
    String.fromCharCode(b[start], b[start + 1], b[start + 2], b[start + 3]) === 'Exif'
  ) {
    if (b[start + 4] !== 0 || b[start + 5] !== 0) return undefined;
    t0 = start + 6;
  }
  const n0 = end - t0;
  if (n0 < 8) return undefined;
  const le = b[t0] === 0x49 && b[t0 + 1] === 0x49;
  if (!le && !(b[t0] === 0x4d && b[t0 + 1] === 0x4d)) return undefined;
  const u16 = (p: number): number =>
    le ? b[t0 + p] | (b[t0 + p + 1] << 8) : (b[t0 + p] << 8) | b[t0 + p + 1];
  const u32 = (p: number): number =>
    le ? (u16(p) | (u16(p + 2) << 16)) >>> 0 : ((u16(p) << 16) | u16(p + 2)) >>> 0;
  if (u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd + 2 > n0) return undefined;
  const n = u16(ifd);
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + 12 * k;
    if (e + 12 > n0) return undefined;
    if (u16(e) === 0x0112 && u16(e + 2) === 3) {
      const v = u16(e + 8);
      return v >= 1 && v <= 8 ? { orientation: v, offset: t0 + e + 8, littleEndian: le } : undefined;
    }
  }
  return undefined;
}

/** Returns `r` transformed as EXIF orientation `orientation` (1..8) says, so that it shows upright. */
export function orientRaster(r: Raster, orientation: number): Raster {
  assertRaster('orientRaster', 'r', r);
  if (!Number.isInteger(orientation) || orientation < 1 || orientation > 8) {
    throw new ValueError(
      `orientRaster: argument 'orientation' expected an integer in 1..8, got ${describe(orientation)}`,
    );
  }
  if (orientation === 1) return r;
  const { width: W, height: H, channels: c, data } = r;
  const swap = orientation >= 5;
  const w = swap ? H : W;
  const h = swap ? W : H;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2:
          [sx, sy] = [W - 1 - x, y];
          break;
        case 3:
          [sx, sy] = [W - 1 - x, H - 1 - y];
          break;
        case 4:
          [sx, sy] = [x, H - 1 - y];
          break;
        case 5:
          [sx, sy] = [y, x];
          break;
        case 6:
          [sx, sy] = [y, H - 1 - x];
          break;
        case 7:
          [sx, sy] = [W - 1 - y, H - 1 - x];
          break;
        default:
          [sx, sy] = [W - 1 - y, x];
      }
      const s = (sy * W + sx) * c;
      const d = (y * w + x) * c;
      for (let k = 0; k < c; k++) out[d + k] = data[s + k];
    }
  }
  return { width: w, height: h, channels: c, data: out };
}
