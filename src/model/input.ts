/**
 * Model input: crop a face box out of a raster and resample it to the network's square input.
 *
 * Which box: the *reference box* of a sample is its detection box when it has one, else its ground-truth box
 * (`referenceBox`). At test time it is the detection box passed to `predict`. Shapes are normalised to the
 * reference box itself (box coordinates, as the class table uses them); the crop is that box grown by `margin`
 * on every side, so the network sees some context around the box while the class table's coordinates stay
 * tied to the box.
 */
import { ShapeError, ValueError } from '../errors';
import { boxValidate } from '../landmarks/box';
import type { Box, Raster, Sample } from '../types';
import { assertInRange, assertInteger, describe } from '../util/validate';

/** How a crop becomes a network input. */
export interface InputOptions {
  /** Side of the square input in pixels. @default 64 */
  size?: number;
  /** 1 = grayscale (luma), 3 = RGB. @default 1 */
  channels?: 1 | 3;
  /** Context added on each side, as a fraction of the box's width (x) and height (y). @default 0.1 */
  margin?: number;
}

/** Input options with every default applied. */
export interface InputSpec {
  size: number;
  channels: 1 | 3;
  margin: number;
}

/** Applies the defaults of `InputOptions` (the one place they live). */
export function inputSpec(fn: string, opts: InputOptions = {}): InputSpec {
  const size = opts.size ?? 64;
  const channels = opts.channels ?? 1;
  const margin = opts.margin ?? 0.1;
  assertInteger(fn, 'size', size, 1, 1024);
  if (channels !== 1 && channels !== 3) {
    throw new ValueError(`${fn}: argument 'channels' expected 1 or 3, got ${describe(channels)}`);
  }
  assertInRange(fn, 'margin', margin, 0, 2);
  return { size, channels, margin };
}

/** The box shapes are normalised to: the detection box when the sample has one, else its ground-truth box. */
export function referenceBox(sample: Sample): Box {
  return sample.detection ?? sample.box;
}

/** Checks a raster's fields and data length; throws ShapeError / ValueError naming `name`. */
export function rasterValidate(fn: string, name: string, raster: unknown): asserts raster is Raster {
  if (typeof raster !== 'object' || raster === null) {
    throw new ValueError(`${fn}: argument '${name}' expected a Raster, got ${describe(raster)}`);
  }
  const r = raster as Partial<Raster>;
  if (
    !Number.isInteger(r.width) ||
    !Number.isInteger(r.height) ||
    (r.width as number) < 1 ||
    (r.height as number) < 1
  ) {
    throw new ShapeError(
      `${fn}: argument '${name}' expected positive integer width and height, got ${describe(r.width)}×${describe(r.height)}`,
    );
  }
  if (r.channels !== 1 && r.channels !== 3 && r.channels !== 4) {
    throw new ShapeError(
      `${fn}: argument '${name}' expected 1, 3 or 4 channels, got ${describe(r.channels)}`,
    );
  }
  const want = (r.width as number) * (r.height as number) * r.channels;
  if (!(r.data instanceof Uint8Array) || r.data.length !== want) {
    throw new ShapeError(
      `${fn}: argument '${name}' expected data of length ${r.width}·${r.height}·${r.channels} = ${want}, got ${describe(r.data)}`,
    );
  }
}

/**
 * Crops `box` (grown by the margin) out of `raster` and resamples it to size × size × channels, values in
 * [-1, 1] (x / 127.5 − 1), HWC, ready to batch. Pixel centres are at integer coordinates (the project's convention); output
 * pixel u is centred on x = crop.x + (u + 0.5)·crop.width / size. Downscaling averages a small grid of bilinear samples per output
 * pixel (up to 4 × 4) to avoid aliasing. Parts of the crop outside the image are padded with 0 (mid-grey);
 * a box wholly outside the image is an error.
 * @example const x = cropToInput(sample.image, sample.detection ?? sample.box, { size: 64 })
 */
