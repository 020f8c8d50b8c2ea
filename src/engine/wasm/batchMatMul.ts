/**
 * `BatchMatMul` and `_FusedMatMul` for the wasm backend, replacing wasm's own where it is slow. wasm multiplies fast
 * (XNNPACK) only a single untransposed product; with `transposeA`/`transposeB` (every matMul gradient uses them) or a
 * batch it runs a scalar loop, 10-40× slower. Here transposed operands are transposed explicitly first (a fast
 * Transpose kernel), a batch against one shared right operand is folded into the rows of one product, and other
 * batches run as one fast product per batch item. Batches that broadcast on both sides use wasm's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { originalKernel, Scratch, slice, transpose, view, type KernelArgs } from './wasmOps';

type Info = tf.TensorInfo;

/** Permutation swapping the last two axes. */
function swapLast(rank: number): number[] {
  const p = Array.from({ length: rank }, (_, i) => i);
  [p[rank - 2], p[rank - 1]] = [p[rank - 1], p[rank - 2]];
  return p;
}

const size = (shape: number[]): number => shape.reduce((p, d) => p * d, 1);

/** Below this many rows of a, a product with only b transposed stays with wasm's own kernel. */
const MIN_ROWS_TRANSPOSE_B = 16;

/** One untransposed product a [m,k] · b [k,n] through wasm's fast path. */
function plain(b: BackendWasm, a: Info, c: Info): Info {
  return originalKernel('BatchMatMul')({
    inputs: { a, b: c },
    backend: b,
    attrs: { transposeA: false, transposeB: false },
  }) as Info;
}

/**
 * a · b for untransposed operands a [...A, m, k], b [...B, k, n]; null when the batch dims broadcast on both sides.
 * The result has the broadcast outer shape + [m, n].
 */
function product(b: BackendWasm, a: Info, c: Info): Info | null {
  const [m, k] = a.shape.slice(-2);
  const n = c.shape[c.shape.length - 1];
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), c.shape.slice(0, -2));
  const outShape = [...outer, m, n];
  const batchA = size(a.shape.slice(0, -2));
  const batchB = size(c.shape.slice(0, -2));
  if (batchB === 1) {
    // Rows of every batch item of a share b: one [batchA·m, k] · [k, n] product.
    return view(plain(b, view(a, [batchA * m, k]), view(c, [k, n])), outShape);
  }
  if (batchA !== batchB) return null;
  const s = new Scratch(b);
  try {
    const out = b.makeOutput(outShape, 'float32');
    for (let i = 0; i < batchA; i++) {
      const ai = s.keep(slice(b, view(a, [batchA, m, k]), [i, 0, 0], [1, m, k]));
      const ci = s.keep(slice(b, view(c, [batchB, k, n]), [i, 0, 0], [1, k, n]));
      const r = s.keep(plain(b, view(ai, [m, k]), view(ci, [k, n])));
      // Heap views are taken after the allocations above (allocating can grow and detach the heap).
      b.typedArrayFromHeap(out).set(b.typedArrayFromHeap(r), i * m * n);
    }
    return out;
  } finally {
    s.dispose();
  }
}

function batchMatMul(args: KernelArgs): Info {
  const b = args.backend as BackendWasm;
  const { a, b: c } = args.inputs as { a: Info; b: Info };
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  const plainSingle = !transposeA && !transposeB && a.shape.length === 2 && c.shape.length === 2;
  // Only b transposed and few rows of a: transposing b costs k·n, more than wasm's loop spends on m·k·n
  // (measured: own faster below ~16 rows, 2× slower at 32, 10× at 128).
  const fewRows = !transposeA && transposeB && size(a.shape.slice(0, -1)) < MIN_ROWS_TRANSPOSE_B;
  if (plainSingle || fewRows || a.dtype !== 'float32' || c.dtype !== 'float32') {
    return originalKernel('BatchMatMul')(args) as Info;
  }
  const s = new Scratch(b);
  try {
    const a2 = transposeA ? s.keep(transpose(b, a, swapLast(a.shape.length))) : a;
    const c2 = transposeB ? s.keep(transpose(b, c, swapLast(c.shape.length))) : c;
    const r = product(b, a2, c2);
    if (r !== null) return r;
  } finally {
    s.dispose();
  }
  return originalKernel('BatchMatMul')(args) as Info;
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: batchMatMul,
};

/** `_FusedMatMul` with transposed operands: transpose explicitly, then wasm's fused kernel untransposed. */
function fusedMatMul(args: KernelArgs): Info {
  const b = args.backend as BackendWasm;
  const { a, b: c } = args.inputs as { a: Info; b: Info };
  const attrs = args.attrs as unknown as tf._FusedMatMulAttrs;
  if (!attrs.transposeA && !attrs.transposeB) return originalKernel('_FusedMatMul')(args) as Info;
  const s = new Scratch(b);
  try {
    const a2 = attrs.transposeA ? s.keep(transpose(b, a, swapLast(a.shape.length))) : a;
    const c2 = attrs.transposeB ? s.keep(transpose(b, c, swapLast(c.shape.length))) : c;
    return originalKernel('_FusedMatMul')({
      inputs: { ...args.inputs, a: a2, b: c2 },
      backend: b,
      attrs: { ...(args.attrs as tf.NamedAttrMap), transposeA: false, transposeB: false },
    }) as Info;
  } finally {
    s.dispose();
  }
}

export const fusedMatMulConfig: tf.KernelConfig = {
  kernelName: '_FusedMatMul',
  backendName: 'wasm',
  kernelFunc: fusedMatMul,
};
