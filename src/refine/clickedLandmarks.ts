/**
 * One simulated click on a face the pipeline has answered (the paper's Table 3, on the refined pipeline): the user
 * clicks one landmark at its true position; the classifier's posterior is conditioned on that click
 * (`reasoning.posteriorCondition`, soft evidence with sd `sigma`, in the box the classifier ran in: the refined box, or
 * the given box on the one-pass path). Its snapped shape (the clicked point on the click, the others moved by the
 * conditional mixture's regression) starts the cascade in the refined box, with the regressor set of the conditional
 * posterior's most probable class, and the clicked point is put back on the click after every stage (`cascadeApply`'s
 * `pinned`). Which landmark: a fixed one (e.g. 'noseTip'), the posterior's suggestion (`reasoning.nextClick`'s first)
 * or the oracle's (`reasoning.oracleBestClick`'s first, which needs the truth twice: to pick the landmark and to place
 * the click).
 */
import { ShapeError, ValueError } from '../errors';
import { landmarkResolve, tableScheme, type LandmarkRef, landmarkName } from '../reasoning/landmarkRef';
import { nextClick, oracleBestClick } from '../reasoning/nextClick';
import { posteriorCondition } from '../reasoning/posteriorCondition';
import type { Raster, Shape } from '../types';
import { describe } from '../util/validate';
import { cascadeApply } from './cascade';
import type { FaceLandmarks, LandmarkPipeline } from './pipeline';

/** Which landmark the simulated user clicks: the suggestion, the oracle's best, or a named / indexed landmark. */
export type ClickSpec = 'suggested' | 'oracle' | LandmarkRef;

/** Options of {@link clickedLandmarks}. */
export interface ClickedLandmarksOptions {
  /** The click's sd in pixels (conditioning and suggestion). @default 1 % of the classifier's box's diagonal */
  sigma?: number;
  /** Run the cascade from the snapped shape (when the pipeline has one). @default true */
  cascade?: boolean;
  /** Simulated clicks per landmark of `nextClick` ('suggested'). @default 8 */
  samples?: number;
  /** Seed of `nextClick` ('suggested'). @default 0 */
  seed?: number;
}

/** What {@link clickedLandmarks} returns. */
export interface ClickedLandmarks {
  /** The clicked landmark (index and name) and the click (pixels: its true position). */
  landmark: number;
  name: string;
  click: { x: number; y: number };
  /** The conditional posterior's snapped shape (pixels): the cascade's start. */
  snapped: Shape;
  /** The final shape: after the cascade with the click pinned, or `snapped` without a cascade. */
  landmarks: Shape;
  /** The start and each cascade stage's shape (just `snapped` without a cascade). */
  stages: Shape[];
}

/**
 * Simulates one click at `truth`'s position of the chosen landmark on a face from `landmarksInBoxes` and returns the
 * conditioned (and cascaded) shape; see the module comment.
 * @example const c = refine.clickedLandmarks(pipeline, image, face, sample.landmarks, 'suggested'); c.landmarks
 */
export function clickedLandmarks(
  pipeline: LandmarkPipeline,
  image: Raster,
  face: FaceLandmarks,
  truth: Float32Array,
  click: ClickSpec,
  opts: ClickedLandmarksOptions = {},
): ClickedLandmarks {
  const fn = 'clickedLandmarks';
  const table = pipeline?.model?.table;
  if (!table) {
    throw new ValueError(
      `${fn}: argument 'pipeline' expected { model, refiner, cascade }, got ${describe(pipeline)}`,
    );
  }
  const posterior = face?.prediction?.posterior;
  // the posterior's classes are shapes in the box the classifier ran in (the refined box, or the given box on the
  // one-pass path); the cascade works in the refined box
  const box = face?.prediction?.box;
  const frame = face?.refinedBox;
  if (!(posterior instanceof Float32Array) || posterior.length !== table.K || !box || !frame) {
    throw new ValueError(
      `${fn}: argument 'face' expected a landmarksInBoxes result of this pipeline (posterior of K = ${table.K}), got ${describe(face)}`,
    );
  }
  const D = 2 * table.nPoints;
  if (!(truth instanceof Float32Array) || truth.length !== D) {
    throw new ShapeError(
      `${fn}: argument 'truth' expected ${D} values (N = ${table.nPoints}), got ${describe(truth)}`,
    );
  }
  for (let d = 0; d < D; d++) {
    if (!Number.isFinite(truth[d]))
      throw new ValueError(`${fn}: argument 'truth' expected finite coordinates, got ${truth[d]} at ${d}`);
  }
  const sigma = opts.sigma ?? 0.01 * Math.hypot(box.width, box.height);
  const scheme = tableScheme(table);
  let landmark: number;
  if (click === 'suggested') {
    landmark = nextClick(posterior, table, box, { sigma, samples: opts.samples, seed: opts.seed }).ranking[0]
      .landmark;
  } else if (click === 'oracle') {
    landmark = oracleBestClick(posterior, table, box, truth, { sigma }).ranking[0].landmark;
  } else if (typeof click === 'string' || typeof click === 'number') {
    landmark = landmarkResolve(fn, click, scheme, 'click');
  } else {
    throw new ValueError(
      `${fn}: argument 'click' expected 'suggested', 'oracle', a landmark name or an index, got ${describe(click)}`,
    );
  }
  const x = truth[2 * landmark];
  const y = truth[2 * landmark + 1];
  const c = posteriorCondition(posterior, table, box, { landmark, x, y, sigma });
  const useCascade = pipeline.cascade !== null && opts.cascade !== false;
  let stages: Shape[] = [c.snapped];
  if (useCascade && pipeline.cascade) {
    let top = 0;
    for (let i = 1; i < c.posterior.indices.length; i++)
      if (c.posterior.probs[i] > c.posterior.probs[top]) top = i;
    const run = cascadeApply(pipeline.cascade, image, frame, c.snapped, c.posterior.indices[top], {
      pinned: [{ point: landmark, x, y }],
    });
    stages = run.stages;
  }
  return {
    landmark,
    name: landmarkName(scheme, landmark),
    click: { x, y },
    snapped: c.snapped,
    landmarks: stages[stages.length - 1],
    stages,
  };
}
