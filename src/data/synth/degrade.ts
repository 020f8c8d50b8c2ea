/**
 * Image degradations applied after rendering, in place on an 8-bit HWC buffer: Gaussian blur, motion blur,
 * low resolution (area downsampling then bilinear upsampling), sensor noise and a JPEG round trip.
 */
import type { Raster } from '../../types';
import type { Rng } from '../../util/rng';
import { decodeImage, encodeImage } from '../io/image';

/** Separable Gaussian blur with σ in pixels (kernel radius ⌈3σ⌉, clamped borders). */
export function gaussianBlur(data: Uint8Array, W: number, H: number, C: number, sigma: number): void {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp((-i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= s;
  const tmp = new Float32Array(W * H * C);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (let i = -r; i <= r; i++) {
          const xx = x + i < 0 ? 0 : x + i >= W ? W - 1 : x + i;
          acc += k[i + r] * data[(y * W + xx) * C + c];
        }
        tmp[(y * W + x) * C + c] = acc;
      }
    }
  }
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (let i = -r; i <= r; i++) {
          const yy = y + i < 0 ? 0 : y + i >= H ? H - 1 : y + i;
          acc += k[i + r] * tmp[(yy * W + x) * C + c];
        }
        data[(y * W + x) * C + c] = acc + 0.5;
      }
    }
  }
}

/** Motion blur: the mean of samples along a segment of `length` px at `angle` (radians), centred on each pixel. */
export function motionBlur(data: Uint8Array, W: number, H: number, C: number, length: number, angle: number): void {
  const taps = Math.max(2, Math.ceil(length));
  const ox = new Int32Array(taps);
  const oy = new Int32Array(taps);
  for (let t = 0; t < taps; t++) {
    const d = (t / (taps - 1) - 0.5) * length;
    ox[t] = Math.round(d * Math.cos(angle));
    oy[t] = Math.round(d * Math.sin(angle));
  }
  const src = data.slice();
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (let t = 0; t < taps; t++) {
          let xx = x + ox[t];
          let yy = y + oy[t];
          xx = xx < 0 ? 0 : xx >= W ? W - 1 : xx;
          yy = yy < 0 ? 0 : yy >= H ? H - 1 : yy;
          acc += src[(yy * W + xx) * C + c];
        }
        data[(y * W + x) * C + c] = acc / taps + 0.5;
      }
    }
  }
}

/** Renders the loss of resolution of a camera `factor` times coarser: area downsampling, bilinear upsampling. */
export function lowResolution(data: Uint8Array, W: number, H: number, C: number, factor: number): void {
  const w = Math.max(2, Math.round(W / factor));
  const h = Math.max(2, Math.round(H / factor));
  const small = new Float32Array(w * h * C);
  for (let j = 0; j < h; j++) {
    const y0 = Math.floor((j * H) / h);
    const y1 = Math.max(y0 + 1, Math.floor(((j + 1) * H) / h));
    for (let i = 0; i < w; i++) {
      const x0 = Math.floor((i * W) / w);
      const x1 = Math.max(x0 + 1, Math.floor(((i + 1) * W) / w));
      const n = (x1 - x0) * (y1 - y0);
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) acc += data[(y * W + x) * C + c];
        small[(j * w + i) * C + c] = acc / n;
      }
    }
  }
  for (let y = 0; y < H; y++) {
    let fy = ((y + 0.5) * h) / H - 0.5;
    fy = fy < 0 ? 0 : fy > h - 1 ? h - 1 : fy;
    const iy = Math.min(h - 2, fy | 0);
    const ty = fy - iy;
    for (let x = 0; x < W; x++) {
      let fx = ((x + 0.5) * w) / W - 0.5;
      fx = fx < 0 ? 0 : fx > w - 1 ? w - 1 : fx;
      const ix = Math.min(w - 2, fx | 0);
      const tx = fx - ix;
      for (let c = 0; c < C; c++) {
        const q = (iy * w + ix) * C + c;
        const v =
          (1 - ty) * ((1 - tx) * small[q] + tx * small[q + C]) + ty * ((1 - tx) * small[q + w * C] + tx * small[q + w * C + C]);
        data[(y * W + x) * C + c] = v + 0.5;
      }
    }
  }
}

/** Adds Gaussian noise of σ grey levels (clamped to 0..255). */
export function addNoise(rng: Rng, data: Uint8Array, sigma: number): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i] + rng.normal(0, sigma);
    data[i] = v <= 0 ? 0 : v >= 255 ? 255 : v + 0.5;
  }
}

/** JPEG encode/decode round trip at `quality` (0..100), in place. */
export function jpegRoundTrip(image: Raster, quality: number): void {
  const back = decodeImage(encodeImage(image, 'jpeg', quality), { channels: image.channels });
  image.data.set(back.data);
}
