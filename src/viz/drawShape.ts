/**
 * Draws a landmark shape onto any 2D context (browser or @napi-rs/canvas): connections from the scheme,
 * points, an optional box. Pure drawing: no validation here (callers validate at their boundary) and
 * no DOM or Node import, so the browser widgets reuse it.
 */
import type { LandmarkScheme } from '../landmarks/scheme';
import type { Box } from '../types';
import type { Context2D } from './context2d';

/** Per-group colours used when no single colour is given (cycled over the scheme's groups). */
export const GROUP_COLORS: readonly string[] = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
];

/** Options of `drawShapeOnContext` and `drawLandmarks`. */
export interface DrawShapeOptions {
  /** Scheme giving groups (colours) and connections. @default schemeFor(number of points) */
  scheme?: LandmarkScheme;
  /** One CSS colour for every point and line; when unset each scheme group gets its own colour. @default undefined */
  color?: string;
  /** Point radius in pixels. @default 2 */
  radius?: number;
  /** Line width of connections and box in pixels. @default 1 */
  lineWidth?: number;
  /** Draw the scheme's connections. @default true */
  connections?: boolean;
  /** A box to outline (e.g. a detection). @default undefined */
  box?: Box;
  /** CSS colour of the box outline. @default '#00ff00' */
  boxColor?: string;
  /** Per landmark 1 = visible, 0 = not: invisible points are drawn as hollow rings. @default all visible */
  visibility?: Uint8Array;
  /** Index of one landmark to emphasise (a larger ring around it), e.g. a widget's selection. @default undefined */
  highlight?: number;
  /** CSS colour of the highlight ring. @default '#ffff00' */
  highlightColor?: string;
}

/** The options with every default applied (the one place where defaults live). */
export type ResolvedDrawShapeOptions = Required<
  Omit<DrawShapeOptions, 'color' | 'box' | 'visibility' | 'highlight'>
> &
  Pick<DrawShapeOptions, 'color' | 'box' | 'visibility' | 'highlight'>;

/** Applies the defaults of `DrawShapeOptions`; `scheme` must already be resolved by the caller. */
export function resolveDrawShapeOptions(
  scheme: LandmarkScheme,
  opts: DrawShapeOptions = {},
): ResolvedDrawShapeOptions {
  return {
    scheme,
    color: opts.color,
    radius: opts.radius ?? 2,
    lineWidth: opts.lineWidth ?? 1,
    connections: opts.connections ?? true,
    box: opts.box,
    boxColor: opts.boxColor ?? '#00ff00',
    visibility: opts.visibility,
    highlight: opts.highlight,
    highlightColor: opts.highlightColor ?? '#ffff00',
  };
}

/** Colour of every point: the single colour, or the colour of the group the point belongs to. */
function pointColors(o: ResolvedDrawShapeOptions, n: number): string[] {
  const colors = new Array<string>(n).fill(o.color ?? GROUP_COLORS[0]);
  if (o.color === undefined) {
    let g = 0;
    for (const idx of Object.values(o.scheme.groups)) {
      const c = GROUP_COLORS[g++ % GROUP_COLORS.length];
      for (const i of idx) if (i < n) colors[i] = c;
    }
  }
  return colors;
}

/**
 * Draws `shape` (pixel coordinates, (0,0) = centre of the top-left pixel) onto `ctx`, whose (0,0) is the
 * top-left pixel's corner: every coordinate is shifted by half a pixel so a point lands on its pixel.
 */
export function drawShapeOnContext(ctx: Context2D, shape: Float32Array, o: ResolvedDrawShapeOptions): void {
  const n = shape.length >> 1;
  const colors = pointColors(o, n);
  ctx.lineWidth = o.lineWidth;
  if (o.box !== undefined) {
    // Same half-pixel shift as the points, so a shape's bounding box passes through its extreme points.
    ctx.strokeStyle = o.boxColor;
    ctx.strokeRect(o.box.x + 0.5, o.box.y + 0.5, o.box.width, o.box.height);
  }
  if (o.connections) {
    for (const [a, b] of o.scheme.connections) {
      if (a >= n || b >= n) continue;
      ctx.strokeStyle = colors[a];
      ctx.beginPath();
      ctx.moveTo(shape[2 * a] + 0.5, shape[2 * a + 1] + 0.5);
      ctx.lineTo(shape[2 * b] + 0.5, shape[2 * b + 1] + 0.5);
      ctx.stroke();
    }
  }
  for (let i = 0; i < n; i++) {
    const x = shape[2 * i] + 0.5;
    const y = shape[2 * i + 1] + 0.5;
    ctx.beginPath();
    ctx.arc(x, y, o.radius, 0, 2 * Math.PI);
    if (o.visibility !== undefined && o.visibility[i] === 0) {
      ctx.strokeStyle = colors[i];
      ctx.stroke();
    } else {
      ctx.fillStyle = colors[i];
      ctx.fill();
    }
  }
  if (o.highlight !== undefined && o.highlight >= 0 && o.highlight < n) {
    const i = o.highlight;
    ctx.strokeStyle = o.highlightColor;
    ctx.lineWidth = Math.max(1, o.lineWidth) * 2;
    ctx.beginPath();
    ctx.arc(shape[2 * i] + 0.5, shape[2 * i + 1] + 0.5, o.radius * 2 + 2, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.lineWidth = o.lineWidth;
  }
}
