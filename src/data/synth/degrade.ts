/**
 * Image degradations applied after rendering, in place on an 8-bit HWC buffer: Gaussian blur, motion blur,
 * low resolution (area downsampling then bilinear upsampling), sensor noise and JPEG artefacts.
 */
import type { Rng } from '../../util/rng';

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
export function motionBlur(
  data: Uint8Array,
  W: number,
  H: number,
  C: number,
  length: number,
  angle: number,
): void {
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
          (1 - ty) * ((1 - tx) * small[q] + tx * small[q + C]) +
          ty * ((1 - tx) * small[q + w * C] + tx * small[q + w * C + C]);
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

/** IJG base quantisation tables (JPEG Annex K), natural (row-major) order. */
const Q_LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22,
  29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103,
  121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const Q_CHROMA = [
  17,
  18,
  24,
  47,
  99,
  99,
  99,
  99,
  18,
  21,
  26,
  66,
  99,
  99,
  99,
  99,
  24,
  26,
  56,
  99,
  99,
  99,
  99,
  99,
  47,
  66,
  99,
  99,
  99,
  99,
  99,
  99,
  ...new Array<number>(32).fill(99),
];

/** cos((2x+1)uπ/16)·c(u)/2: the orthonormal 8-point DCT-II basis, [u·8 + x]. */
const DCT = new Float64Array(64);
for (let u = 0; u < 8; u++) {
  for (let x = 0; x < 8; x++)
    DCT[u * 8 + x] = (u === 0 ? Math.SQRT1_2 : 1) * 0.5 * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
}

function scaledTable(base: readonly number[], quality: number): Float64Array {
  const q = Math.min(100, Math.max(1, quality));
  const s = q < 50 ? 5000 / q : 200 - 2 * q;
  return Float64Array.from(base, (b) => Math.min(255, Math.max(1, Math.floor((b * s + 50) / 100))));
}

/** Quantises one plane (w×h, values 0..255) block by block: DCT, round to the table's steps, inverse DCT. */
function quantisePlane(p: Float32Array, w: number, h: number, table: Float64Array): void {
  const blk = new Float64Array(64);
  const tmp = new Float64Array(64);
  for (let by = 0; by < h; by += 8) {
    for (let bx = 0; bx < w; bx += 8) {
      for (let y = 0; y < 8; y++) {
        const yy = Math.min(h - 1, by + y);
        for (let x = 0; x < 8; x++) blk[y * 8 + x] = p[yy * w + Math.min(w - 1, bx + x)] - 128;
      }
      // forward: rows then columns
      for (let y = 0; y < 8; y++) {
        for (let u = 0; u < 8; u++) {
          let a = 0;
          for (let x = 0; x < 8; x++) a += DCT[u * 8 + x] * blk[y * 8 + x];
          tmp[y * 8 + u] = a;
        }
      }
      for (let u = 0; u < 8; u++) {
        for (let v = 0; v < 8; v++) {
          let a = 0;
          for (let y = 0; y < 8; y++) a += DCT[v * 8 + y] * tmp[y * 8 + u];
          const q = table[v * 8 + u];
          blk[v * 8 + u] = Math.round(a / q) * q;
        }
      }
      // inverse: columns then rows
      for (let u = 0; u < 8; u++) {
        for (let y = 0; y < 8; y++) {
          let a = 0;
          for (let v = 0; v < 8; v++) a += DCT[v * 8 + y] * blk[v * 8 + u];
          tmp[y * 8 + u] = a;
        }
      }
      for (let y = 0; y < 8 && by + y < h; y++) {
        for (let x = 0; x < 8 && bx + x < w; x++) {
          let a = 0;
          for (let u = 0; u < 8; u++) a += DCT[u * 8 + x] * tmp[y * 8 + u];
          p[(by + y) * w + bx + x] = a + 128;
        }
      }
    }
  }
}

/**
 * JPEG's lossy step at `quality` (1..100, IJG scaling), in place: JFIF YCbCr, 4:2:0 chroma subsampling,
 * 8×8 DCT quantisation with the standard tables, and back. Gives JPEG's blocking and ringing without an
 * encoder (the canvas codec path allocates native memory per call that a long stream would accumulate).
 */
export function jpegArtefacts(data: Uint8Array, W: number, H: number, C: 1 | 3, quality: number): void {
  const clamp = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : v + 0.5);
  const ql = scaledTable(Q_LUMA, quality);
  if (C === 1) {
    const y = Float32Array.from(data);
    quantisePlane(y, W, H, ql);
    for (let i = 0; i < y.length; i++) data[i] = clamp(y[i]);
    return;
  }
  const n = W * H;
  const Y = new Float32Array(n);
  const w2 = (W + 1) >> 1;
  const h2 = (H + 1) >> 1;
  const cb = new Float32Array(w2 * h2);
  const cr = new Float32Array(w2 * h2);
  const cnt = new Float32Array(w2 * h2);
  for (let yy = 0; yy < H; yy++) {
    for (let x = 0; x < W; x++) {
      const o = yy * W + x;
      const r = data[3 * o];
      const g = data[3 * o + 1];
      const b = data[3 * o + 2];
      Y[o] = 0.299 * r + 0.587 * g + 0.114 * b;
      const q = (yy >> 1) * w2 + (x >> 1);
      cb[q] += 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
      cr[q] += 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
      cnt[q]++;
    }
  }
  for (let q = 0; q < cb.length; q++) {
    cb[q] /= cnt[q];
    cr[q] /= cnt[q];
  }
  const qc = scaledTable(Q_CHROMA, quality);
  quantisePlane(Y, W, H, ql);
  quantisePlane(cb, w2, h2, qc);
  quantisePlane(cr, w2, h2, qc);
  for (let yy = 0; yy < H; yy++) {
    for (let x = 0; x < W; x++) {
      const o = yy * W + x;
      const q = (yy >> 1) * w2 + (x >> 1);
      const l = Y[o];
      const u = cb[q] - 128;
      const v = cr[q] - 128;
      data[3 * o] = clamp(l + 1.402 * v);
      data[3 * o + 1] = clamp(l - 0.344136 * u - 0.714136 * v);
      data[3 * o + 2] = clamp(l + 1.772 * u);
    }
  }
}
