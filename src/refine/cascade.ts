/**
 * Per-cluster cascaded linear regressors (supervised descent, Xiong & De la Torre 2013, as the paper uses them after
 * the classifier): each stage regresses the shape update from HOG-style descriptors sampled around the current
 * landmarks, by ridge regression; stages run in sequence from the classifier's expected shape. One regressor set per
 * cluster of classes (k-means of the class centres; a face uses the cluster of its most probable class), trained on
 * the faces whose top class falls in the cluster plus, like membership sets share examples, every face whose
 * ground-truth shape lies within `shareRadius` of the cluster's centre. A cluster with too few faces falls back to the
 * global set, trained on every face.
 *
 * Coordinates: shapes are regressed in the box coordinates of the face's (refined) box; descriptors are taken on a
 * gray `frame.size`² resampling of that box grown by `frame.margin` on each side.
 */
import { kmeans } from '../classes/kmeans';
import { ShapeError, ValueError } from '../errors';
import { boxValidate, shapeBox, shapeFromBox, shapeToBox } from '../landmarks/box';
import { schemeFor } from '../landmarks/scheme';
import type { ExemplarModel } from '../model/exemplarModel';
import { inputSpec, rasterValidate } from '../model/input';
import { predictBatch, type PredictItem } from '../model/predict';
import type { Box, Raster, Sample, Shape } from '../types';
import { Rng } from '../util/rng';
import { assertInRange, assertInteger, describe } from '../util/validate';
import { type BoxJitter, boxJitter } from './boxDelta';
import { assertSamples } from './boxRefiner';
import { FrameBuffers, frameMaps } from './frameKernel';
import { type GradientMaps, type HogOptions, hogDescriptors, hogLength, hogSpec, type HogSpec } from './hog';
import { ENGINE_MIN_ROWS, ridgeApply, ridgeApplyInto, ridgeFit, type RidgeModel } from './ridge';
import { ridgeDotsKernel } from './ridgeWasm';

/** A trained cascade (plain data). */
export interface Cascade {
  kind: 'exemplar-landmarks/cascade';
  /** Landmarks per shape and the scheme's name: applying the cascade to other shapes is a ShapeError. */
  nPoints: number;
  scheme: string;
  /** K of the model whose classes were clustered. */
  classCount: number;
  /** The descriptor frame: side in pixels, and margin around the box (fraction of its size). */
  frame: { size: number; margin: number };
  hog: HogSpec;
  /** Cluster of each class (K). */
  clusterOfClass: Int32Array;
  /** Global stages (every face), then each cluster's stages (null: too few faces, the global set is used). */
  global: RidgeModel[];
  clusters: Array<RidgeModel[] | null>;
  /** Training faces per cluster (with sharing). */
  clusterExamples: number[];
  /** Mean training error (pt-pt / box diagonal) of the global set: start, then after each stage. */
  trainErrors: number[];
}

/** Options of {@link trainCascade}. */
export interface TrainCascadeOptions {
  /** Stages (the paper: 7). @default 7 */
  stages?: number;
  /** Clusters of classes (the paper: 100; at most K). @default 4 */
  clusters?: number;
  /** A face also trains every cluster whose centre lies within this RMS distance (box units) of its shape. @default 0.05 */
  shareRadius?: number;
  /** A cluster with fewer training faces uses the global set. @default 300 */
  minExamples?: number;
  /** Ridge penalty relative to the mean descriptor variance. @default 2 */
  lambda?: number;
  /** Descriptor frame side in pixels. @default 64 */
  frameSize?: number;
  /** Descriptor frame margin around the box. @default 0.25 */
  frameMargin?: number;
  /** Descriptor layout. @default { cells: 2, cellSize: 5, bins: 6 } */
  hog?: HogOptions;
  /** Starts per training face (the classifier in a jittered box). @default 2 */
  starts?: number;
  /** Jitter of the training faces' boxes (the refined box's spread). @default { centre: 0.05, scale: 0.05, aspect: 0.03 } */
  startJitter?: BoxJitter;
  /** Seed of jitter and clustering. @default 0 */
  seed?: number;
  /** Faces per classifier pass. @default 64 */
  batchSize?: number;
  /**
   * The front end whose output the cascade learns to correct: from the start boxes (each face's `detection`, else its
   * `box`, jittered by `startJitter`) to each face's frame box, start shape (pixels) and most probable class, e.g. the
   * pipeline's one-pass path. @default the classifier in the jittered landmarks' box, which is also the frame
   */
  front?: CascadeFront;
}

