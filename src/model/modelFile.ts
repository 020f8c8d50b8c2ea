/**
 * Save and load a whole model (config + backbone weights + head + embedded class table) as one container file
 * (container.ts), atomically. Checkpoints (train.ts) store the same parts plus the training state.
 */
import * as tf from '@tensorflow/tfjs';
import type { ClassTable } from '../classes/types';
import { FormatError, ValueError } from '../errors';
import { describe } from '../util/validate';
import { buildBackbone } from './backbone';
import type { ModelConfig } from './config';
import {
  readContainer,
  writeContainer,
  type ContainerHeader,
  type StoredArray,
  type WriteHooks,
} from './container';
import { ExemplarModel, type HeadPrecision } from './exemplarModel';

/** The `kind` field of a model file's header. */
export const MODEL_KIND = 'exemplar-landmarks/model';

/** The model's parts as header fields and named arrays. */
export function modelParts(model: ExemplarModel): {
  header: Record<string, unknown>;
  arrays: Record<string, StoredArray>;
} {
  const arrays: Record<string, StoredArray> = {};
  const weights = model.backbone.getWeights();
  const shapes = weights.map((w) => w.shape);
  weights.forEach((w, i) => (arrays[`backbone/${i}`] = w.dataSync() as Float32Array));
  arrays['head/W'] = model.headWeights();
  arrays['head/b'] = model.headB;
  const t = model.table;
  arrays['table/centers'] = t.centers;
  arrays['table/sigma'] = t.sigma;
  arrays['table/pose'] = t.pose;
  arrays['table/visibility'] = t.visibility;
  arrays['table/memberOffsets'] = t.memberOffsets;
  return {
    header: {
      config: model.config,
      backboneShapes: shapes,
      table: { method: t.method, K: t.K, nPoints: t.nPoints, scheme: t.scheme, memberIds: t.memberIds },
    },
    arrays,
  };
}

/**
 * Rebuilds a model from its parts; FormatError naming `file` when a part is missing or has the wrong size.
 * `copy`: copy the arrays the model keeps except the head weights and the centres (for parts that view a file's
 * buffer, when those two are about to be consumed by an 8-bit head: then nothing keeps the buffer alive).
 */
export function modelFromParts(
  fn: string,
  file: string,
  header: ContainerHeader,
  arrays: Record<string, StoredArray>,
  copy = false,
): ExemplarModel {
  const config = header.config as ModelConfig | undefined;
  const shapes = header.backboneShapes as number[][] | undefined;
  const tb = header.table as
    (Pick<ClassTable, 'method' | 'K' | 'nPoints' | 'scheme'> & { memberIds: string[] }) | undefined;
  if (!config || !shapes || !tb)
    throw new FormatError(`${fn}: ${file}: header lacks config, backboneShapes or table`, { file });
  const f32 = (name: string, length: number): Float32Array => {
    const a = arrays[name];
    if (!(a instanceof Float32Array) || a.length !== length) {
      throw new FormatError(
        `${fn}: ${file}: array "${name}" expected ${length} float32 values, got ${a ? a.length : 'none'}`,
        {
          file,
        },
      );
    }
    return a;
  };
  const own = <T extends Float32Array | Int32Array>(a: T): T => (copy ? (a.slice() as T) : a);
  const { K, featureDim: D, nPoints: N } = config;
  const offsets = arrays['table/memberOffsets'];
  if (!(offsets instanceof Int32Array) || offsets.length !== K + 1) {
    throw new FormatError(`${fn}: ${file}: array "table/memberOffsets" expected ${K + 1} int32 values`, {
      file,
    });
  }
  const table: ClassTable = {
    kind: 'exemplar-landmarks/class-table',
    method: tb.method,
    K: tb.K,
    nPoints: tb.nPoints,
    scheme: tb.scheme,
    centers: f32('table/centers', K * 2 * N),
    sigma: own(f32('table/sigma', K)),
    pose: own(f32('table/pose', K * 3)),
    visibility: own(f32('table/visibility', K * N)),
    memberOffsets: own(offsets),
    memberIds: tb.memberIds,
  };
  const backbone = buildBackbone(config);
  const current = backbone.getWeights();
  if (current.length !== shapes.length || current.some((w, i) => w.shape.join('x') !== shapes[i].join('x'))) {
    backbone.dispose();
    throw new FormatError(`${fn}: ${file}: backbone weights do not match the stored config`, { file });
  }
  const values = shapes.map((s, i) =>
    tf.tensor(
      own(
        f32(
          `backbone/${i}`,
          s.reduce((a, b) => a * b, 1),
        ),
      ),
      s,
    ),
  );
  backbone.setWeights(values);
  tf.dispose(values);
  return new ExemplarModel(config, backbone, table, f32('head/W', K * D), own(f32('head/b', K)));
}

/**
 * Saves a model to one file, atomically (temporary file + rename).
 * @example saveModel(model, 'models/synth-exemplar.xlm')
 */
export function saveModel(model: ExemplarModel, file: string, hooks: WriteHooks = {}): void {
  const { header, arrays } = modelParts(model);
  writeContainer(file, { kind: MODEL_KIND, version: 1, ...header }, arrays, hooks);
}

/** Options of loadModel. */
export interface LoadModelOptions {
  /**
   * Load for prediction only: the head goes straight to the engine and no JS copy of its weights is kept
   * (ExemplarModel.inferenceOnly; 143 MB less at K = 140,000). Such a model predicts and saves but does not train.
   * @default false
   */
  inference?: boolean;
  /**
   * With `inference: true`: 'int8' quantises the head to 8 bits in its own WebAssembly module instead of uploading
   * it to the engine (ExemplarModel.inferenceOnly({ head: 'int8' }): at K = 140,000 36 MB instead of 2 × 143 MB,
   * and single faces predict several times faster; scores carry a small, reported error).
   * @default 'float32'
   */
  head?: HeadPrecision;
  /** With head 'int8': threads for the head's passes (InferenceOnlyOptions.threads). @default 2 where available */
  threads?: 1 | 2;
}

/**
 * Loads a model saved by saveModel. FormatError when the file is not a model, is corrupt or truncated.
 * @example const model = loadModel('models/synth-exemplar.xlm', { inference: true, head: 'int8' })
 */
export function loadModel(file: string, opts: LoadModelOptions = {}): ExemplarModel {
  if (
    typeof opts !== 'object' ||
    opts === null ||
    !['undefined', 'boolean'].includes(typeof opts.inference)
  ) {
    throw new ValueError(
      `loadModel: argument 'opts.inference' expected a boolean, got ${describe(opts?.inference)}`,
    );
  }
  if (opts.head !== undefined && opts.head !== 'float32' && opts.head !== 'int8') {
    throw new ValueError(`loadModel: option 'head' expected 'float32' or 'int8', got ${describe(opts.head)}`);
  }
  if (opts.head === 'int8' && !opts.inference) {
    throw new ValueError(
      "loadModel: option head: 'int8' needs inference: true (an 8-bit head cannot be trained)",
    );
  }
  // an 8-bit head copies the weights and centres into its own memory, so the file's bytes can be read in place
  // and dropped afterwards (peak memory: the file once, not twice)
  const int8 = opts.inference === true && opts.head === 'int8';
  const { header, arrays } = readContainer('loadModel', file, MODEL_KIND, { views: int8 });
  const model = modelFromParts('loadModel', file, header, arrays, int8);
  return opts.inference
    ? model.inferenceOnly({ head: opts.head ?? 'float32', threads: opts.threads })
    : model;
}
