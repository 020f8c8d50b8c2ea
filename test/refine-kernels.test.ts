import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ShapeError, ValueError } from '../src/errors';
import { shapeToBox } from '../src/landmarks/box';
import { schemeFor } from '../src/landmarks/scheme';
import {
  type Cascade,
  cascadeApply,
  cascadeApplyBatch,
  cascadeFrame,
  gradientMaps,
  hogDescriptors,
  hogSpec,
  type HogSpec,
  ridgeApply,
  type RidgeModel,
} from '../src/refine';
import { FrameBuffers, grayFrameInto } from '../src/refine/frameKernel';
import { gradientsInto, orientation } from '../src/refine/hog';
import { ENGINE_MIN_ROWS, ridgeApplyInto } from '../src/refine/ridge';
import { RidgeDots, ridgeDotsKernel } from '../src/refine/ridgeWasm';
import { hogKernel } from '../src/refine/hogWasm';
import { frameKernel } from '../src/refine/frameWasm';
import { compileWat, generatedPath } from '../scripts/build-wasm';
import type { Box, Raster } from '../src/types';
import { Rng } from '../src/util/rng';
import {
  cascadeApplyReference,
  cascadeFrameReference,
  gradientMapsReference,
  hogDescriptorsReference,
  ridgeApplyReference,
} from './refineReference';
import { initBackend } from './modelFixtures';

/** A smooth random texture (a few sinusoids, edges and noise) as a Raster of `channels` channels. */
function texture(rng: Rng, width: number, height: number, channels: 1 | 3 | 4): Raster {
  const waves = Array.from({ length: 4 }, () => [
    rng.uniform(0.02, 0.3),
    rng.uniform(0.02, 0.3),
    rng.uniform(0, 6),
  ]);
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 128 + (x > width / 2 ? 30 : 0);
      for (const [a, b, c] of waves) v += 20 * Math.sin(a * x + b * y + c);
      for (let ch = 0; ch < channels; ch++) {
        data[(y * width + x) * channels + ch] = Math.max(
          0,
          Math.min(255, Math.round(v + 10 * ch + rng.normal(0, 4))),
        );
      }
    }
  }
  return { width, height, channels, data };
}

/** Largest |a − b|. */
function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Points inside, near and outside a size × size frame. */
function framePoints(rng: Rng, n: number, size: number): Float32Array {
  const p = new Float32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) {
    const r = rng.uniform();
    p[i] =
      r < 0.6
        ? rng.uniform(0, size - 1)
        : r < 0.85
          ? rng.uniform(-6, 6) + (rng.uniform() < 0.5 ? 0 : size)
          : rng.uniform(-40, size + 40);
  }
  // exact integers and half-integers (weights 0 / 1, taps on the border)
  p[0] = 0;
  p[1] = size - 1;
  p[2] = 4.5;
  p[3] = size - 5.5;
  return p;
}

