/**
 * The paper's Table 2 on video, stage by stage: the classifier alone (each frame's expected shape), + the per-cluster
 * cascade of linear regressors, + temporal smoothing, scored with the 300-VW protocol (per-frame error / box diagonal,
 * CED, AUC@0.08, failure rate > 0.08) through `evaluate.evaluateProtocol`.
 *
 * Temporal smoothing is built three ways, each its own row, because they act on different things:
 * - the HMM over the K classes smooths the classifier's posterior across frames (`reasoning.hmmForwardBackward`: each
 *   frame's smoothed posterior → its expected shape; `reasoning.hmmViterbi`: the decoded class's centre), and the
 *   cascade then runs from that smoothed start (with the regressor set of the smoothed top class), adding the detail
 *   that K classes cannot hold;
 * - the paper's baseline, a 3-frame low-pass of the final shapes (`reasoning.shapesLowPass`), of the per-frame cascade
 *   and of the forward-backward cascade.
 * Each video is smoothed on its own (frames in order). Emissions are the frames' posteriors, tempered p^(1/T) (T =
 * `hmm.temperature`, since consecutive frames are not independent evidence) and kept sparse (`hmm.mass`).
 */
import { classNeighbors } from '../classes/classNeighbors';
import { ShapeError, ValueError } from '../errors';
import {
  evaluateProtocol,
  type EvaluateProtocolOptions,
  type ProtocolResult,
} from '../evaluate/evaluateProtocol';
import type { Normalization } from '../evaluate/normalizer';
import { normalizedErrors } from '../evaluate/normalizedError';
import { boxValidate, shapeFromBox } from '../landmarks/box';
import { rasterValidate, referenceBox } from '../model/input';
import { posteriorTemper } from '../reasoning/calibrationTemperature';
import { hmmForwardBackward } from '../reasoning/hmmForwardBackward';
import { shapesLowPass, type ShapesLowPassOptions } from '../reasoning/hmmLowPass';
import { hmmModel, type HmmModel } from '../reasoning/hmmModel';
import { hmmViterbi } from '../reasoning/hmmViterbi';
import { posteriorShape } from '../reasoning/landmarkMoments';
import { posteriorTop, type SparsePosterior } from '../reasoning/posterior';
import { cascadeApply } from '../refine/cascade';
import { type FaceLandmarks, type LandmarkPipeline, landmarksInBoxes } from '../refine/pipeline';
import type { Sample, Shape } from '../types';
import { packRows } from '../util/packRows';
import { assertInRange, assertInteger, assertOneOf, assertPositive, describe } from '../util/validate';

/** The rows of the table, in order: stage and method. */
export const VIDEO_STAGES = [
  { stage: 'classification', method: 'classification' },
  { stage: 'regressors', method: '+ regressors' },
  { stage: 'temporal', method: '+ regressors + low-pass' },
  { stage: 'temporal', method: 'HMM forward-backward' },
  { stage: 'temporal', method: 'HMM forward-backward + regressors' },
  { stage: 'temporal', method: 'HMM forward-backward + regressors + low-pass' },
  { stage: 'temporal', method: 'HMM forward-backward + gated regressors' },
  { stage: 'temporal', method: 'HMM Viterbi' },
  { stage: 'temporal', method: 'HMM Viterbi + regressors' },
] as const;

/** A method (row) of the table. */
export type VideoStageMethod = (typeof VIDEO_STAGES)[number]['method'];

