/**
 * Images in and out as {@link Raster}s: JPEG, PNG (palette included), WebP, GIF and BMP decode through
 * @napi-rs/canvas (Skia); Netpbm (PBM/PGM/PPM) is parsed here. The default channel count is the one
 * the file stores (a grayscale JPEG gives 1 channel, a palette PNG 3, a PNG with alpha 4).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Image, createCanvas } from '@napi-rs/canvas';
import { FormatError, ValueError } from '../../errors';
import type { Raster } from '../../types';
import { assertInteger, assertOneOf, describe } from '../../util';
import { writeFileAtomic } from './atomic';
import { exifOrientation, orientRaster } from './exif-orientation';
import { rawPixelBytes } from './image-raw';
import { type ImageFormat, readImageHeader } from './image-header';
import { imageIntegrityProblem } from './image-integrity';
import { encodeNetpbm, parseNetpbm } from './netpbm';
import { decodePng } from './png-decode';
import { encodePng } from './png-encode';
import { assertRaster, rasterToChannels } from './raster-channels';
import { fileLabel } from './text';

/** Options of {@link readImage} and {@link decodeImage}. */
export interface ReadImageOptions {
  /** Channels of the result (1 gray, 3 RGB, 4 RGBA). @default the channels the file stores */
  channels?: 1 | 3 | 4;
  /** Refuse images with more pixels than this before decoding them. @default 2 ** 28 */
  maxPixels?: number;
  /** File name for error messages (decodeImage only; readImage uses its path). @default '<input>' */
  file?: string;
  /**
   * `'stored'`: pixels as stored (what landmark annotations refer to). `'exif'`: apply a JPEG's or WebP's EXIF
   * orientation so that phone photos show upright (width and height swap for 90° rotations).
   * @default 'stored'
   */
  orientation?: 'stored' | 'exif';
}

/** Options of {@link writeImage}. */
export interface WriteImageOptions {
  /** JPEG / WebP quality, 0..100 (ignored by lossless formats). @default 92 */
  quality?: number;
}

/** Formats {@link encodeImage} writes. */
export type EncodeFormat = 'jpeg' | 'png' | 'webp' | 'ppm' | 'pgm';

const ENCODE_FORMATS: readonly EncodeFormat[] = ['jpeg', 'png', 'webp', 'ppm', 'pgm'];
const EXTENSIONS: Record<string, EncodeFormat> = {
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.png': 'png',
  '.webp': 'webp',
  '.ppm': 'ppm',
  '.pgm': 'pgm',
};

/** Reads an image file (or the bytes of one) into a Raster. */
export function readImage(source: string | Uint8Array, opts: ReadImageOptions = {}): Raster {
  if (typeof source === 'string') {
    const bytes = fs.readFileSync(source);
    return decodeAs('readImage', bytes, { ...opts, file: opts.file ?? source });
  }
  if (source instanceof Uint8Array) return decodeAs('readImage', source, opts);
  throw new ValueError(
    `readImage: argument 'source' expected a path or a Uint8Array, got ${describe(source)}`,
  );
}

/** Decodes the bytes of a JPEG, PNG, WebP, GIF, BMP or Netpbm image into a Raster. */
export function decodeImage(bytes: Uint8Array, opts: ReadImageOptions = {}): Raster {
  if (!(bytes instanceof Uint8Array)) {
    throw new ValueError(`decodeImage: argument 'bytes' expected a Uint8Array, got ${describe(bytes)}`);
  }
  return decodeAs('decodeImage', bytes, opts);
}

function decodeAs(fn: string, bytes: Uint8Array, opts: ReadImageOptions): Raster {
  const maxPixels = opts.maxPixels ?? 2 ** 28;
  if (opts.channels !== undefined && opts.channels !== 1 && opts.channels !== 3 && opts.channels !== 4) {
    throw new ValueError(
      `${fn}: argument 'opts.channels' expected 1, 3 or 4, got ${describe(opts.channels)}`,
    );
  }
  assertInteger(fn, 'opts.maxPixels', maxPixels, 1);
  const orientation = opts.orientation ?? 'stored';
  assertOneOf(fn, 'opts.orientation', orientation, ['stored', 'exif']);
  const file = opts.file;
  const fail = (what: string): never => {
    throw new FormatError(`${fn}: ${fileLabel(file)}: ${what}`, { file });
  };
  const header = readImageHeader(bytes);
  if (!header) {
    const head = Array.from(bytes.subarray(0, 4), (v) => v.toString(16).padStart(2, '0')).join(' ');
    fail(
      `expected a JPEG, PNG, WebP, GIF, BMP or PBM/PGM/PPM image, got ${bytes.length ? `bytes ${head}` : 'an empty file'}`,
    );
  }
  const h = header as NonNullable<typeof header>;
  let raster: Raster;
  if (h.format === 'netpbm') {
    raster = parseNetpbm(bytes, fn, file, { maxPixels });
  } else {
    if (h.width * h.height > maxPixels) {
      fail(`${h.format} header says ${h.width}×${h.height}, more than the limit of ${maxPixels} pixels`);
    }
    const problem = imageIntegrityProblem(bytes, h);
    if (problem) fail(problem);
    const own = h.format === 'png' ? decodePng(bytes, h.channels) : undefined;
    if (typeof own === 'string') fail(`corrupt png: ${own}`);
    raster =
      own !== undefined ? (own as Raster) : decodeWithCanvas(bytes, h.channels, h.format, fail, maxPixels);
  }
  if (orientation === 'exif' && (h.format === 'jpeg' || h.format === 'webp'))
    raster = orientRaster(raster, exifOrientation(bytes));

  return opts.channels === undefined ? raster : rasterToChannels(raster, opts.channels);
}

