/**
 * Photo to landmarks in one call: detector → box refiner → classifier → cascade, with the posterior and a per-point
 * spread for every face; and the one call that trains the three learned parts on annotated samples.
 */
import { ValueError } from '../errors';
import { type DetectFacesOptions, type FaceDetection, detectFaces } from '../data/detect/detectFaces';
import type { DetectionJitter } from '../data/datasets/withDetections';
import type { ExemplarModel } from '../model/exemplarModel';
import { predictBatch, type Prediction, type PredictItem } from '../model/predict';
import { trainPipelineClassifier, type PipelineClassifierOptions } from './pipelineClassifier';
import type { TrainResult } from '../model/train';
import type { Box, Raster, Sample, Shape } from '../types';
import { packRows } from '../util/packRows';
import { describe } from '../util/validate';
import { BOX_DELTA_DIM, boxApplyDelta } from './boxDelta';
import { ridgeApply } from './ridge';
import {
  type BoxRefiner,
  refineBoxes,
  refinerValidate,
  trainBoxRefiner,
  type TrainBoxRefinerOptions,
} from './boxRefiner';
import {
  type Cascade,
  type CascadeFront,
  type CascadeItem,
  cascadeApplyBatch,
  cascadeValidate,
  trainCascade,
  type TrainCascadeOptions,
} from './cascade';
import { pointSpread } from './pointSpread';

/** The learned parts and the detector settings of the photo-to-landmarks path. */
export interface LandmarkPipeline {
  model: ExemplarModel;
  /** Box refiner (null: the detector's box is used as it comes). */
  refiner: BoxRefiner | null;
  /** Cascade after the classifier (null: the classifier's expected shape is the answer). */
  cascade: Cascade | null;
  /** Detector options for `faceLandmarks`. @default face-api's Tiny Face Detector, inputSize 416 */
  detector?: DetectFacesOptions;
  /**
   * The path the parts were trained for: true when the cascade learnt from the one-pass path (`trainLandmarkPipeline`'s
   * `onePass`), which is then the default of `landmarksInBoxes` / `faceLandmarks`. @default false
   */
  onePass?: boolean;
}

/** One face's result. */
export interface FaceLandmarks {
  /** The box given (the detector's). */
  box: Box;
  /** The detector's confidence (faceLandmarks only; NaN for given boxes). */
  score: number;
  /** The refined box the classifier and cascade worked in (= box without a refiner). */
  refinedBox: Box;
  /** The final landmarks in pixels (after refinement and the cascade). */
  landmarks: Shape;
  /** The classifier's expected shape in the refined box (the cascade's start), in pixels. */
  classifierShape: Shape;
  /** The start and every cascade stage's shape (just the classifier's shape without a cascade). */
  stages: Shape[];
  /** Per-point spread of the posterior, in pixels (N). */
  pointSpread: Float32Array;
  /**
   * The classifier's prediction (posterior, top-k, feature; its `box` is the box it ran in: the refined box, or the
   * given box on the one-pass path): input of the reasoning functions.
   */
  prediction: Prediction;
}

/** Options of {@link landmarksInBoxes} / {@link faceLandmarks}. */
export interface FaceLandmarksOptions {
  /** Box refiner applications. @default the refiner's `iterations` */
  refineIterations?: number;
  /** Use the refiner (when the pipeline has one). @default true */
  refine?: boolean;
  /** Use the cascade (when the pipeline has one). @default true */
  cascade?: boolean;
  /**
   * Classify again in the refined box (one forward pass per refiner iteration plus one). false: the fast path, a single
   * pass in the given box: its shape is the cascade's start, and its feature gives one refiner step, the box the
   * cascade works in. It suits a classifier trained in boxes like the detector's (`datasets.withDetections` with the
   * detector's `enlarge` / `widen` and spread). @default false for a pipeline trained with `onePass`, else true
   */
  reclassify?: boolean;
  /** Cascade stages to run (the first ones). @default all */
  cascadeStages?: number;
  /** Detector options (faceLandmarks), over the pipeline's. @default the pipeline's */
  detector?: DetectFacesOptions;
}

/**
 * The classifier settings of this project's 300-W runs (scripts/refine-300w.ts, scripts/train-pipeline.ts, the
 * sample-photo test): K = 100 k-means classes, multi-label loss, tau 0.05, a small 64×64 gray CPU net (widths
 * 16-32-64, D = 128), Adam at 0.005 in batches of 32. Spread it into `trainLandmarkPipeline`'s `classifier` and add
 * `epochs`. (Input 64 / 48 / 32 on the 300-W validation faces in Tiny boxes, one pass + cascade: mean error /
 * outer-eye 0.0526 / 0.0533 / 0.0576, failure rate 0.075 / 0.088 / 0.145; bench/RESULTS.md.)
 */