/** The HMM's settings (see `reasoning.hmmModel`). */
export interface VideoHmmOptions {
  /** Neighbours of each class in the transition graph (`classes.classNeighbors`; at most K − 1). @default 32 */
  neighbors?: number;
  /** Probability of staying in the same class. @default 0.5 */
  stay?: number;
  /** Probability of jumping to any class. @default 1e-3 */
  jump?: number;
  /** Emission temperature T: each frame's posterior enters as p^(1/T), renormalised. @default 1 */
  temperature?: number;
  /** Mass kept of each emission and each smoothed posterior (sparse forms). @default 0.999 */
  mass?: number;
  /**
   * The gated row runs the cascade on a frame only where the frame's own posterior p and its smoothed posterior q
   * agree, Σ_k √(p_k q_k) ≥ gate (Bhattacharyya coefficient, 1 = the same); elsewhere the frame's image disagrees
   * with its neighbours (an occluder, a bad box) and the smoothed shape stands. 0 always runs it; a uniform p against
   * a peaked q gives 1/√K. @default 0
   */
  gate?: number;
  /**
   * … and only where the cascade moves the smoothed shape by at most this (mean point distance / the frame's box
   * diagonal): a cascade that pulls far from what the video predicts is reading something else (an occluder).
   * Infinity always runs it. @default Infinity (on the synthetic validation videos of bench/RESULTS.md no limit helped
   * the 3,000-face model; 0.1 helped a weaker one by 3 %)
   */
  maxMove?: number;
}

/** Options of {@link videoStageTable}. */
export interface VideoStageTableOptions {
  /** The box of each frame: its `detection` (else its landmarks' box), or the landmarks' `box`. @default 'detection' */
  boxes?: 'detection' | 'landmarks';
  /** Run the pipeline's box refiner first (when it has one). @default true */
  refine?: boolean;
  hmm?: VideoHmmOptions;
  /** The low-pass filter's weights. @default the paper's 3-frame mean */
  lowPass?: ShapesLowPassOptions;
  /** Normalisation of `rows` and `errors` (`protocol` holds every one asked for). @default 'bbox-diagonal' (300-VW) */
  normalization?: Normalization;
  /** Protocol options (normalisations, point sets, hard subset). @default { hardFraction: 0.1 } */
  protocol?: Omit<EvaluateProtocolOptions, 'groups'>;
  /**
   * Frames where more than this share of the landmarks is hidden by an occluder (`sample.occlusion`) form the subset
   * 'occluded', the others 'visible' (only when some frame carries `occlusion`). @default 0.5
   */
  occludedFraction?: number;
}

/** One row: a method on one subset of frames, under `normalization` and all points. */
export interface VideoStageRow {
  stage: 'classification' | 'regressors' | 'temporal';
  method: VideoStageMethod;
  /** 'all', 'hard' (the frames farthest from the mean shape), 'occluded' or 'visible'. */
  subset: string;
  frames: number;
  mean: number;
  median: number;
  auc: number;
  failureRate: number;
}

/** What {@link videoStageTable} returns. */
export interface VideoStageTable {
  /** Methods in row order. */
  methods: VideoStageMethod[];
  /** The table: every method on each subset ('all' first). */
  rows: VideoStageRow[];
  /** Per-frame errors of each method (`normalization`, all points), frames of every video in order: for CED curves. */
  errors: Record<VideoStageMethod, Float64Array>;
  /** Per scored frame: its video and its frame index in that video. */
  video: Int32Array;
  frame: Int32Array;
  /** Per scored frame: 'occluded' or 'visible' (null when no frame carries `occlusion`). */
  occlusion: string[] | null;
  /** Each method's shapes, packed (frames × 2N, pixels), and the ground truth. */
  predictions: Record<VideoStageMethod, Float32Array>;
  truth: Float32Array;
  /** The full protocol (every normalisation and point set, subsets). */
  protocol: ProtocolResult;
  /** The settings used. */
  hmm: Required<VideoHmmOptions>;
  normalization: Normalization;
  /** Seconds: the pipeline per frame (refine, classify, cascade), the HMM passes, the cascades from smoothed starts. */
  seconds: { pipeline: number; hmm: number; regressors: number };
}

const now = (): number => performance.now() / 1000;