function decodeWithCanvas(
  bytes: Uint8Array,
  channels: 1 | 3 | 4,
  format: ImageFormat,
  fail: (what: string) => never,
  maxPixels: number,
): Raster {
  const img = new Image();
  img.onerror = () => undefined; // decoding is synchronous; failure shows as a zero size below
  const raw = rawPixelBytes(bytes, format);
  const src = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  try {
    img.src = src;
  } catch (e) {
    fail(`the ${format} data does not decode (${(e as Error).message})`);
  }
  const { width, height } = img;
  if (!(width > 0 && height > 0)) fail(`the ${format} data does not decode (corrupt or truncated)`);
  if (width * height > maxPixels) fail(`${width}×${height} is more than the limit of ${maxPixels} pixels`);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const n = width * height;
  const data = new Uint8Array(n * channels);
  if (channels === 4) data.set(rgba);
  else if (channels === 3) {
    for (let i = 0, s = 0, d = 0; i < n; i++, s += 4, d += 3) {
      data[d] = rgba[s];
      data[d + 1] = rgba[s + 1];
      data[d + 2] = rgba[s + 2];
    }
  } else {
    // The file is gray: Skia expanded it to R = G = B.
    for (let i = 0, s = 0; i < n; i++, s += 4) data[i] = rgba[s];
  }
  return { width, height, channels, data };
}

/**
 * Encodes a raster. PNG keeps the channel count (gray, RGB, RGBA); JPEG and WebP store color (alpha
 * is dropped); PPM stores RGB and PGM gray (converted with {@link rasterToChannels}).
 * @param quality JPEG / WebP quality 0..100 (default 92).
 */
export function encodeImage(raster: Raster, format: EncodeFormat, quality = 92): Buffer {
  return encodeAs('encodeImage', raster, format, quality);
}

function encodeAs(fn: string, raster: Raster, format: EncodeFormat, quality: number): Buffer {
  assertRaster(fn, 'raster', raster);
  assertOneOf(fn, 'format', format, ENCODE_FORMATS);
  assertInteger(fn, 'quality', quality, 0, 100);
  switch (format) {
    case 'png':
      return encodePng(raster);
    case 'ppm':
      return encodeNetpbm(rasterToChannels(raster, 3));
    case 'pgm':
      return encodeNetpbm(rasterToChannels(raster, 1));
    default: {
      const rgba = rasterToChannels(raster, 4);
      const canvas = createCanvas(raster.width, raster.height);
      const ctx = canvas.getContext('2d');
      const img = ctx.createImageData(raster.width, raster.height);
      img.data.set(rgba.data);
      if (raster.channels === 4) for (let i = 3; i < img.data.length; i += 4) img.data[i] = 255;
      ctx.putImageData(img, 0, 0);
      return format === 'jpeg' ? canvas.encodeSync('jpeg', quality) : canvas.encodeSync('webp', quality);
    }
  }
}

/** Writes a raster atomically; the format comes from the extension (.jpg .jpeg .png .webp .ppm .pgm). */
export function writeImage(file: string, raster: Raster, opts: WriteImageOptions = {}): void {
  if (typeof file !== 'string') {
    throw new ValueError(`writeImage: argument 'file' expected a path string, got ${describe(file)}`);
  }
  const ext = path.extname(file).toLowerCase();
  const format = EXTENSIONS[ext];
  if (!format) {
    throw new ValueError(
      `writeImage: argument 'file' expected an extension among ${Object.keys(EXTENSIONS).join(' ')}, got ${JSON.stringify(ext || file)}`,
    );
  }
  writeFileAtomic(file, encodeAs('writeImage', raster, format, opts.quality ?? 92));
}
