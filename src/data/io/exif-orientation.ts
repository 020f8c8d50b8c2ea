/**
 * EXIF orientation (tag 0x0112) of JPEG photos, and the pixel transform that shows them upright.
 * Cameras and phones store pixels as the sensor saw them and record the rotation in this tag.
 */
import { ValueError } from '../../errors';
import type { Raster } from '../../types';
import { describe } from '../../util';
import { assertRaster } from './raster-channels';

/**
 * The EXIF orientation of a JPEG (1..8; 1 = as stored), or 1 when there is none or it is unreadable.
 * 2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90° clockwise, 7 transverse, 8 rotate 90° anticlockwise.
 */
export function exifOrientation(b: Uint8Array): number {
  return exifOrientationTag(b)?.orientation ?? 1;
}

/**
 * Where a JPEG's EXIF orientation is stored: its value (1..8), the byte offset of that 16-bit value and
 * its byte order; undefined when there is none. Used to neutralise it before Skia decodes (Skia would
 * otherwise rotate the pixels while drawing into a canvas of the stored size, cropping them).
 */
export function exifOrientationTag(b: Uint8Array): { orientation: number; offset: number; littleEndian: boolean } | undefined {
  if (!(b instanceof Uint8Array) || b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 4 <= b.length && b[i] === 0xff) {
    const m = b[i + 1];
    if (m === 0xda || m === 0xd9) break; // scan data or end: no more metadata
    const len = (b[i + 2] << 8) | b[i + 3];
    if (len < 2) break;
    if (m === 0xe1 && len >= 16 && i + 2 + len <= b.length) {
      const o = fromApp1(b.subarray(i + 4, i + 2 + len));
      // the TIFF data starts 6 bytes ("Exif\0\0") into the segment body at i + 4
      if (o) return { orientation: o.orientation, offset: i + 4 + 6 + o.offset, littleEndian: o.littleEndian };
    }
    i += 2 + len;
  }
  return undefined;
}

function fromApp1(s: Uint8Array): { orientation: number; offset: number; littleEndian: boolean } | undefined {
  // "Exif\0\0" then a TIFF header: "II" (little-endian) or "MM", 42, offset of IFD0.
  if (String.fromCharCode(s[0], s[1], s[2], s[3]) !== 'Exif' || s[4] !== 0 || s[5] !== 0) return undefined;
  const t = s.subarray(6);
  const le = t[0] === 0x49 && t[1] === 0x49;
  if (!le && !(t[0] === 0x4d && t[1] === 0x4d)) return undefined;
  const u16 = (p: number): number => (le ? t[p] | (t[p + 1] << 8) : (t[p] << 8) | t[p + 1]);
  const u32 = (p: number): number =>
    le ? (t[p] | (t[p + 1] << 8) | (t[p + 2] << 16) | (t[p + 3] << 24)) >>> 0 : ((t[p] << 24) | (t[p + 1] << 16) | (t[p + 2] << 8) | t[p + 3]) >>> 0;
  if (t.length < 8 || u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd + 2 > t.length) return undefined;
  const n = u16(ifd);
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + 12 * k;
    if (e + 12 > t.length) return undefined;
    if (u16(e) === 0x0112 && u16(e + 2) === 3) {
      const v = u16(e + 8);
      return v >= 1 && v <= 8 ? { orientation: v, offset: e + 8, littleEndian: le } : undefined;
    }
  }
  return undefined;
}

/** Returns `r` transformed as EXIF orientation `orientation` (1..8) says, so that it shows upright. */
export function orientRaster(r: Raster, orientation: number): Raster {
  assertRaster('orientRaster', 'r', r);
  if (!Number.isInteger(orientation) || orientation < 1 || orientation > 8) {
    throw new ValueError(`orientRaster: argument 'orientation' expected an integer in 1..8, got ${describe(orientation)}`);
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