describe('refine kernels: equal to the reference (pre-speed) implementation', () => {
  before(async () => {
    await initBackend();
  });

  it('the WebAssembly kernels: compiled bytes match their .wat; they run here; the ridge weight cache starts over when full', async () => {
    for (const name of ['ridgeDots.wat', 'hogInterior.wat', 'grayFrame.wat']) {
      const src = path.join(__dirname, '..', 'src', 'refine', 'wasm', name);
      assert.equal(await compileWat(src), fs.readFileSync(generatedPath(src), 'utf8'), name);
    }
    assert.ok(ridgeDotsKernel() !== null, 'WebAssembly SIMD is available on Node');
    assert.ok(hogKernel() !== null && frameKernel() !== null);
    const rng = new Rng(9);
    const models: RidgeModel[] = [
      [13, 5],
      [64, 8],
      [7, 1],
    ].map(([d, m]) => ({
      inputDim: d,
      outputDim: m,
      weights: Float32Array.from({ length: d * m }, () => rng.normal()),
      bias: Float32Array.from({ length: m }, () => rng.normal()),
    }));
    // an arena of 2 KiB holds one model at a time: every switch copies again
    const small = new RidgeDots(2048);
    for (let t = 0; t < 9; t++) {
      const model = models[t % 3];
      const n = 1 + (t % 4);
      const x = Float32Array.from({ length: n * model.inputDim }, () => rng.uniform(-1, 1));
      const out = new Float32Array(n * model.outputDim);
      small.apply(model, x, n, out);
      assert.ok(maxDiff(out, ridgeApplyReference(model, x)) < 1e-5, `step ${t}`);
    }
    // new weights in the same model object are picked up
    const m0 = models[0];
    m0.weights = m0.weights.map((v) => -v);
    const x = Float32Array.from({ length: m0.inputDim }, () => rng.uniform(-1, 1));
    const out = new Float32Array(m0.outputDim);
    small.apply(m0, x, 1, out);
    assert.ok(maxDiff(out, ridgeApplyReference({ ...m0 }, x)) < 1e-5); // (the reference caches Wᵀ by object)
  });

  it('orientation equals atan2 folded into [0, π) within 2e-10 rad, axes and zeros included', () => {
    const rng = new Rng(1);
    const cases: Array<[number, number]> = [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
      [1, -0],
      [-1, -0],
      [0, 0],
      [1, 1],
      [-1, 1],
      [1, -1],
      [-1, -1],
      [1e-30, 1],
      [1, 1e-30],
      [-1, 1e-30],
      [-1, -1e-30],
      [Math.tan(Math.PI / 8), 1],
      [1, Math.tan(Math.PI / 8)],
    ];
    for (let i = 0; i < 20000; i++) cases.push([rng.normal(), rng.normal() * 10 ** rng.uniform(-3, 3)]);
    for (const [x, y] of cases) {
      let ref = Math.atan2(y, x);
      if (ref < 0) ref += Math.PI;
      if (ref >= Math.PI) ref -= Math.PI;
      const got = orientation(x, y);
      assert.ok(got >= 0 && got < Math.PI, `(${x}, ${y}) → ${got}`);
      const d = Math.abs(got - ref);
      assert.ok(Math.min(d, Math.PI - d) < 2e-10, `(${x}, ${y}): ${got} vs ${ref}`);
    }
  });

  it('hogDescriptors matches the reference within 1e-5 on random images and points (border and outside too)', () => {
    const rng = new Rng(2);
    const specs: HogSpec[] = [
      hogSpec('t'),
      hogSpec('t', { cells: 1, cellSize: 1, bins: 1 }),
      hogSpec('t', { cells: 3, cellSize: 4, bins: 9 }),
      hogSpec('t', { cells: 2, cellSize: 3, bins: 4 }),
      hogSpec('t', { cells: 4, cellSize: 2, bins: 8 }),
    ];
    for (const size of [8, 33, 64]) {
      const img = texture(rng, size, size, 1);
      const gray = Float32Array.from(img.data, (v) => v / 127.5 - 1);
      const maps = gradientMaps(gray, size, size);
      for (const spec of specs) {
        const pts = framePoints(rng, 68, size);
        const want = hogDescriptorsReference(maps, pts, spec);
        for (const kernel of ['auto', 'js'] as const) {
          const got = hogDescriptors(maps, pts, spec, undefined, 0, kernel);
          const what = `${kernel}, size ${size}, ${JSON.stringify(spec)}: ${maxDiff(got, want)}`;
          assert.ok(maxDiff(got, want) < (kernel === 'js' ? 1e-6 : 1e-5), what);
          // into a reused, dirty buffer at an offset
          const out = new Float32Array(want.length + 7).fill(9);
          hogDescriptors(maps, pts, spec, out, 7, kernel);
          assert.ok(maxDiff(out.subarray(7), want) < 1e-5);
          assert.deepEqual(Array.from(out.subarray(0, 7)), [9, 9, 9, 9, 9, 9, 9]);
        }
      }
    }
  });

  it('hogDescriptors on a face frame: every point interior (the WebAssembly path) within 1e-5, cells of uneven widths too', () => {
    const rng = new Rng(8);
    const img = texture(rng, 200, 180, 3);
    const maps = cascadeFrame(img, { x: 40, y: 30, width: 110, height: 120 }, 64, 0.25);
    for (const spec of [
      hogSpec('t'),
      hogSpec('t', { cells: 3, cellSize: 3, bins: 5 }),
      hogSpec('t', { cells: 1, cellSize: 7, bins: 36 }),
    ]) {
      const pts = Float32Array.from({ length: 2 * 68 }, () => rng.uniform(12, 50));
      const want = hogDescriptorsReference(maps, pts, spec);
      assert.ok(maxDiff(hogDescriptors(maps, pts, spec), want) < 1e-5, JSON.stringify(spec));
    }
  });

  it('gradientMaps / gradientsInto equal the reference exactly, also into reused buffers', () => {
    const rng = new Rng(3);
    for (const [w, h] of [
      [1, 1],
      [2, 5],
      [5, 2],
      [17, 9],
      [64, 64],
    ]) {
      const gray = Float32Array.from({ length: w * h }, () => rng.uniform(-1, 1));
      const want = gradientMapsReference(gray, w, h);
      const got = gradientMaps(gray, w, h);
      assert.deepEqual(got.gx, want.gx);
      assert.deepEqual(got.gy, want.gy);
      const gx = new Float32Array(w * h).fill(5);
      const gy = new Float32Array(w * h).fill(-5);
      gradientsInto(gray, w, h, gx, gy);
      assert.deepEqual(gx, want.gx);
      assert.deepEqual(gy, want.gy);
    }
  });

  it('the descriptor frame is bit-identical to cropInto + gradients (1, 3, 4 channels; inside, border, outside, up- and downscaled)', () => {
    const rng = new Rng(4);
    const boxes: Box[] = [
      { x: 60, y: 40, width: 150, height: 160 },
      { x: -40, y: 120, width: 120, height: 110 },
      { x: 230, y: 170, width: 90, height: 90 },
      { x: 20.3, y: 11.7, width: 17.2, height: 21.9 },
      { x: 0, y: 0, width: 239, height: 179 },
      { x: -60, y: -40, width: 60, height: 45 },
    ];
    const buffers = new FrameBuffers();
    for (const channels of [1, 3, 4] as const) {
      const img = texture(rng, 240, 180, channels);
      for (const box of boxes) {
        for (const [size, margin] of [
          [64, 0.25],
          [31, 0],
          [16, 0.6],
        ]) {
          const want = cascadeFrameReference(img, box, size, margin);
          const got = cascadeFrame(img, box, size, margin);
          assert.deepEqual(got.gx, want.gx, `${channels} ch, ${JSON.stringify(box)}, ${size}`);
          assert.deepEqual(got.gy, want.gy);
          // both kernels, in the same buffers after another size (tables and crop reused)
          for (const kernel of ['auto', 'js'] as const) {
            grayFrameInto(img, box, 8, 0.1, buffers, kernel);
            const gray = grayFrameInto(img, box, size, margin, buffers, kernel).subarray(0, size * size);
            assert.deepEqual(gradientMaps(Float32Array.from(gray), size, size).gx, want.gx, kernel);
          }
        }
      }
      assert.throws(
        () => cascadeFrame(img, { x: 500, y: 10, width: 20, height: 20 }, 64, 0.25),
        /cropToInput: argument 'box' lies wholly outside the 240×180 image/,
      );
    }
  });

  it('ridgeApply (JavaScript and engine paths) matches the plain product', () => {
    const rng = new Rng(5);
    for (const [d, m] of [
      [1, 1],
      [7, 3],
      [1632, 136],
      [40, 10],
    ]) {
      const model: RidgeModel = {
        inputDim: d,
        outputDim: m,
        weights: Float32Array.from({ length: d * m }, () => rng.normal(0, 0.1)),
        bias: Float32Array.from({ length: m }, () => rng.normal()),
      };
      for (const n of [1, 3, ENGINE_MIN_ROWS]) {
        const x = Float32Array.from({ length: n * d }, () => rng.uniform(-1, 1));
        const want = ridgeApplyReference(model, x);
        const scale = Math.max(1, ...Array.from(want, Math.abs));
        assert.ok(maxDiff(ridgeApply(model, x), want) < 1e-5 * scale, `${d} × ${m}, n ${n}`);
        for (const kernel of ['auto', 'js'] as const) {
          const out = new Float32Array(n * m).fill(NaN);
          ridgeApplyInto(model, x, n, out, kernel);
          assert.ok(maxDiff(out, want) < 1e-6 * scale, `${kernel}: ${d} × ${m}, n ${n}`);
        }
      }
    }
  });
});

