/**
 * `UnsortedSegmentSum` for the wasm backend (which lacks it; the gradient of `tf.gather` needs it): one pass over x
 * on the wasm heap, out[id] += x[i] for each row i; ids outside [0, numSegments) are dropped, as in TensorFlow.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from './wasmOps';

type Info = tf.TensorInfo;

function unsortedSegmentSum(args: KernelArgs): Info {
  const b = args.backend as BackendWasm;
  const { x, segmentIds } = args.inputs as { x: Info; segmentIds: Info };
  const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const rows = tf.util.sizeFromShape(segmentIds.shape);
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = tf.util.sizeFromShape(innerShape);
  const out = b.makeOutput([numSegments, ...innerShape], x.dtype);
  // Views on the heap are taken after makeOutput: allocating may grow (and detach) the heap buffer.
  const o = b.typedArrayFromHeap(out);
  o.fill(0);
  const xs = b.typedArrayFromHeap(x);
  const ids = b.typedArrayFromHeap(segmentIds);
  for (let r = 0; r < rows; r++) {
    const id = ids[r];
    if (id < 0 || id >= numSegments) continue;
    const src = r * inner;
    const dst = id * inner;
    for (let k = 0; k < inner; k++) o[dst + k] += xs[src + k];
  }
  return out;
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
