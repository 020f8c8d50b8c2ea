/**
 * Notebook display glue: `show(x)` renders a figure, a raster or HTML in a tslab notebook, and returns
 * the HTML or PNG bytes instead when not running inside tslab (plain Node scripts, tests).
 */
import * as path from 'node:path';
import type { Raster } from '../types';
import { ValueError } from '../errors';
import { describe } from '../util/validate';
import type { Figure } from './figure';
import { figureHtml, plotlyBundleHtml } from './figureHtml';
import { rasterToPng } from './rasterToPng';

/** The part of tslab's `display` that `show` uses. */
export interface NotebookDisplay {
  /** Displays an HTML fragment. */
  html(s: string): void;
  /** Displays PNG bytes. */
  png(b: Uint8Array): void;
}

/** Options of `show`. */
export interface ShowOptions {
  /** Where to display. @default tslab's display when running inside the tslab kernel */
  display?: NotebookDisplay;
}

/** Anything `show` renders: a Plotly figure spec, a raster (as PNG) or an HTML string. */
export type Showable = Figure | Raster | string;

/** Whether this kernel process has already received the plotly.js bundle (display state, not a result). */
let bundleShown = false;

/**
 * tslab's display when this process is a tslab kernel, else null. Looks at the module cache only (plain
 * Node never loads tslab and its TypeScript compiler just to find out), and finds the kernel's own tslab
 * even when it is not this package's copy (a global tslab install).
 */
export function tslabDisplay(): NotebookDisplay | null {
  return kernelTslab()?.display ?? null;
}

/** One display entry that later calls replace in place (Jupyter's display_id / update_display_data). */
export interface UpdatableDisplay {
  /** Replaces the display's content with this HTML. */
  html(s: string): void;
}

/**
 * A new display entry of the running tslab kernel, or null outside one. tslab's `newDisplay()` sends the
 * first content as `display_data` with a `transient.display_id` and every later one as
 * `update_display_data` with the same id, so the front end (classic Notebook, JupyterLab, nbclient)
 * replaces that one output instead of appending a new one.
 */
export function tslabNewDisplay(): UpdatableDisplay | null {
  return kernelTslab()?.newDisplay() ?? null;
}

/** The public module of the kernel's own tslab (see `tslabDisplay`), or null. */
function kernelTslab(): { display: NotebookDisplay; newDisplay(): UpdatableDisplay } | null {
  const suffix = path.join('tslab', 'dist', 'jupyter.js');
  for (const [id, mod] of Object.entries(require.cache)) {
    if (!id.endsWith(suffix)) continue;
    if ((mod?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData == null)
      continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the kernel's own tslab, already loaded
    return require(path.join(path.dirname(id), 'public.js')) as {
      display: NotebookDisplay;
      newDisplay(): UpdatableDisplay;
    };
  }
  return null;
}

function isRaster(x: unknown): x is Raster {
  return typeof x === 'object' && x !== null && (x as Raster).data instanceof Uint8Array;
}

function isFigure(x: unknown): x is Figure {
  return typeof x === 'object' && x !== null && Array.isArray((x as Figure).data);
}

/**
 * Shows `x` in the notebook. A figure's first showing in a kernel also carries the plotly.js bundle, so
 * plots render offline. Outside tslab (and with no `display` given) returns the HTML string or the PNG
 * bytes; inside returns undefined so that a cell ending in `show(…)` prints nothing more.
 * @example viz.show(viz.lineFigure([{ y: losses }]))
 */
export function show(x: Showable, opts: ShowOptions = {}): string | Buffer | undefined {
  const display = opts.display ?? tslabDisplay();
  if (typeof x === 'string') {
    if (display === null) return x;
    if (x === plotlyBundleHtml()) bundleShown = true;
    display.html(x);
    return undefined;
  }
  if (isFigure(x)) {
    if (display === null) return figureHtml(x);
    display.html((bundleShown ? '' : plotlyBundleHtml() + '\n') + figureHtml(x));
    bundleShown = true;
    return undefined;
  }
  if (isRaster(x)) {
    const png = rasterToPng(x);
    if (display === null) return png;
    display.png(png);
    return undefined;
  }
  throw new ValueError(
    `show: argument 'x' expected a figure, a raster or an HTML string, got ${describe(x)}`,
  );
}
