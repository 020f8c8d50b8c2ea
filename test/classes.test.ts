/** classes: k-means, class tables (k-means and exemplars), their files. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  classTableExemplars,
  classTableFromClusters,
  classTableFromKmeans,
  classTableLoad,
  classTableSave,
  classTableValidate,
  kmeans,
} from '../src/classes';
import { reseedEmpty } from '../src/classes/kmeans';
import type { ClassTable } from '../src/classes/types';
import { FormatError, ValueError } from '../src/errors';
import {
  ibug68,
  projectWeakPerspective,
  shapeBox,
  shapeFlipNormalized,
  shapeToBox,
  template3d,
} from '../src/landmarks';
import { Rng } from '../src/util/rng';
import { Warnings } from '../src/util/warnings';
import { expectClose } from './helpers';

/** `perCluster` points around each of `K` well-separated centres in `dim` dimensions. */
function blobs(K: number, perCluster: number, dim: number, seed: number, spread = 0.05) {
  const rng = new Rng(seed);
  const truth = new Float32Array(K * dim);
  for (let i = 0; i < truth.length; i++) truth[i] = rng.uniform(-10, 10);
  const data = new Float32Array(K * perCluster * dim);
  const label = new Int32Array(K * perCluster);
  const order = rng.shuffle(Int32Array.from({ length: K * perCluster }, (_, i) => i)) as Int32Array;
  for (let t = 0; t < K * perCluster; t++) {
    const i = order[t];
    const k = t % K;
    label[i] = k;
    for (let j = 0; j < dim; j++) data[i * dim + j] = truth[k * dim + j] + rng.normal(0, spread);
  }
  return { data, label, truth };
}

/** True when two labelings define the same partition. */
function samePartition(a: Int32Array, b: Int32Array): boolean {
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((ab.get(a[i]) ?? b[i]) !== b[i] || (ba.get(b[i]) ?? a[i]) !== a[i]) return false;
    ab.set(a[i], b[i]);
    ba.set(b[i], a[i]);
  }
  return true;
}

