/** evaluate: point sets (68 / 49 inner), hard subset, groups, the protocol over several methods, .pts folders, DataFrames. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  dataFrameHtml,
  evaluateProtocol,
  evaluationSummary,
  hardSubset,
  normalizedError,
  normalizedErrors,
  pointSetIndices,
  protocolCurves,
  protocolTable,
  readPtsPredictions,
  summaryByGroup,
  toDataFrame,
  vw300CategoryOf,
} from '../src/evaluate';
import { ShapeError, ValueError } from '../src/errors';
import { video300vw } from '../src/data/datasets';
import { writePts } from '../src/data/io/pts';
import { ibug68, projectWeakPerspective, template3d } from '../src/landmarks';
import { Rng } from '../src/util/rng';
import { expectClose, requireSharedData } from './helpers';

const face = projectWeakPerspective(template3d(), { yaw: 10, pitch: 5, roll: 3 }, 1.5, 120, 130);

function faces(B: number, seed: number): { gts: Float32Array; preds: Float32Array } {
  const rng = new Rng(seed);
  const gts = new Float32Array(B * 136);
  const preds = new Float32Array(B * 136);
  for (let m = 0; m < B; m++) {
    const yaw = m < B / 10 ? 70 : rng.uniform(-15, 15);
    const g = projectWeakPerspective(template3d(), { yaw, pitch: 0, roll: 0 }, 1, 60, 60);
    gts.set(g, m * 136);
    preds.set(
      Float32Array.from(g, (v) => v + rng.normal(0, 0.5 + (m % 3))),
      m * 136,
    );
  }
  return { gts, preds };
}

describe('evaluate: point sets', () => {
  it("'inner' is the 49 points of 300-W: no jaw, no inner-lip corners", () => {
    const idx = pointSetIndices('t', 'inner', 68);
    assert.equal(idx.length, 49);
    for (const j of ibug68.groups.jaw) assert.ok(!idx.includes(j));
    const lips = ibug68.groups.innerLips;
    assert.ok(!idx.includes(lips[0]) && !idx.includes(lips[4]));
    assert.ok(idx.includes(lips[1]) && idx.includes(ibug68.noseTip!));
  });

  it('moving only the jaw changes the 68-point error but not the 49-point one', () => {
    const pred = face.slice();
    for (const j of ibug68.groups.jaw) pred[2 * j] += 4;
    assert.ok(normalizedError(pred, face) > 0);
    assert.equal(normalizedError(pred, face, { points: 'inner' }), 0);
    // the mean over the 17 jaw points alone is the shift over the box diagonal
    const all = normalizedError(pred, face, { points: ibug68.groups.jaw });
    expectClose([all * 17], [normalizedError(pred, face) * 68], 1e-6);
  });

  it('bad point sets and a scheme without inner points are named errors', () => {
    assert.throws(
      () => normalizedError(face, face, { points: [0, 99] }),
      /points\[1\]' expected a point index in 0\.\.67, got 99/,
    );
    assert.throws(() => normalizedError(face, face, { points: [3, 3] }), /lists point 3 twice/);
    assert.throws(() => normalizedError(face, face, { points: [] }), ValueError);
    assert.throws(
      () => normalizedError(Float32Array.of(0, 0, 1, 1), Float32Array.of(0, 0, 1, 2), { points: 'inner' }),
      /'inner' needs a scheme of 2 points with inner points, got generic2/,
    );
  });

  it('different point counts or lengths are ShapeErrors', () => {
    assert.throws(
      () => normalizedError(face.subarray(0, 98), face),
      /expected 68 points like 'gt', got 49 points/,
    );
    assert.throws(() => normalizedErrors(face, face.subarray(0, 100), 68), ShapeError);
    const two = new Float32Array(272);
    assert.throws(() => normalizedErrors(two, face, 68), /expected 1 shapes like 'gt', got 2/);
    assert.throws(() => normalizedErrors(new Float32Array(0), new Float32Array(0), 68), /at least 1 shape/);
  });

  it('a zero outer-eye distance is a ValueError naming it', () => {
    const gt = face.slice();
    const [a] = ibug68.eyeCorners!.right;
    const [b] = ibug68.eyeCorners!.left;
    gt[2 * b] = gt[2 * a];
    gt[2 * b + 1] = gt[2 * a + 1];
    assert.throws(
      () => normalizedError(face, gt, { normalization: 'inter-ocular' }),
      /ground truth 0 is degenerate: its normalising distance is 0 \(the outer-eye-corner distance, normalization 'inter-ocular'\), expected > 0/,
    );
  });
});

describe('evaluate: hard subset and groups', () => {
  it('the hard subset is the 10 % of faces farthest from the mean shape', () => {
    const { gts } = faces(40, 1);
    const h = hardSubset(gts, 68);
    assert.deepEqual(Array.from(h.indices), [0, 1, 2, 3]); // the four yaw-70 faces
    for (let m = 0; m < 40; m++) if (!h.indices.includes(m)) assert.ok(h.distances[m] < h.threshold);
    assert.equal(hardSubset(gts, 68, { fraction: 0.5 }).indices.length, 20);
    assert.equal(hardSubset(gts, 68, { fraction: 0 }).indices.length, 1);
    // the mean shape in its own box has distance 0
    const one = hardSubset(face, 68);
    expectClose([one.distances[0]], [0], 1e-6);
  });

  it('empty data and a bad mean shape are named errors', () => {
    assert.throws(() => hardSubset(new Float32Array(0), 68), ShapeError);
    assert.throws(
      () => hardSubset(face, 68, { meanShape: new Float32Array(3) }),
      /option 'meanShape' expected a Float32Array of 136/,
    );
  });

  it('summaryByGroup equals evaluationSummary of each group', () => {
    const e = [0.01, 0.02, 0.1, 0.03, 0.05];
    const g = ['a', 'b', 'a', 'b', 'a'];
    const s = summaryByGroup(e, g);
    assert.deepEqual(
      s.map((x) => x.group),
      ['a', 'b'],
    );
    assert.deepEqual(s[0], { group: 'a', ...evaluationSummary([0.01, 0.1, 0.05]) });
    assert.throws(() => summaryByGroup(e, ['a']), /expected one label per error \(5, at least one\)/);
    assert.throws(() => summaryByGroup([], []), ShapeError);
  });

  it('vw300CategoryOf reads the frame meta, else the video id', () => {
    assert.equal(vw300CategoryOf({ meta: { category: 'test2' } }), 'test2');
    assert.equal(vw300CategoryOf({ group: '410' }), 'test3');
    assert.equal(vw300CategoryOf({ group: 'nope' }), 'other');
  });
});

describe('evaluate: 300-VW categories on the mmpose 300-VW fixtures', function () {
  it('frames of video 001 are train, of 401 test1; the protocol gives rows per category', function () {
    const root = requireSharedData(this, path.join('samples', 'mmpose', '300vw'));
    const ds = video300vw(root);
    const infos = Array.from({ length: ds.size }, (_, i) => ds.info(i));
    const cats = infos.map((f) => vw300CategoryOf(f));
    assert.deepEqual(cats, ['train', 'train', 'test1', 'test1']);
    const gts = new Float32Array(infos.length * 136);
    infos.forEach((f, i) => gts.set(f.landmarks, i * 136));
    const shifted = Float32Array.from(gts, (v) => v + 2);
    const r = evaluateProtocol(gts, 68, { shifted }, { groups: cats, hardFraction: 0 });
    assert.deepEqual([...new Set(r.rows.map((x) => x.subset))], ['all', 'train', 'test1']);
    const t1 = r.rows.find(
      (x) => x.subset === 'test1' && x.normalization === 'bbox-diagonal' && x.points === 'all',
    )!;
    assert.equal(t1.n, 2);
    expectClose(
      [t1.mean],
      [(r.errors.shifted['bbox-diagonal/all'][2] + r.errors.shifted['bbox-diagonal/all'][3]) / 2],
      1e-12,
    );
  });
});

describe('evaluate: the protocol over several methods', () => {
  it('rows for every method × normalisation × point set × subset, each the summary of its errors', () => {
    const { gts, preds } = faces(30, 2);
    const noisy = Float32Array.from(preds, (v, i) => v + (i % 2 ? 1 : -1));
    const groups = Array.from({ length: 30 }, (_, i) => (i % 2 ? 'odd' : 'even'));
    const r = evaluateProtocol(gts, 68, { a: preds, b: noisy }, { groups });
    // 2 methods × 2 normalisations × 2 point sets × (all, hard, even, odd)
    assert.equal(r.rows.length, 2 * 2 * 2 * 4);
    assert.equal(r.hard.length, 3);
    const e = normalizedErrors(preds, gts, 68, { normalization: 'inter-ocular', points: 'inner' });
    assert.deepEqual(r.errors.a['inter-ocular/inner'], e);
    const row = r.rows.find(
      (x) =>
        x.method === 'a' && x.subset === 'all' && x.normalization === 'inter-ocular' && x.points === 'inner',
    )!;
    assert.deepEqual(
      { ...row },
      { method: 'a', subset: 'all', normalization: 'inter-ocular', points: 'inner', ...evaluationSummary(e) },
    );
    const hard = r.rows.find((x) => x.method === 'b' && x.subset === 'hard')!;
    assert.equal(hard.n, 3);
    const curves = protocolCurves(r, 'bbox-diagonal', 'all');
    assert.deepEqual(
      curves.map((c) => c.name),
      ['a', 'b'],
    );
    assert.throws(() => protocolCurves(r, 'inter-pupil'), /no errors for inter-pupil\/all/);
  });

  it('bad input: no methods, wrong lengths, wrong groups', () => {
    const { gts, preds } = faces(10, 3);
    assert.throws(() => evaluateProtocol(gts, 68, {}), /at least one method/);
    assert.throws(
      () => evaluateProtocol(gts, 68, { a: preds.subarray(136) }),
      /'methods\.a' expected 10 shapes of 68 points/,
    );
    assert.throws(
      () => evaluateProtocol(gts, 68, { a: preds }, { groups: ['x'] }),
      /option 'groups' expected 10 labels/,
    );
    assert.throws(() => evaluateProtocol(new Float32Array(0), 68, { a: preds }), ShapeError);
  });
});

describe('evaluate: predictions from a folder of .pts', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-pts-'));
    fs.mkdirSync(path.join(dir, 'helen'));
    writePts(path.join(dir, 'helen', 'a_1.pts'), face);
    writePts(
      path.join(dir, 'b.pts'),
      Float32Array.from(face, (v) => v + 1),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads by relative path, else by base name, in the order of the ids (0-based pixels)', () => {
    const p = readPtsPredictions(dir, ['lfpw/b', 'helen/a_1']);
    assert.equal(p.length, 2 * 136);
    expectClose(p.subarray(136), face, 1e-4);
    expectClose(
      p.subarray(0, 136),
      Float32Array.from(face, (v) => v + 1),
      1e-4,
    );
  });

  it('names the ids without a file, and point counts that differ', () => {
    assert.throws(
      () => readPtsPredictions(dir, ['helen/a_1', 'x/missing', 'y/gone']),
      /folder .* does not match the ground truth's names \(2 \.pts files found; no \.pts for 2 of 3 ids: x\/missing, y\/gone\)/,
    );
    assert.throws(
      () => readPtsPredictions(dir, ['helen/a_1'], { nPoints: 49 }),
      /a_1\.pts holds 68 points, expected 49/,
    );
    writePts(path.join(dir, 'c.pts'), face.subarray(0, 10));
    assert.throws(() => readPtsPredictions(dir, ['b', 'c']), /c\.pts holds 5 points, expected 68/);
    assert.throws(() => readPtsPredictions(dir, []), /non-empty array of ground-truth ids/);
    fs.mkdirSync(path.join(dir, 'x'));
    writePts(path.join(dir, 'x', 'a_1.pts'), face);
    assert.throws(() => readPtsPredictions(dir, ['afw/a_1']), /several \.pts for 1 ids: afw\/a_1/);
    assert.equal(readPtsPredictions(dir, ['x/a_1']).length, 136); // the exact relative path still decides
    assert.throws(
      () => readPtsPredictions(path.join(dir, 'nope'), ['b']),
      /expected a folder of \.pts files/,
    );
  });
});

describe('evaluate: DataFrames', () => {
  it('the protocol rows as a danfo DataFrame and an HTML table', () => {
    const { gts, preds } = faces(10, 4);
    const r = evaluateProtocol(gts, 68, { ours: preds }, { hardFraction: 0 });
    const df = protocolTable(r.rows);
    assert.deepEqual(df.shape, [4, 9]);
    assert.deepEqual(df.columns.slice(0, 2), ['method', 'subset']);
    const html = dataFrameHtml(df, { caption: 'T <1>', decimals: 3 });
    assert.match(html, /^<table class="xl-table"><caption[^>]*>T &lt;1&gt;<\/caption>/);
    assert.equal((html.match(/<tr>/g) ?? []).length, 5);
    assert.match(html, new RegExp(`>${r.rows[0].mean.toFixed(3)}<`));
    assert.throws(() => toDataFrame([]), /non-empty array of objects/);
    assert.throws(() => toDataFrame([{ a: {} }]), /rows\[0\]\.a' expected a string, number or boolean/);
    assert.throws(() => dataFrameHtml({} as never), /expected a danfojs DataFrame/);
  });

  it('importing the library does not load danfojs-node', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--require',
        'tsx/cjs',
        '-e',
        "require('./src/index.ts'); console.log(Object.keys(require.cache).some((k) => k.includes('danfojs-node')))",
      ],
      { cwd: path.resolve(__dirname, '..'), encoding: 'utf8' },
    );
    assert.equal(out.trim(), 'false');
  });
});