function assertVideos(fn: string, videos: unknown, nPoints: number): asserts videos is Sample[][] {
  if (!Array.isArray(videos) || videos.length === 0) {
    throw new ValueError(
      `${fn}: argument 'videos' expected a non-empty array of videos (arrays of frames), got ${describe(videos)}`,
    );
  }
  videos.forEach((v: unknown, i) => {
    if (!Array.isArray(v) || v.length === 0) {
      throw new ValueError(
        `${fn}: argument 'videos[${i}]' expected a non-empty array of frames (samples), got ${describe(v)}`,
      );
    }
    v.forEach((s: Partial<Sample> | null, t) => {
      const at = `videos[${i}][${t}]`;
      if (typeof s !== 'object' || s === null) {
        throw new ValueError(`${fn}: argument '${at}' expected a frame (a Sample), got ${describe(s)}`);
      }
      if (s.landmarks === undefined || s.landmarks === null) {
        throw new ValueError(
          `${fn}: argument '${at}' has no ground truth: expected 'landmarks' (${nPoints} points), got ${describe(s.landmarks)}`,
        );
      }
      if (!(s.landmarks instanceof Float32Array) || s.landmarks.length !== 2 * nPoints) {
        throw new ShapeError(
          `${fn}: argument '${at}.landmarks' expected ${nPoints} points (the pipeline's model), got ${describe(s.landmarks)}`,
        );
      }
      rasterValidate(fn, `${at}.image`, s.image);
      boxValidate(fn, `${at}.box`, s.box);
      if (s.detection !== undefined) boxValidate(fn, `${at}.detection`, s.detection);
    });
  });
}

function hmmSettings(fn: string, o: VideoHmmOptions | undefined, K: number): Required<VideoHmmOptions> {
  const s = {
    neighbors: o?.neighbors ?? Math.min(32, K - 1),
    stay: o?.stay ?? 0.5,
    jump: o?.jump ?? 1e-3,
    temperature: o?.temperature ?? 1,
    mass: o?.mass ?? 0.999,
    gate: o?.gate ?? 0,
    maxMove: o?.maxMove ?? Infinity,
  };
  assertInRange(fn, 'hmm.gate', s.gate, 0, 1);
  if (typeof s.maxMove !== 'number' || !(s.maxMove >= 0)) {
    throw new ValueError(
      `${fn}: argument 'hmm.maxMove' expected a number ≥ 0 (Infinity: no limit), got ${describe(s.maxMove)}`,
    );
  }
  assertInteger(fn, 'hmm.neighbors', s.neighbors, 1, K - 1);
  assertPositive(fn, 'hmm.temperature', s.temperature);
  assertInRange(fn, 'hmm.mass', s.mass, 0, 1);
  return s;
}

/** Σ_k √(p_k q_k) of a dense posterior p and a sparse one q (over q's kept classes). */
function agreement(p: Float32Array, q: SparsePosterior): number {
  let bc = 0;
  for (let i = 0; i < q.indices.length; i++) bc += Math.sqrt(p[q.indices[i]] * q.probs[i]);
  return bc;
}

/** Mean point distance of two shapes over the box's diagonal. */
function shapeMove(a: Shape, b: Shape, box: { width: number; height: number }): number {
  let d = 0;
  for (let j = 0; j < a.length; j += 2) d += Math.hypot(a[j] - b[j], a[j + 1] - b[j + 1]);
  return d / (a.length / 2) / Math.hypot(box.width, box.height);
}