/** A cascade's front end (see {@link TrainCascadeOptions.front}): one result per item, in order. */
export type CascadeFront = (items: PredictItem[]) => Array<{ box: Box; start: Shape; topClass: number }>;

/** Mean point-to-point error over the box diagonal of the ground truth, for shapes in box coordinates of `box`. */
function diagError(
  cur: Float32Array,
  gt: Float32Array,
  o: number,
  dim: number,
  box: Box,
  gtDiag: number,
): number {
  let s = 0;
  for (let j = 0; j < dim; j += 2) {
    s += Math.hypot((cur[o + j] - gt[o + j]) * box.width, (cur[o + j + 1] - gt[o + j + 1]) * box.height);
  }
  return s / (dim / 2) / gtDiag;
}

/** Scratch of the frames made on this thread (the crop and its sample tables). */
const frameBuffers = new FrameBuffers();

/**
 * The gradient maps of a face's descriptor frame: the gray crop of `box` grown by `margin` at size × size (equal to
 * the model's cropInto, frameKernel.ts), then central differences.
 * @example const maps = cascadeFrame(image, box, cascade.frame.size, cascade.frame.margin)
 */
export function cascadeFrame(image: Raster, box: Box, size: number, margin: number): GradientMaps {
  const spec = inputSpec('cascadeFrame', { size, channels: 1, margin });
  return frameMaps(image, box, spec.size, spec.margin, frameBuffers);
}

/** Descriptors of a shape (box coordinates) in its frame, into out at offset. */
function describeShape(
  maps: GradientMaps,
  norm: Float32Array,
  o: number,
  dim: number,
  hog: HogSpec,
  margin: number,
  out: Float32Array,
  offset: number,
  scratch: Float32Array,
): void {
  const S = maps.width;
  const k = S / (1 + 2 * margin);
  for (let j = 0; j < dim; j++) scratch[j] = (norm[o + j] + margin) * k - 0.5;
  hogDescriptors(maps, scratch, hog, out, offset);
}

/** Scratch of cascade application on this thread: descriptors (n × L) and steps (n × dim), grown on demand. */
let applyX = new Float32Array(0);
let applyStep = new Float32Array(0);

/**
 * One cascade's state over a set of faces: runs its stages, fitting each one (training) or applying given ones.
 * Applying reuses this module's scratch (no allocation per stage) and multiplies in WebAssembly (ridgeWasm.ts) at any
 * number of faces; without it, in JavaScript below ENGINE_MIN_ROWS faces and on the engine from there (ridgeApply's
 * rule, as in training).
 */