export const PIPELINE_CLASSIFIER: Readonly<PipelineClassifierOptions> = {
  K: 100,
  loss: 'multiLabel',
  tau: 0.05,
  batchSize: 32,
  learningRate: 0.005,
  input: { size: 64 },
  widths: [16, 32, 64],
  featureDim: 128,
  seed: 1,
};

/**
 * The simulated detections the pipeline's classifier trains in (`datasets.withDetections(ds, { jitter:
 * PIPELINE_BOXES })`): like face-api Tiny's boxes, measured against the landmarks' box on the 300-W training split
 * (451 faces): 11 % larger, 5.6 % wider, sd 4.5 % in centre, 0.1 in log-scale and 0.05 in log-aspect. The one-pass
 * path then classifies in the detector's box as it comes.
 */
export const PIPELINE_BOXES: Readonly<DetectionJitter> = {
  centre: 0.045,
  scale: 0.1,
  enlarge: 1.11,
  aspect: 0.05,
  widen: 1.056,
};

/**
 * The cascade settings of the 300-W runs: 5 stages (validation error is flat after 4; the paper runs 7), 4 clusters
 * of classes, ridge penalty 2, two starts per training face jittered by 8 %.
 */
export const PIPELINE_CASCADE: Readonly<TrainCascadeOptions> = {
  stages: 5,
  clusters: 4,
  lambda: 2,
  starts: 2,
  startJitter: { centre: 0.08, scale: 0.08, aspect: 0.03 },
  seed: 1,
};

/** The default detector of the pipeline: Tiny at 416 (fast on one wasm thread). */
export const PIPELINE_DETECTOR: DetectFacesOptions = {
  model: 'tinyFaceDetector',
  inputSize: 416,
  minConfidence: 0.5,
};

function pipelineValidate(fn: string, pipeline: unknown): asserts pipeline is LandmarkPipeline {
  const p = pipeline as Partial<LandmarkPipeline> | null;
  if (typeof p !== 'object' || p === null || typeof p.model?.featureDim !== 'number') {
    throw new ValueError(
      `${fn}: argument 'pipeline' expected { model, refiner, cascade }, got ${describe(pipeline)}`,
    );
  }
  if (p.refiner) refinerValidate(fn, p.refiner, p.model);
  if (p.cascade) cascadeValidate(fn, p.cascade, p.model.config.nPoints, p.model.K);
}

/**
 * The one-pass front end: one forward pass in the given boxes; each shape stays where that pass put it (the classes
 * are shapes in the box the classifier was given), and the refiner's step from the same pass's feature gives the box
 * the cascade works in.
 */
function onePass(
  model: ExemplarModel,
  refiner: BoxRefiner,
  items: PredictItem[],
): { refined: Box[]; preds: Prediction[] } {
  const preds = predictBatch(model, items, { topK: 5 });
  const delta = ridgeApply(refiner.ridge, packRows(preds.map((p) => p.feature)));
  const refined = items.map((it, i) => boxApplyDelta(it.box, delta, i * BOX_DELTA_DIM));
  return { refined, preds };
}

/** The cascade's items for classified faces: each prediction's shape and top class, in its face's refined box. */
function cascadeItems(items: PredictItem[], refined: Box[], preds: Prediction[]): CascadeItem[] {
  return preds.map((p, i) => ({
    image: items[i].image,
    box: refined[i],
    start: p.expectedShape,
    topClass: p.topK[0].index,
  }));
}

/**
 * Landmarks of the faces in given boxes (a batch): refine, classify, run the cascade.
 * @example const [face] = landmarksInBoxes(pipeline, [{ image, box: detection }]); face.landmarks
 */
export function landmarksInBoxes(
  pipeline: LandmarkPipeline,
  items: PredictItem[],
  opts: FaceLandmarksOptions = {},
): FaceLandmarks[] {
  const fn = 'landmarksInBoxes';
  pipelineValidate(fn, pipeline);
  if (!Array.isArray(items))
    throw new ValueError(`${fn}: argument 'items' expected an array, got ${describe(items)}`);
  if (items.length === 0) return [];
  const { model, refiner, cascade } = pipeline;
  const useRefiner = refiner !== null && opts.refine !== false;
  let refined: Box[];
  let preds: Prediction[];
  if (useRefiner && (opts.reclassify ?? !pipeline.onePass) === false) {
    ({ refined, preds } = onePass(model, refiner, items));
  } else {
    refined = useRefiner
      ? refineBoxes(refiner, model, items, { iterations: opts.refineIterations })
      : items.map((it) => it.box);
    preds = predictBatch(
      model,
      items.map((it, i) => ({ image: it.image, box: refined[i] })),
      { topK: 5 },
    );
  }
  const N = model.config.nPoints;
  // the cascade on every face at once (faces sharing a regressor set run each stage as one product)
  const runs =
    cascade && opts.cascade !== false
      ? cascadeApplyBatch(cascade, cascadeItems(items, refined, preds), { stages: opts.cascadeStages })
      : null;
  return preds.map((p, i) => {
    const run = runs ? runs[i] : null;
    return {
      box: items[i].box,
      score: NaN,
      refinedBox: refined[i],
      landmarks: run ? run.shape : p.expectedShape,
      classifierShape: p.expectedShape,
      stages: run ? run.stages : [p.expectedShape],
      pointSpread: pointSpread(p.posterior, model.table.centers, N, p.box),
      prediction: p,
    };
  });
}

