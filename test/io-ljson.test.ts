import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatError, ShapeError, ValueError } from '../src/errors';
import { formatLjson, parseLjson, readLjson, readPts, writeLjson } from '../src/data/io';
import { expectClose, requireSharedData } from './helpers';

describe('io: menpo LJSON', () => {
  it('reads v1 (labelled parts, local connectivity), v2 and v3, swapping [y, x]', () => {
    const v1 = parseLjson(
      JSON.stringify({
        version: 1,
        groups: [
          { label: 'a', landmarks: [{ point: [10, 1] }, { point: [20, 2] }], connectivity: [[0, 1]] },
          { label: 'b', landmarks: [{ point: [30, 3] }], connectivity: [] },
        ],
      }),
    );
    assert.equal(v1.version, 1);
    expectClose(v1.groups.LJSON, [1, 10, 2, 20, 3, 30], 0);
    assert.deepEqual(v1.labels.LJSON, { a: [0, 1], b: [2] });
    assert.deepEqual(v1.connectivity.LJSON, [[0, 1]]);
    const v2 = parseLjson(
      JSON.stringify({
        version: 2,
        labels: [{ label: 'eye', mask: [1] }],
        landmarks: {
          points: [
            [5, 6],
            [7, 8],
          ],
          connectivity: [[1, 0]],
        },
      }),
    );
    expectClose(v2.groups.LJSON, [6, 5, 8, 7], 0);
    assert.deepEqual(v2.labels.LJSON, { eye: [1] });
    const v3 = parseLjson(
      JSON.stringify({ version: 3, groups: { g: { landmarks: { points: [[1, 2, 3]] }, labels: [] } } }),
    );
    assert.equal(v3.dims, 3);
    expectClose(v3.groups.g, [1, 2, 3], 0, '3D points are not swapped');
  });

  it('round-trips through writeLjson (2D with labels and connectivity, and 3D)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-ljson-'));
    try {
      const f = path.join(dir, 'a.ljson');
      const face = new Float32Array([1.5, 2.25, 3, 4, 5, 6]);
      writeLjson(f, {
        groups: { face, pupils: new Float32Array([7, 8]) },
        labels: { face: { jaw: [0, 1], nose: [2] } },
        connectivity: { face: [[0, 1]] },
      });
      const raw = JSON.parse(fs.readFileSync(f, 'utf8'));
      assert.deepEqual(raw.groups.face.landmarks.points[0], [2.25, 1.5], 'stored [y, x]');
      const back = readLjson(f);
      assert.equal(back.version, 3);
      assert.deepEqual(back.groups.face, face);
      assert.deepEqual(back.groups.pupils, new Float32Array([7, 8]));
      assert.deepEqual(back.labels.face, { jaw: [0, 1], nose: [2] });
      assert.deepEqual(back.connectivity.face, [[0, 1]]);
      const p3 = new Float32Array([1, 2, 3, 4, 5, 6]);
      assert.deepEqual(parseLjson(formatLjson({ groups: { g: p3 }, dims: 3 })).groups.g, p3);
      assert.deepEqual(fs.readdirSync(dir), ['a.ljson']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.throws(() => formatLjson({ groups: { g: [1, 2, 3] } }), ShapeError);
    assert.throws(() => formatLjson({ groups: { g: [1, NaN] } }), ValueError);
    assert.throws(
      () => formatLjson({ groups: { g: [1, 2] }, labels: { g: { x: [1] } } }),
      /expected point indices in 0\.\.0, got 1/,
    );
  });

  it('names file and field for broken input', () => {
    const bad: [string, RegExp][] = [
      ['', /^parseLjson: x\.ljson line 1: expected JSON, got an empty file$/],
      [
        '{"version": 3,\n "groups": {\n',
        /^parseLjson: x\.ljson line 3: expected valid JSON, got a syntax error/,
      ],
      ['{"groups": {}}', /field version: expected 1, 2 or 3, got undefined/],
      [
        '{"version": 3, "groups": {"g": {"landmarks": {"points": [[1, "a"]]}}}}',
        /field groups\.g\.landmarks\.points\[0\]\[1\]: expected a finite number, got "a"/,
      ],
      [
        '{"version": 3, "groups": {"g": {"landmarks": {"points": [[1, 2], [1, 2, 3]]}}}}',
        /points\[1\]: expected a point of 2 numbers like the others/,
      ],
      [
        '{"version": 3, "groups": {"g": {"landmarks": {"points": [null]}}}}',
        /points\[0\]: expected a point \(null marks a missing landmark/,
      ],
      [
        '{"version": 2, "labels": [{"label": "a", "mask": [5]}], "landmarks": {"points": [[1, 2]]}}',
        /field labels\[0\]\.mask\[0\]: expected a point index below 1, got 5/,
      ],
      ['{"version": 3, "groups": {}}', /field groups: expected at least one group, got none/],
      ['[1, 2]', /field \(root\): expected an object, got an array of length 2/],
    ];
    for (const [text, re] of bad) {
      assert.throws(
        () => parseLjson(text, { file: 'x.ljson' }),
        (e: unknown) => e instanceof FormatError && re.test(e.message) && e.file === 'x.ljson',
        text,
      );
    }
    const missing = parseLjson('{"version": 3, "groups": {"g": {"landmarks": {"points": [null, [1, 2]]}}}}', {
      allowMissing: true,
    });
    assert.ok(Number.isNaN(missing.groups.g[0]));
    assert.deepEqual(missing.missing, { g: [0] });
  });

  it('reads lenna.ljson (v3, two groups): equals lenna .pts − 1 after the [y, x] swap', function () {
    const root = requireSharedData(this, 'samples/menpo');
    const l = readLjson(path.join(root, 'lenna.ljson'));
    assert.equal(l.version, 3);
    assert.deepEqual(Object.keys(l.groups).sort(), ['LJSON', 'pupils']);
    assert.equal(l.groups.LJSON.length, 136);
    assert.equal(l.groups.pupils.length, 4);
    assert.equal(l.labels.LJSON.jaw.length, 17);
    const pts = readPts(path.join(root, 'lenna_from_ljson.pts')); // 1-based → 0-based by readPts
    expectClose(l.groups.LJSON, pts, 1e-3, 'lenna.ljson vs lenna_from_ljson.pts');
    // first stored point is [y, x] = [268.62069, 200.534483]
    expectClose(l.groups.LJSON.subarray(0, 2), [200.534483, 268.62069], 1e-4);
  });

  it('reads the 3D LJSON files of the face scan', function () {
    const root = requireSharedData(this, '3d');
    for (const f of ['template.ljson', 'james.ljson']) {
      const l = readLjson(path.join(root, f));
      assert.equal(l.dims, 3, f);
      assert.equal(l.groups.LJSON.length, 68 * 3, f);
    }
  });
});