export function cropToInput(raster: Raster, box: Box, opts: InputOptions = {}): Float32Array {
  const fn = 'cropToInput';
  rasterValidate(fn, 'raster', raster);
  boxValidate(fn, 'box', box);
  const spec = inputSpec(fn, opts);
  const out = new Float32Array(spec.size * spec.size * spec.channels);
  cropInto(raster, box, spec, out, 0);
  return out;
}

/** The crop rectangle (box grown by the margin) in pixels. */
export function cropRect(box: Box, margin: number): Box {
  return {
    x: box.x - margin * box.width,
    y: box.y - margin * box.height,
    width: box.width * (1 + 2 * margin),
    height: box.height * (1 + 2 * margin),
  };
}

/**
 * Unchecked worker of `cropToInput`: writes into `out` at `offset` (validated arguments only).
 * Throws ValueError when the box lies wholly outside the image.
 */
export function cropInto(raster: Raster, box: Box, spec: InputSpec, out: Float32Array, offset: number): void {
  const { width: W, height: H, channels: C, data } = raster;
  // Pixel (i, j) covers [i - 0.5, i + 0.5]; the image spans [-0.5, W - 0.5].
  if (box.x + box.width <= -0.5 || box.y + box.height <= -0.5 || box.x >= W - 0.5 || box.y >= H - 0.5) {
    throw new ValueError(
      `cropToInput: argument 'box' lies wholly outside the ${W}×${H} image, got {x: ${box.x}, y: ${box.y}, width: ${box.width}, height: ${box.height}}`,
    );
  }
  const S = spec.size;
  const OC = spec.channels;
  const r = cropRect(box, spec.margin);
  const sx = r.width / S;
  const sy = r.height / S;
  const nx = Math.min(4, Math.max(1, Math.ceil(sx)));
  const ny = Math.min(4, Math.max(1, Math.ceil(sy)));
  const inv = 1 / (nx * ny);
  const px = new Float32Array(3);
  const acc = new Float32Array(3);
  const sample = (x: number, y: number): void => {
    // bilinear with zero (mid-grey after normalisation: value 127.5) outside the image
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    const fx = x - x0;
    const fy = y - y0;
    px[0] = px[1] = px[2] = 0;
    for (let dy = 0; dy < 2; dy++) {
      const yy = y0 + dy;
      const wy = dy === 0 ? 1 - fy : fy;
      for (let dx = 0; dx < 2; dx++) {
        const xx = x0 + dx;
        const w = wy * (dx === 0 ? 1 - fx : fx);
        if (w === 0) continue;
        if (xx < 0 || yy < 0 || xx >= W || yy >= H) {
          px[0] += w * 127.5;
          px[1] += w * 127.5;
          px[2] += w * 127.5;
          continue;
        }
        const p = (yy * W + xx) * C;
        if (C === 1) {
          const g = w * data[p];
          px[0] += g;
          px[1] += g;
          px[2] += g;
        } else {
          px[0] += w * data[p];
          px[1] += w * data[p + 1];
          px[2] += w * data[p + 2];
        }
      }
    }
  };
  let o = offset;
  for (let v = 0; v < S; v++) {
    for (let u = 0; u < S; u++) {
      acc[0] = acc[1] = acc[2] = 0;
      for (let j = 0; j < ny; j++) {
        const y = r.y + (v + (j + 0.5) / ny) * sy;
        for (let i = 0; i < nx; i++) {
          const x = r.x + (u + (i + 0.5) / nx) * sx;
          sample(x, y);
          acc[0] += px[0];
          acc[1] += px[1];
          acc[2] += px[2];
        }
      }
      if (OC === 1) {
        const g = C === 1 ? acc[0] : 0.299 * acc[0] + 0.587 * acc[1] + 0.114 * acc[2];
        out[o++] = (g * inv) / 127.5 - 1;
      } else {
        out[o++] = (acc[0] * inv) / 127.5 - 1;
        out[o++] = (acc[1] * inv) / 127.5 - 1;
        out[o++] = (acc[2] * inv) / 127.5 - 1;
      }
    }
  }
}