describe('classes: kmeans', () => {
  before(async () => {
    await tf.ready();
  });

  it('recovers well-separated clusters exactly, with centres at the cluster means', () => {
    const { data, label } = blobs(12, 40, 10, 1);
    const before = tf.memory().numTensors;
    const r = kmeans(data, 5, { K: 12, seed: 7 });
    assert.equal(tf.memory().numTensors, before, 'no leaked tensors');
    assert.ok(samePartition(r.assignment, label), 'partition equals the truth');
    assert.ok(r.converged);
    // Each centre is the mean of its members.
    const dim = 10;
    const sum = new Float64Array(12 * dim);
    const n = new Int32Array(12);
    for (let i = 0; i < label.length; i++) {
      n[r.assignment[i]]++;
      for (let j = 0; j < dim; j++) sum[r.assignment[i] * dim + j] += data[i * dim + j];
    }
    const means = Float32Array.from(sum, (s, t) => s / n[Math.floor(t / dim)]);
    expectClose(r.centers, means, 1e-5, 'centres');
    let inertia = 0;
    for (let i = 0; i < label.length; i++) {
      for (let j = 0; j < dim; j++) inertia += (data[i * dim + j] - means[r.assignment[i] * dim + j]) ** 2;
    }
    assert.ok(Math.abs(r.inertia - inertia) <= 1e-3 * inertia, `inertia ${r.inertia} vs ${inertia}`);
  });

  it('is deterministic for a seed (seeding and iterations)', () => {
    const { data } = blobs(6, 30, 8, 2, 3);
    for (const iterations of [0, 50]) {
      const a = kmeans(data, 4, { K: 9, seed: 3, iterations });
      const b = kmeans(data, 4, { K: 9, seed: 3, iterations });
      assert.deepEqual(a.assignment, b.assignment);
      assert.deepEqual(a.centers, b.centers);
    }
    // k-means++ seeds are distinct data rows.
    const s = kmeans(data, 4, { K: 9, seed: 3, iterations: 0 });
    const rows = new Set<string>();
    for (let k = 0; k < 9; k++) rows.add(Array.from(s.centers.subarray(k * 8, k * 8 + 8)).join(','));
    assert.equal(rows.size, 9);
  });

  it('blocked assignment equals a single block', () => {
    const { data } = blobs(5, 30, 6, 4, 4);
    const a = kmeans(data, 3, { K: 17, seed: 1 });
    const b = kmeans(data, 3, { K: 17, seed: 1, maxBlockFloats: 40, blockRows: 7 });
    assert.deepEqual(a.assignment, b.assignment);
    expectClose(a.centers, b.centers, 1e-5);
  });

  it('with Hamerly bounds gives the same result as plain Lloyd iterations from the same seeds', () => {
    const { data } = blobs(10, 60, 6, 9, 6); // overlapping blobs: many iterations, many reassignments
    const dim = 6;
    const M = 600;
    const K = 15;
    const fast = kmeans(data, 3, { K, seed: 4, tolerance: 0, iterations: 200 });
    let centers = kmeans(data, 3, { K, seed: 4, iterations: 0 }).centers.slice();
    const a = new Int32Array(M).fill(-1);
    for (let it = 0; it < 200; it++) {
      let changed = false;
      for (let i = 0; i < M; i++) {
        let best = -1;
        let bd = Infinity;
        for (let k = 0; k < K; k++) {
          let d = 0;
          for (let j = 0; j < dim; j++) d += (data[i * dim + j] - centers[k * dim + j]) ** 2;
          if (d < bd) {
            bd = d;
            best = k;
          }
        }
        if (best !== a[i]) changed = true;
        a[i] = best;
      }
      if (!changed) break;
      const sum = new Float64Array(K * dim);
      const n = new Int32Array(K);
      for (let i = 0; i < M; i++) {
        n[a[i]]++;
        for (let j = 0; j < dim; j++) sum[a[i] * dim + j] += data[i * dim + j];
      }
      assert.ok(
        n.every((c) => c > 0),
        'no empty cluster in this case',
      );
      centers = Float32Array.from(sum, (v, t) => v / n[Math.floor(t / dim)]);
    }
    assert.ok(fast.iterations > 5, `iterations ${fast.iterations}`);
    assert.deepEqual(fast.assignment, a);
    expectClose(fast.centers, centers, 1e-5);
  });

  it('re-seeds empty clusters from the points farthest from their centres', () => {
    // Cluster 1 is empty; cluster 0 has 3 points, the farthest (d2 = 9) moves; cluster 2 has one point and keeps it.
    const assignment = Int32Array.of(0, 0, 0, 2);
    const d2 = Float64Array.of(1, 9, 4, 100);
    assert.equal(reseedEmpty(assignment, d2, 4, 3), 1);
    assert.deepEqual(assignment, Int32Array.of(0, 1, 0, 2));
    // End to end: 3 distinct points repeated, K = 4: the duplicate centre's cluster empties and is re-seeded.
    const data = new Float32Array(30 * 2);
    for (let i = 0; i < 30; i++) data[2 * i] = i % 3;
    const r = kmeans(data, 1, { K: 4, seed: 0 });
    assert.ok(r.reseeded >= 1, `reseeded ${r.reseeded}`);
    assert.ok(Number.isFinite(r.inertia) && r.inertia < 1e-9);
  });

  it('rejects K larger than the data and bad arguments with named errors', () => {
    const { data } = blobs(2, 3, 4, 5);
    assert.throws(
      () => kmeans(data, 2, { K: 7, seed: 0 }),
      (e: Error) => e instanceof ValueError && /larger than the data/.test(e.message),
    );
    assert.throws(() => kmeans(data, 2, { K: 0, seed: 0 }), /kmeans: argument 'K'/);
    assert.throws(() => kmeans(data, 5, { K: 2, seed: 0 }), /multiple of 2·nPoints = 10/);
    const bad = data.slice();
    bad[5] = NaN;
    assert.throws(() => kmeans(bad, 2, { K: 2, seed: 0 }), /finite coordinates, got NaN at shape 1, point 0/);
  });
});