/** The per-video smoothed shapes of one video's faces (all but the per-frame rows). */
function smoothVideo(
  pipeline: LandmarkPipeline,
  hmm: HmmModel,
  s: Required<VideoHmmOptions>,
  frames: readonly Sample[],
  faces: readonly FaceLandmarks[],
  lowPass: ShapesLowPassOptions | undefined,
  clock: { hmm: number; regressors: number },
): { shapes: Partial<Record<VideoStageMethod, Shape[]>>; agree: number[]; move: number[] } {
  const { model, cascade } = pipeline;
  if (cascade === null) throw new ValueError('videoStageTable: the pipeline has no cascade'); // checked at the boundary
  const table = model.table;
  const D = 2 * table.nPoints;
  let t0 = now();
  const emissions: SparsePosterior[] = faces.map((f) => {
    const p = f.prediction.posterior;
    // a dense posterior tempers to a dense one
    const tempered = s.temperature === 1 ? p : (posteriorTemper(p, s.temperature, table.K) as Float64Array);
    return posteriorTop(tempered, { mass: s.mass });
  });
  const fb = hmmForwardBackward(hmm, emissions, { mass: s.mass });
  const vit = hmmViterbi(hmm, emissions);
  clock.hmm += now() - t0;
  t0 = now();
  // the classes are shapes in the box the classifier ran in (the refined box, or the given one on the one-pass path);
  // the cascade then works in the refined box
  const fbShapes = fb.posteriors.map((p, t) => posteriorShape(p, table, faces[t].prediction.box));
  const vitShapes = Array.from(vit.path, (k, t) =>
    shapeFromBox(table.centers.subarray(k * D, (k + 1) * D), faces[t].prediction.box),
  );
  const run = (start: Shape, top: number, t: number): Shape =>
    cascadeApply(cascade, frames[t].image, faces[t].refinedBox, start, top).shape;
  const fbCascade = fbShapes.map((sh, t) => run(sh, fb.posteriors[t].indices[0], t));
  const agree = fb.posteriors.map((q, t) => agreement(faces[t].prediction.posterior, q));
  const move = fbCascade.map((sh, t) => shapeMove(fbShapes[t], sh, faces[t].refinedBox));
  const vitCascade = vitShapes.map((sh, t) => run(sh, vit.path[t], t));
  clock.regressors += now() - t0;
  const shapes = {
    '+ regressors + low-pass': shapesLowPass(
      faces.map((f) => f.landmarks),
      lowPass,
    ),
    'HMM forward-backward': fbShapes,
    'HMM forward-backward + regressors': fbCascade,
    'HMM forward-backward + regressors + low-pass': shapesLowPass(fbCascade, lowPass),
    'HMM forward-backward + gated regressors': fbCascade.map((sh, t) =>
      agree[t] >= s.gate && move[t] <= s.maxMove ? sh : fbShapes[t],
    ),
    'HMM Viterbi': vitShapes,
    'HMM Viterbi + regressors': vitCascade,
  };
  return { shapes, agree, move };
}

/** The validated settings and the per-frame pipeline results of every video (shared by the table and the scan). */
interface VideoRun {
  nPoints: number;
  hmm: HmmModel;
  settings: Required<VideoHmmOptions>;
  faces: FaceLandmarks[][];
  seconds: number;
}

function checkPipeline(fn: string, pipeline: LandmarkPipeline): void {
  const model = pipeline?.model;
  if (typeof model?.config?.nPoints !== 'number' || typeof model.K !== 'number') {
    throw new ValueError(
      `${fn}: argument 'pipeline' expected { model, refiner, cascade } (refine.trainLandmarkPipeline), got ${describe(pipeline)}`,
    );
  }
  if (!pipeline.cascade) {
    throw new ValueError(
      `${fn}: argument 'pipeline' expected a pipeline with a cascade (the '+ regressors' stage), got cascade ${describe(pipeline.cascade)}`,
    );
  }
  if (model.K < 2) {
    throw new ValueError(
      `${fn}: argument 'pipeline' expected a model of at least 2 classes, got K = ${model.K}`,
    );
  }
}

