import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../src/errors';
import { normalizedErrors } from '../src/evaluate/normalizedError';
import { evaluationSummary } from '../src/evaluate/evaluationSummary';
import { VIDEO_STAGES, videoStageTable, videoTemperatureScan } from '../src/experiments';
import { shapesLowPass } from '../src/reasoning';
import { landmarksInBoxes, type LandmarkPipeline } from '../src/refine';
import * as xl from '../src/index';
import type { Sample } from '../src/types';
import { tinyPipeline, tinyRefineSetup, type TinyRefineSetup } from './refineFixtures';

/** Nose offset from the eyes' midpoint (the tiny faces' one degree of freedom). */
const noseOffset = (s: Sample): number => s.landmarks[4] - (s.landmarks[0] + s.landmarks[2]) / 2;

/** The largest |a − b|. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('experiments: videoStageTable (Table 2 on video)', function () {
  this.timeout(300_000);
  let setup: TinyRefineSetup;
  let pipeline: LandmarkPipeline;
  /** Two "videos": the validation faces in order of their nose offset (a smooth motion). */
  let videos: Sample[][];
  before(async () => {
    setup = await tinyRefineSetup();
    pipeline = tinyPipeline(setup);
    const { valSet } = setup;
    const sorted = [...valSet].sort((a, b) => noseOffset(a) - noseOffset(b));
    videos = [sorted.slice(0, 20), sorted.slice(20)];
  });
  after(() => setup?.model.dispose());

  it('rows and per-frame errors agree with the pipeline, shapesLowPass and evaluate; no leaked tensors', () => {
    const before = tf.memory().numTensors;
    const t = videoStageTable(pipeline, videos);
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(
      t.methods,
      VIDEO_STAGES.map((r) => r.method),
    );
    assert.equal(t.truth.length, 40 * 10);
    assert.deepEqual(Array.from(t.video), [...new Array(20).fill(0), ...new Array(20).fill(1)]);
    assert.equal(t.frame[25], 5);
    assert.equal(t.occlusion, null); // the tiny faces carry no occlusion
    // the per-frame rows are the pipeline's own outputs, frame by frame
    const faces = videos.flatMap((v) =>
      landmarksInBoxes(
        pipeline,
        v.map((s) => ({ image: s.image, box: s.detection ?? s.box })),
      ),
    );
    faces.forEach((f, i) => {
      assert.deepEqual(t.predictions.classification.subarray(i * 10, i * 10 + 10), f.classifierShape);
      assert.deepEqual(t.predictions['+ regressors'].subarray(i * 10, i * 10 + 10), f.landmarks);
    });
    // the low-pass row is shapesLowPass of each video's cascade shapes (never across the two videos)
    const low = [
      ...shapesLowPass(faces.slice(0, 20).map((f) => f.landmarks)),
      ...shapesLowPass(faces.slice(20).map((f) => f.landmarks)),
    ];
    low.forEach((s, i) =>
      assert.deepEqual(t.predictions['+ regressors + low-pass'].subarray(i * 10, i * 10 + 10), s),
    );
    // errors and summaries are evaluate's
    for (const m of t.methods) {
      const e = normalizedErrors(t.predictions[m], t.truth, 5, { normalization: 'bbox-diagonal' });
      assert.deepEqual(t.errors[m], e);
      const row = t.rows.find((r) => r.method === m && r.subset === 'all')!;
      const sum = evaluationSummary(e);
      assert.equal(row.frames, 40);
      assert.equal(row.mean, sum.mean);
      assert.equal(row.failureRate, sum.failureRate);
      assert.equal(row.auc, sum.auc);
      assert.ok(Number.isFinite(row.mean) && row.mean > 0, `${m}: ${row.mean}`);
    }
    // rows: every method on 'all', then on the hard 10 % (4 frames)
    assert.equal(t.rows.length, 2 * t.methods.length);
    assert.deepEqual(
      t.rows.map((r) => r.subset),
      [...new Array(9).fill('all'), ...new Array(9).fill('hard')],
    );
    assert.equal(t.rows.find((r) => r.subset === 'hard')!.frames, 4);
    assert.deepEqual([...new Set(t.rows.map((r) => r.stage))], ['classification', 'regressors', 'temporal']);
    // the cascade from the classifier's start helps on these faces, as in the pipeline tests
    const mean = (m: string): number => t.rows.find((r) => r.method === m && r.subset === 'all')!.mean;
    assert.ok(
      mean('+ regressors') < mean('classification'),
      `${mean('+ regressors')} vs ${mean('classification')}`,
    );
  });

  it('a constant video: the low-pass changes nothing; an identity HMM with T = frames returns the per-frame posterior', () => {
    const still = new Array<Sample>(8).fill(setup.valSet[3]);
    const t = videoStageTable(pipeline, [still], {
      refine: false,
      hmm: { stay: 1, jump: 0, temperature: 8, mass: 1 },
      protocol: { hardFraction: 0 },
    });
    const P = t.predictions;
    assert.ok(maxDiff(P['+ regressors + low-pass'], P['+ regressors']) < 1e-4); // float32 rounding of (a + a + a) / 3
    const d = maxDiff(
      P['HMM forward-backward + regressors + low-pass'],
      P['HMM forward-backward + regressors'],
    );
    assert.ok(d < 1e-4, `${d}`);
    // Π_t p^(1/8) = p: the smoothed posterior is the frame's own (the classifier's expected shape leaves out ≤ 1e-4)
    assert.ok(
      maxDiff(P['HMM forward-backward'], P.classification) < 1e-2,
      `${maxDiff(P['HMM forward-backward'], P.classification)} px`,
    );
    assert.ok(maxDiff(P['HMM forward-backward + regressors'], P['+ regressors']) < 2e-2);
    for (const m of t.methods) {
      const e = t.errors[m];
      assert.ok(
        maxDiff(e, new Float64Array(e.length).fill(e[0])) < 1e-6,
        `${m}: not constant over a constant video`,
      );
    }
    const mean = (m: string): number => t.rows.find((r) => r.method === m)!.mean;
    assert.ok(mean('HMM forward-backward + regressors') <= mean('+ regressors') + 1e-4);
    assert.ok(mean('+ regressors + low-pass') <= mean('+ regressors') + 1e-6);
  });

  it('a one-pass pipeline: the smoothed posterior is read in the box the classifier ran in, not the refined one', () => {
    const still = new Array<Sample>(6).fill(setup.valSet[5]);
    const fast: LandmarkPipeline = { ...pipeline, onePass: true };
    const t = videoStageTable(fast, [still], {
      hmm: { stay: 1, jump: 0, temperature: 6, mass: 1 },
      protocol: { hardFraction: 0 },
    });
    const [face] = landmarksInBoxes(fast, [
      { image: still[0].image, box: still[0].detection ?? still[0].box },
    ]);
    // the refiner moves the box, so a shape placed in the refined box would be off
    assert.notDeepEqual(face.refinedBox, face.prediction.box);
    const d = maxDiff(t.predictions['HMM forward-backward'], t.predictions.classification);
    assert.ok(d < 1e-2, `${d} px`);
  });

  it('a video with one blanked (fully occluded) frame: the HMM repairs it, the low-pass only dilutes it', () => {
    const face = setup.valSet[7];
    const blank = { ...face.image, data: new Uint8Array(face.image.data.length).fill(30) };
    const frames: Sample[] = Array.from({ length: 9 }, (_, t) => ({
      ...face,
      image: t === 4 ? blank : face.image,
      occlusion: new Uint8Array(5).fill(t === 4 ? 1 : 0),
    }));
    const t = videoStageTable(pipeline, [frames], {
      refine: false,
      protocol: { hardFraction: 0 },
      hmm: { gate: 0.5 },
    });
    assert.deepEqual(t.occlusion, [
      'visible',
      'visible',
      'visible',
      'visible',
      'occluded',
      'visible',
      'visible',
      'visible',
      'visible',
    ]);
    const row = (m: string, subset: string) => t.rows.find((r) => r.method === m && r.subset === subset)!;
    assert.equal(row('classification', 'occluded').frames, 1);
    assert.equal(row('classification', 'visible').frames, 8);
    const e = t.errors;
    const good = e.classification[0];
    assert.ok(
      e.classification[4] > 2 * good,
      `the blank frame should fail per frame: ${e.classification[4]} vs ${good}`,
    );
    // forward-backward carries the neighbours' posterior through the blank frame
    const fb = e['HMM forward-backward'][4];
    assert.ok(
      fb < 0.5 * e.classification[4] && fb < 1.5 * good + 0.01,
      `fb ${fb}, per frame ${e.classification[4]}, good ${good}`,
    );
    const vit = e['HMM Viterbi'][4];
    assert.ok(vit < 0.5 * e.classification[4], `Viterbi ${vit} vs ${e.classification[4]}`);
    // the low-pass spreads the blank frame's error over its neighbours
    const lp = e['+ regressors + low-pass'];
    assert.ok(lp[4] < e['+ regressors'][4] && lp[3] > e['+ regressors'][3], `${lp[4]} ${lp[3]}`);
    assert.ok(row('HMM forward-backward', 'occluded').mean < row('classification', 'occluded').mean);
    // the gate: the blank frame's own posterior disagrees with its smoothed one, so the smoothed shape stands there
    const gated = e['HMM forward-backward + gated regressors'];
    assert.equal(gated[4], fb);
    assert.equal(gated[0], e['HMM forward-backward + regressors'][0]); // a frame that agrees is cascaded
    assert.ok(gated[4] < e['+ regressors'][4], `${gated[4]} vs ${e['+ regressors'][4]}`);
  });

  it('the gated row: no gate is the cascade from the smoothed start, a closed one the smoothed shape itself', () => {
    const open = videoStageTable(pipeline, videos, { hmm: { gate: 0, maxMove: Infinity } });
    assert.deepEqual(
      open.predictions['HMM forward-backward + gated regressors'],
      open.predictions['HMM forward-backward + regressors'],
    );
    const shut = videoStageTable(pipeline, videos, { hmm: { gate: 1 } });
    assert.deepEqual(
      shut.predictions['HMM forward-backward + gated regressors'],
      shut.predictions['HMM forward-backward'],
    );
    const still = videoStageTable(pipeline, videos, { hmm: { gate: 0, maxMove: 0 } });
    assert.deepEqual(
      still.predictions['HMM forward-backward + gated regressors'],
      still.predictions['HMM forward-backward'],
    );
    // a limit of 0.1 box diagonals keeps the cascade's moves that stay near the smoothed shape
    const limited = videoStageTable(pipeline, videos, { hmm: { maxMove: 0.1 } });
    const P = limited.predictions;
    for (let i = 0; i < 40; i++) {
      const g = P['HMM forward-backward + gated regressors'].subarray(i * 10, i * 10 + 10);
      const c = P['HMM forward-backward + regressors'].subarray(i * 10, i * 10 + 10);
      const f = P['HMM forward-backward'].subarray(i * 10, i * 10 + 10);
      assert.ok(
        maxDiff(g, c) === 0 || maxDiff(g, f) === 0,
        `frame ${i}: neither the cascade nor the smoothed shape`,
      );
    }
    assert.equal(limited.hmm.maxMove, 0.1);
    assert.throws(() => videoStageTable(pipeline, videos, { hmm: { gate: 2 } }), /hmm\.gate/);
    assert.throws(() => videoStageTable(pipeline, videos, { hmm: { maxMove: -1 } }), /hmm\.maxMove/);
  });

  it('videoTemperatureScan: one row per temperature, the table numbers at each, the best one picked', () => {
    const scan = videoTemperatureScan(pipeline, videos, { temperatures: [1, 8] });
    assert.deepEqual(
      scan.rows.map((r) => r.temperature),
      [1, 8],
    );
    for (const r of scan.rows) {
      const t = videoStageTable(pipeline, videos, { hmm: { temperature: r.temperature } });
      for (const m of [
        'HMM forward-backward',
        'HMM forward-backward + regressors',
        'HMM Viterbi + regressors',
      ]) {
        const mean = t.rows.find((x) => x.method === m && x.subset === 'all')!.mean;
        assert.ok(Math.abs(r[m] - mean) < 1e-12, `${m} at T = ${r.temperature}: ${r[m]} vs ${mean}`);
      }
    }
    const m = 'HMM forward-backward + regressors';
    assert.equal(scan.temperature, scan.rows[0][m] <= scan.rows[1][m] ? 1 : 8);
    // gates at the chosen temperature: gate 0 cascades every frame, the chosen gate has the lowest error
    const at = scan.rows.find((r) => r.temperature === scan.temperature)!;
    assert.deepEqual([...new Set(scan.gateRows.map((g) => g.gate))], [0, 0.05, 0.1, 0.2, 0.3, 0.5]);
    assert.equal(scan.gateRows.length, 6 * 5);
    assert.equal(scan.gateRows[0].maxMove, Infinity);
    assert.ok(Math.abs(scan.gateRows[0].error - at[m]) < 1e-12);
    assert.equal(scan.gateRows[0].cascaded, 1);
    const bestGate = scan.gateRows.reduce((a, b) => (b.error < a.error ? b : a));
    assert.equal(scan.gate, bestGate.gate);
    assert.equal(scan.maxMove, bestGate.maxMove);
    assert.throws(() => videoTemperatureScan(pipeline, videos, { maxMoves: [] }), /'maxMoves' expected/);
    assert.throws(() => videoTemperatureScan(pipeline, videos, { gates: [1.5] }), /gates\[0\]/);
    assert.throws(
      () => videoTemperatureScan(pipeline, videos, { temperatures: [] }),
      /'temperatures' expected a non-empty array/,
    );
    assert.throws(
      () => videoTemperatureScan(pipeline, videos, { temperatures: [2, -1] }),
      /temperatures\[1\]/,
    );
    assert.throws(
      () => videoTemperatureScan(pipeline, videos, { method: 'classification' as 'HMM Viterbi' }),
      /argument 'method'/,
    );
  });

  it('is reachable from the public entry', () => {
    assert.equal(xl.experiments.videoStageTable, videoStageTable);
    assert.equal(xl.experiments.videoTemperatureScan, videoTemperatureScan);
    assert.equal(xl.experiments.VIDEO_STAGES.length, 9);
  });

  it('names bad input: no videos, an empty video, frames without truth, other point counts, no cascade, bad options', () => {
    const v = videos[0];
    assert.throws(
      () => videoStageTable(pipeline, []),
      /videoStageTable: argument 'videos' expected a non-empty array of videos/,
    );
    assert.throws(
      () => videoStageTable(pipeline, [v, []]),
      /argument 'videos\[1\]' expected a non-empty array of frames/,
    );
    const noTruth = v.map((s, t) => (t === 2 ? ({ ...s, landmarks: undefined } as unknown as Sample) : s));
    assert.throws(
      () => videoStageTable(pipeline, [noTruth]),
      (e: Error) => e instanceof ValueError && /'videos\[0\]\[2\]' has no ground truth/.test(e.message),
    );
    const other = v.map((s, t) => (t === 1 ? { ...s, landmarks: new Float32Array(136) } : s));
    assert.throws(
      () => videoStageTable(pipeline, [other]),
      (e: Error) =>
        e instanceof ShapeError && /'videos\[0\]\[1\]\.landmarks' expected 5 points/.test(e.message),
    );
    const badBox = v.map((s, t) => (t === 0 ? { ...s, detection: { x: 0, y: 0, width: -1, height: 2 } } : s));
    assert.throws(() => videoStageTable(pipeline, [badBox]), /videos\[0\]\[0\]\.detection/);
    assert.throws(
      () => videoStageTable({ ...pipeline, cascade: null }, [v]),
      (e: Error) => e instanceof ValueError && /expected a pipeline with a cascade/.test(e.message),
    );
    assert.throws(
      () => videoStageTable(null as unknown as LandmarkPipeline, [v]),
      /argument 'pipeline' expected/,
    );
    assert.throws(() => videoStageTable(pipeline, [v], { hmm: { temperature: 0 } }), /hmm\.temperature/);
    assert.throws(
      () => videoStageTable(pipeline, [v], { hmm: { stay: 0.9, jump: 0.2 } }),
      /'stay' \+ 'jump'/,
    );
    assert.throws(() => videoStageTable(pipeline, [v], { boxes: 'tiny' as 'landmarks' }), /argument 'boxes'/);
    assert.throws(
      () =>
        videoStageTable(pipeline, [v], {
          normalization: 'inter-ocular',
          protocol: { normalizations: ['bbox-diagonal'] },
        }),
      /option 'normalization' expected one of the protocol's normalizations/,
    );
  });
});
