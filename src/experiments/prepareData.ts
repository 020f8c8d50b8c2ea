/**
 * Experiment data: training and validation samples from synthetic faces or the real 300-W crops, with the training
 * shapes packed in box coordinates (relative to each sample's reference box, as the trainer and the class table use
 * them), ids and poses for the class table's attributes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EnvironmentError, ShapeError, ValueError } from '../errors';
import { shapeToBox } from '../landmarks/box';
import { referenceBox } from '../model/input';
import { faces } from '../data/synth/faces';
import { w300Train } from '../data/datasets/w300Train';
import { subset } from '../data/datasets/subset';
import { withDetections } from '../data/datasets/withDetections';
import type { Dataset } from '../data/datasets/dataset';
import type { HeadPose, Sample } from '../types';
import { assertInteger, assertOneOf, describe } from '../util/validate';

/** Data sources of `prepareData`: synthetic easy or hard faces, or the 300-W training crops. */
export const DATA_SOURCES = ['synth-easy', 'synth-hard', '300w'] as const;
/** A data source's name. */
export type DataSource = (typeof DATA_SOURCES)[number];

/** Options of `prepareData`. */
export interface PrepareDataOptions {
  /** Where the faces come from. @default 'synth-easy' */
  source?: DataSource;
  /** Training faces (300-W: at most this many of the training split). @default 1000 */
  n?: number;
  /** Validation faces (300-W: at most this many of the validation split). @default 200 */
  nValidation?: number;
  /** Seed of the synthetic streams, the 300-W split, subsets and simulated detections. @default 0 */
  seed?: number;
  /** Synthetic image side in pixels. @default 64 */
  size?: number;
  /** Folder of the 300-W crops. @default '../shared/data/300w-train' relative to the working directory */
  w300Path?: string;
  /** 300-W: share of photos held out for validation. @default 0.1 */
  validationFraction?: number;
}

/** What `prepareData` returns. */
export interface ExperimentData {
  /** A built-in source, or 'samples' for `dataFromSamples`. */
  source: DataSource | 'samples';
  train: Sample[];
  validation: Sample[];
  /** Training shapes, M × 2N, in their reference box's coordinates (detection box, else ground-truth box). */
  trainShapes: Float32Array;
  nPoints: number;
  ids: string[];
  /** Ground-truth head pose per training sample (undefined where unknown: 300-W). */
  poses: Array<HeadPose | undefined>;
}

/** The default location of the 300-W crops (the project's shared data beside it). */
export const DEFAULT_W300_PATH = path.join('..', 'shared', 'data', '300w-train');

/** Packs shapes in the coordinates of each sample's reference box. */
export function packReferenceShapes(samples: readonly Sample[]): Float32Array {
  const dim = samples.length > 0 ? samples[0].landmarks.length : 0;
  const out = new Float32Array(samples.length * dim);
  samples.forEach((s, i) => out.set(shapeToBox(s.landmarks, referenceBox(s)), i * dim));
  return out;
}

function materialise(ds: Dataset): Sample[] {
  const out: Sample[] = [];
  for (const s of ds) out.push(s);
  return out;
}

/**
 * Training and validation samples for an experiment. Synthetic: two disjoint seeded streams (train: `seed`,
 * validation: `seed + 1`) with the preset's simulated detections. 300-W: the crops split by photo, a seeded subset of
 * each side, and simulated detections (ground-truth box jittered, 5 % centre and scale σ).
 * @example const data = prepareData({ source: 'synth-easy', n: 500, nValidation: 100, seed: 1 })
 */
export function prepareData(opts: PrepareDataOptions = {}): ExperimentData {
  const fn = 'prepareData';
  const source = opts.source ?? 'synth-easy';
  assertOneOf(fn, 'source', source, DATA_SOURCES);
  const n = opts.n ?? 1000;
  assertInteger(fn, 'n', n, 1, 1e7);
  const nValidation = opts.nValidation ?? 200;
  assertInteger(fn, 'nValidation', nValidation, 1, 1e7);
  const seed = opts.seed ?? 0;
  assertInteger(fn, 'seed', seed, 0, 2 ** 31 - 2);
  const size = opts.size ?? 64;
  assertInteger(fn, 'size', size, 8, 4096);
  let train: Sample[];
  let validation: Sample[];
  if (source === '300w') {
    const root = opts.w300Path ?? DEFAULT_W300_PATH;
    if (!fs.existsSync(root)) {
      throw new EnvironmentError(
        `${fn}: argument 'w300Path' expected the folder of 300-W crops, got ${root} (absent)`,
      );
    }
    const split = { validationFraction: opts.validationFraction ?? 0.1, seed };
    const side = (which: 'train' | 'validation', want: number): Sample[] => {
      let ds = withDetections(w300Train(root, { ...split, split: which }), {
        seed: seed + (which === 'train' ? 0 : 1),
      });
      if (want < ds.size) ds = subset(ds, { n: want, seed });
      return materialise(ds);
    };
    train = side('train', n);
    validation = side('validation', nValidation);
  } else {
    const preset = source === 'synth-easy' ? 'easy' : 'hard';
    train = [...faces({ n, seed, size, preset })];
    validation = [...faces({ n: nValidation, seed: seed + 1, size, preset })];
  }
  return build(source, train, validation);
}

function build(source: ExperimentData['source'], train: Sample[], validation: Sample[]): ExperimentData {
  return {
    source,
    train,
    validation,
    trainShapes: packReferenceShapes(train),
    nPoints: train[0].landmarks.length / 2,
    ids: train.map((s) => s.id),
    poses: train.map((s) => s.pose),
  };
}

/**
 * Experiment data from your own samples (all with the same number of landmarks).
 * @example const data = dataFromSamples([...datasets.subset(ds, { n: 500 })], validationSamples)
 */
export function dataFromSamples(train: Sample[], validation: Sample[]): ExperimentData {
  const fn = 'dataFromSamples';
  for (const [name, arr] of [
    ['train', train],
    ['validation', validation],
  ] as const) {
    if (!Array.isArray(arr) || arr.length === 0) {
      throw new ValueError(
        `${fn}: argument '${name}' expected a non-empty array of samples, got ${describe(arr)}`,
      );
    }
  }
  const dim = train[0]?.landmarks?.length;
  [...train, ...validation].forEach((s, i) => {
    if (!(s?.landmarks instanceof Float32Array) || s.landmarks.length !== dim) {
      const where = i < train.length ? `train[${i}]` : `validation[${i - train.length}]`;
      throw new ShapeError(
        `${fn}: argument '${where}.landmarks' expected ${dim} values, got ${describe(s?.landmarks)}`,
      );
    }
  });
  return build('samples', train, validation);
}