/** Validates, builds the HMM and runs the pipeline (refine, classify, cascade) on every frame of every video. */
function runVideos(
  fn: string,
  pipeline: LandmarkPipeline,
  videos: ReadonlyArray<readonly Sample[]>,
  opts: Pick<VideoStageTableOptions, 'boxes' | 'refine'>,
  hmmOpts: VideoHmmOptions | undefined,
): VideoRun {
  checkPipeline(fn, pipeline);
  const { model } = pipeline;
  const nPoints = model.config.nPoints;
  assertVideos(fn, videos, nPoints);
  const boxMode = opts.boxes ?? 'detection';
  assertOneOf(fn, 'boxes', boxMode, ['detection', 'landmarks'] as const);
  const settings = hmmSettings(fn, hmmOpts, model.K);
  const hmm = hmmModel(classNeighbors(model.table, { k: settings.neighbors }), model.K, {
    stay: settings.stay,
    jump: settings.jump,
  });
  const t0 = now();
  const faces = videos.map((frames) =>
    landmarksInBoxes(
      pipeline,
      frames.map((f) => ({ image: f.image, box: boxMode === 'detection' ? referenceBox(f) : f.box })),
      { refine: opts.refine },
    ),
  );
  return { nPoints, hmm, settings, faces, seconds: now() - t0 };
}

/**
 * Table 2 on video: scores a trained pipeline (classifier + cascade; its refiner too unless `refine: false`) on
 * annotated videos (arrays of frames in order, each with `landmarks` and a box), stage by stage: classification,
 * + regressors, and temporal smoothing (HMM forward-backward or Viterbi over the classes, then the cascade from the
 * smoothed start; 3-frame low-pass of the final shapes). Returns the table rows and every frame's errors (for CED).
 * @example const t = experiments.videoStageTable(pipeline, [clipA, clipB], { hmm: { temperature: 8 } }); console.table(t.rows)
 */
export function videoStageTable(
  pipeline: LandmarkPipeline,
  videos: ReadonlyArray<readonly Sample[]>,
  opts: VideoStageTableOptions = {},
): VideoStageTable {
  const fn = 'videoStageTable';
  const normalization = opts.normalization ?? 'bbox-diagonal';
  const occludedFraction = opts.occludedFraction ?? 0.5;
  assertInRange(fn, 'occludedFraction', occludedFraction, 0, 1);
  const protocolOpts = { hardFraction: 0.1, ...opts.protocol };
  const normalizations = protocolOpts.normalizations ?? [normalization];
  if (!normalizations.includes(normalization)) {
    throw new ValueError(
      `${fn}: option 'normalization' expected one of the protocol's normalizations (${normalizations.join(', ')}), got ${describe(normalization)}`,
    );
  }
  const points = protocolOpts.points ?? ['all'];
  if (!points.includes('all')) {
    throw new ValueError(
      `${fn}: option 'protocol.points' expected to include 'all' (the table's point set), got ${describe(points)}`,
    );
  }
  const run = runVideos(fn, pipeline, videos, opts, opts.hmm);
  const { nPoints, hmm, settings: s } = run;
  const D = 2 * nPoints;
  const shapes = Object.fromEntries(VIDEO_STAGES.map((r) => [r.method, [] as Shape[]])) as Record<
    VideoStageMethod,
    Shape[]
  >;
  const clock = { pipeline: run.seconds, hmm: 0, regressors: 0 };
  const videoOf: number[] = [];
  const frameOf: number[] = [];
  const truth: Shape[] = [];
  const hidden: Array<number | null> = [];
  videos.forEach((frames, v) => {
    const faces = run.faces[v];
    shapes.classification.push(...faces.map((f) => f.classifierShape));
    shapes['+ regressors'].push(...faces.map((f) => f.landmarks));
    const smooth = smoothVideo(pipeline, hmm, s, frames, faces, opts.lowPass, clock).shapes;
    for (const [m, list] of Object.entries(smooth)) shapes[m as VideoStageMethod].push(...list);
    frames.forEach((f, t) => {
      videoOf.push(v);
      frameOf.push(t);
      truth.push(f.landmarks);
      hidden.push(f.occlusion ? f.occlusion.reduce((a, b) => a + b, 0) / f.occlusion.length : null);
    });
  });
  const methods = VIDEO_STAGES.map((r) => r.method);
  const predictions = Object.fromEntries(methods.map((m) => [m, packRows(shapes[m], D)])) as Record<
    VideoStageMethod,
    Float32Array
  >;
  const gt = packRows(truth, D);
  const known = hidden.some((h) => h !== null);
  const occlusion = known ? hidden.map((h) => ((h ?? 0) > occludedFraction ? 'occluded' : 'visible')) : null;
  const protocol = evaluateProtocol(gt, nPoints, predictions, {
    ...protocolOpts,
    normalizations,
    points,
    groups: occlusion ?? undefined,
  });
  const stageOf = new Map<string, VideoStageRow['stage']>(VIDEO_STAGES.map((r) => [r.method, r.stage]));
  const rows: VideoStageRow[] = protocol.rows
    .filter((r) => r.normalization === normalization && r.points === 'all')
    .map((r) => ({
      stage: stageOf.get(r.method) ?? 'temporal',
      method: r.method as VideoStageMethod,
      subset: r.subset,
      frames: r.n,
      mean: r.mean,
      median: r.median,
      auc: r.auc,
      failureRate: r.failureRate,
    }));
  const order = (x: string): number => ['all', 'hard', 'visible', 'occluded'].indexOf(x);
  rows.sort(
    (a, b) => order(a.subset) - order(b.subset) || methods.indexOf(a.method) - methods.indexOf(b.method),
  );
  const key = `${normalization}/all`;
  const errors = Object.fromEntries(methods.map((m) => [m, protocol.errors[m][key]])) as Record<
    VideoStageMethod,
    Float64Array
  >;
  return {
    methods,
    rows,
    errors,
    video: Int32Array.from(videoOf),
    frame: Int32Array.from(frameOf),
    occlusion,
    predictions,
    truth: gt,
    protocol,
    hmm: s,
    normalization,
    seconds: clock,
  };
}

