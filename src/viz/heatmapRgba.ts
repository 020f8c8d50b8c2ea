/**
 * Colour maps for heatmap overlays as pure functions (no canvas, no DOM): a grid of non-negative values
 * becomes RGBA bytes whose colour and opacity grow with the value, so a face stays visible under low
 * values. Shared by `drawHeatmapOverlay` (Node) and the widgets (browser).
 */

/** Anchor colours of the map, low to high (an inferno-like ramp). */
const RAMP: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0, 4],
  [87, 16, 110],
  [188, 55, 84],
  [249, 142, 9],
  [252, 255, 164],
];

/** Options of `heatmapRgba`. */
export interface HeatmapRgbaOptions {
  /** Value mapped to the top colour. @default the grid's maximum */
  max?: number;
  /** Opacity at the top value, in [0, 1]. @default 0.75 */
  alpha?: number;
  /** Values below this fraction of max are fully transparent. @default 0.02 */
  floor?: number;
}

/** The ramp colour at t ∈ [0, 1]. */
export function rampColor(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(u));
  const f = u - i;
  const a = RAMP[i];
  const b = RAMP[i + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/**
 * RGBA bytes (length cols·rows·4) of a row-major grid of values. No validation: callers check at
 * their boundary (values finite and non-negative).
 */
export function heatmapRgba(
  values: ArrayLike<number>,
  cols: number,
  rows: number,
  opts: HeatmapRgbaOptions = {},
): Uint8ClampedArray<ArrayBuffer> {
  const n = cols * rows;
  let max = opts.max ?? 0;
  if (opts.max === undefined) for (let i = 0; i < n; i++) if (values[i] > max) max = values[i];
  const alpha = opts.alpha ?? 0.75;
  const floor = opts.floor ?? 0.02;
  const out = new Uint8ClampedArray(n * 4);
  if (!(max > 0)) return out;
  for (let i = 0; i < n; i++) {
    const t = values[i] / max;
    if (!(t > floor)) continue;
    const [r, g, b] = rampColor(t);
    out[4 * i] = r;
    out[4 * i + 1] = g;
    out[4 * i + 2] = b;
    out[4 * i + 3] = 255 * alpha * Math.min(1, Math.sqrt(t));
  }
  return out;
}
