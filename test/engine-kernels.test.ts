/**
 * The kernels engine registers on wasm, each checked against tfjs's cpu backend on seeded random inputs (relative
 * error < 1e-4), with no tensor leaked; gradients through tf.grad; a small net trains on wasm like on cpu.
 */
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as engine from '../src/engine';
import { Rng } from '../src/util/rng';
import { relError } from './helpers';
import { seededLayers } from './seededLayers';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
type Shape4 = [number, number, number, number];

const TOL = 1e-4;

function normals(rng: Rng, shape: number[]): Float32Array {
  const a = new Float32Array(shape.reduce((p, d) => p * d, 1));
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  return a;
}

/** Runs `f` on wasm and on cpu (same inputs, built inside `f` from plain arrays); checks leaks and shapes. */
async function onBoth(
  f: () => tf.Tensor | tf.Tensor[],
): Promise<{ wasm: Float32Array[]; cpu: Float32Array[] }> {
  const res: Record<string, { vals: Float32Array[]; shapes: number[][] }> = {};
  for (const backend of ['wasm', 'cpu'] as const) {
    await engine.init({ backend });
    const before = tf.memory().numTensors;
    // Buffers the backend holds, including a kernel's internal scratch, which numTensors does not see.
    const buffers = tf.backend().numDataIds();
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    res[backend] = {
      vals: list.map((t) => Float32Array.from(t.dataSync() as ArrayLike<number>)),
      shapes: list.map((t) => t.shape),
    };
    tf.dispose(list);
    assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
    assert.equal(tf.backend().numDataIds(), buffers, `${backend}: backend buffers leaked`);
  }
  assert.deepEqual(res.wasm.shapes, res.cpu.shapes, 'output shapes');
  return { wasm: res.wasm.vals, cpu: res.cpu.vals };
}

function expectSame(r: { wasm: Float32Array[]; cpu: Float32Array[] }, what: string): void {
  r.wasm.forEach((w, i) => {
    const e = relError(w, r.cpu[i]);
    assert.ok(e < TOL, `${what} [output ${i}]: relative error ${e.toExponential(2)} vs cpu`);
  });
}

interface ConvCase {
  B: number;
  H: number;
  W: number;
  Cin: number;
  Cout: number;
  K: number;
  s: number | [number, number];
  pad: Pad;
}