function runStages(
  frames: GradientMaps[],
  cur: Float32Array,
  dim: number,
  hog: HogSpec,
  margin: number,
  stages: number | RidgeModel[],
  gt?: Float32Array,
  lambda = 0,
  onStage?: (cur: Float32Array) => void,
): RidgeModel[] {
  const n = frames.length;
  const L = (dim / 2) * hogLength(hog);
  const fitting = typeof stages === 'number';
  if (!fitting && applyX.length < n * L) applyX = new Float32Array(n * L);
  if (!fitting && applyStep.length < n * dim) applyStep = new Float32Array(n * dim);
  const X = fitting ? new Float32Array(n * L) : applyX.subarray(0, n * L);
  const scratch = new Float32Array(dim);
  const fitted: RidgeModel[] = [];
  const count = fitting ? stages : stages.length;
  for (let t = 0; t < count; t++) {
    for (let e = 0; e < n; e++) describeShape(frames[e], cur, e * dim, dim, hog, margin, X, e * L, scratch);
    let model: RidgeModel;
    if (fitting) {
      const Y = new Float32Array(n * dim);
      for (let i = 0; i < Y.length; i++) Y[i] = (gt as Float32Array)[i] - cur[i];
      model = ridgeFit(X, L, Y, dim, { lambda });
    } else {
      model = stages[t];
    }
    let step: Float32Array;
    // applying: the WebAssembly product at any batch size (it streams the weights once; the engine would copy them
    // per call), else ridgeApply's rule
    const wasm = !fitting && ridgeDotsKernel()?.fits(model) === true;
    if (!wasm && (fitting || n >= ENGINE_MIN_ROWS)) {
      step = ridgeApply(model, X);
    } else {
      step = applyStep;
      ridgeApplyInto(model, X, n, step);
    }
    for (let i = 0; i < cur.length; i++) cur[i] += step[i];
    fitted.push(model);
    onStage?.(cur);
  }
  return fitted;
}

/**
 * Trains the cascade for `model` on `samples` (landmarks in pixels, `box` the landmarks' box: the refined box's target).
 * @example const cascade = trainCascade(model, trainSamples, { stages: 7, clusters: 4 })
 */
