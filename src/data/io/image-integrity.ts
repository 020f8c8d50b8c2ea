/**
 * Structural checks run before the canvas decoder sees the bytes. Skia decodes lazily and draws
 * nothing (or gray) for truncated or corrupt data instead of failing, so without these checks a cut
 * PNG would come back as a black image. (For non-interlaced PNGs, which png-decode.ts decodes, only
 * the chunk structure is checked here.) Each check returns a description of the first problem, or
 * undefined when the container looks complete.
 */
import * as zlib from 'node:zlib';
import { crc32 } from './crc32';
import { ADAM7_PASSES, pngRowBytes } from './png-layout';
import type { ImageHeader } from './image-header';

const be32 = (b: Uint8Array, i: number): number =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const le32 = (b: Uint8Array, i: number): number =>
  (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;

/** The first structural problem of a JPEG, PNG, WebP, GIF or BMP file, if any. */
export function imageIntegrityProblem(b: Uint8Array, h: ImageHeader): string | undefined {
  if (h.width < 1 || h.height < 1)
    return `the ${h.format} header gives no valid size (${h.width}×${h.height})`;
  switch (h.format) {
    case 'png':
      return pngProblem(b, h);
    case 'jpeg':
      return jpegProblem(b);
    case 'webp': {
      const size = le32(b, 4) + 8;
      return b.length < size
        ? `truncated webp: the RIFF header says ${size} bytes, got ${b.length}`
        : undefined;
    }
    case 'bmp': {
      const size = b.length >= 6 ? le32(b, 2) : Infinity;
      return b.length < size ? `truncated bmp: the header says ${size} bytes, got ${b.length}` : undefined;
    }
    case 'gif': {
      let end = b.length - 1;
      while (end > 0 && b[end] === 0) end--;
      return b[end] !== 0x3b ? 'truncated gif: expected the trailer byte 0x3b at the end' : undefined;
    }
    default:
      return undefined;
  }
}

function jpegProblem(b: Uint8Array): string | undefined {
  // Walk the marker segments up to the first scan (SOS), then require an EOI marker after it.
  let i = 2;
  let sos = -1;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return `corrupt jpeg: expected a marker at byte ${i}, got 0x${b[i].toString(16)}`;
    const m = b[i + 1];
    if (m === 0xff) {
      i++;
      continue;
    }
    if (m === 0xd9) return 'corrupt jpeg: end-of-image marker before any scan';
    if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) {
      i += 2;
      continue;
    }
    const len = (b[i + 2] << 8) | b[i + 3];
    if (len < 2) return `corrupt jpeg: segment length ${len} at byte ${i}`;
    if (m === 0xda) {
      sos = i + 2 + len;
      break;
    }
    i += 2 + len;
  }
  if (sos < 0 || sos > b.length) return 'truncated jpeg: expected a scan (SOS marker), got end of file';
  for (let j = b.length - 2; j >= sos; j--) if (b[j] === 0xff && b[j + 1] === 0xd9) return undefined;
  return 'truncated jpeg: expected the end-of-image marker (FF D9), got end of file';
}

function pngProblem(b: Uint8Array, h: ImageHeader): string | undefined {
  const idat: Uint8Array[] = [];
  let seenEnd = false;
  let first = true;
  let i = 8;
  while (i + 12 <= b.length) {
    const len = be32(b, i);
    if (len > b.length - i - 12)
      return `truncated png: chunk at byte ${i} says ${len} bytes, ${b.length - i - 12} left`;
    const type = String.fromCharCode(b[i + 4], b[i + 5], b[i + 6], b[i + 7]);
    if (first && type !== 'IHDR') return `corrupt png: expected IHDR first, got ${JSON.stringify(type)}`;
    first = false;
    const body = b.subarray(i + 8, i + 8 + len);
    if (crc32(b.subarray(i + 4, i + 8), body) !== be32(b, i + 8 + len)) {
      return `corrupt png: CRC mismatch in chunk ${JSON.stringify(type)} at byte ${i}`;
    }
    if (type === 'IDAT') idat.push(body);
    if (type === 'IEND') {
      seenEnd = true;
      break;
    }
    i += 12 + len;
  }
  if (!seenEnd) return 'truncated png: expected an IEND chunk, got end of file';
  if (idat.length === 0) return 'corrupt png: no IDAT chunk';
  const depth = b[24];
  const colorType = b[25];
  const interlace = b[28];
  const allowed: Record<number, number[]> = {
    0: [1, 2, 4, 8, 16],
    2: [8, 16],
    3: [1, 2, 4, 8],
    4: [8, 16],
    6: [8, 16],
  };
  if (!allowed[colorType]?.includes(depth))
    return `corrupt png: bit depth ${depth} is not allowed with color type ${colorType}`;
  if (interlace > 1) return `corrupt png: unknown interlace method ${interlace}`;
  // Non-interlaced files are decoded by png-decode.ts, which inflates and checks the data itself.
  if (interlace === 0) return undefined;
  let expected = 0;
  for (const [x0, y0, dx, dy] of ADAM7_PASSES) {
    const pw = Math.ceil((h.width - x0) / dx);
    const ph = Math.ceil((h.height - y0) / dy);
    if (pw > 0 && ph > 0) expected += ph * (1 + pngRowBytes(pw, colorType, depth));
  }
  let raw: Buffer;
  try {
    raw = zlib.inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch (e) {
    return `corrupt png: the image data does not inflate (${(e as Error).message})`;
  }
  if (raw.length !== expected)
    return `corrupt png: expected ${expected} bytes of image data, got ${raw.length}`;
  return undefined;
}
