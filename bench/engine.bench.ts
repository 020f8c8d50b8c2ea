/**
 * engine: what the wasm backend with this project's registered kernels buys for training.
 * 1. One training step (forward + backward + Adam) of a 4-stage residual net with batch norm (widths 16-128,
 *    64×64 grayscale, batch 32) on wasm vs tfjs's pure-JS cpu backend, side by side in one run (target ≥ 20×).
 * 2. 1024³ matmul GFLOP/s on wasm next to the machine's limit, one-thread OpenBLAS through numpy measured in the
 *    same run when python3 has numpy (else the figure DESIGN.md §4 measured, ~92 GFLOP/s).
 * 3. The replaced kernels (Conv2DBackpropInput, Tile, BatchMatMul) vs wasm's own on shapes from that net and its
 *    dense head's gradient, and the new filter gradient vs the forward conv of the same layer.
 * Times are the best of n runs. Quick mode: batch 8 at 32×32, 256³ matmul, fewer repetitions; same code paths.
 */
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as engine from '../src/engine';
// Deep import on purpose: the benchmark compares the replacements with the wasm kernels they replace.
import { originalKernel } from '../src/engine/wasm/wasmOps';
import { seededLayers } from '../test/seededLayers';
import type { Bench, BenchTable } from './types';

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

/**
 * Best (minimum) wall time (ms) of `reps` runs of `f`, after one untimed warm-up run unless `warmUp` is false. The
 * minimum is the least disturbed by other processes on a shared machine.
 */
function timeMs(f: () => void, reps: number, warmUp = true): number {
  if (warmUp) f();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    f();
    best = Math.min(best, ms(t0));
  }
  return best;
}

/** Stem 3×3/2, one residual block per stage (stride 1 then 2), batch norm, GAP, dense 256, K-way logits. */
function residualNet(size: number, widths: number[], classes: number): tf.LayersModel {
  const { conv, bn, relu, seed } = seededLayers({ bnMomentum: 0.9 });
  const input = tf.input({ shape: [size, size, 1] });
  let x = relu(bn(conv(input, widths[0], 3, 2)));
  let inF = widths[0];
  widths.forEach((w, i) => {
    const s = i === 0 ? 1 : 2;
    const y = bn(conv(relu(bn(conv(x, w, 3, s))), w, 3, 1));
    const short = s !== 1 || inF !== w ? bn(conv(x, w, 1, s)) : x;
    x = relu(tf.layers.add().apply([y, short]) as tf.SymbolicTensor);
    inF = w;
  });
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .dense({ units: 256, kernelInitializer: tf.initializers.glorotUniform({ seed: seed() }) })
    .apply(x) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({ units: classes, kernelInitializer: tf.initializers.glorotUniform({ seed: seed() }) })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits });
}

/** ms per training step of the net on `backend`. */
async function trainStepMs(
  backend: engine.BackendName,
  size: number,
  batch: number,
  reps: number,
  warmUp: boolean,
): Promise<number> {
  await engine.init({ backend });
  const classes = 100;
  const model = residualNet(size, [16, 32, 64, 128], classes);
  const opt = tf.train.adam(1e-3);
  const x = tf.randomNormal([batch, size, size, 1], 0, 1, 'float32', 7);
  const y = tf.tidy(() =>
    tf.oneHot(
      tf.tensor1d(
        Array.from({ length: batch }, (_, i) => i % classes),
        'int32',
      ),
      classes,
    ),
  );
  const step = () => {
    const loss = opt.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      true,
    );
    loss?.dataSync();
    loss?.dispose();
  };
  const t = timeMs(step, reps, warmUp);
  tf.dispose([x, y]);
  opt.dispose();
  model.dispose();
  return t;
}

function matmulGflops(n: number, reps: number): number {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  const t = timeMs(
    () =>
      tf.tidy(() => {
        tf.matMul(a, b).dataSync();
      }),
    reps,
  );
  tf.dispose([a, b]);
  return (2 * n ** 3) / (t / 1e3) / 1e9;
}

