/**
 * Trains the photo-to-landmarks pipeline (classes + classifier, a box refiner for face-api's Tiny detector, the
 * cascade) once and saves it with `refine.savePipeline`, for `refine.loadPipeline` + `refine.faceLandmarks`:
 *
 *   npm run train:300w -- --w300 ~/300w   # 300-W images with .pts → models/300w (~9 min on two cores, measured on the 2,012 shared crops)
 *   npm run train:synth                   # the built-in synthetic faces only → models/synth (~5 min measured)
 *   npx tsx scripts/train-pipeline.ts --data 300w --w300 ../shared/data/300w-train --out models/300w
 *
 * Options: --data 300w|synth (default 300w), --out <dir> (default models/<data>), --w300 <folder of 300-W images and
 * .pts, full photos or crops> (default $XL_W300, else ../shared/data/300w-train), --n <training faces before
 * mirroring> (default all of 300-W, 2000 synthetic), --epochs (12), --stages (cascade stages, 5; synthetic 4),
 * --preset (synthetic: easy|default|hard, default), --pose (synthetic: frontal|near-frontal|uniform, near-frontal).
 * XL_QUICK=1 trains a small pipeline in under a minute. The 300-W annotations are research-use only (iBUG's
 * terms): so is a pipeline trained on them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as xl from '../src/index';
import { boxesWithMirrors } from './refine-detections';

/** Parsed command line. */
export interface TrainPipelineArgs {
  data: '300w' | 'synth';
  out: string;
  w300: string;
  n: number;
  epochs: number;
  stages: number;
  preset: 'easy' | 'default' | 'hard';
  pose: 'frontal' | 'near-frontal' | 'uniform';
}

const flag = (argv: string[], name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};

function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new xl.ValueError(
      `train-pipeline: option '--${name}' expected one of ${allowed.join(', ')}, got ${v}`,
    );
  }
  return v as T;
}

function count(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const k = Number(v);
  if (!Number.isInteger(k) || k < 1) {
    throw new xl.ValueError(`train-pipeline: option '--${name}' expected a positive integer, got ${v}`);
  }
  return k;
}

/** Reads the command line (see the file's header). */
export function parseArgs(argv: string[]): TrainPipelineArgs {
  const data = oneOf('data', flag(argv, 'data'), ['300w', 'synth'] as const, '300w');
  const quick = xl.isQuick();
  return {
    data,
    out: flag(argv, 'out') ?? path.join('models', data),
    w300: flag(argv, 'w300') ?? process.env.XL_W300 ?? xl.experiments.DEFAULT_W300_PATH,
    n: count('n', flag(argv, 'n'), quick ? 300 : data === 'synth' ? 2000 : 1e9),
    epochs: count('epochs', flag(argv, 'epochs'), quick ? 3 : 12),
    stages: count('stages', flag(argv, 'stages'), quick ? 3 : data === 'synth' ? 4 : 5),
    preset: oneOf('preset', flag(argv, 'preset'), ['easy', 'default', 'hard'] as const, 'default'),
    pose: oneOf('pose', flag(argv, 'pose'), ['frontal', 'near-frontal', 'uniform'] as const, 'near-frontal'),
  };
}

/** Faces in images larger than this (either side) are cropped by {@link cropFace} before training. */
export const CROP_ABOVE = 512;

/** Maps a box of the photo into the crop (pixel centres: crop pixel u is centred on x = c.x + (u + 0.5) / k). */
function boxInCrop(b: xl.Box, c: xl.Box, k: number): xl.Box {
  return { x: (b.x - c.x) * k - 0.5, y: (b.y - c.y) * k - 0.5, width: b.width * k, height: b.height * k };
}

/**
 * One face of a full photo as the shared 300-W crops are made: a square `scale` times the longer side of the
 * landmarks' box, centred on it, resampled to at most `maxSize` pixels (grey where it leaves the photo), with the
 * landmarks, box and detection moved into it. Keeps the training set of a full 300-W download in memory.
 * @example const small = cropFace(sample) // 256 × 256 at most
 */