describe('classes: class tables', () => {
  it('classTableFromKmeans: sigma is the members’ RMS distance, members and attributes per class', () => {
    const { data, label } = blobs(4, 10, 6, 8, 0.1);
    const M = label.length;
    const poses = Array.from({ length: M }, (_, i) =>
      i % 2 ? { yaw: label[i] * 10, pitch: 1, roll: -2 } : undefined,
    );
    const visibility = new Uint8Array(M * 3).fill(1);
    for (let i = 0; i < M; i += 5) visibility[i * 3 + 2] = 0;
    const ids = Array.from({ length: M }, (_, i) => `s${i}`);
    const t = classTableFromKmeans(data, 3, { K: 4, seed: 1, ids, poses, visibility, scheme: 'generic3' });
    classTableValidate(t);
    assert.equal(t.method, 'kmeans');
    assert.equal(t.scheme, 'generic3');
    assert.equal(t.memberIds.length, M);
    for (let k = 0; k < 4; k++) {
      const members = t.memberIds
        .slice(t.memberOffsets[k], t.memberOffsets[k + 1])
        .map((s) => Number(s.slice(1)));
      assert.equal(members.length, 10);
      assert.ok(
        members.every((i) => label[i] === label[members[0]]),
        'a class is one blob',
      );
      let sse = 0;
      for (const i of members)
        for (let j = 0; j < 6; j++) sse += (data[i * 6 + j] - t.centers[k * 6 + j]) ** 2;
      expectClose([t.sigma[k]], [Math.sqrt(sse / (10 * 3))], 1e-6, 'sigma');
      const withPose = members.filter((i) => i % 2);
      expectClose(t.pose.subarray(3 * k, 3 * k + 3), [label[members[0]] * 10, 1, -2], 1e-5, 'pose');
      assert.ok(withPose.length > 0);
      const hidden = members.filter((i) => i % 5 === 0).length;
      expectClose(t.visibility.subarray(3 * k, 3 * k + 3), [1, 1, 1 - hidden / 10], 1e-6, 'visibility');
    }
  });

  it('fits the pose of a class without ground truth from its centre (iBUG-68)', () => {
    const tpl = template3d();
    const shapes: Float32Array[] = [];
    for (const yaw of [-30, 30]) {
      for (let r = 0; r < 3; r++) {
        const s = projectWeakPerspective(tpl, { yaw, pitch: 0, roll: r }, 1, 0, 0);
        shapes.push(shapeToBox(s, shapeBox(s)));
      }
    }
    const packed = new Float32Array(shapes.length * 136);
    shapes.forEach((s, i) => packed.set(s, i * 136));
    // Square box placement assumes a square nominal box; give the true aspect instead.
    const s0 = projectWeakPerspective(tpl, { yaw: 0, pitch: 0, roll: 0 }, 1, 0, 0);
    const b = shapeBox(s0);
    const t = classTableFromKmeans(packed, 68, {
      K: 2,
      seed: 0,
      nominalBox: { x: 0, y: 0, width: b.width, height: b.height },
    });
    const yaws = [t.pose[0], t.pose[3]].sort((a, c) => a - c);
    assert.ok(Math.abs(yaws[0] + 30) < 4 && Math.abs(yaws[1] - 30) < 4, `yaws ${yaws}`);
    // Exemplars: a flipped copy mirrors its source's fitted pose; fitPoses: false leaves poses unknown.
    const ex = classTableExemplars(packed.subarray(0, 136), 68, { flip: true });
    expectClose([ex.pose[3], ex.pose[4], ex.pose[5]], [-ex.pose[0], ex.pose[1], -ex.pose[2]], 1e-6);
    assert.ok(Math.abs(Math.abs(ex.pose[0]) - 30) < 8, `exemplar yaw ${ex.pose[0]}`);
    const none = classTableExemplars(packed.subarray(0, 136), 68, { fitPoses: false });
    assert.ok(Number.isNaN(none.pose[0]));
  });

  it('classTableFromClusters checks its assignment', () => {
    const { data } = blobs(2, 3, 4, 5);
    const centers = data.slice(0, 8);
    assert.throws(
      () => classTableFromClusters(data, 2, centers, Int32Array.of(0, 1, 2, 0, 1, 0)),
      /cluster indices in 0..1, got 2 at index 2/,
    );
  });

  it('classTableExemplars: K = M, flipped copies through the mirror permutation, sigma from tau-neighbours', () => {
    const rng = new Rng(11);
    const tpl = template3d();
    const M = 5;
    const shapes = new Float32Array(M * 136);
    const poses = [];
    for (let i = 0; i < M; i++) {
      const pose = { yaw: -4 + 2 * i, pitch: 0, roll: 5 };
      poses.push(pose);
      const s = projectWeakPerspective(tpl, pose, 1, 0, 0);
      for (let j = 0; j < 136; j++) s[j] += rng.normal(0, 0.5);
      shapes.set(shapeToBox(s, shapeBox(s)), i * 136);
    }
    const visibility = new Uint8Array(M * 68).fill(1);
    const [outerRight] = ibug68.eyeCorners!.right;
    visibility[outerRight] = 0; // sample 0: subject's right outer eye corner hidden
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const tau = 0.04;
    const warnings = new Warnings();
    const before = tf.memory().numTensors;
    const t = classTableExemplars(shapes, 68, { ids, poses, visibility, flip: true, tau, warnings });
    assert.equal(tf.memory().numTensors, before, 'no leaked tensors');
    classTableValidate(t);
    assert.equal(t.K, 2 * M);
    assert.equal(t.method, 'exemplar');
    assert.deepEqual(t.memberIds, [
      'a',
      'b',
      'c',
      'd',
      'e',
      'a#flip',
      'b#flip',
      'c#flip',
      'd#flip',
      'e#flip',
    ]);
    assert.deepEqual(t.centers.subarray(0, M * 136), shapes);
    for (let i = 0; i < M; i++) {
      assert.deepEqual(
        t.centers.subarray((M + i) * 136, (M + i + 1) * 136),
        shapeFlipNormalized(shapes.subarray(i * 136, (i + 1) * 136), ibug68),
      );
      expectClose(
        t.pose.subarray(3 * (M + i), 3 * (M + i) + 3),
        [-poses[i].yaw, 0, -5],
        1e-5,
        'flipped pose',
      );
    }
    // The hidden right outer corner is the left outer corner in the flipped copy.
    const [outerLeft] = ibug68.eyeCorners!.left;
    assert.equal(t.visibility[outerRight], 0);
    assert.equal(t.visibility[M * 68 + outerLeft], 0);
    assert.equal(t.visibility[M * 68 + outerRight], 1);
    // sigma: RMS distance to the other exemplars within tau, or the floor.
    for (let k = 0; k < t.K; k++) {
      const d: number[] = [];
      for (let c = 0; c < t.K; c++) {
        if (c === k) continue;
        let s = 0;
        for (let j = 0; j < 136; j++) s += (t.centers[k * 136 + j] - t.centers[c * 136 + j]) ** 2;
        if (Math.sqrt(s / 68) <= tau) d.push(s / 68);
      }
      const want = d.length ? Math.max(0.005, Math.sqrt(d.reduce((a, b) => a + b, 0) / d.length)) : 0.005;
      expectClose([t.sigma[k]], [want], 1e-5, `sigma ${k}`);
    }
    assert.equal(warnings.count(), 0);
    const floors = Array.from(t.sigma).filter((v) => v === Math.fround(0.005)).length;
    assert.ok(floors < t.K, 'some exemplars have neighbours within tau');
  });

  it('refuses to flip without a mirror permutation', () => {
    assert.throws(
      () => classTableExemplars(new Float32Array(8), 2, { flip: true }),
      /needs a scheme with a mirror permutation/,
    );
  });
});