/** One-thread OpenBLAS matmul GFLOP/s through numpy, or null when python3 or numpy is missing. */
function numpyGflops(n: number): number | null {
  const code = [
    'import time, numpy as np',
    `n = ${n}`,
    'a = np.random.default_rng(1).standard_normal((n, n), dtype=np.float32)',
    'b = np.random.default_rng(2).standard_normal((n, n), dtype=np.float32)',
    'a @ b',
    'ts = []',
    'for _ in range(5):',
    '    t = time.perf_counter(); a @ b; ts.append(time.perf_counter() - t)',
    'print(2 * n**3 / sorted(ts)[2] / 1e9)',
  ].join('\n');
  try {
    const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    const out = execFileSync('python3', ['-c', code], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const v = Number(out.trim());
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

/** ms of wasm's own kernel `name` vs the kernel now registered under that name, on the same inputs. */
function ownVsRegistered(
  name: string,
  inputs: Record<string, tf.Tensor>,
  attrs: Record<string, unknown>,
  reps: number,
): [number, number] {
  const backend = tf.backend() as BackendWasm;
  const own = originalKernel(name);
  const tOwn = timeMs(() => {
    const r = own({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
    backend.disposeData(r.dataId);
  }, reps);
  const tNew = timeMs(() => tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor, reps);
  return [tOwn, tNew];
}

const bench: Bench = async ({ quick }) => {
  const size = quick ? 32 : 64;
  const batch = quick ? 8 : 32;
  const reps = quick ? 1 : 3;
  const kernelReps = quick ? 5 : 11;

  // 1. Training step, wasm vs cpu. The cpu backend needs minutes for a batch of 32, so it runs a smaller batch
  // (its time per image does not depend on the batch size) and the comparison is in images per second.
  const cpuBatch = quick ? 2 : 4;
  const tWasm = await trainStepMs('wasm', size, batch, reps, true);
  const tCpu = await trainStepMs('cpu', size, cpuBatch, 1, !quick);
  const ratio = batch / tWasm / (cpuBatch / tCpu);

  // 2. Matmul.
  const n = quick ? 256 : 1024;
  await engine.init({ backend: 'wasm' });
  const gWasm = matmulGflops(n, quick ? 2 : 5);
  await engine.init({ backend: 'cpu' });
  const nCpu = quick ? 128 : 512;
  const gCpu = matmulGflops(nCpu, 2);
  const gBlas = numpyGflops(n);

  // 3. Replaced kernels vs wasm's own, and the new filter gradient vs the forward conv.
  await engine.init({ backend: 'wasm' });
  const kRows: Array<Array<string | number>> = [];
  const fRows: Array<Array<string | number>> = [];
  const B = batch;
  const convShapes: Array<[number, number, number, number]> = [
    // [H (input), Cin, Cout, stride] of the net's layers
    [size / 2, 16, 16, 1],
    [size / 2, 16, 32, 2],
    [size / 4, 32, 32, 1],
    [size / 4, 32, 64, 2],
    [size / 8, 64, 128, 2],
  ];
  for (const [H, Cin, Cout, s] of convShapes) {
    const x = tf.randomNormal([B, H, H, Cin], 0, 1, 'float32', 3) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, Cin, Cout], 0, 1, 'float32', 4) as tf.Tensor4D;
    const dy = tf.tidy(() =>
      tf.randomNormal(tf.conv2d(x, w, s, 'same').shape, 0, 1, 'float32', 5),
    ) as tf.Tensor4D;
    const common = { strides: s, pad: 'same', dataFormat: 'NHWC' };
    const [own, mine] = ownVsRegistered(
      'Conv2DBackpropInput',
      { dy, filter: w },
      { ...common, inputShape: x.shape },
      kernelReps,
    );
    const shape = `x [${B},${H},${H},${Cin}] 3×3 → ${Cout}, stride ${s}`;
    kRows.push(['Conv2DBackpropInput', shape, own, mine, own / mine]);
    const fwd = timeMs(
      () =>
        tf.tidy(() => {
          tf.conv2d(x, w, s, 'same').dataSync();
        }),
      kernelReps,
    );
    const filt = timeMs(
      () =>
        (
          tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
            ...common,
            filterShape: w.shape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor
        ).dispose(),
      kernelReps,
    );
    fRows.push([shape, fwd, filt, filt / fwd]);
    tf.dispose([x, w, dy]);
  }
  for (const [shape, reps2] of [
    [
      [1, 1, 1, 16],
      [B, size / 2, size / 2, 1],
    ],
    [
      [1, 1, 1, 64],
      [B, size / 8, size / 8, 1],
    ],
    [
      [B, 1, 1, 128],
      [1, size / 16, size / 16, 1],
    ],
  ] as Array<[number[], number[]]>) {
    const x = tf.randomNormal(shape, 0, 1, 'float32', 6);
    const [own, mine] = ownVsRegistered('Tile', { x }, { reps: reps2 }, kernelReps);
    kRows.push(['Tile', `[${shape}] × [${reps2}]`, own, mine, own / mine]);
    x.dispose();
  }

  // matMul as a dense layer's gradient runs it (feature D = 256, K = 1000 classes), and a batched product.
  const D = 256;
  const Kc = quick ? 200 : 1000;
  for (const [label, aShape, bShape, tA, tB] of [
    [`dW = fᵀ·dy, f [${B},${D}], dy [${B},${Kc}]`, [B, D], [B, Kc], true, false],
    [`df = dy·Wᵀ, dy [${B},${Kc}], W [${D},${Kc}]`, [B, Kc], [D, Kc], false, true],
    ['batched [8,128,128]·[8,128,128]', [8, 128, 128], [8, 128, 128], false, false],
  ] as Array<[string, number[], number[], boolean, boolean]>) {
    const a = tf.randomNormal(aShape, 0, 1, 'float32', 8);
    const b = tf.randomNormal(bShape, 0, 1, 'float32', 9);
    const [own, mine] = ownVsRegistered(
      'BatchMatMul',
      { a, b },
      { transposeA: tA, transposeB: tB },
      kernelReps,
    );
    kRows.push(['BatchMatMul', label, own, mine, own / mine]);
    tf.dispose([a, b]);
  }

  const tables: BenchTable[] = [
    {
      title: `engine: one training step (forward + backward + Adam), residual net 16-128 with batch norm, ${size}×${size}×1`,
      columns: ['backend', 'batch', 'ms / step', 'images / s'],
      rows: [
        ['wasm + registered kernels', String(batch), tWasm, (batch / tWasm) * 1e3],
        ['cpu (tfjs pure JS)', String(cpuBatch), tCpu, (cpuBatch / tCpu) * 1e3],
      ],
      notes: [
        `wasm trains ${ratio.toFixed(1)}× as many images per second as cpu (target ≥ 20×: ${ratio >= 20 ? 'met' : 'NOT met'}).`,
      ],
    },
    {
      title: 'engine: matmul GFLOP/s (float32, one thread)',
      columns: ['what', 'n', 'GFLOP/s'],
      rows: [
        ['wasm (XNNPACK, SIMD)', n, gWasm],
        ['cpu backend (pure JS)', nCpu, gCpu],
        ['OpenBLAS via numpy, 1 thread (machine limit)', n, gBlas ?? 'n/a'],
      ],
      notes: [
        gBlas !== null
          ? `wasm reaches ${((100 * gWasm) / gBlas).toFixed(0)}% of one-thread OpenBLAS measured in this run (python3 numpy, OPENBLAS_NUM_THREADS=1).`
          : 'python3 with numpy is not available here; DESIGN.md §4 measured one-thread OpenBLAS at ~92 GFLOP/s on the 2-core development machine.',
        'Node runs wasm on one thread (tfjs-backend-wasm has no threads under Node), so one native thread is the fair limit.',
      ],
    },
    {
      title: `engine: replaced wasm kernels vs wasm's own (batch ${B})`,
      columns: ['kernel', 'shape', "wasm's own ms", 'registered ms', 'speed-up'],
      rows: kRows,
      notes: [
        'All replace wasm kernels that are correct but scalar loops (BatchMatMul: when transposed or batched); speed-up = own / registered.',
      ],
    },
    {
      title: `engine: Conv2DBackpropFilter (missing from wasm, registered) vs the forward conv of the same layer (batch ${B})`,
      columns: ['layer', 'forward Conv2D ms', 'filter gradient ms', 'gradient / forward'],
      rows: fRows,
      notes: [
        'The filter gradient does the same multiply-adds as the forward conv; a ratio near 1 means it runs at forward-conv speed.',
      ],
    },
  ];
  return tables;
};

export default bench;