/** Options of {@link videoTemperatureScan}. */
export interface VideoTemperatureScanOptions extends Pick<VideoStageTableOptions, 'boxes' | 'refine'> {
  /** Emission temperatures to try. @default [1, 2, 4, 8, 16, 32, 64] */
  temperatures?: readonly number[];
  /** The other HMM settings (its `temperature` is ignored). @default videoStageTable's */
  hmm?: Omit<VideoHmmOptions, 'temperature'>;
  /** The smoothed method whose mean error picks the temperature. @default 'HMM forward-backward + regressors' */
  method?: Exclude<VideoStageMethod, 'classification' | '+ regressors' | '+ regressors + low-pass'>;
  /** Normalisation of the errors. @default 'bbox-diagonal' */
  normalization?: Normalization;
  /** Gates of the gated row to try at the chosen temperature (see `VideoHmmOptions.gate`). @default [0, 0.05, 0.1, 0.2, 0.3, 0.5] */
  gates?: readonly number[];
  /** Move limits of the gated row to try with each gate (see `VideoHmmOptions.maxMove`). @default [Infinity, 0.15, 0.1, 0.08, 0.06] */
  maxMoves?: readonly number[];
}

/** What {@link videoTemperatureScan} returns. */
export interface VideoTemperatureScan {
  /** The temperature of the lowest mean error. */
  temperature: number;
  /** Per temperature: the mean error of each smoothed method (over every frame of the videos; gated at hmm.gate). */
  rows: Array<{ temperature: number } & Record<string, number>>;
  /** The gate and move limit of the lowest mean error of 'HMM forward-backward + gated regressors' at the chosen temperature. */
  gate: number;
  maxMove: number;
  /** Per (gate, move limit) at the chosen temperature: that mean error, and the share of frames where the cascade ran. */
  gateRows: Array<{ gate: number; maxMove: number; error: number; cascaded: number }>;
}

/**
 * Picks the HMM's emission temperature on validation videos (never the test videos): runs the pipeline once per frame,
 * then the smoothing at each temperature, and returns the one whose `method` has the lowest mean error.
 * @example const { temperature } = experiments.videoTemperatureScan(pipeline, validationClips)
 */
