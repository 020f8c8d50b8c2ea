/** engine: backend selection, XL_BACKEND, errors, info(). Kernels are tested in engine-kernels.test.ts. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { EnvironmentError, ValueError } from '../src/errors';
import * as engine from '../src/engine';
import { aliasOf } from '../src/engine/nativeBackend';
import { PROJECT_ROOT } from './helpers';

const VALID_LIST = /'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'/;

/** True when `pkg` itself is installed (an npm alias of another package in its folder does not count). */
function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
  } catch {
    return false;
  }
  return aliasOf(pkg) === null;
}

describe('engine: backend selection', function () {
  let savedEnv: string | undefined;
  let savedBackend: string | null;
  before(() => {
    savedEnv = process.env.XL_BACKEND;
    savedBackend = tf.engine().backendName; // (tf.getBackend() would initialise one)
  });
  afterEach(() => {
    if (savedEnv === undefined) delete process.env.XL_BACKEND;
    else process.env.XL_BACKEND = savedEnv;
  });
  after(async () => {
    // Leave the process on the backend it had, for the test files that run after this one.
    await engine.init({
      backend: savedBackend !== null && engine.isBackendName(savedBackend) ? savedBackend : 'wasm',
    });
  });

  it('lists the valid backends in the order init tries them', () => {
    assert.deepEqual([...engine.backends], ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
  });

  it('picks a backend automatically and reports why the ones before it were skipped', async function () {
    delete process.env.XL_BACKEND;
    if (installed('@tensorflow/tfjs-node-gpu') || installed('@tensorflow/tfjs-node')) {
      console.log(
        '      (skipped: a native tfjs backend is installed here; this checks the fallback to wasm)',
      );
      this.skip();
    }
    // A fresh process: in this one an earlier test file may already have chosen a backend.
    const script = [
      "const engine = require('./src/engine');",
      "const { NotFittedError } = require('./src/errors');",
      '(async () => {',
      '  let threw = false;',
      '  try { engine.info(); } catch (e) { threw = e instanceof NotFittedError; }',
      '  const p1 = engine.init(); const p2 = engine.init();',
      '  const i = await p1;',
      '  console.log(JSON.stringify({ threw, same: p1 === p2, i }));',
      '})();',
    ].join('\n');
    const env = { ...process.env };
    delete env.XL_BACKEND;
    const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: PROJECT_ROOT,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = out.trim().split('\n');
    // Nothing else may be printed: the absence of the optional native packages is silent.
    assert.equal(lines.length, 1, `unexpected output: ${out}`);
    const r = JSON.parse(lines[0]) as { threw: boolean; same: boolean; i: engine.EngineInfo };
    assert.ok(r.threw, 'info() before init() throws NotFittedError');
    assert.ok(r.same, 'concurrent init() calls share one promise');
    assert.equal(r.i.backend, 'wasm');
    assert.equal(r.i.forcedBy, null);
    assert.deepEqual(
      r.i.skipped.map((s) => s.backend),
      ['tensorflow-gpu', 'tensorflow'],
    );
    assert.match(r.i.skipped[0].reason, /@tensorflow\/tfjs-node-gpu is not installed/);
    assert.match(r.i.skipped[1].reason, /@tensorflow\/tfjs-node is not installed/);
  });

  it('is idempotent: repeated and concurrent calls return the same promise', async () => {
    delete process.env.XL_BACKEND;
    const a = engine.init({ backend: 'wasm' });
    const b = engine.init({ backend: 'wasm' });
    const c = engine.init();
    assert.equal(a, b);
    assert.equal(b, c);
    assert.equal((await a).backend, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
  });

  it('honours XL_BACKEND and records who forced the choice', async () => {
    process.env.XL_BACKEND = 'cpu';
    const i = await engine.init();
    assert.equal(i.backend, 'cpu');
    assert.equal(i.forcedBy, 'XL_BACKEND');
    assert.equal(tf.getBackend(), 'cpu');
    const j = await engine.init({ backend: 'wasm' }); // the argument wins over the variable
    assert.equal(j.backend, 'wasm');
    assert.equal(j.forcedBy, 'argument');
    const k = await engine.setBackend('cpu');
    assert.equal(k.backend, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.equal((await engine.setBackend('wasm')).backend, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
  });

  it('rejects an unknown name with a ValueError that lists the valid ones', async () => {
    process.env.XL_BACKEND = 'webgpu';
    await assert.rejects(
      engine.init(),
      (e: Error) =>
        e instanceof ValueError &&
        /XL_BACKEND/.test(e.message) &&
        VALID_LIST.test(e.message) &&
        /'webgpu'/.test(e.message),
    );
    delete process.env.XL_BACKEND;
    await assert.rejects(
      engine.init(null as unknown as engine.InitOptions),
      (e: Error) => e instanceof ValueError && /argument 'opts' expected an object, got null/.test(e.message),
    );
    await assert.rejects(
      engine.init({ backend: 'gpu' as engine.BackendName }),
      (e: Error) =>
        e instanceof ValueError && /argument 'backend'/.test(e.message) && VALID_LIST.test(e.message),
    );
  });

  it('an npm alias in a native package folder (danfojs-node override) is not a native backend', function () {
    if (aliasOf('@tensorflow/tfjs-node') === null) {
      console.log('      (skipped: no alias in node_modules/@tensorflow/tfjs-node here)');
      this.skip();
    }
    assert.match(aliasOf('@tensorflow/tfjs-node') as string, /^@tensorflow\/tfjs@4\./);
    assert.equal(aliasOf('@tensorflow/tfjs'), null);
    assert.equal(aliasOf('no-such-package-xl'), null);
  });

  for (const [name, pkg] of [
    ['tensorflow', '@tensorflow/tfjs-node'],
    ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'],
  ] as const) {
    it(`forcing '${name}' without ${pkg} throws EnvironmentError saying why`, async function () {
      if (installed(pkg)) {
        console.log(`      (skipped: ${pkg} is installed here)`);
        this.skip();
      }
      const before = tf.getBackend();
      await assert.rejects(
        engine.init({ backend: name }),
        (e: Error) =>
          e instanceof EnvironmentError &&
          e.message.includes(`${pkg} is not installed`) &&
          e.message.includes(`npm install ${pkg}@${tf.version_core}`),
      );
      assert.equal(tf.getBackend(), before, 'a failed request leaves the backend as it was');
      assert.equal((await engine.init()).backend, before, 'and init() still reports the previous choice');
      process.env.XL_BACKEND = name;
      await assert.rejects(
        engine.init(),
        (e: Error) => e instanceof EnvironmentError && /XL_BACKEND=/.test(e.message),
      );
    });
  }
});

describe('engine.info', () => {
  after(async () => {
    await engine.init({ backend: 'wasm' });
  });

  it('reports the wasm backend, SIMD, threads, version, registered kernels and memory', async () => {
    await engine.init({ backend: 'wasm' });
    const t = tf.ones([100, 10]);
    const i = engine.info();
    assert.equal(i.backend, 'wasm');
    assert.equal(i.gpu, false);
    assert.equal(i.simd, true, 'Node 20 validates wasm SIMD, so the SIMD binary is loaded');
    assert.equal(i.threads, 1);
    assert.equal(i.tfjsVersion, tf.version_core);
    assert.deepEqual(i.kernels, [
      'BatchMatMul',
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
      'Tile',
      'UnsortedSegmentSum',
      '_FusedMatMul',
    ]);
    assert.equal(i.memory.numTensors, tf.memory().numTensors);
    assert.ok(i.memory.numBytes >= 4000);
    assert.ok(i.memory.wasmHeapBytes !== null && i.memory.wasmHeapBytes >= 4000);
    assert.ok(i.memory.rssBytes !== null && i.memory.rssBytes > 0);
    t.dispose();
    for (const k of i.kernels) assert.ok(tf.getKernel(k, 'wasm'), `${k} is registered on wasm`);
  });

  it('reports the cpu backend without wasm fields', async () => {
    const i = await engine.init({ backend: 'cpu' });
    assert.equal(i.backend, 'cpu');
    assert.equal(i.simd, null);
    assert.equal(i.threads, null);
    assert.equal(i.memory.wasmHeapBytes, null);
    assert.deepEqual(i.kernels, []);
  });
});
