/**
 * Backbones: image → feature f (D). Built with tf.layers (functional API), so weights list, save and load in a
 * fixed order. Every initialiser is seeded from the config's seed: the same config builds the same weights.
 *
 * - `small` (CPU): stem 3×3/2, one residual block per stage (default widths 8-16-64-128, see ModelConfig.widths) (first stage stride 1, then stride 2), the last map
 *   flattened (default; keeps positions) or average-pooled, linear projection to D. Without batch norm the last conv of each residual branch starts at zero (as in
 *   Fixup), so every block starts as the identity and the net trains stably without normalisation.
 * - `resnet18` (GPU class): stem 7×7/2 + max-pool 3×3/2, two basic blocks per stage, batch norm, GAP (default), linear to D.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/rng';
import type { ModelConfig } from './config';

/** Builds the backbone of `config`: input [size, size, channels] → feature [D]. */
export function buildBackbone(config: ModelConfig): tf.LayersModel {
  const rng = new Rng(config.seed);
  const seed = (): number => rng.uint32() % 2147483647;
  const bn = config.batchNorm;
  const { size, channels } = config.input;
  const input = tf.input({ shape: [size, size, channels], name: 'image' });

  const conv = (x: tf.SymbolicTensor, filters: number, kernel: number, stride: number, zero = false) =>
    tf.layers
      .conv2d({
        filters,
        kernelSize: kernel,
        strides: stride,
        padding: 'same',
        useBias: !bn,
        kernelInitializer: zero ? tf.initializers.zeros() : tf.initializers.heNormal({ seed: seed() }),
      })
      .apply(x) as tf.SymbolicTensor;
  const norm = (x: tf.SymbolicTensor) =>
    bn ? (tf.layers.batchNormalization({ momentum: 0.9 }).apply(x) as tf.SymbolicTensor) : x;
  const relu = (x: tf.SymbolicTensor) =>
    tf.layers.activation({ activation: 'relu' }).apply(x) as tf.SymbolicTensor;

  const block = (x: tf.SymbolicTensor, filters: number, stride: number, inFilters: number) => {
    let y = relu(norm(conv(x, filters, 3, stride)));
    y = norm(conv(y, filters, 3, 1, !bn));
    const short = stride !== 1 || inFilters !== filters ? norm(conv(x, filters, 1, stride)) : x;
    return relu(tf.layers.add().apply([y, short]) as tf.SymbolicTensor);
  };

  const w = config.widths;
  let x: tf.SymbolicTensor;
  let blocksPerStage: number;
  if (config.backbone === 'small') {
    x = relu(norm(conv(input, w[0], 3, 2)));
    blocksPerStage = 1;
  } else {
    x = relu(norm(conv(input, w[0], 7, 2)));
    x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
    blocksPerStage = 2;
  }
  let inF = w[0];
  for (let s = 0; s < w.length; s++) {
    for (let b = 0; b < blocksPerStage; b++) {
      x = block(x, w[s], s > 0 && b === 0 ? 2 : 1, inF);
      inF = w[s];
    }
  }
  x = (config.pool === 'avg' ? tf.layers.globalAveragePooling2d({}) : tf.layers.flatten()).apply(
    x,
  ) as tf.SymbolicTensor;
  const f = tf.layers
    .dense({
      units: config.featureDim,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed() }),
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: f });
}

/** Forward FLOPs of one image through the backbone's convs and dense layer (2 per multiply-add). */
export function backboneFlops(model: tf.LayersModel): number {
  let flops = 0;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls !== 'Conv2D' && cls !== 'Dense') continue;
    const out = layer.outputShape as number[];
    const kernel = layer.getWeights()[0].shape;
    const macsPerOut = kernel.slice(0, -1).reduce((a, b) => a * b, 1);
    const outs = out.slice(1).reduce((a, b) => a * (b ?? 1), 1);
    flops += 2 * macsPerOut * outs;
  }
  return flops;
}