export function trainCascade(
  model: ExemplarModel,
  samples: Sample[],
  opts: TrainCascadeOptions = {},
): Cascade {
  const fn = 'trainCascade';
  const nPoints = model.config.nPoints;
  assertSamples(fn, 'samples', samples, nPoints);
  const stages = opts.stages ?? 7;
  const starts = opts.starts ?? 2;
  const minExamples = opts.minExamples ?? 300;
  const shareRadius = opts.shareRadius ?? 0.05;
  const lambda = opts.lambda ?? 2;
  const size = opts.frameSize ?? 64;
  const margin = opts.frameMargin ?? 0.25;
  const batchSize = opts.batchSize ?? 64;
  assertInteger(fn, 'opts.stages', stages, 1, 50);
  assertInteger(fn, 'opts.starts', starts, 1, 100);
  assertInteger(fn, 'opts.minExamples', minExamples, 1);
  assertInRange(fn, 'opts.shareRadius', shareRadius, 0, 10);
  assertInRange(fn, 'opts.lambda', lambda, 1e-12, 1e12);
  assertInteger(fn, 'opts.frameSize', size, 8, 512);
  assertInRange(fn, 'opts.frameMargin', margin, 0, 2);
  const hog = hogSpec(fn, opts.hog);
  const K = model.K;
  const nClusters = Math.min(opts.clusters ?? 4, K);
  assertInteger(fn, 'opts.clusters', nClusters, 1);
  const dim = 2 * nPoints;
  const rng = new Rng(opts.seed ?? 0);
  const { table } = model;

  // clusters of classes
  const clusterOfClass = new Int32Array(K);
  let centres: Float32Array = new Float32Array(dim);
  if (nClusters > 1) {
    const km = kmeans(table.centers, nPoints, { K: nClusters, seed: opts.seed ?? 0 });
    clusterOfClass.set(km.assignment);
    centres = km.centers;
  }

  // training faces: the classifier's shape in a jittered box
  const boxes: Box[] = [];
  const owners: number[] = [];
  samples.forEach((s, i) => {
    for (let j = 0; j < starts; j++) {
      const around = opts.front ? (s.detection ?? s.box) : s.box;
      boxes.push(boxJitter(around, rng, opts.startJitter ?? { centre: 0.05, scale: 0.05, aspect: 0.03 }));
      owners.push(i);
    }
  });
  const n = boxes.length;
  const start = new Float32Array(n * dim);
  const gt = new Float32Array(n * dim);
  const top = new Int32Array(n);
  const frames: GradientMaps[] = [];
  const diag = new Float64Array(n);
  const front: CascadeFront =
    opts.front ??
    ((items) =>
      predictBatch(model, items, { topK: 1, batchSize }).map((p, i) => ({
        box: items[i].box,
        start: p.expectedShape,
        topClass: p.topK[0].index,
      })));
  for (let s = 0; s < n; s += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, n - s) }, (_, i) => s + i);
    const out = front(idx.map((e) => ({ image: samples[owners[e]].image, box: boxes[e] })));
    if (!Array.isArray(out) || out.length !== idx.length) {
      throw new ShapeError(
        `${fn}: option 'front' expected one result per item (${idx.length}), got ${describe(out)}`,
      );
    }
    idx.forEach((e, i) => {
      const smp = samples[owners[e]];
      const { box, start: shape, topClass } = out[i];
      boxes[e] = box;
      start.set(shapeToBox(shape, box), e * dim);
      gt.set(shapeToBox(smp.landmarks, box), e * dim);
      top[e] = topClass;
      frames.push(cascadeFrame(smp.image, box, size, margin));
      const b = shapeBox(smp.landmarks);
      diag[e] = Math.max(Math.hypot(b.width, b.height), 1e-9);
    });
  }
  const meanError = (cur: Float32Array, members: number[]): number => {
    let s = 0;
    members.forEach((e, r) => (s += diagError(cur, gt, r * dim, dim, boxes[e], diag[e])));
    return s / members.length;
  };
  const gather = (a: Float32Array, members: number[]): Float32Array => {
    const out = new Float32Array(members.length * dim);
    members.forEach((e, r) => out.set(a.subarray(e * dim, (e + 1) * dim), r * dim));
    return out;
  };
  const train = (members: number[], errors?: number[]): RidgeModel[] => {
    const cur = gather(start, members);
    errors?.push(meanError(cur, members));
    return runStages(
      members.map((e) => frames[e]),
      cur,
      dim,
      hog,
      margin,
      stages,
      gather(gt, members),
      lambda,
      errors ? (c) => errors.push(meanError(c, members)) : undefined,
    );
  };
  const everyone = Array.from({ length: n }, (_, e) => e);
  const trainErrors: number[] = [];
  const global = train(everyone, trainErrors);
  const clusters: Array<RidgeModel[] | null> = [];
  const clusterExamples: number[] = [];
  if (nClusters > 1) {
    const r2 = shareRadius * shareRadius * nPoints;
    for (let c = 0; c < nClusters; c++) {
      const members = everyone.filter((e) => {
        if (clusterOfClass[top[e]] === c) return true;
        let d2 = 0;
        for (let j = 0; j < dim; j++) {
          const v = gt[e * dim + j] - centres[c * dim + j];
          d2 += v * v;
        }
        return d2 <= r2;
      });
      clusterExamples.push(members.length);
      clusters.push(members.length >= minExamples ? train(members) : null);
    }
  } else {
    clusterExamples.push(n);
    clusters.push(null);
  }
  return {
    kind: 'exemplar-landmarks/cascade',
    nPoints,
    scheme: schemeFor(nPoints).name,
    classCount: K,
    frame: { size, margin },
    hog,
    clusterOfClass,
    global,
    clusters,
    clusterExamples,
    trainErrors,
  };
}

/** Checks a cascade and that it fits shapes of `nPoints` points and a model of `K` classes. */
export function cascadeValidate(
  fn: string,
  cascade: unknown,
  nPoints: number,
  K?: number,
): asserts cascade is Cascade {
  const c = cascade as Partial<Cascade> | null;
  if (
    typeof c !== 'object' ||
    c === null ||
    c.kind !== 'exemplar-landmarks/cascade' ||
    !Array.isArray(c.global)
  ) {
    throw new ValueError(
      `${fn}: argument 'cascade' expected a Cascade (trainCascade), got ${describe(cascade)}`,
    );
  }
  const scheme = schemeFor(nPoints).name;
  if (c.nPoints !== nPoints || c.scheme !== scheme) {
    throw new ShapeError(
      `${fn}: argument 'cascade' was trained for ${c.nPoints} points (scheme ${c.scheme}), got shapes of ${nPoints} points (scheme ${scheme})`,
    );
  }
  if (K !== undefined && c.classCount !== K) {
    throw new ShapeError(
      `${fn}: argument 'cascade' was trained on a model of K = ${c.classCount} classes, got class index space K = ${K}`,
    );
  }
}

