/**
 * One trained model shared by the notebooks that reason with posteriors (05-08): trained once on built-in synthetic
 * faces (or the 300-W crops), saved to a cache folder with its training settings inside the file, and loaded from
 * there by every later call with the same settings. A file whose settings (or library version) differ is stale and is
 * retrained. Quick mode (`XL_QUICK=1`) trains a smaller model, under its own file name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClassTable } from '../classes/types';
import { FormatError } from '../errors';
import type { LossKind, ModelOptions } from '../model/config';
import { readContainer, writeContainer } from '../model/container';
import type { ExemplarModel } from '../model/exemplarModel';
import { loadModel, MODEL_KIND, modelParts } from '../model/modelFile';
import { packageRoot, isQuick } from '../util/paths';
import { assertInteger, assertOneOf } from '../util/validate';
import { type KSpec } from './classTableFor';
import { DATA_SOURCES, prepareData, type DataSource, type ExperimentData } from './prepareData';
import { trainClassifier } from './trainClassifier';

/** Options of `cachedModel`. Every field but `dir`, `w300Path`, `retrain` and `progress` is a training setting (part of the key). */
export interface CachedModelOptions {
  /** Training faces. @default 'synth-hard' (uniform pose to profile, occluders: what reasoning is about) */
  source?: DataSource;
  /** Training faces. @default 1500 in quick mode, else 4000 */
  n?: number;
  /** Validation faces (returned in `data.validation`). @default 150 in quick mode, else 400 */
  nValidation?: number;
  /** Training epochs. @default 10 in quick mode, else 15 */
  epochs?: number;
  /** Seed of the data streams and the model. @default 1 */
  seed?: number;
  /** Synthetic image side in pixels. @default 64 */
  size?: number;
  /** Classes. @default 'M' (exemplars) */
  K?: KSpec;
  /** Training loss. @default 'multiLabel' */
  loss?: LossKind;
  /** Membership radius tau (RMS point distance, box units). @default 0.05 */
  tau?: number;
  /** Learning rate. @default 0.005 */
  learningRate?: number;
  /** Batch size. @default 32 */
  batchSize?: number;
  /** Model options. @default { input: { size: 32 }, widths: [16, 32, 64], featureDim: 128, seed } (notebook 01's CPU net) */
  model?: ModelOptions;
  /** Cache folder. @default env XL_CACHE, else `.cache/` in the package root */
  dir?: string;
  /** Source '300w': the folder of the crops (a location, not a training setting). @default prepareData's */
  w300Path?: string;
  /** Retrain even when a fresh file exists. @default false */
  retrain?: boolean;
  /** Training progress. @default 'auto' */
  progress?: 'auto' | 'none';
}

/** The settings a cached model was trained with (stored in its file). */
export interface CachedModelSettings {
  library: string;
  quick: boolean;
  source: DataSource;
  n: number;
  nValidation: number;
  epochs: number;
  seed: number;
  size: number;
  K: KSpec;
  loss: LossKind;
  tau: number;
  learningRate: number;
  batchSize: number;
  model: ModelOptions;
}

/** What `cachedModel` returns. Dispose `model` when done. */
export interface CachedModel {
  model: ExemplarModel;
  table: ClassTable;
  /** The training and validation faces (regenerated from the settings: the same faces the model was trained on). */
  data: ExperimentData;
  /** The model file. */
  file: string;
  settings: CachedModelSettings;
  /** True when loaded from the cache, false when trained by this call. */
  fromCache: boolean;
  /** Seconds spent training (0 when loaded). */
  trainSeconds: number;
}

const SETTINGS_FIELD = 'trainingSettings';

function libraryVersion(): string {
  try {
    const pj = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pj.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The resolved settings for `opts` (defaults applied in this one place). */
export function cachedModelSettings(opts: CachedModelOptions = {}): CachedModelSettings {
  const fn = 'cachedModel';
  const quick = isQuick();
  const source = opts.source ?? 'synth-hard';
  assertOneOf(fn, 'source', source, DATA_SOURCES);
  const seed = opts.seed ?? 1;
  const s: CachedModelSettings = {
    library: libraryVersion(),
    quick,
    source,
    n: opts.n ?? (quick ? 1500 : 4000),
    nValidation: opts.nValidation ?? (quick ? 150 : 400),
    epochs: opts.epochs ?? (quick ? 10 : 15),
    seed,
    size: opts.size ?? 64,
    K: opts.K ?? 'M',
    loss: opts.loss ?? 'multiLabel',
    tau: opts.tau ?? 0.05,
    learningRate: opts.learningRate ?? 0.005,
    batchSize: opts.batchSize ?? 32,
    model: opts.model ?? { input: { size: 32 }, widths: [16, 32, 64], featureDim: 128, seed },
  };
  assertInteger(fn, 'epochs', s.epochs, 1, 10000);
  assertInteger(fn, 'batchSize', s.batchSize, 1, 100000);
  return s;
}

/** FNV-1a of a string, as 8 hex digits (a file-name key, not a security hash). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The settings stored in a cached model file, or null when the file is absent or unreadable. */
function storedSettings(file: string): unknown {
  if (!fs.existsSync(file)) return null;
  try {
    return readContainer('cachedModel', file, MODEL_KIND).header[SETTINGS_FIELD] ?? null;
  } catch (e) {
    if (e instanceof FormatError) return null; // a corrupt or truncated file is stale
    throw e;
  }
}

/**
 * The shared trained model of the reasoning notebooks (see the module comment). The first call with some settings
 * trains (quick mode: ~45 s here; full: a few minutes) and saves `<dir>/model-<source>-<key>.xlm` atomically; later
 * calls load it (under a second).
 * @example const { model, table, data } = await experiments.cachedModel(); // … model.dispose()
 */
export async function cachedModel(opts: CachedModelOptions = {}): Promise<CachedModel> {
  const settings = cachedModelSettings(opts);
  const key = JSON.stringify(settings);
  const dir = opts.dir ?? (process.env.XL_CACHE || path.join(packageRoot(), '.cache'));
  const file = path.join(dir, `model-${settings.source}${settings.quick ? '-quick' : ''}-${fnv1a(key)}.xlm`);
  const data = prepareData({
    source: settings.source,
    n: settings.n,
    nValidation: settings.nValidation,
    seed: settings.seed,
    size: settings.size,
    ...(opts.w300Path !== undefined ? { w300Path: opts.w300Path } : {}),
  });
  if (!opts.retrain && JSON.stringify(storedSettings(file)) === key) {
    const model = loadModel(file);
    return { model, table: model.table, data, file, settings, fromCache: true, trainSeconds: 0 };
  }
  const t0 = Date.now();
  const run = await trainClassifier(data, {
    K: settings.K,
    loss: settings.loss,
    model: settings.model,
    train: {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      tau: settings.tau,
      seed: settings.seed,
      progress: opts.progress ?? 'auto',
    },
  });
  const trainSeconds = (Date.now() - t0) / 1000;
  fs.mkdirSync(dir, { recursive: true });
  const { header, arrays } = modelParts(run.model);
  writeContainer(file, { kind: MODEL_KIND, version: 1, ...header, [SETTINGS_FIELD]: settings }, arrays);
  return { model: run.model, table: run.table, data, file, settings, fromCache: false, trainSeconds };
}