export function cropFace(s: xl.Sample, maxSize = 256, scale = 2): xl.Sample {
  if (!Number.isInteger(maxSize) || maxSize < 8 || maxSize > 1024) {
    throw new xl.ValueError(`cropFace: argument 'maxSize' expected an integer in 8..1024, got ${maxSize}`);
  }
  if (!(scale >= 1 && scale <= 4)) {
    throw new xl.ValueError(`cropFace: argument 'scale' expected a number in [1, 4], got ${scale}`);
  }
  const side = scale * Math.max(s.box.width, s.box.height);
  if (!(side > 0)) {
    throw new xl.ValueError(
      `cropFace: sample '${s.id}' has an empty landmarks box (${s.box.width}×${s.box.height})`,
    );
  }
  const c = {
    x: s.box.x + s.box.width / 2 - side / 2,
    y: s.box.y + s.box.height / 2 - side / 2,
    width: side,
    height: side,
  };
  const size = Math.min(maxSize, Math.max(8, Math.round(side)));
  const channels = s.image.channels === 1 ? 1 : 3;
  const values = xl.model.cropToInput(s.image, c, { size, channels, margin: 0 });
  const data = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = Math.round((values[i] + 1) * 127.5);
  const k = size / side;
  const landmarks = s.landmarks.map((v, i) => (v - (i % 2 === 0 ? c.x : c.y)) * k - 0.5);
  return {
    ...s,
    image: { width: size, height: size, channels, data },
    landmarks,
    box: boxInCrop(s.box, c, k),
    ...(s.detection ? { detection: boxInCrop(s.detection, c, k) } : {}),
    // the crop is no longer the photo file (detectDataset runs the detector once per file)
    meta: { ...s.meta, imageFile: undefined, croppedFrom: s.meta?.imageFile },
  };
}

/** The training faces before mirroring: the 300-W crops (all of them) or synthetic faces (RGB, 300-W's jaw). */
function originals(args: TrainPipelineArgs): xl.datasets.Dataset {
  if (args.data === 'synth') {
    const faces = xl.synth.faces({
      n: args.n,
      seed: 1,
      size: 160,
      channels: 3,
      preset: args.preset,
      pose: args.pose,
      jaw: 'contour',
    });
    return xl.datasets.fromSamples([...faces]);
  }
  if (!fs.existsSync(args.w300)) {
    throw new xl.EnvironmentError(
      `train-pipeline: option '--w300' expected the folder of the 300-W crops (from iBUG's 300-W page), got ${args.w300} (absent)`,
    );
  }
  let ds = xl.datasets.w300Train(args.w300, { split: 'all' });
  if (args.n < ds.size) ds = xl.datasets.subset(ds, { n: args.n, seed: 1 });
  // a full 300-W download holds photos of several megapixels: each face becomes a crop as it is read
  const faces: xl.Sample[] = [];
  for (const s of ds) {
    faces.push(Math.max(s.image.width, s.image.height) > CROP_ABOVE ? cropFace(s) : s);
  }
  return xl.datasets.fromSamples(faces);
}

/**
 * Trains and returns the pipeline. The refiner learns face-api Tiny's box convention from Tiny's boxes on (at most
 * 600 of) the training faces; a mirrored face gets its original's box mirrored.
 */
export async function trainPipeline(args: TrainPipelineArgs): Promise<xl.refine.LandmarkPipeline> {
  const t0 = performance.now();
  const clock = (): string => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
  const base = originals(args);
  // the classifier trains in boxes like the detector's (refine.PIPELINE_BOXES): the one-pass path classifies in them
  const train: xl.Sample[] = [
    ...xl.datasets.withDetections(xl.datasets.flipAugment(base, { mode: 'append' }), {
      seed: 1,
      jitter: xl.refine.PIPELINE_BOXES,
    }),
  ];
  const nDetect = Math.min(base.size, xl.isQuick() ? 100 : 600);
  console.log(`${train.length} training faces (${base.size} and their mirror images) [${clock()}]`);
  // synthetic faces score lower with the Tiny detector than photos do: a lower threshold finds nearly all of them
  const detectSet = xl.datasets.subset(base, { n: nDetect, seed: 0 });
  const found = await xl.detect.detectDataset(detectSet, {
    ...xl.refine.PIPELINE_DETECTOR,
    ...(args.data === 'synth' ? { minConfidence: 0.1 } : {}),
  });
  const byId = new Map(detectSet.ids.map((id, i) => [id, found[i]]));
  const tiny = boxesWithMirrors(train, byId);
  console.log(`Tiny boxes for ${found.filter(Boolean).length} of ${nDetect} faces [${clock()}]`);
  const { pipeline } = await xl.refine.trainLandmarkPipeline({
    train,
    classifier: { ...xl.refine.PIPELINE_CLASSIFIER, K: Math.min(100, train.length), epochs: args.epochs },
    // the refiner learns from detector boxes only: Tiny's where it found the face, else the simulated one
    refiner: {
      detections: tiny.map((b, i) => b ?? train[i].detection),
      perFace: 0,
      perDetection: 4,
      iterations: 1,
      seed: 1,
    },
    cascade: { ...xl.refine.PIPELINE_CASCADE, stages: args.stages },
    onePass: true,
    onPart: (part, s) => console.log(`trained the ${part} in ${s.toFixed(0)} s [${clock()}]`),
  });
  return pipeline;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const info = await xl.engine.init();
  console.log(`${info.backend}: training a ${args.data} pipeline into ${args.out}`);
  const pipeline = await trainPipeline(args);
  xl.refine.savePipeline(pipeline, args.out);
  pipeline.model.dispose();
  console.log(`saved ${args.out}: load it with refine.loadPipeline('${args.out}')`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