/** Options of {@link cascadeApply}. */
export interface CascadeApplyOptions {
  /** Run only the first this many stages (fewer: faster; ~0.2 ms per face and stage here). @default all */
  stages?: number;
  /**
   * Landmarks held fixed (pixels, e.g. a user's clicks): set at the start and put back after every stage, so the
   * next stage's descriptors are read around them. @default none
   */
  pinned?: ReadonlyArray<{ point: number; x: number; y: number }>;
}

/** What {@link cascadeApply} returns. */
export interface CascadeResult {
  /** The final shape, in image pixels. */
  shape: Shape;
  /** The start and the shape after each stage, in pixels (stages + 1 shapes). */
  stages: Shape[];
  /** The cluster used (-1: the global set). */
  cluster: number;
}

/** One face of {@link cascadeApplyBatch}. */
export interface CascadeItem {
  image: Raster;
  /** The (refined) box the cascade works in. */
  box: Box;
  /** The start shape in pixels (e.g. the classifier's expected shape in `box`). */
  start: Shape;
  /** The face's most probable class: picks its cluster's regressor set. */
  topClass: number;
  /** Landmarks held fixed (pixels), as CascadeApplyOptions.pinned for this face. @default none */
  pinned?: CascadeApplyOptions['pinned'];
}

/**
 * Runs the cascade on one face: from `start` (pixels, e.g. the classifier's expected shape in `box`), in `box`, with
 * the regressor set of `topClass`'s cluster.
 * @example const { shape } = cascadeApply(cascade, image, box, p.expectedShape, p.topK[0].index)
 */
export function cascadeApply(
  cascade: Cascade,
  image: Raster,
  box: Box,
  start: Shape,
  topClass: number,
  opts: CascadeApplyOptions = {},
): CascadeResult {
  return applyItems(
    'cascadeApply',
    cascade,
    [{ image, box, start, topClass, pinned: opts.pinned }],
    opts,
    '',
  )[0];
}

/**
 * Runs the cascade on many faces at once (the same results as {@link cascadeApply} face by face, within float32
 * rounding): faces that share a regressor set run their stages together, so each stage's descriptors are one packed
 * matrix and its product one call (in WebAssembly; without it, on the engine from ENGINE_MIN_ROWS faces of a set).
 * @example const runs = cascadeApplyBatch(cascade, preds.map((p, i) => ({ image, box: boxes[i], start: p.expectedShape, topClass: p.topK[0].index })))
 */
export function cascadeApplyBatch(
  cascade: Cascade,
  items: CascadeItem[],
  opts: CascadeApplyOptions = {},
): CascadeResult[] {
  const fn = 'cascadeApplyBatch';
  if (!Array.isArray(items)) {
    throw new ValueError(
      `${fn}: argument 'items' expected an array of { image, box, start, topClass }, got ${describe(items)}`,
    );
  }
  return applyItems(fn, cascade, items, opts, 'items');
}

