/**
 * engine: the GPU flag from a device check. No GPU and no libtensorflow here, so the logic is tested on injected
 * backend objects, and the wiring through engine.init() on a stand-in `@tensorflow/tfjs-node-gpu` (a module found
 * through NODE_PATH that registers a 'tensorflow' backend carrying tfjs-node's two flags) in a child process.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as engine from '../src/engine';
import { nativeGpuStatus, nvidiaDeviceName } from '../src/internal';
import { PROJECT_ROOT } from './helpers';

describe('engine: GPU flag from a device check', function () {
  const name = () => 'NVIDIA H100 80GB HBM3';

  it('reports gpu and the device name when TensorFlow uses a GPU device', () => {
    const s = nativeGpuStatus({ isUsingGpuDevice: true, isGPUPackage: true }, 'tensorflow-gpu', name);
    assert.deepEqual(s, { gpu: true, device: 'NVIDIA H100 80GB HBM3', warnings: [] });
  });

  it('reports the CUDA build on the CPU as gpu: false with a warning naming CUDA 11.2 and cuDNN 8', () => {
    const s = nativeGpuStatus({ isUsingGpuDevice: false, isGPUPackage: true }, 'tensorflow-gpu', name);
    assert.equal(s.gpu, false);
    assert.equal(s.device, null);
    assert.equal(s.warnings.length, 1);
    assert.match(
      s.warnings[0],
      /tfjs-node-gpu loaded but TensorFlow found no GPU device, so it runs on the CPU/,
    );
    assert.match(s.warnings[0], /CUDA 11\.2 and cuDNN 8/);
  });

  it('reports the CPU build quietly, and a backend without the flag as unknown (gpu: false, warned)', () => {
    assert.deepEqual(nativeGpuStatus({ isUsingGpuDevice: false, isGPUPackage: false }, 'tensorflow', name), {
      gpu: false,
      device: null,
      warnings: [],
    });
    const u = nativeGpuStatus({}, 'tensorflow-gpu', name);
    assert.equal(u.gpu, false);
    assert.match(u.warnings[0], /no isUsingGpuDevice flag .* cannot be checked/);
    assert.equal(nativeGpuStatus({ isUsingGpuDevice: 'yes' }, 'tensorflow', name).gpu, false);
    assert.equal(nativeGpuStatus(null, 'tensorflow', name).gpu, false);
  });

  it("reads the NVIDIA driver's model line, null without a driver", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-nv-'));
    try {
      assert.equal(nvidiaDeviceName(path.join(root, 'absent')), null);
      fs.mkdirSync(path.join(root, '0000:01:00.0'));
      fs.writeFileSync(
        path.join(root, '0000:01:00.0', 'information'),
        'Model: \t\t NVIDIA GeForce RTX 3090\nIRQ:   140\nGPU UUID: GPU-1\n',
      );
      assert.equal(nvidiaDeviceName(root), 'NVIDIA GeForce RTX 3090');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('engine.init() takes gpu, device and warnings from the backend object (stand-in tfjs-node-gpu)', function () {
    this.timeout(60000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-fake-gpu-'));
    try {
      const pkg = path.join(dir, '@tensorflow', 'tfjs-node-gpu');
      fs.mkdirSync(pkg, { recursive: true });
      const tfPath = require.resolve('@tensorflow/tfjs');
      const cpuPath = require.resolve('@tensorflow/tfjs-backend-cpu');
      // A 'tensorflow' backend that computes with tfjs's cpu kernels and carries tfjs-node's two flags.
      fs.writeFileSync(
        path.join(pkg, 'index.js'),
        [
          `const tf = require(${JSON.stringify(tfPath)});`,
          `const { MathBackendCPU } = require(${JSON.stringify(cpuPath)});`,
          'class FakeNode extends MathBackendCPU {',
          '  constructor() { super(); this.isGPUPackage = true; this.isUsingGpuDevice = process.env.FAKE_GPU === "1"; }',
          '}',
          "for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'tensorflow' });",
          "tf.registerBackend('tensorflow', () => new FakeNode());",
        ].join('\n'),
      );
      const script = [
        "const engine = require('./src/engine');",
        '(async () => {',
        "  const i = await engine.init({ backend: 'tensorflow-gpu' });",
        '  console.log(JSON.stringify(i));',
        '})();',
      ].join('\n');
      const run = (gpu: boolean) => {
        const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
          cwd: PROJECT_ROOT,
          env: { ...process.env, NODE_PATH: dir, FAKE_GPU: gpu ? '1' : '0', XL_BACKEND: '' },
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        return JSON.parse(out.trim().split('\n').at(-1) as string) as engine.EngineInfo;
      };
      const onCpu = run(false);
      assert.equal(onCpu.backend, 'tensorflow-gpu');
      assert.equal(onCpu.gpu, false, 'the CUDA build on the CPU is not a GPU');
      assert.match(onCpu.warnings[0], /found no GPU device.* CUDA 11\.2 and cuDNN 8/);
      const onGpu = run(true);
      assert.equal(onGpu.gpu, true);
      assert.deepEqual(onGpu.warnings, []);
      assert.equal(onGpu.device, nvidiaDeviceName(), 'the driver name where there is one (null here)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports gpu: false, no device and no warnings on wasm', async () => {
    const i = await engine.init({ backend: 'wasm' });
    assert.equal(i.gpu, false);
    assert.equal(i.device, null);
    assert.deepEqual(i.warnings, []);
  });
});
