/**
 * `Tile` for the wasm backend, replacing wasm's own (correct, but an element-by-element index loop) with one
 * broadcasting XNNPACK add: tiling x [d0,d1,…] by reps [r0,r1,…] is x seen as [1,d0,1,d1,…] plus zeros
 * [r0,1,r1,1,…], reshaped to [r0·d0, r1·d1, …]. Axes with r = 1 or d = 1 are merged first so the broadcast stays
 * within XNNPACK's rank limit; float32 only (other dtypes, and shapes that stay above the limit, use wasm's kernel).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { add, originalKernel, Scratch, view, zeros, type KernelArgs } from './wasmOps';

type Info = tf.TensorInfo;

/** XNNPACK's XNN_MAX_TENSOR_DIMS in the build tfjs-backend-wasm 4.22 ships. */
const MAX_RANK = 6;

/**
 * Broadcast shapes for tiling: `xShape` and `zShape` of equal rank whose broadcast sum, read row-major, is the
 * tiled tensor. Adjacent axes of the same kind (repeat or data) are merged.
 */
export function tileBroadcastShapes(shape: number[], reps: number[]): { xShape: number[]; zShape: number[] } {
  const xShape: number[] = [];
  const zShape: number[] = [];
  let last: 'r' | 'd' | null = null;
  const push = (kind: 'r' | 'd', n: number): void => {
    if (n === 1) return;
    if (last === kind) {
      const i = xShape.length - 1;
      if (kind === 'r') zShape[i] *= n;
      else xShape[i] *= n;
      return;
    }
    xShape.push(kind === 'd' ? n : 1);
    zShape.push(kind === 'r' ? n : 1);
    last = kind;
  };
  for (let i = 0; i < shape.length; i++) {
    push('r', reps[i]);
    push('d', shape[i]);
  }
  if (xShape.length === 0) {
    xShape.push(1);
    zShape.push(1);
  }
  return { xShape, zShape };
}

function tile(args: KernelArgs): Info {
  const b = args.backend as BackendWasm;
  const { x } = args.inputs as { x: Info };
  const { reps } = args.attrs as unknown as tf.TileAttrs;
  const { xShape, zShape } = tileBroadcastShapes(x.shape, reps);
  if (x.dtype !== 'float32' || xShape.length > MAX_RANK || tf.util.sizeFromShape(x.shape) === 0) {
    return originalKernel('Tile')(args) as Info;
  }
  const outShape = x.shape.map((d, i) => d * reps[i]);
  const s = new Scratch(b);
  try {
    const z = s.keep(zeros(b, zShape, 'float32'));
    const sumInfo = add(b, view(x, xShape), z);
    return view(sumInfo, outShape);
  } finally {
    s.dispose();
  }
}

export const tileConfig: tf.KernelConfig = {
  kernelName: 'Tile',
  backendName: 'wasm',
  kernelFunc: tile,
};
