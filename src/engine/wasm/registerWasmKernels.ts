/**
 * Registers, on the wasm backend, the kernels training needs that wasm lacks, and replaces two slow ones. Call after
 * the wasm backend is initialised (the replaced kernels' own functions are captured first and stay usable as
 * fallbacks). Idempotent.
 */
import * as tf from '@tensorflow/tfjs';
import { engineState } from '../engineState';
import { batchMatMulConfig, fusedMatMulConfig } from './batchMatMul';
import { conv2dBackpropFilterConfig } from './conv2dBackpropFilter';
import { conv2dBackpropInputConfig } from './conv2dBackpropInput';
import { depthwiseBackpropFilterConfig } from './depthwiseBackpropFilter';
import { depthwiseBackpropInputConfig } from './depthwiseBackpropInput';
import { tileConfig } from './tile';
import { unsortedSegmentSumConfig } from './unsortedSegmentSum';
import { originalKernel } from './wasmOps';

/** Kernels wasm does not have at all. */
const MISSING = [
  conv2dBackpropFilterConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/**
 * Kernels wasm has as slow scalar loops (matMul: when transposed or batched), replaced by faster composites that fall
 * back to wasm's own where they do not apply (measured in bench/engine.bench.ts).
 */
const REPLACED = [conv2dBackpropInputConfig, tileConfig, batchMatMulConfig, fusedMatMulConfig];

/** Kernels the composites call; all must exist in the wasm build. */
const USED = [
  'Conv2D',
  'DepthwiseConv2dNative',
  'Transpose',
  'PadV2',
  'Reverse',
  'Slice',
  'Sum',
  'Add',
  'Fill',
];

/** Registers the kernels (once) and returns their names. */
export function registerWasmKernels(): string[] {
  let mine = engineState.kernels.get('wasm');
  if (mine !== undefined) return [...mine];
  for (const k of USED) originalKernel(k);
  mine = new Set<string>();
  for (const cfg of MISSING) {
    // Another library may have filled the gap already; keep theirs only if ours is not registered yet.
    if (tf.getKernel(cfg.kernelName, 'wasm') !== undefined) tf.unregisterKernel(cfg.kernelName, 'wasm');
    tf.registerKernel(cfg);
    mine.add(cfg.kernelName);
  }
  for (const cfg of REPLACED) {
    originalKernel(cfg.kernelName);
    tf.unregisterKernel(cfg.kernelName, 'wasm');
    tf.registerKernel(cfg);
    mine.add(cfg.kernelName);
  }
  engineState.kernels.set('wasm', mine);
  return [...mine];
}
