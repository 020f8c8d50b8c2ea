/**
 * The video widget's props, made in Node with the reasoning module: per frame the expected shape of its
 * posterior, yaw and roll with a credible interval (`reasoning.attributeMarginal`), and the HMM's most
 * probable class sequence (`reasoning.hmmModel` on the class neighbour graph, `reasoning.hmmViterbi`)
 * drawn in each frame's box.
 */
import { classNeighbors } from '../classes/classNeighbors';
import type { ClassTable } from '../classes/types';
import { ShapeError } from '../errors';
import { shapeFromBox } from '../landmarks/box';
import { attributeMarginal, type AttributeMarginal } from '../reasoning/attributeMarginal';
import { hmmModel, type HmmModelOptions } from '../reasoning/hmmModel';
import { hmmViterbi } from '../reasoning/hmmViterbi';
import { posteriorShape } from '../reasoning/landmarkMoments';
import type { PosteriorLike } from '../reasoning/posterior';
import type { Box, Raster } from '../types';
import { describe } from '../util/validate';
import { rasterToDataUrl } from './widgetHtml';
import type { IntervalJson, VideoState } from './widgetStates';

/** Options of `videoState`. */
export interface VideoStateOptions {
  /** Neighbours per class in the HMM's graph. @default 8 */
  neighbors?: number;
  /** The HMM's transition options. @default reasoning's defaults */
  hmm?: HmmModelOptions;
  /** Credible interval level of yaw and roll. @default 0.95 */
  level?: number;
  /** Ground-truth shapes per frame (pixels), drawn when given. @default none */
  truth?: readonly Float32Array[];
  title?: string;
  /** Display zoom. @default 3 */
  scale?: number;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

function interval(m: AttributeMarginal, level: number): IntervalJson {
  const i = m.intervals.find((c) => Math.abs(c.level - level) < 1e-9) ?? m.intervals[m.intervals.length - 1];
  return { mean: round3(m.mean), lo: round3(i?.lo ?? m.mean), hi: round3(i?.hi ?? m.mean) };
}

/**
 * Props of the `video` widget for a clip: its frames, their face boxes and one posterior per frame.
 * @example show(widgetHtml('video', videoState(frames, boxes, posteriors, table)))
 */
export function videoState(
  frames: readonly Raster[],
  boxes: readonly Box[],
  posteriors: readonly PosteriorLike[],
  table: ClassTable,
  opts: VideoStateOptions = {},
): VideoState {
  const fn = 'videoState';
  const T = frames.length;
  if (!Array.isArray(frames) || T === 0 || boxes?.length !== T || posteriors?.length !== T) {
    throw new ShapeError(
      `${fn}: arguments 'frames', 'boxes', 'posteriors' expected equal non-empty lengths, got ${describe(frames)}, ${describe(boxes)}, ${describe(posteriors)}`,
    );
  }
  if (opts.truth !== undefined && opts.truth.length !== T) {
    throw new ShapeError(`${fn}: argument 'opts.truth' expected ${T} shapes, got ${opts.truth.length}`);
  }
  const level = opts.level ?? 0.95;
  const levels = [0.5, level].filter((v, i, a) => a.indexOf(v) === i);
  const hmm = hmmModel(
    classNeighbors(table, { k: Math.min(opts.neighbors ?? 8, table.K - 1) }),
    table.K,
    opts.hmm,
  );
  const { path } = hmmViterbi(hmm, posteriors);
  const D = 2 * table.nPoints;
  const state: VideoState = {
    kind: 'exemplar-landmarks/video',
    width: frames[0].width,
    height: frames[0].height,
    nPoints: table.nPoints,
    scheme: table.scheme,
    frames: frames.map((f) => rasterToDataUrl(f)),
    prediction: posteriors.map((p, t) => Array.from(posteriorShape(p, table, boxes[t]), round3)),
    path: Array.from(path, (k, t) =>
      Array.from(shapeFromBox(table.centers.slice(k * D, (k + 1) * D), boxes[t]), round3),
    ),
    pathClass: Array.from(path),
    yaw: posteriors.map((p) => interval(attributeMarginal(p, table, { attribute: 'yaw', levels }), level)),
    roll: posteriors.map((p) => interval(attributeMarginal(p, table, { attribute: 'roll', levels }), level)),
    level,
  };
  if (opts.truth !== undefined) state.truth = opts.truth.map((s) => Array.from(s, round3));
  if (opts.title !== undefined) state.title = String(opts.title);
  if (opts.scale !== undefined) state.scale = opts.scale;
  return state;
}