export function videoTemperatureScan(
  pipeline: LandmarkPipeline,
  videos: ReadonlyArray<readonly Sample[]>,
  opts: VideoTemperatureScanOptions = {},
): VideoTemperatureScan {
  const fn = 'videoTemperatureScan';
  const temperatures = opts.temperatures ?? [1, 2, 4, 8, 16, 32, 64];
  if (!Array.isArray(temperatures) || temperatures.length === 0) {
    throw new ValueError(
      `${fn}: argument 'temperatures' expected a non-empty array of numbers > 0, got ${describe(temperatures)}`,
    );
  }
  temperatures.forEach((T, i) => assertPositive(fn, `temperatures[${i}]`, T));
  const method = opts.method ?? 'HMM forward-backward + regressors';
  const smoothed = VIDEO_STAGES.filter((r) => r.method.startsWith('HMM')).map((r) => r.method);
  assertOneOf(fn, 'method', method, smoothed);
  const run = runVideos(fn, pipeline, videos, opts, { ...opts.hmm, temperature: 1 });
  const D = 2 * run.nPoints;
  const gt = packRows(
    videos.flatMap((v) => v.map((f) => f.landmarks)),
    D,
  );
  const gates = opts.gates ?? [0, 0.05, 0.1, 0.2, 0.3, 0.5];
  if (!Array.isArray(gates) || gates.length === 0) {
    throw new ValueError(
      `${fn}: argument 'gates' expected a non-empty array of numbers in [0, 1], got ${describe(gates)}`,
    );
  }
  gates.forEach((g, i) => assertInRange(fn, `gates[${i}]`, g, 0, 1));
  const maxMoves = opts.maxMoves ?? [Infinity, 0.15, 0.1, 0.08, 0.06];
  if (
    !Array.isArray(maxMoves) ||
    maxMoves.length === 0 ||
    maxMoves.some((m) => typeof m !== 'number' || !(m >= 0))
  ) {
    throw new ValueError(
      `${fn}: argument 'maxMoves' expected a non-empty array of numbers ≥ 0, got ${describe(maxMoves)}`,
    );
  }
  const clock = { hmm: 0, regressors: 0 };
  const mean = (e: ArrayLike<number>): number => {
    let sum = 0;
    for (let i = 0; i < e.length; i++) sum += e[i];
    return sum / e.length;
  };
  const perT = temperatures.map((T) => {
    const s = { ...run.settings, temperature: T };
    const byMethod: Record<string, Shape[]> = {};
    const agree: number[] = [];
    const move: number[] = [];
    videos.forEach((frames, v) => {
      const smooth = smoothVideo(pipeline, run.hmm, s, frames, run.faces[v], undefined, clock);
      for (const m of smoothed) (byMethod[m] ??= []).push(...(smooth.shapes[m] ?? []));
      agree.push(...smooth.agree);
      move.push(...smooth.move);
    });
    const row: { temperature: number } & Record<string, number> = { temperature: T };
    const errors: Record<string, Float64Array> = {};
    for (const m of smoothed) {
      errors[m] = normalizedErrors(packRows(byMethod[m], D), gt, run.nPoints, {
        normalization: opts.normalization ?? 'bbox-diagonal',
      });
      row[m] = mean(errors[m]);
    }
    return { row, errors, agree, move };
  });
  const rows = perT.map((r) => r.row);
  const best = perT.reduce((a, b) => (b.row[method] < a.row[method] ? b : a));
  const shape = best.errors['HMM forward-backward'];
  const cascaded = best.errors['HMM forward-backward + regressors'];
  const gateRows = gates.flatMap((g) =>
    maxMoves.map((maxMove) => {
      const on = best.agree.map((a, t) => a >= g && best.move[t] <= maxMove);
      return {
        gate: g,
        maxMove,
        error: mean(on.map((x, t) => (x ? cascaded[t] : shape[t]))),
        cascaded: on.filter(Boolean).length / on.length,
      };
    }),
  );
  const chosen = gateRows.reduce((a, b) => (b.error < a.error ? b : a));
  return { temperature: best.row.temperature, rows, gate: chosen.gate, maxMove: chosen.maxMove, gateRows };
}
