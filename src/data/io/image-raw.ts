/**
 * Prepares image bytes for Skia so that it returns the pixels as stored, like PIL and OpenCV do
 * (what landmark annotations refer to), instead of display-corrected ones:
 * - colour management is disabled by removing colour-profile data (PNG gAMA, cHRM, iCCP, sRGB, cICP;
 *   JPEG APP2 ICC_PROFILE; WebP ICCP), which Skia would otherwise convert to sRGB (a PNG with
 *   gAMA 1.0 changed pixel values by up to 73 levels);
 * - an EXIF orientation is set to 1, because Skia rotates while drawing into a canvas of the stored
 *   size and so crops rotated photos (readImage applies the orientation itself when asked).
 * The input is never modified; a copy is made only when something has to change.
 */
import { exifOrientationTag } from './exif-orientation';
import type { ImageFormat } from './image-header';

const PNG_COLOR_CHUNKS = new Set(['gAMA', 'cHRM', 'iCCP', 'sRGB', 'cICP']);

/** The bytes to give Skia for an image of `format` (see the module comment). */
export function rawPixelBytes(bytes: Uint8Array, format: ImageFormat): Uint8Array {
  let out = bytes;
  if (format === 'png') out = stripPng(out);
  else if (format === 'jpeg') out = stripJpeg(out);
  else if (format === 'webp') out = stripWebp(out);
  if (format === 'jpeg' || format === 'webp') {
    const exif = exifOrientationTag(out);
    if (exif && exif.orientation !== 1) {
      if (out === bytes) out = Uint8Array.from(bytes);
      out[exif.offset] = exif.littleEndian ? 1 : 0;
      out[exif.offset + 1] = exif.littleEndian ? 0 : 1;
    }
  }
  return out;
}

const be32 = (b: Uint8Array, i: number): number =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const ascii4 = (b: Uint8Array, i: number): string => String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3]);

function stripPng(b: Uint8Array): Uint8Array {
  const keep: Uint8Array[] = [b.subarray(0, 8)];
  let removed = false;
  let i = 8;
  while (i + 12 <= b.length) {
    const end = i + 12 + be32(b, i);
    if (end > b.length) break; // integrity checks run before; keep the rest as is
    const type = ascii4(b, i + 4);
    if (PNG_COLOR_CHUNKS.has(type)) removed = true;
    else keep.push(b.subarray(i, end));
    i = end;
    if (type === 'IEND') break;
  }
  if (!removed) return b;
  keep.push(b.subarray(i));
  return Buffer.concat(keep);
}

function stripJpeg(b: Uint8Array): Uint8Array {
  const keep: Uint8Array[] = [b.subarray(0, 2)];
  let removed = false;
  let i = 2;
  while (i + 4 <= b.length && b[i] === 0xff) {
    const m = b[i + 1];
    if (m === 0xda || m === 0xd9 || m === 0xff) break;
    const end = i + 2 + ((b[i + 2] << 8) | b[i + 3]);
    if (end > b.length || end < i + 4) break;
    const isIcc =
      m === 0xe2 && end - i >= 16 && String.fromCharCode(...b.subarray(i + 4, i + 16)) === 'ICC_PROFILE\0';
    if (isIcc) removed = true;
    else keep.push(b.subarray(i, end));
    i = end;
  }
  if (!removed) return b;
  keep.push(b.subarray(i));
  return Buffer.concat(keep);
}

function stripWebp(b: Uint8Array): Uint8Array {
  const keep: Uint8Array[] = [b.subarray(0, 12)];
  let removed = false;
  let i = 12;
  while (i + 8 <= b.length) {
    const size = (b[i + 4] | (b[i + 5] << 8) | (b[i + 6] << 16) | (b[i + 7] << 24)) >>> 0;
    const end = Math.min(b.length, i + 8 + size + (size & 1));
    if (ascii4(b, i) === 'ICCP') removed = true;
    else keep.push(b.subarray(i, end));
    i = end;
  }
  if (!removed) return b;
  keep.push(b.subarray(i));
  const out = Buffer.concat(keep);
  out.writeUInt32LE(out.length - 8, 4); // RIFF size
  if (ascii4(out, 12) === 'VP8X') out[20] &= ~0x20; // "ICC profile present" flag
  return out;
}