describe('classes: class table files', () => {
  let dir: string;
  let table: ClassTable;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-classes-'));
    const { data } = blobs(3, 5, 8, 12, 0.2);
    table = classTableFromKmeans(data, 4, {
      K: 3,
      seed: 2,
      ids: Array.from({ length: 15 }, (_, i) => `id/${i} ✓`),
    });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips bit-exactly', () => {
    const f = path.join(dir, 't.xlct');
    classTableSave(table, f);
    const back = classTableLoad(f);
    assert.deepEqual(back, table);
    for (const k of ['centers', 'sigma', 'pose', 'visibility', 'memberOffsets'] as const) {
      assert.deepEqual(
        new Uint8Array(back[k].buffer, back[k].byteOffset, back[k].byteLength),
        new Uint8Array(table[k].buffer, table[k].byteOffset, table[k].byteLength),
        k,
      );
    }
    assert.deepEqual(fs.readdirSync(dir), ['t.xlct'], 'no temporary files left');
  });

  it('names truncated, corrupt, foreign and wrong-kind files', () => {
    const f = path.join(dir, 'u.xlct');
    classTableSave(table, f);
    const bytes = fs.readFileSync(f);
    const g = path.join(dir, 'bad.xlct');
    const expectFormat = (buf: Uint8Array, re: RegExp) => {
      fs.writeFileSync(g, buf);
      assert.throws(
        () => classTableLoad(g),
        (e: Error) => e instanceof FormatError && re.test(e.message) && (e as FormatError).file === g,
      );
    };
    expectFormat(bytes.subarray(0, bytes.length - 10), /truncated: the payload needs/);
    expectFormat(bytes.subarray(0, 20), /truncated: the header needs/);
    expectFormat(bytes.subarray(0, 5), /truncated/);
    const flipped = Uint8Array.from(bytes);
    flipped[flipped.length - 40] ^= 0x10;
    expectFormat(flipped, /corrupt payload \(checksum/);
    expectFormat(new TextEncoder().encode('{"not": "a table"}'), /not a class table file/);
    // Same container, other kind.
    const hLen = bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.subarray(12, 12 + hLen).toString('utf8'));
    header.kind = 'exemplar-landmarks/checkpoint';
    let json = JSON.stringify(header);
    json += ' '.repeat((8 - ((12 + json.length) % 8)) % 8);
    const head = Buffer.alloc(12);
    bytes.copy(head, 0, 0, 8);
    head.writeUInt32LE(json.length, 8);
    expectFormat(
      Buffer.concat([head, Buffer.from(json), bytes.subarray(12 + hLen)]),
      /wrong kind: expected "exemplar-landmarks\/class-table", got "exemplar-landmarks\/checkpoint"/,
    );
  });

  it('classTableValidate names the field', () => {
    assert.throws(
      () => classTableValidate({ ...table, sigma: new Float32Array(2) }),
      /field 'sigma' expected a Float32Array of length 3/,
    );
    const s = table.sigma.slice();
    s[1] = 0;
    assert.throws(
      () => classTableValidate({ ...table, sigma: s }),
      /sigma' expected finite values > 0, got 0 at class 1/,
    );
    assert.throws(() => classTableSave({ ...table, K: 4 }, path.join(dir, 'x')), /classTableValidate/);
  });
});
