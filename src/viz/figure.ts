/**
 * Plotly figures as pure data: `{ data, layout }` objects of plain numbers, strings and arrays that
 * serialise to JSON unchanged (typed arrays are converted), so they snapshot, travel to the browser and
 * render with `Plotly.newPlot(el, fig.data, fig.layout)`.
 */
import { ShapeError, ValueError } from '../errors';
import { describe } from '../util/validate';

/** One Plotly trace (`type` is 'scatter', 'bar', 'heatmap', …; other keys as in Plotly's reference). */
export interface PlotlyTrace {
  type: string;
  [key: string]: unknown;
}

/** A Plotly figure spec. */
export interface Figure {
  data: PlotlyTrace[];
  layout: Record<string, unknown>;
}

/** Titles and size shared by the figure builders. */
export interface FigureOptions {
  /** Figure title. @default no title */
  title?: string;
  /** x axis title. @default no title */
  xTitle?: string;
  /** y axis title. @default no title */
  yTitle?: string;
  /** Width in pixels. @default Plotly's responsive width */
  width?: number;
  /** Height in pixels. @default 400 */
  height?: number;
}

/** The common layout of every figure (the one place where the shared defaults live). */
export function baseLayout(o: FigureOptions): Record<string, unknown> {
  const layout: Record<string, unknown> = {
    height: o.height ?? 400,
    margin: { l: 60, r: 20, t: o.title === undefined ? 20 : 50, b: 50 },
    xaxis: o.xTitle === undefined ? {} : { title: { text: o.xTitle } },
    yaxis: o.yTitle === undefined ? {} : { title: { text: o.yTitle } },
  };
  if (o.title !== undefined) layout.title = { text: o.title };
  if (o.width !== undefined) layout.width = o.width;
  return layout;
}

/** Checks a numeric series (array or typed array of finite numbers) and returns it as a plain array. */
export function finiteSeries(fn: string, name: string, v: unknown, length?: number): number[] {
  if (!(Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)))) {
    throw new ShapeError(`${fn}: argument '${name}' expected an array of numbers, got ${describe(v)}`);
  }
  const a = v as ArrayLike<unknown>;
  if (length !== undefined && a.length !== length) {
    throw new ShapeError(`${fn}: argument '${name}' expected length ${length}, got length ${a.length}`);
  }
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new ValueError(
        `${fn}: argument '${name}' expected finite numbers, got ${describe(x)} at index ${i}`,
      );
    }
    out[i] = x;
  }
  return out;
}
