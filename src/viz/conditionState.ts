/**
 * The click-to-condition widget's props, made in Node from a face's posterior: the sparse posterior
 * holding 1 − ε of the mass (`reasoning.posteriorTop`), its classes' rows of the table
 * (`reasoning.posteriorCompact`: centres, spreads, poses, visibility), the face box and the image as PNG.
 */
import {
  posteriorCompact,
  posteriorTop,
  type PosteriorLike,
  type ReasoningTable,
} from '../reasoning/posterior';
import { boxValidate } from '../landmarks/box';
import { assertRaster } from '../data/io/raster-channels';
import type { Box, Raster } from '../types';
import { ValueError } from '../errors';
import { describe } from '../util/validate';
import { rasterToDataUrl } from './widgetHtml';
import type { ConditionClick, ConditionState } from './widgetStates';

/** Rounds to 1/scale. */
const round = (scale: number) => (v: number) => Math.round(v * scale) / scale;

/** Options of `conditionState`. */
export interface ConditionStateOptions {
  /** A dense posterior is cut to the fewest classes holding this mass (ε = 1 − mass). @default 0.999 */
  mass?: number;
  /** At most this many classes in the page. @default 2000 */
  maxClasses?: number;
  /** Heading (shown as text). @default none */
  title?: string;
  /** Click noise sd in pixels. @default the reasoning default (1 % of the box diagonal) */
  clickSigma?: number;
  /** Display zoom. @default 2 */
  scale?: number;
  /** Heatmap grid columns. @default 48 */
  heatmapCols?: number;
  /** Suggest the next click. @default true */
  suggest?: boolean;
  /** Clicks to start from (e.g. pasted back from an earlier session). @default none */
  clicks?: ConditionClick[];
}

/**
 * Props of the `clickCondition` widget for one face.
 * @example show(widgetHtml('clickCondition', conditionState(pred.posterior, table, sample.box, sample.image)))
 */
export function conditionState(
  posterior: PosteriorLike,
  table: ReasoningTable,
  box: Box,
  image: Raster,
  opts: ConditionStateOptions = {},
): ConditionState {
  const fn = 'conditionState';
  boxValidate(fn, 'box', box);
  assertRaster(fn, 'image', image);
  if (opts.scale !== undefined && !(Number.isFinite(opts.scale) && opts.scale > 0)) {
    throw new ValueError(`${fn}: argument 'opts.scale' expected a number > 0, got ${describe(opts.scale)}`);
  }
  const sparse =
    posterior instanceof Float32Array || posterior instanceof Float64Array
      ? posteriorTop(posterior, { mass: opts.mass ?? 0.999, maxClasses: opts.maxClasses ?? 2000 })
      : posterior;
  const c = posteriorCompact(sparse, table);
  const t = c.table;
  const state: ConditionState = {
    kind: 'exemplar-landmarks/condition',
    imageUrl: rasterToDataUrl(image),
    width: image.width,
    height: image.height,
    box: { x: box.x, y: box.y, width: box.width, height: box.height },
    nPoints: t.nPoints,
    K: t.K,
    // Rounded to keep the page small (701 classes: 1.0 MB of JSON instead of 2.0 MB): 1e-6 box units is 1e-4 px on
    // a 100 px face. The page computes on these values; Node gives the same numbers from the same props.
    centers: Array.from(t.centers, round(1e6)),
    sigma: Array.from(t.sigma, round(1e6)),
    pose: Array.from(t.pose, round(1e3)),
    visibility: Array.from(t.visibility, round(1e4)),
    probs: Array.from(c.posterior),
    indices: Array.from(c.indices),
    epsilon: c.epsilon,
  };
  if (t.scheme !== undefined) state.scheme = t.scheme;
  if (opts.title !== undefined) state.title = String(opts.title);
  for (const k of ['clickSigma', 'scale', 'heatmapCols', 'suggest', 'clicks'] as const) {
    if (opts[k] !== undefined) (state as unknown as Record<string, unknown>)[k] = opts[k];
  }
  return state;
}
