import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createModel, predict, type ExemplarModel } from '../src/model';
import { features } from '../src/model/predict';
import { Rng } from '../src/util/rng';
import { expectClose } from './helpers';
import { initBackend, randomTable, tinySamples } from './modelFixtures';
import { compileInference } from '../src/internal';

/** Every backbone weight random (moving variances positive), so batch norm is far from the identity. */
function randomiseBackbone(m: ExemplarModel, seed: number): void {
  const rng = new Rng(seed);
  const ws = m.backbone.weights.map((w) => {
    const v = w.read();
    const data = Float32Array.from({ length: v.size }, () =>
      w.name.endsWith('/moving_variance') ? rng.uniform(0.5, 2) : rng.normal(0, 0.3),
    );
    return tf.tensor(data, v.shape);
  });
  m.backbone.setWeights(ws);
  tf.dispose(ws);
}

/** execute() and the compiled pass on the same inputs. */
function both(model: tf.LayersModel, x: tf.Tensor4D): [Float32Array, Float32Array] {
  const fn = compileInference(model);
  assert.ok(fn, 'the graph compiles');
  const a = tf.tidy(() => (model.execute(x, model.outputs[0].name) as tf.Tensor).dataSync() as Float32Array);
  const b = tf.tidy(() => fn(x).dataSync() as Float32Array);
  return [a, b];
}

describe('model: the compiled inference pass of the backbone (backbone.ts compileInference)', function () {
  before(async function () {
    console.log(`      backend: ${await initBackend()}`);
  });

  it('equals execute() for the small net (flatten, no batch norm), with batch norm, and resnet18 (max pool, GAP)', () => {
    const table = randomTable(30, 5, 1);
    const configs = [
      { input: { size: 16 }, widths: [4, 8], featureDim: 12, seed: 3 },
      { input: { size: 16 }, widths: [4, 8], featureDim: 12, seed: 4, batchNorm: true, pool: 'avg' as const },
      { backbone: 'resnet18' as const, input: { size: 32 }, widths: [4, 8], featureDim: 8, seed: 5 },
    ];
    configs.forEach((cfg, i) => {
      const m = createModel(table, cfg);
      randomiseBackbone(m, 10 + i);
      const { size, channels } = m.config.input;
      const rng = new Rng(i);
      const x = tf.tensor4d(
        Float32Array.from({ length: 3 * size * size * channels }, () => rng.uniform(0, 1)),
        [3, size, size, channels],
      );
      const before = tf.memory().numTensors;
      const [a, b] = both(m.backbone, x);
      expectClose(b, a, 1e-5, `config ${i}`);
      assert.equal(tf.memory().numTensors, before, `config ${i}: no tensors leaked`);
      x.dispose();
      m.dispose();
    });
  });

  it('reads the weights at each call: setWeights after compiling is seen, and predict uses the compiled pass', () => {
    const table = randomTable(20, 5, 2);
    const m = createModel(table, { input: { size: 16 }, widths: [4, 8], featureDim: 6, seed: 1 });
    const face = tinySamples(1, 3, 16)[0];
    const p0 = predict(m, face.image, face.box);
    const x = tf.ones([1, 16, 16, 1]) as tf.Tensor4D;
    const f0 = tf.tidy(() => features(m, x).dataSync() as Float32Array);
    randomiseBackbone(m, 7);
    const f1 = tf.tidy(() => features(m, x).dataSync() as Float32Array);
    const ref = tf.tidy(() => (m.backbone.predict(x) as tf.Tensor).dataSync() as Float32Array);
    expectClose(f1, ref, 1e-5, 'features after setWeights');
    assert.ok(
      f1.some((v, i) => Math.abs(v - f0[i]) > 1e-3),
      'the new weights changed the features',
    );
    const p1 = predict(m, face.image, face.box);
    assert.notDeepEqual(Array.from(p1.feature), Array.from(p0.feature));
    x.dispose();
    m.dispose();
    assert.throws(() => m.inference(), /used after dispose/);
  });

  it('fuses a ReLU only into a producer that applies it; an unknown layer leaves the graph to execute()', () => {
    // input → max pool → relu → conv(relu) → flatten → dense: the ReLU after the pool must stay a step of its own
    const input = tf.input({ shape: [8, 8, 2] });
    let y = tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(input) as tf.SymbolicTensor;
    y = tf.layers.activation({ activation: 'relu' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers
      .conv2d({
        filters: 3,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: 'glorotNormal',
      })
      .apply(y) as tf.SymbolicTensor;
    y = tf.layers.flatten().apply(y) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 4 }).apply(y) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const rng = new Rng(1);
    const x = tf.tensor4d(
      Float32Array.from({ length: 2 * 8 * 8 * 2 }, () => rng.normal()),
      [2, 8, 8, 2],
    );
    const [a, b] = both(model, x);
    expectClose(b, a, 1e-5, 'pool → relu');
    // a layer the compiler does not know (dropout): null, and ExemplarModel.inference falls back to execute
    const withDropout = tf.model({
      inputs: input,
      outputs: tf.layers.dropout({ rate: 0.5 }).apply(out) as tf.SymbolicTensor,
    });
    assert.equal(compileInference(withDropout), null);
    // a tanh activation is not compiled either
    const tanh = tf.model({
      inputs: input,
      outputs: tf.layers.activation({ activation: 'tanh' }).apply(out) as tf.SymbolicTensor,
    });
    assert.equal(compileInference(tanh), null);
    x.dispose();
    model.dispose();
  });
});