/** A cascade with random (small) regressors: the arithmetic of applying, independent of training. */
function randomCascade(rng: Rng, nPoints: number, stages: number): Cascade {
  const hog = hogSpec('t');
  const L = nPoints * 4 * hog.bins;
  const dim = 2 * nPoints;
  const set = (): RidgeModel[] =>
    Array.from({ length: stages }, () => ({
      inputDim: L,
      outputDim: dim,
      weights: Float32Array.from({ length: L * dim }, () => rng.normal(0, 0.004)),
      bias: Float32Array.from({ length: dim }, () => rng.normal(0, 0.01)),
    }));
  return {
    kind: 'exemplar-landmarks/cascade',
    nPoints,
    scheme: schemeFor(nPoints).name,
    classCount: 6,
    frame: { size: 64, margin: 0.25 },
    hog,
    clusterOfClass: Int32Array.from([0, 0, 1, 1, 2, 2]),
    global: set(),
    clusters: [set(), null, set()],
    clusterExamples: [400, 10, 400],
    trainErrors: [],
  };
}

describe('refine kernels: the cascade applied equals the reference', () => {
  const rng = new Rng(6);
  const cascade = randomCascade(rng, 68, 7);
  const img = texture(rng, 320, 260, 3);
  const faces = Array.from({ length: 9 }, (_, i) => {
    const box = {
      x: rng.uniform(-30, 180),
      y: rng.uniform(-30, 120),
      width: rng.uniform(60, 160),
      height: rng.uniform(60, 160),
    };
    const start = new Float32Array(136);
    for (let j = 0; j < 136; j += 2) {
      // points in and around the box, some far outside the frame
      start[j] = box.x + box.width * rng.uniform(-0.6, 1.6);
      start[j + 1] = box.y + box.height * rng.uniform(-0.6, 1.6);
    }
    return { image: img, box, start, topClass: i % 6 };
  });

  it('cascadeApply: every stage within 1e-5 box units of the reference', () => {
    for (const f of faces) {
      const want = cascadeApplyReference(cascade, f.image, f.box, f.start, f.topClass);
      const got = cascadeApply(cascade, f.image, f.box, f.start, f.topClass);
      assert.equal(got.stages.length, 8);
      assert.equal(got.cluster, [0, 0, -1, -1, 2, 2][f.topClass]);
      got.stages.forEach((s, t) => {
        const d = maxDiff(shapeToBox(s, f.box), shapeToBox(want[t], f.box));
        assert.ok(d < 1e-5, `stage ${t}: ${d}`);
      });
      assert.equal(got.shape, got.stages[7]);
    }
  });

  it('cascadeApplyBatch equals cascadeApply face by face (a few sets, and 40 faces of one), stages option too', () => {
    const one = faces.map((f) => cascadeApply(cascade, f.image, f.box, f.start, f.topClass, { stages: 3 }));
    const batch = cascadeApplyBatch(cascade, faces, { stages: 3 });
    batch.forEach((r, i) => {
      assert.equal(r.cluster, one[i].cluster);
      assert.equal(r.stages.length, 4);
      assert.ok(maxDiff(r.shape, one[i].shape) < 1e-5 * faces[i].box.width);
    });
    // 40 faces of one set: one product per stage for all of them (WebAssembly; the engine without it)
    const many = Array.from({ length: ENGINE_MIN_ROWS + 8 }, (_, i) => ({
      ...faces[i % faces.length],
      topClass: 0,
    }));
    const big = cascadeApplyBatch(cascade, many);
    big.forEach((r, i) => {
      const f = many[i];
      const want = cascadeApplyReference(cascade, f.image, f.box, f.start, 0)[7];
      assert.ok(maxDiff(shapeToBox(r.shape, f.box), shapeToBox(want, f.box)) < 1e-5, `face ${i}`);
    });
    assert.deepEqual(cascadeApplyBatch(cascade, []), []);
  });

  it('cascadeApplyBatch: per-item pinned points equal cascadeApply with opts.pinned', () => {
    const pinned = [{ point: 3, x: faces[1].box.x + 5, y: faces[1].box.y + 7 }];
    const one = cascadeApply(cascade, faces[1].image, faces[1].box, faces[1].start, faces[1].topClass, {
      pinned,
    });
    const [a, b] = cascadeApplyBatch(cascade, [faces[0], { ...faces[1], pinned }]);
    assert.ok(maxDiff(b.shape, one.shape) < 1e-5 * faces[1].box.width);
    for (const s of b.stages) {
      assert.ok(Math.abs(s[6] - pinned[0].x) < 1e-3 && Math.abs(s[7] - pinned[0].y) < 1e-3);
    }
    assert.ok(
      maxDiff(
        a.shape,
        cascadeApply(cascade, faces[0].image, faces[0].box, faces[0].start, faces[0].topClass).shape,
      ) < 1e-4,
    );
    assert.throws(
      () => cascadeApplyBatch(cascade, [{ ...faces[1], pinned: [{ point: 68, x: 1, y: 1 }] }]),
      /cascadeApplyBatch: argument 'items\[0\]\.pinned\[0\]\.point'/,
    );
  });

  it('cascadeApplyBatch names bad items by index', () => {
    const f = faces[0];
    assert.throws(
      () => cascadeApplyBatch(cascade, null as never),
      /cascadeApplyBatch: argument 'items' expected an array/,
    );
    assert.throws(
      () => cascadeApplyBatch(cascade, [f, { ...f, box: { x: 0, y: 0, width: -1, height: 3 } }]),
      /cascadeApplyBatch: argument 'items\[1\]\.box'/,
    );
    assert.throws(
      () => cascadeApplyBatch(cascade, [f, { ...f, start: new Float32Array(10) }]),
      /argument 'items\[1\]\.start' expected 68 points like the first item, got 5/,
    );
    assert.throws(() => cascadeApplyBatch(cascade, [{ ...f, topClass: 6 }]), /items\[0\]\.topClass/);
    assert.throws(
      () => cascadeApplyBatch(cascade, [{ ...f, start: Float32Array.from(f.start).fill(NaN) }]),
      ValueError,
    );
    assert.throws(() => cascadeApplyBatch(cascade, [f], { stages: 8 }), /opts.stages/);
    assert.throws(() => cascadeApplyBatch(cascade, [{ ...f, start: new Float32Array(10) }]), ShapeError);
  });
});
