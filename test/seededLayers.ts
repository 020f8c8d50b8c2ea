/**
 * Seeded tf.layers building blocks for the small conv nets of the engine tests and the engine benchmark: every
 * initialiser takes the next seed of one counter, so the same calls build the same weights on every backend.
 */
import * as tf from '@tensorflow/tfjs';

/** Options of `seededLayers`. */
export interface SeededLayersOptions {
  /** First seed; each seeded initialiser takes the next. @default 1 */
  firstSeed?: number;
  /** Batch-norm momentum. @default tfjs's (0.99) */
  bnMomentum?: number;
}

/** Layer helpers on symbolic tensors; `seed()` hands out the next seed for other layers' initialisers. */
export interface SeededLayers {
  /** Conv k×k, stride s, 'same' padding, no bias, He-normal weights. */
  conv(x: tf.SymbolicTensor, filters: number, kernel: number, stride: number): tf.SymbolicTensor;
  bn(x: tf.SymbolicTensor): tf.SymbolicTensor;
  relu(x: tf.SymbolicTensor): tf.SymbolicTensor;
  seed(): number;
}

export function seededLayers(opts: SeededLayersOptions = {}): SeededLayers {
  let next = opts.firstSeed ?? 1;
  const seed = (): number => next++;
  return {
    seed,
    conv: (x, filters, kernel, stride) =>
      tf.layers
        .conv2d({
          filters,
          kernelSize: kernel,
          strides: stride,
          padding: 'same',
          useBias: false,
          kernelInitializer: tf.initializers.heNormal({ seed: seed() }),
        })
        .apply(x) as tf.SymbolicTensor,
    bn: (x) => tf.layers.batchNormalization({ momentum: opts.bnMomentum }).apply(x) as tf.SymbolicTensor,
    relu: (x) => tf.layers.activation({ activation: 'relu' }).apply(x) as tf.SymbolicTensor,
  };
}
