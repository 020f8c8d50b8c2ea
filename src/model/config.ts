/**
 * Model configuration: backbone, input, feature dimension and head. A config is plain JSON and is stored in every
 * saved model and checkpoint, so that loading can say exactly what does not match.
 */
import { ValueError } from '../errors';
import { assertInteger, assertOneOf, assertPositive } from '../util/validate';
import { inputSpec, type InputOptions, type InputSpec } from './input';

/** Backbone architectures: `small` for the CPU (64×64 grayscale), `resnet18` for a GPU (112-128 px RGB). */
export const BACKBONES = ['small', 'resnet18'] as const;
/** A backbone architecture's name. */
export type BackboneArch = (typeof BACKBONES)[number];

/** Training losses (see losses.ts). */
export const LOSSES = ['softmax', 'softTarget', 'multiLabel'] as const;
/** A training loss's name. */
export type LossKind = (typeof LOSSES)[number];

/** Options of `createModel`. */
export interface ModelOptions {
  /** Backbone architecture. @default 'small' */
  backbone?: BackboneArch;
  /** Input crop. @default { size: 64 (small) or 112 (resnet18), channels: 1 (small) or 3 (resnet18), margin: 0.1 } */
  input?: InputOptions;
  /** Feature dimension D. @default 256 */
  featureDim?: number;
  /**
   * Channel widths of the stages. The small net's first two stages run at 32×32 and 16×16, where wasm's convs are
   * least efficient; [8, 16, 64, 128] trains ~1.8× faster than [16, 32, 64, 128] (180 vs 90-101 images/s for the
   * backbone step, 18.8 vs 32.8 MFLOP) and learned as well on synthetic 64×64 faces (validation error after 8
   * epochs, two seeds: 0.0087 vs 0.0135, 0.0139 vs 0.0155).
   * @default [8, 16, 64, 128] (small), [64, 128, 256, 512] (resnet18)
   */
  widths?: number[];
  /** Batch normalisation in the backbone (DESIGN §4: ~2× slower to train on wasm). @default false (small), true (resnet18) */
  batchNorm?: boolean;
  /**
   * How the last feature map becomes a vector: 'flatten' keeps where things are (landmark positions are spatial; the
   * small net's last map is only 4 × 4), 'avg' is global average pooling (position-invariant, as in ResNet).
   * @default 'flatten' (small), 'avg' (resnet18)
   */
  pool?: 'flatten' | 'avg';
  /** Seed of the weight initialisation. @default 0 */
  seed?: number;
}

/** The complete configuration of a model (every default applied). Stored in saved files. */
export interface ModelConfig {
  backbone: BackboneArch;
  input: InputSpec;
  featureDim: number;
  widths: number[];
  batchNorm: boolean;
  pool: 'flatten' | 'avg';
  seed: number;
  /** Classes of the head (the class table's K). */
  K: number;
  /** Landmarks per shape and scheme name (from the class table). */
  nPoints: number;
  scheme: string;
}

/** Applies the defaults of `ModelOptions` (the one place they live). */
export function modelConfig(
  fn: string,
  opts: ModelOptions,
  table: { K: number; nPoints: number; scheme: string },
): ModelConfig {
  const backbone = opts.backbone ?? 'small';
  assertOneOf(fn, 'backbone', backbone, BACKBONES);
  const small = backbone === 'small';
  const input = inputSpec(fn, {
    size: opts.input?.size ?? (small ? 64 : 112),
    channels: opts.input?.channels ?? (small ? 1 : 3),
    margin: opts.input?.margin,
  });
  const featureDim = opts.featureDim ?? 256;
  assertInteger(fn, 'featureDim', featureDim, 1, 8192);
  const widths = opts.widths ?? (small ? [8, 16, 64, 128] : [64, 128, 256, 512]);
  if (!Array.isArray(widths) || widths.length < 1 || widths.length > 6) {
    throw new ValueError(`${fn}: argument 'widths' expected 1 to 6 stage widths, got ${String(widths)}`);
  }
  widths.forEach((w, i) => assertInteger(fn, `widths[${i}]`, w, 1, 4096));
  const minSide = input.size / 2 ** (widths.length + (small ? 0 : 1));
  if (minSide < 1) {
    throw new ValueError(
      `${fn}: argument 'input.size' expected at least ${2 ** (widths.length + (small ? 0 : 1))} for ${widths.length} stages, got ${input.size}`,
    );
  }
  const batchNorm = opts.batchNorm ?? !small;
  const pool = opts.pool ?? (small ? 'flatten' : 'avg');
  assertOneOf(fn, 'pool', pool, ['flatten', 'avg'] as const);
  const seed = opts.seed ?? 0;
  assertInteger(fn, 'seed', seed, 0, 2 ** 31);
  assertPositive(fn, 'K', table.K);
  return {
    backbone,
    input,
    featureDim,
    widths: [...widths],
    batchNorm,
    pool,
    seed,
    K: table.K,
    nPoints: table.nPoints,
    scheme: table.scheme,
  };
}