/**
 * Photo to landmarks: detects the faces, then `landmarksInBoxes` in their boxes. Best detection first.
 * @example const faces = await refine.faceLandmarks(pipeline, io.readImage('photo.jpg')); faces[0].landmarks
 */
export async function faceLandmarks(
  pipeline: LandmarkPipeline,
  image: Raster,
  opts: FaceLandmarksOptions = {},
): Promise<FaceLandmarks[]> {
  pipelineValidate('faceLandmarks', pipeline);
  const found: FaceDetection[] = await detectFaces(image, {
    ...PIPELINE_DETECTOR,
    ...pipeline.detector,
    ...opts.detector,
  });
  return landmarksInBoxes(
    pipeline,
    found.map((d) => ({ image, box: d.box })),
    opts,
  ).map((f, i) => ({ ...f, score: found[i].score }));
}

/** Options of {@link trainLandmarkPipeline}. */
export interface TrainLandmarkPipelineOptions {
  /** Training samples (landmarks, the landmarks' `box`, optional simulated `detection` as the classifier's box). */
  train: Sample[];
  /** Classifier options (K, loss, tau, epochs, net, …; `train` is taken from above). @default K 100, multiLabel, 10 epochs */
  classifier?: PipelineClassifierOptions;
  /** Refiner options (pass `detections` to learn a detector's convention), or false for none. @default {} */
  refiner?: TrainBoxRefinerOptions | false;
  /** Cascade options, or false for none. @default {} */
  cascade?: TrainCascadeOptions | false;
  /**
   * Train the cascade on the one-pass path's output (`reclassify: false`: the classifier in each face's `detection`
   * box, the refiner's box as the frame), the path to run it with. Needs a refiner. @default false
   */
  onePass?: boolean;
  /** Detector settings stored in the pipeline. @default PIPELINE_DETECTOR */
  detector?: DetectFacesOptions;
  /** Called after each part with its name and seconds. @default none */
  onPart?: (part: 'classifier' | 'refiner' | 'cascade', seconds: number) => void;
}

/** What {@link trainLandmarkPipeline} returns. */
export interface TrainedLandmarkPipeline {
  pipeline: LandmarkPipeline;
  classifierResult: TrainResult;
  /** Seconds per part. */
  seconds: { classifier: number; refiner: number; cascade: number };
}

/**
 * Trains classes + classifier, the box refiner and the cascade on `train`, in that order.
 * @example const { pipeline } = await refine.trainLandmarkPipeline({ train, classifier: { K: 100, epochs: 8 } })
 */
export async function trainLandmarkPipeline(
  opts: TrainLandmarkPipelineOptions,
): Promise<TrainedLandmarkPipeline> {
  const fn = 'trainLandmarkPipeline';
  if (!Array.isArray(opts?.train) || opts.train.length === 0) {
    throw new ValueError(
      `${fn}: argument 'train' expected a non-empty array of samples, got ${describe(opts?.train)}`,
    );
  }
  if (opts.onePass && opts.refiner === false) {
    throw new ValueError(`${fn}: option 'onePass' needs a refiner, got refiner: false`);
  }
  const clock = (): number => performance.now() / 1000;
  let t = clock();
  const { model, result } = await trainPipelineClassifier(fn, opts.train, {
    K: 100,
    loss: 'multiLabel',
    epochs: 10,
    progress: 'none',
    ...opts.classifier,
  });
  try {
    const seconds = { classifier: clock() - t, refiner: 0, cascade: 0 };
    opts.onPart?.('classifier', seconds.classifier);
    t = clock();
    const refiner = opts.refiner === false ? null : trainBoxRefiner(model, opts.train, opts.refiner);
    seconds.refiner = clock() - t;
    opts.onPart?.('refiner', seconds.refiner);
    t = clock();
    const front: CascadeFront | undefined =
      opts.onePass && refiner
        ? (items) => {
            const { refined, preds } = onePass(model, refiner, items);
            return cascadeItems(items, refined, preds);
          }
        : undefined;
    const cascade =
      opts.cascade === false ? null : trainCascade(model, opts.train, { front, ...opts.cascade });
    seconds.cascade = clock() - t;
    opts.onPart?.('cascade', seconds.cascade);
    return {
      pipeline: {
        model,
        refiner,
        cascade,
        detector: opts.detector ?? PIPELINE_DETECTOR,
        ...(front ? { onePass: true } : {}),
      },
      classifierResult: result,
      seconds,
    };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