const CONV_CASES: ConvCase[] = [
  { B: 2, H: 7, W: 9, Cin: 3, Cout: 5, K: 3, s: 1, pad: 'same' },
  { B: 2, H: 7, W: 9, Cin: 3, Cout: 5, K: 3, s: 2, pad: 'same' },
  { B: 2, H: 16, W: 16, Cin: 8, Cout: 8, K: 3, s: 2, pad: 'same' },
  { B: 3, H: 8, W: 8, Cin: 4, Cout: 6, K: 3, s: 2, pad: 'valid' },
  { B: 2, H: 11, W: 11, Cin: 3, Cout: 4, K: 3, s: 1, pad: 'valid' },
  { B: 1, H: 9, W: 6, Cin: 1, Cout: 2, K: 1, s: 2, pad: 'same' },
  { B: 2, H: 8, W: 8, Cin: 6, Cout: 3, K: 1, s: 1, pad: 'valid' },
  { B: 2, H: 10, W: 11, Cin: 5, Cout: 7, K: 5, s: 2, pad: 'valid' },
  { B: 2, H: 6, W: 6, Cin: 2, Cout: 3, K: 2, s: 2, pad: 'same' },
  { B: 2, H: 9, W: 9, Cin: 32, Cout: 16, K: 3, s: 2, pad: 'same' },
  { B: 1, H: 13, W: 7, Cin: 16, Cout: 32, K: 3, s: 1, pad: 1 },
  {
    B: 2,
    H: 8,
    W: 10,
    Cin: 3,
    Cout: 4,
    K: 3,
    s: 2,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  // Unequal strides (zero-interleaving path) and padding wider than the filter (falls back to wasm's own kernel).
  { B: 2, H: 8, W: 9, Cin: 3, Cout: 4, K: 3, s: [1, 2], pad: 'same' },
  {
    B: 1,
    H: 6,
    W: 6,
    Cin: 2,
    Cout: 2,
    K: 3,
    s: 1,
    pad: [
      [0, 0],
      [3, 0],
      [0, 3],
      [0, 0],
    ],
  },
];

function label(c: ConvCase): string {
  return `x [${c.B},${c.H},${c.W},${c.Cin}] k${c.K} ${c.Cin}→${c.Cout} stride ${c.s} pad ${JSON.stringify(c.pad)}`;
}

describe('engine: wasm kernels vs the cpu backend', function () {
  this.timeout(60000);
  let saved: string | null;
  before(async () => {
    saved = tf.engine().backendName;
    await engine.init({ backend: 'wasm' });
  });
  after(async () => {
    await engine.init({ backend: saved !== null && engine.isBackendName(saved) ? saved : 'wasm' });
  });

  it('the depthwise gradient kernels refuse dilations other than 1 with a named error', () => {
    const before = tf.memory().numTensors;
    const x = tf.zeros([1, 6, 6, 2]);
    const f = tf.zeros([3, 3, 2, 1]);
    const dy = tf.zeros([1, 2, 2, 2]);
    const attrs = { strides: 1, pad: 'valid', dilations: 2 };
    assert.throws(
      () =>
        tf
          .engine()
          .runKernel(
            'DepthwiseConv2dNativeBackpropInput',
            { dy, filter: f },
            { ...attrs, inputShape: [1, 6, 6, 2] },
          ),
      /DepthwiseConv2dNativeBackpropInput \(wasm\): dilations must be 1, got \[2, 2\]/,
    );
    assert.throws(
      () =>
        tf
          .engine()
          .runKernel(
            'DepthwiseConv2dNativeBackpropFilter',
            { x, dy },
            { ...attrs, filterShape: [3, 3, 2, 1] },
          ),
      /DepthwiseConv2dNativeBackpropFilter \(wasm\): dilations must be 1, got \[2, 2\]/,
    );
    tf.dispose([x, f, dy]);
    assert.equal(tf.memory().numTensors, before);
  });

  /** Runs the input- and filter-gradient kernels of one case on both backends and compares. */
  async function checkBackprop(c: ConvCase, seed: number, depthwise: { M: number } | null): Promise<void> {
    const rng = new Rng(seed);
    const xShape: Shape4 = [c.B, c.H, c.W, c.Cin];
    const fShape: Shape4 = [c.K, c.K, c.Cin, depthwise ? depthwise.M : c.Cout];
    const dyShape = tf.backend_util.computeConv2DInfo(
      xShape,
      fShape,
      c.s,
      1,
      c.pad,
      undefined,
      !!depthwise,
    ).outShape;
    const [x, w, dy] = [normals(rng, xShape), normals(rng, fShape), normals(rng, dyShape)];
    const kernel = depthwise ? 'DepthwiseConv2dNative' : 'Conv2D';
    const attrs = {
      strides: c.s,
      pad: c.pad,
      ...(depthwise ? { dilations: [1, 1] } : { dataFormat: 'NHWC' }),
    };
    const run = (name: string, inputs: tf.NamedTensorMap, extra: object) =>
      tf.engine().runKernel(name, inputs, { ...attrs, ...extra } as unknown as tf.NamedAttrMap) as tf.Tensor;
    const r = await onBoth(() => [
      run(
        `${kernel}BackpropInput`,
        { dy: tf.tensor4d(dy, dyShape), filter: tf.tensor4d(w, fShape) },
        { inputShape: xShape },
      ),
      run(
        `${kernel}BackpropFilter`,
        { x: tf.tensor4d(x, xShape), dy: tf.tensor4d(dy, dyShape) },
        { filterShape: fShape },
      ),
    ]);
    expectSame(r, label(c));
  }

  describe('Conv2DBackpropInput and Conv2DBackpropFilter', () => {
    CONV_CASES.forEach((c, n) => it(label(c), () => checkBackprop(c, 100 + n, null)));
  });

  describe('DepthwiseConv2dNativeBackpropInput and …BackpropFilter', () => {
    const cases: Array<ConvCase & { M: number }> = [
      { B: 2, H: 7, W: 9, Cin: 3, Cout: 3, K: 3, s: 1, pad: 'same', M: 1 },
      { B: 2, H: 7, W: 9, Cin: 3, Cout: 6, K: 3, s: 2, pad: 'same', M: 2 },
      { B: 3, H: 8, W: 8, Cin: 8, Cout: 8, K: 3, s: 2, pad: 'valid', M: 1 },
      { B: 1, H: 11, W: 10, Cin: 1, Cout: 3, K: 5, s: 1, pad: 'valid', M: 3 },
      { B: 2, H: 16, W: 16, Cin: 32, Cout: 32, K: 3, s: 2, pad: 'same', M: 1 },
      { B: 2, H: 9, W: 7, Cin: 4, Cout: 8, K: 3, s: 1, pad: 1, M: 2 },
    ];
    cases.forEach((c, n) => it(`${label(c)} multiplier ${c.M}`, () => checkBackprop(c, 200 + n, { M: c.M })));
  });

  describe('gradients through tf.grads', () => {
    it('conv2d (stride 1 and 2, same and valid) wrt input and filter', async () => {
      const rng = new Rng(300);
      const xShape: Shape4 = [3, 9, 10, 4];
      const x = normals(rng, xShape);
      const w1 = normals(rng, [3, 3, 4, 8]);
      const w2 = normals(rng, [3, 3, 8, 5]);
      const r = await onBoth(() => {
        const g = tf.grads((xt: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => {
          const h = tf.relu(tf.conv2d(xt as tf.Tensor4D, a as tf.Tensor4D, 2, 'same'));
          return tf.sum(tf.square(tf.conv2d(h, b as tf.Tensor4D, 1, 'valid')));
        });
        return g([tf.tensor4d(x, xShape), tf.tensor4d(w1, [3, 3, 4, 8]), tf.tensor4d(w2, [3, 3, 8, 5])]);
      });
      expectSame(r, 'grad of conv2d');
    });

    it('depthwiseConv2d (multiplier 2, stride 2) wrt input and filter', async () => {
      const rng = new Rng(301);
      const xShape: Shape4 = [2, 11, 9, 5];
      const x = normals(rng, xShape);
      const w = normals(rng, [3, 3, 5, 2]);
      const r = await onBoth(() => {
        const g = tf.grads((xt: tf.Tensor, a: tf.Tensor) =>
          tf.sum(tf.square(tf.depthwiseConv2d(xt as tf.Tensor4D, a as tf.Tensor4D, 2, 'same'))),
        );
        return g([tf.tensor4d(x, xShape), tf.tensor4d(w, [3, 3, 5, 2])]);
      });
      expectSame(r, 'grad of depthwiseConv2d');
    });

    it('gather (through UnsortedSegmentSum) wrt the table', async () => {
      const rng = new Rng(302);
      const table = normals(rng, [20, 6]);
      const r = await onBoth(() =>
        tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, tf.tensor1d([3, 0, 3, 19, 7, 3], 'int32')))))(
          tf.tensor2d(table, [20, 6]),
        ),
      );
      expectSame(r, 'grad of gather');
    });
  });

  describe('UnsortedSegmentSum', () => {
    it('sums float32 rows by id, dropping ids out of range', async () => {
      const rng = new Rng(400);
      const x = normals(rng, [7, 3]);
      const r = await onBoth(() =>
        tf.unsortedSegmentSum(tf.tensor2d(x, [7, 3]), tf.tensor1d([0, 2, 2, 1, 0, 4, -1], 'int32'), 4),
      );
      expectSame(r, 'unsortedSegmentSum');
      // Segment 3 receives nothing; ids 4 and -1 are dropped.
      assert.deepEqual(Array.from(r.wasm[0].slice(9, 12)), [0, 0, 0]);
    });
    it('sums int32 rows of a rank-3 tensor', async () => {
      const r = await onBoth(() =>
        tf.unsortedSegmentSum(
          tf.tensor3d(
            Int32Array.from({ length: 24 }, (_, i) => i - 5),
            [4, 3, 2],
            'int32',
          ),
          tf.tensor1d([1, 1, 0, 2], 'int32'),
          3,
        ),
      );
      assert.deepEqual(Array.from(r.wasm[0]), Array.from(r.cpu[0]));
    });
  });

  describe('Tile', () => {
    const cases: Array<{ shape: number[]; reps: number[]; dtype: 'float32' | 'int32' | 'bool' }> = [
      { shape: [1, 1, 1, 5], reps: [3, 4, 2, 1], dtype: 'float32' },
      { shape: [2, 3, 4], reps: [3, 1, 2], dtype: 'float32' },
      { shape: [7], reps: [5], dtype: 'float32' },
      { shape: [3, 1, 2, 1], reps: [1, 4, 1, 3], dtype: 'float32' },
      { shape: [2, 3], reps: [1, 1], dtype: 'float32' },
      { shape: [2, 2, 2, 2], reps: [2, 2, 2, 2], dtype: 'float32' }, // merged rank 8 > 6: wasm's own kernel
      { shape: [2, 3], reps: [2, 2], dtype: 'int32' }, // not float32: wasm's own kernel
      { shape: [0, 3], reps: [2, 2], dtype: 'float32' }, // empty: wasm's own kernel
    ];
    for (const c of cases) {
      it(`${c.dtype} [${c.shape}] × [${c.reps}]`, async () => {
        const rng = new Rng(500);
        const x = normals(rng, c.shape);
        const r = await onBoth(() =>
          tf.tile(tf.tensor(c.dtype === 'int32' ? x.map(Math.round) : x, c.shape, c.dtype), c.reps),
        );
        assert.deepEqual(Array.from(r.wasm[0]), Array.from(r.cpu[0]));
      });
    }
    it('broadcastTo (which runs Tile) matches too', async () => {
      const r = await onBoth(() => tf.broadcastTo(tf.tensor([1, 2, 3], [1, 3, 1]), [2, 3, 4]));
      assert.deepEqual(Array.from(r.wasm[0]), Array.from(r.cpu[0]));
    });
  });

  describe('BatchMatMul and _FusedMatMul (replaced where transposed or batched)', () => {
    const cases: Array<{ a: number[]; b: number[]; tA: boolean; tB: boolean }> = [
      { a: [5, 7], b: [7, 3], tA: false, tB: false },
      { a: [7, 5], b: [7, 3], tA: true, tB: false },
      { a: [5, 7], b: [3, 7], tA: false, tB: true }, // few rows: wasm's own
      { a: [20, 7], b: [3, 7], tA: false, tB: true },
      { a: [7, 5], b: [3, 7], tA: true, tB: true },
      { a: [4, 5, 7], b: [7, 3], tA: false, tB: false }, // batch against one shared b: folded into rows
      { a: [4, 7, 5], b: [1, 3, 7], tA: true, tB: true },
      { a: [4, 5, 7], b: [4, 7, 3], tA: false, tB: false }, // one product per batch item
      { a: [2, 3, 7, 5], b: [2, 3, 3, 7], tA: true, tB: true },
      { a: [2, 1, 5, 7], b: [1, 3, 7, 4], tA: false, tB: false }, // broadcast on both sides: wasm's own
    ];
    cases.forEach((c, n) => {
      it(`[${c.a}]${c.tA ? 'ᵀ' : ''} · [${c.b}]${c.tB ? 'ᵀ' : ''}`, async () => {
        const rng = new Rng(700 + n);
        const [a, b] = [normals(rng, c.a), normals(rng, c.b)];
        const r = await onBoth(() => tf.matMul(tf.tensor(a, c.a), tf.tensor(b, c.b), c.tA, c.tB));
        expectSame(r, 'matMul');
      });
    });
    it('fused matMul with bias and relu, transposed operands', async () => {
      const rng = new Rng(720);
      const [a, b, bias] = [normals(rng, [6, 4]), normals(rng, [5, 6]), normals(rng, [5])];
      const r = await onBoth(() =>
        tf.fused.matMul({
          a: tf.tensor2d(a, [6, 4]),
          b: tf.tensor2d(b, [5, 6]),
          transposeA: true,
          transposeB: true,
          bias: tf.tensor1d(bias),
          activation: 'relu',
        }),
      );
      expectSame(r, 'fused matMul');
    });
    it('gradients of a dense layer (matMul with transposes in its gradient)', async () => {
      const rng = new Rng(721);
      const [x, w, bias] = [normals(rng, [8, 12]), normals(rng, [12, 5]), normals(rng, [5])];
      const r = await onBoth(() =>
        tf.grads((xt: tf.Tensor, wt: tf.Tensor, bt: tf.Tensor) =>
          tf.sum(
            tf.square(
              tf.fused.matMul({ a: xt as tf.Tensor2D, b: wt as tf.Tensor2D, bias: bt, activation: 'relu' }),
            ),
          ),
        )([tf.tensor2d(x, [8, 12]), tf.tensor2d(w, [12, 5]), tf.tensor1d(bias)]),
      );
      expectSame(r, 'grad of dense');
    });
  });

  describe('training on wasm', () => {
    it('a small residual conv net with batch norm, depthwise conv, dense head and Adam trains like on cpu', async () => {
      const rng = new Rng(600);
      const xs = normals(rng, [6, 16, 16, 1]);
      const labels = [0, 1, 2, 3, 4, 0];
      const losses: Record<string, number[]> = {};
      for (const backend of ['wasm', 'cpu'] as const) {
        await engine.init({ backend });
        const before = tf.memory().numTensors;
        const input = tf.input({ shape: [16, 16, 1] });
        const { conv, bn, relu, seed } = seededLayers();
        let h = relu(bn(conv(input, 8, 3, 2)));
        const branch = bn(conv(relu(bn(conv(h, 16, 3, 2))), 16, 3, 1));
        h = relu(tf.layers.add().apply([branch, bn(conv(h, 16, 1, 2))]) as tf.SymbolicTensor);
        h = tf.layers
          .depthwiseConv2d({
            kernelSize: 3,
            padding: 'same',
            depthwiseInitializer: tf.initializers.glorotUniform({ seed: seed() }),
          })
          .apply(h) as tf.SymbolicTensor;
        h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
        const logits = tf.layers
          .dense({ units: 5, kernelInitializer: tf.initializers.glorotUniform({ seed: seed() }) })
          .apply(h) as tf.SymbolicTensor;
        const model = tf.model({ inputs: input, outputs: logits });
        const opt = tf.train.adam(0.01);
        const x = tf.tensor4d(xs, [6, 16, 16, 1]);
        const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 5));
        losses[backend] = [];
        for (let step = 0; step < 4; step++) {
          const loss = opt.minimize(() => {
            const out = model.apply(x, { training: true }) as tf.Tensor;
            return tf.add(
              tf.losses.softmaxCrossEntropy(y, out),
              tf.losses.sigmoidCrossEntropy(y, out),
            ) as tf.Scalar;
          }, true) as tf.Scalar;
          losses[backend].push(loss.dataSync()[0]);
          loss.dispose();
        }
        tf.dispose([x, y]);
        opt.dispose();
        model.dispose();
        assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
      }
      const w = losses.wasm;
      for (let i = 1; i < w.length; i++) assert.ok(w[i] < w[i - 1], `wasm loss decreases: ${w.join(', ')}`);
      assert.ok(
        relError(w, losses.cpu) < 1e-4,
        `wasm losses ${w.join(', ')} vs cpu ${losses.cpu.join(', ')}`,
      );
    });
  });
});
