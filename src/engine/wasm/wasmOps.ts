/**
 * Thin calls into the wasm backend's own kernels on `TensorInfo`s, for composing new kernels the way tfjs backends
 * compose theirs (a kernel calling other kernels' functions directly, not through the engine, so nothing is
 * recorded on the gradient tape and no tensors are tracked). Every result is a new buffer owned by the caller,
 * except `view`, which aliases its input.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { EnvironmentError, ValueError } from '../../errors';

type Info = tf.TensorInfo;
type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

/** wasm's own kernel functions, captured before this module replaces any of them. */
const originals = new Map<string, tf.KernelFunc>();

/** The wasm backend's own implementation of `name` (captured at first use, before any replacement). */
export function originalKernel(name: string): tf.KernelFunc {
  let k = originals.get(name);
  if (k === undefined) {
    const cfg = tf.getKernel(name, 'wasm');
    if (cfg === undefined) throw new EnvironmentError(`engine: the wasm backend has no '${name}' kernel`);
    k = cfg.kernelFunc;
    originals.set(name, k);
  }
  return k;
}

function run(name: string, b: BackendWasm, inputs: tf.NamedTensorInfoMap, attrs: object = {}): Info {
  return originalKernel(name)({ inputs, backend: b, attrs: attrs as tf.NamedAttrMap }) as Info;
}

/** Same buffer, new shape (no copy, no reference count change: never dispose a view, dispose its source). */
export function view(x: Info, shape: number[]): Info {
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

export function transpose(b: BackendWasm, x: Info, perm: number[]): Info {
  return run('Transpose', b, { x }, { perm });
}

export function padZeros(b: BackendWasm, x: Info, paddings: Array<[number, number]>): Info {
  return run('PadV2', b, { x }, { paddings, constantValue: 0 });
}

export function reverse(b: BackendWasm, x: Info, dims: number[]): Info {
  return run('Reverse', b, { x }, { dims });
}

export function slice(b: BackendWasm, x: Info, begin: number[], size: number[]): Info {
  return run('Slice', b, { x }, { begin, size });
}

export function sum(b: BackendWasm, x: Info, axis: number[]): Info {
  return run('Sum', b, { x }, { axis, keepDims: false });
}

export function add(b: BackendWasm, a: Info, c: Info): Info {
  return run('Add', b, { a, b: c });
}

export function zeros(b: BackendWasm, shape: number[], dtype: tf.DataType): Info {
  return run('Fill', b, {}, { shape, value: 0, dtype });
}

export interface ConvArgs {
  strides: [number, number];
  dilations: [number, number];
  pad: Pad;
}

export function conv2d(b: BackendWasm, x: Info, filter: Info, a: ConvArgs): Info {
  return run('Conv2D', b, { x, filter }, { ...a, dataFormat: 'NHWC', dimRoundingMode: undefined });
}

export function depthwiseConv2d(b: BackendWasm, x: Info, filter: Info, a: ConvArgs): Info {
  return run('DepthwiseConv2dNative', b, { x, filter }, { ...a, dimRoundingMode: undefined });
}

/**
 * Collects intermediate buffers of one kernel call and frees them together:
 * `const s = new Scratch(b); try { … s.keep(transpose(…)) … } finally { s.dispose(); }`.
 */
export class Scratch {
  private readonly held: Info[] = [];
  constructor(private readonly b: BackendWasm) {}
  keep(t: Info): Info {
    this.held.push(t);
    return t;
  }
  dispose(): void {
    for (const t of this.held) this.b.disposeData(t.dataId);
    this.held.length = 0;
  }
}

/** [h, w] from a stride or dilation attribute given as a number or a pair. */
export function pair(v: number | [number, number] | number[] | undefined, fallback = 1): [number, number] {
  if (v === undefined || v === null) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  return [v[0], v[1]];
}

/** wasm convolutions are channels-last only (its forward Conv2D rejects NCHW too). */
export function assertNHWC(kernel: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new ValueError(`${kernel} (wasm): attribute 'dataFormat' expected 'NHWC', got '${dataFormat}'`);
  }
}

/** The argument every kernel function receives. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];

/**
 * Inserts sH-1 zero rows after every row and sW-1 zero columns after every column of NHWC `x` [B,H,W,C]:
 * [B, H·sH, W·sW, C], with x[b,i,j,c] at [b, i·sH, j·sW, c]. The result is a new buffer.
 */
export function interleaveZeros(b: BackendWasm, x: Info, sH: number, sW: number): Info {
  const [B, H, W, C] = x.shape;
  const p = padZeros(b, view(x, [B * H, 1, W, 1, C]), [
    [0, 0],
    [0, sH - 1],
    [0, 0],
    [0, sW - 1],
    [0, 0],
  ]);
  return view(p, [B, H * sH, W * sW, C]);
}
