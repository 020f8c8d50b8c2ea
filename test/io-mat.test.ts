import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatError, ShapeError } from '../src/errors';
import {
  encodeMat,
  parseMat,
  parseMat300wLp,
  poseFrom3ddfa,
  readMat,
  readMat300wLp,
  writeMat,
} from '../src/data/io';
import { poseRotation, projectWeakPerspective } from '../src/landmarks';
import { Rng } from '../src/util';
import { expectClose } from './helpers';

const FIX = path.join(__dirname, 'fixtures', 'io');
const DEG = Math.PI / 180;

describe('io: MATLAB v5 and 300W-LP .mat', () => {
  it('reads a compressed MAT-file written by scipy (double, single, int32, char; cell listed)', () => {
    const v = readMat(path.join(FIX, '300wlp-scipy.mat'));
    assert.deepEqual(Object.keys(v), [
      'pt2d',
      'pt3d_68',
      'Pose_Para',
      'roi',
      'Shape_Para',
      'note',
      'cellvar',
    ]);
    assert.deepEqual(v.pt2d.dims, [2, 68]);
    assert.equal(v.pt2d.class, 'double');
    expectClose(v.pt2d.data!.subarray(0, 4), [100, 200, 101, 200.5], 0);
    assert.deepEqual(Array.from(v.roi.data!), [10, 20, 200, 220]);
    assert.equal(v.roi.class, 'int32');
    assert.equal(v.Shape_Para.class, 'single');
    expectClose(v.Shape_Para.data!, [-1, -0.5, 0, 0.5, 1], 0);
    assert.equal(v.note.text, 'synthetic 300W-LP style fixture');
    assert.equal(v.cellvar.class, 'cell');
    assert.equal(v.cellvar.data, undefined);
  });

  it('reads 300W-LP annotations: pt2d (2×N or N×2), pt3d_68, Pose_Para → degrees in our convention', () => {
    const a = readMat300wLp(path.join(FIX, '300wlp-scipy.mat'));
    assert.equal(a.pt2d.length, 136);
    expectClose(a.pt2d.subarray(0, 4), [99, 199, 100, 199.5], 0, '1-based → 0-based');
    expectClose(a.pt3d!.subarray(0, 6), [99, 199, 0, 100, 199.5, -1], 0);
    expectClose(a.poseParams!, [0.1, -0.5, 0.2, 100, 120, 0, 0.0015], 0);
    const p = poseFrom3ddfa(0.1, -0.5, 0.2);
    assert.deepEqual(a.pose, p);
    const b = readMat300wLp(path.join(FIX, '300wlp-scipy-v6.mat'), { oneBased: false });
    expectClose(b.pt2d.subarray(0, 4), [100, 200, 101, 200.5], 0, 'N×2 layout, uncompressed');
    assert.equal(b.pt3d, undefined);
  });

  it('converts single-axis 3DDFA angles with the documented signs', () => {
    const near = (a: { yaw: number; pitch: number; roll: number }, b: number[]) =>
      expectClose([a.yaw, a.pitch, a.roll], b, 1e-9);
    near(poseFrom3ddfa(0, 0.5, 0), [-0.5 / DEG, 0, 0]);
    near(poseFrom3ddfa(0.3, 0, 0), [0, -0.3 / DEG, 0]);
    near(poseFrom3ddfa(0, 0, 0.2), [0, 0, 0.2 / DEG]);
  });

  it('poseFrom3ddfa reproduces the 3DDFA projection (model y up, z to camera, image y flipped)', () => {
    const rng = new Rng(5);
    const pts = Array.from({ length: 30 }, () => rng.uniform(-1, 1));
    for (let t = 0; t < 20; t++) {
      const [phi, gamma, theta] = [rng.uniform(-0.6, 0.6), rng.uniform(-1.2, 1.2), rng.uniform(-0.6, 0.6)];
      const c = Math.cos;
      const s = Math.sin;
      // 3DDFA's RotationMatrix.m: R = Rx·Ry·Rz
      const rx = [1, 0, 0, 0, c(phi), s(phi), 0, -s(phi), c(phi)];
      const ry = [c(gamma), 0, -s(gamma), 0, 1, 0, s(gamma), 0, c(gamma)];
      const rz = [c(theta), s(theta), 0, -s(theta), c(theta), 0, 0, 0, 1];
      const mul = (a: number[], b: number[]) =>
        Array.from(
          { length: 9 },
          (_, k) =>
            a[3 * Math.floor(k / 3)] * b[k % 3] +
            a[3 * Math.floor(k / 3) + 1] * b[3 + (k % 3)] +
            a[3 * Math.floor(k / 3) + 2] * b[6 + (k % 3)],
        );
      const R = mul(rx, mul(ry, rz));
      const expected: number[] = [];
      for (let i = 0; i < 10; i++) {
        // our head point (y down, z away) in the 3DDFA model frame is (x, −y, −z)
        const [x, y, z] = [pts[3 * i], -pts[3 * i + 1], -pts[3 * i + 2]];
        const u = R[0] * x + R[1] * y + R[2] * z;
        const v = R[3] * x + R[4] * y + R[5] * z;
        expected.push(u, -v); // image y = −model y
      }
      const ours = projectWeakPerspective(new Float32Array(pts), poseFrom3ddfa(phi, gamma, theta), 1, 0, 0);
      expectClose(ours, expected, 1e-5, `angles ${phi} ${gamma} ${theta}`);
      assert.ok(poseRotation(poseFrom3ddfa(phi, gamma, theta)).every(Number.isFinite));
    }
  });

  it('round-trips writeMat / readMat (compressed or not, double and single)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-mat-'));
    try {
      const vars = {
        pt2d: { dims: [2, 3], data: [1.5, 2, 3, 4, 5, 6.25] },
        s: { data: new Float32Array([0.1, 2]), class: 'single' as const },
        empty: { dims: [0, 0], data: [] },
      };
      for (const compress of [false, true]) {
        const f = path.join(dir, `v${compress}.mat`);
        writeMat(f, vars, { compress });
        const back = readMat(f);
        assert.deepEqual(back.pt2d, {
          class: 'double',
          dims: [2, 3],
          data: Float64Array.from(vars.pt2d.data),
        });
        assert.deepEqual(back.s.data, Float64Array.from(new Float32Array([0.1, 2])));
        assert.deepEqual(back.s.dims, [1, 2]);
        assert.deepEqual(back.empty.dims, [0, 0]);
      }
      assert.ok(
        fs.statSync(path.join(dir, 'vtrue.mat')).size < fs.statSync(path.join(dir, 'vfalse.mat')).size,
      );
      assert.deepEqual(fs.readdirSync(dir).sort(), ['vfalse.mat', 'vtrue.mat']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.throws(() => encodeMat({ a: { dims: [2, 2], data: [1, 2, 3] } }), ShapeError);
    assert.throws(() => encodeMat({ '1a': { data: [1] } }), /expected MATLAB variable names/);
  });

  it('reads big-endian files (endian indicator "MI")', () => {
    // header + miMATRIX { flags (double), dims 1×2, name 'v' (small element), miDOUBLE [1.5, -2] }, all big-endian
    const be = (words: number[]): Buffer => {
      const b = Buffer.alloc(4 * words.length);
      words.forEach((w, i) => b.writeUInt32BE(w >>> 0, 4 * i));
      return b;
    };
    const values = Buffer.alloc(16);
    values.writeDoubleBE(1.5, 0);
    values.writeDoubleBE(-2, 8);
    const body = Buffer.concat([
      be([6, 8, 6, 0]),
      be([5, 8, 1, 2]),
      be([(1 << 16) | 1]),
      Buffer.from([0x76, 0, 0, 0]),
      be([9, 16]),
      values,
    ]);
    const header = Buffer.alloc(128, 0x20);
    header.write('MATLAB 5.0 MAT-file, big-endian test', 0, 'latin1');
    header.writeUInt16BE(0x0100, 124);
    header.write('MI', 126, 'latin1');
    const v = parseMat(Buffer.concat([header, be([14, body.length]), body]));
    assert.deepEqual(v, { v: { class: 'double', dims: [1, 2], data: Float64Array.of(1.5, -2) } });
  });

  it('round-trips a 300W-LP annotation written by writeMat', () => {
    const pt2d = Array.from({ length: 136 }, (_, i) => 10 + i * 0.5);
    const bytes = encodeMat(
      { pt2d: { dims: [2, 68], data: pt2d }, Pose_Para: { data: [0, 0.3, 0, 1, 2, 3, 0.01] } },
      { compress: true },
    );
    const a = parseMat300wLp(bytes, { oneBased: false });
    expectClose(a.pt2d, pt2d, 1e-6);
    expectClose([a.pose!.yaw, a.pose!.pitch, a.pose!.roll], [-0.3 / DEG, 0, 0], 1e-9);
  });

  it('names the file for broken input', () => {
    const f = path.join(FIX, 'no-pt2d.mat');
    assert.throws(
      () => readMat300wLp(f),
      (e: unknown) =>
        e instanceof FormatError &&
        e.message === `readMat300wLp: ${f}: expected variable 'pt2d', found ['pts_2d', 'Pose_Para']`,
    );
    const good = fs.readFileSync(path.join(FIX, '300wlp-scipy.mat'));
    const bad: [Uint8Array, RegExp][] = [
      [good.subarray(0, 100), /expected a 128-byte MAT-file header, got 100 bytes/],
      [good.subarray(0, 300), /truncated data element at byte 128/],
      [
        Buffer.concat([Buffer.from('MATLAB 7.3 MAT-file'), Buffer.alloc(200)]),
        /v7\.3 \(HDF5\) files are not supported/,
      ],
      [Buffer.alloc(200), /expected a Level 5 MAT-file/],
    ];
    for (const [bytes, re] of bad) {
      assert.throws(
        () => parseMat300wLp(bytes, { file: 'm.mat' }),
        (e: unknown) =>
          e instanceof FormatError && re.test(e.message) && e.message.startsWith('parseMat300wLp: m.mat: '),
      );
    }
    const nan = Buffer.from(encodeMat({ pt2d: { dims: [2, 1], data: [1, 2] } }));
    nan.writeDoubleLE(NaN, nan.length - 8);
    assert.throws(() => parseMat300wLp(nan), /variable 'pt2d': expected finite values, got NaN at index 1/);
    assert.throws(
      () => parseMat300wLp(encodeMat({ pt2d: { dims: [4, 5], data: new Array(20).fill(0) } })),
      /expected a 2×N or N×2 matrix, got 4×5/,
    );
    assert.throws(() => parseMat(good.subarray(0, good.length - 20)), /does not inflate|truncated/);
  });
});