/** Checks and runs the items, grouped by regressor set; `name` prefixes argument names ('' for cascadeApply's). */
function applyItems(
  fn: string,
  cascade: Cascade,
  items: CascadeItem[],
  opts: CascadeApplyOptions,
  name: string,
): CascadeResult[] {
  if (items.length === 0) return [];
  const arg = (i: number, field: string): string => (name ? `${name}[${i}].${field}` : field);
  let dim = 0;
  items.forEach((it, i) => {
    const { start } = it ?? {};
    if (!(start instanceof Float32Array) || start.length % 2 !== 0 || start.length === 0) {
      throw new ShapeError(
        `${fn}: argument '${arg(i, 'start')}' expected a shape (Float32Array of x, y pairs), got ${describe(start)}`,
      );
    }
    if (i === 0) cascadeValidate(fn, cascade, start.length / 2);
    else if (start.length !== dim) {
      throw new ShapeError(
        `${fn}: argument '${arg(i, 'start')}' expected ${dim / 2} points like the first item, got ${start.length / 2}`,
      );
    }
    dim = start.length;
    rasterValidate(fn, arg(i, 'image'), it.image);
    boxValidate(fn, arg(i, 'box'), it.box);
    assertInteger(fn, arg(i, 'topClass'), it.topClass, 0, cascade.classCount - 1);
    for (let j = 0; j < start.length; j++) {
      if (!Number.isFinite(start[j]))
        throw new ValueError(
          `${fn}: argument '${arg(i, 'start')}' expected finite values, got ${start[j]} at ${j}`,
        );
    }
    const pinned = it.pinned ?? [];
    const where = name ? arg(i, 'pinned') : 'opts.pinned';
    if (!Array.isArray(pinned)) {
      throw new ValueError(
        `${fn}: argument '${where}' expected an array of { point, x, y }, got ${describe(pinned)}`,
      );
    }
    pinned.forEach((q, k) => {
      assertInteger(fn, `${where}[${k}].point`, q?.point, 0, dim / 2 - 1);
      if (!Number.isFinite(q.x) || !Number.isFinite(q.y)) {
        throw new ValueError(
          `${fn}: argument '${where}[${k}]' expected finite x and y (pixels), got ${describe(q.x)}, ${describe(q.y)}`,
        );
      }
    });
  });
  // pinned points (box coordinates) put back at the start and after every stage
  const pin = (i: number, s: Float32Array, o: number): void => {
    const { box } = items[i];
    for (const q of items[i].pinned ?? []) {
      s[o + 2 * q.point] = (q.x - box.x) / box.width;
      s[o + 2 * q.point + 1] = (q.y - box.y) / box.height;
    }
  };
  // the regressor set of each face: its cluster's, or the global one (-1)
  const setOf = items.map((it) => {
    const c = cascade.clusterOfClass[it.topClass];
    return cascade.clusters[c] ? c : -1;
  });
  const sets = [...new Set(setOf)];
  const most = Math.min(...sets.map((c) => stagesOf(cascade, c).length));
  const count = opts.stages ?? most;
  assertInteger(fn, 'opts.stages', count, 0, most);
  const results: CascadeResult[] = new Array(items.length);
  for (const c of sets) {
    const members = items.flatMap((_, i) => (setOf[i] === c ? [i] : []));
    const cur = new Float32Array(members.length * dim);
    members.forEach((i, r) => {
      const it = items[i];
      cur.set(shapeToBox(it.start, it.box), r * dim);
      pin(i, cur, r * dim);
      results[i] = {
        shape: it.start,
        stages: [shapeFromBox(cur.subarray(r * dim, (r + 1) * dim), it.box)],
        cluster: c,
      };
    });
    const frames = members.map((i) =>
      cascadeFrame(items[i].image, items[i].box, cascade.frame.size, cascade.frame.margin),
    );
    runStages(
      frames,
      cur,
      dim,
      cascade.hog,
      cascade.frame.margin,
      stagesOf(cascade, c).slice(0, count),
      undefined,
      0,
      (s) =>
        members.forEach((i, r) => {
          pin(i, s, r * dim);
          results[i].stages.push(shapeFromBox(s.subarray(r * dim, (r + 1) * dim), items[i].box));
        }),
    );
    for (const i of members) results[i].shape = results[i].stages[results[i].stages.length - 1];
  }
  return results;
}

/** The regressor set a face of set `c` uses (-1: the global one). */
function stagesOf(cascade: Cascade, c: number): RidgeModel[] {
  return c >= 0 ? (cascade.clusters[c] as RidgeModel[]) : cascade.global;
}
