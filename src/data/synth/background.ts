/**
 * Procedural backgrounds drawn straight into a typed array: a two-colour gradient with cluttered
 * rectangles, discs and stripes ('clutter'), a plain colour ('plain'), or smooth value noise ('noise').
 */
import type { Rng } from '../../util/rng';
import type { BackgroundKind } from './options';

type Rgb = [number, number, number];

function colour(rng: Rng): Rgb {
  return [rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)];
}

/** Fills `data` (W·H·C) with a background of `kind`. */
export function drawBackground(
  rng: Rng,
  kind: BackgroundKind,
  data: Uint8Array,
  W: number,
  H: number,
  C: 1 | 3,
): void {
  const a = colour(rng);
  const b = kind === 'plain' ? a : colour(rng);
  const ang = rng.uniform(0, 2 * Math.PI);
  const gx = Math.cos(ang) / Math.max(W, H);
  const gy = Math.sin(ang) / Math.max(W, H);
  const fill = (o: number, c: Rgb | readonly number[]): void => {
    if (C === 1) data[o] = (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) | 0;
    else {
      data[3 * o] = c[0];
      data[3 * o + 1] = c[1];
      data[3 * o + 2] = c[2];
    }
  };
  const px: number[] = [0, 0, 0];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const t = Math.min(1, Math.max(0, 0.5 + (x - W / 2) * gx + (y - H / 2) * gy));
      px[0] = a[0] + (b[0] - a[0]) * t;
      px[1] = a[1] + (b[1] - a[1]) * t;
      px[2] = a[2] + (b[2] - a[2]) * t;
      fill(y * W + x, px);
    }
  }
  if (kind === 'noise') {
    // value noise on a coarse lattice, bilinearly interpolated, mixed 50/50 with the gradient
    const cell = Math.max(2, Math.round(Math.min(W, H) / rng.uniform(3, 10)));
    const gw = Math.ceil(W / cell) + 2;
    const gh = Math.ceil(H / cell) + 2;
    const lat = new Float32Array(gw * gh * 3);
    for (let i = 0; i < lat.length; i++) lat[i] = rng.uniform(0, 255);
    for (let y = 0; y < H; y++) {
      const fy = y / cell;
      const iy = fy | 0;
      const ty = fy - iy;
      for (let x = 0; x < W; x++) {
        const fx = x / cell;
        const ix = fx | 0;
        const tx = fx - ix;
        for (let c = 0; c < 3; c++) {
          const q = (iy * gw + ix) * 3 + c;
          px[c] =
            (1 - ty) * ((1 - tx) * lat[q] + tx * lat[q + 3]) +
            ty * ((1 - tx) * lat[q + 3 * gw] + tx * lat[q + 3 * gw + 3]);
        }
        const o = y * W + x;
        if (C === 1) data[o] = (data[o] + (0.299 * px[0] + 0.587 * px[1] + 0.114 * px[2])) >> 1;
        else for (let c = 0; c < 3; c++) data[3 * o + c] = (data[3 * o + c] + px[c]) >> 1;
      }
    }
    return;
  }
  if (kind !== 'clutter') return;
  const shapes = 4 + rng.int(10);
  for (let s = 0; s < shapes; s++) {
    const c = colour(rng);
    const kindOf = rng.int(3);
    const cx = rng.uniform(-0.1, 1.1) * W;
    const cy = rng.uniform(-0.1, 1.1) * H;
    const rx = rng.uniform(0.05, 0.45) * W;
    const ry = rng.uniform(0.05, 0.45) * H;
    const x0 = Math.max(0, Math.floor(cx - rx));
    const x1 = Math.min(W - 1, Math.ceil(cx + rx));
    const y0 = Math.max(0, Math.floor(cy - ry));
    const y1 = Math.min(H - 1, Math.ceil(cy + ry));
    const period = rng.uniform(3, 12);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const dx = (x - cx) / rx;
        const dy = (y - cy) / ry;
        const inside =
          kindOf === 0
            ? true
            : kindOf === 1
              ? dx * dx + dy * dy <= 1
              : Math.floor((x + y) / period) % 2 === 0;
        if (inside) fill(y * W + x, c);
      }
    }
  }
}
