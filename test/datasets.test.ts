import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  concat,
  type Dataset,
  everyNth,
  filter,
  flipAugment,
  folder,
  fromSamples,
  rasterFlip,
  splitByGroup,
  subset,
  withDetections,
} from '../src/data/datasets';
import { writeImage, writePts } from '../src/data/io';
import * as synth from '../src/data/synth';
import { FormatError, ShapeError, ValueError } from '../src/errors';
import { ibug68, shapeBox } from '../src/landmarks';
import type { Box, Raster, Sample } from '../src/types';
import { Rng, Warnings } from '../src/util';
import { expectClose } from './helpers';

function raster(width: number, height: number, channels: 1 | 3 | 4, seed: number): Raster {
  const rng = new Rng(seed);
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = rng.int(256);
  return { width, height, channels, data };
}

function randomShape(rng: Rng, n: number, w: number, h: number): Float32Array {
  const s = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    s[2 * i] = rng.uniform(0.2 * w, 0.8 * w);
    s[2 * i + 1] = rng.uniform(0.2 * h, 0.8 * h);
  }
  return s;
}

/** Small in-memory samples: `videos` videos of `frames` frames each, 68 points. */
function makeSamples(videos: number, frames: number, seed = 1): Sample[] {
  const rng = new Rng(seed);
  const out: Sample[] = [];
  for (let v = 0; v < videos; v++) {
    for (let f = 0; f < frames; f++) {
      const landmarks = randomShape(rng, 68, 24, 20);
      const visibility = new Uint8Array(68);
      for (let i = 0; i < 68; i++) visibility[i] = rng.int(2);
      out.push({
        id: `v${v}/f${f}`,
        image: raster(24, 20, 3, seed * 1000 + v * 100 + f),
        landmarks,
        visibility,
        box: shapeBox(landmarks),
        source: 'test',
        group: `v${v}`,
        frame: f,
        pose: { yaw: 10 + v, pitch: -5, roll: 3 },
      });
    }
  }
  return out;
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'xl-datasets-'));
}

describe('datasets: folder (300-W style trees)', () => {
  let root: string;
  const shape = (seed: number): Float32Array => randomShape(new Rng(seed), 68, 40, 30);

  before(() => {
    root = tmpDir();
    fs.mkdirSync(path.join(root, 'sub', 'deeper'), { recursive: true });
    // one face per image
    writeImage(path.join(root, 'a.png'), raster(40, 30, 3, 1));
    writePts(path.join(root, 'a.pts'), shape(1));
    // several faces in one photo
    writeImage(path.join(root, 'sub', 'photo.png'), raster(40, 30, 3, 2));
    writePts(path.join(root, 'sub', 'photo_1.pts'), shape(2));
    writePts(path.join(root, 'sub', 'photo_2.pts'), shape(3));
    // deeper, grayscale PGM
    writeImage(path.join(root, 'sub', 'deeper', 'g.pgm'), raster(40, 30, 1, 3));
    writePts(path.join(root, 'sub', 'deeper', 'g.pts'), shape(4));
    // an annotation without an image
    writePts(path.join(root, 'orphan.pts'), shape(5));
    // a broken .pts (a line with one number) beside a good image
    writeImage(path.join(root, 'broken.png'), raster(40, 30, 3, 4));
    fs.writeFileSync(path.join(root, 'broken.pts'), 'version: 1\nn_points: 2\n{\n1 2\n3\n}\n');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('pairs images and .pts recursively, one sample per face, groups by photo', () => {
    const w = new Warnings();
    const ds = folder(root, { warnings: w });
    assert.deepEqual([...ds.ids], ['a', 'sub/deeper/g', 'sub/photo_1', 'sub/photo_2']);
    assert.equal(ds.size, 4);
    const samples = [...ds];
    assert.equal(samples.length, 4);
    assert.equal(samples[2].group, 'sub/photo');
    assert.equal(samples[3].group, 'sub/photo');
    assert.equal(samples[0].group, 'a');
    assert.equal(samples[1].image.channels, 1);
    assert.deepEqual(samples[2].image, samples[3].image); // same photo
    for (const s of samples) {
      assert.deepEqual(s.box, shapeBox(s.landmarks));
      assert.equal(s.detection, undefined);
      assert.equal(s.source, '300w');
    }
    // 1-based on disk, 0-based in memory: writePts added 1, readPts subtracted it
    expectClose(samples[0].landmarks, shape(1), 1e-4, 'landmarks a');
    // the two broken items are skipped, counted and listed, and warned about
    const r = ds.report();
    assert.equal(r.items, 4);
    assert.equal(r.skipped.length, 2);
    const reasons = Object.fromEntries(r.skipped.map((s) => [path.basename(s.file), s.reason]));
    assert.equal(reasons['orphan.pts'], 'annotation without an image');
    assert.match(reasons['broken.pts'], /line 5/);
    assert.equal(w.count('skipped-item'), 2);
    assert.equal(r.warnings.length, 2);
  });

  it('is lazy and re-iterable: info() decodes nothing, iterating twice gives equal samples', () => {
    const ds = folder(root);
    assert.deepEqual(ds.info(0).imageSize, { width: 40, height: 30 });
    const a = [...ds].map((s) => s.id);
    const b = [...ds].map((s) => s.id);
    assert.deepEqual(a, b);
    // get returns copies of the landmark arrays: mutating one does not change the dataset
    const s = ds.get(0);
    s.landmarks[0] = -999;
    assert.notEqual(ds.get(0).landmarks[0], -999);
  });

  it('recursive: false stays in the top folder; channels converts', () => {
    const ds = folder(root, { recursive: false, channels: 1 });
    assert.deepEqual([...ds.ids], ['a']);
    assert.equal(ds.get(0).image.channels, 1);
  });

  it('strict: throws the named error with the file', () => {
    assert.throws(
      () => folder(root, { strict: true }),
      (e: unknown) => {
        assert.ok(e instanceof FormatError);
        assert.match(e.message, /broken\.pts line 5|orphan\.pts: annotation without an image/);
        return true;
      },
    );
  });

  it('an undecodable image: skipped (lazily, counted in the report) or thrown when strict', () => {
    const dir = tmpDir();
    try {
      writeImage(path.join(dir, 'ok.png'), raster(20, 20, 3, 9));
      writePts(path.join(dir, 'ok.pts'), shape(9));
      // not an image at all: refused while indexing
      fs.writeFileSync(path.join(dir, 'junk.jpg'), 'this is not a jpeg');
      writePts(path.join(dir, 'junk.pts'), shape(10));
      // a JPEG whose header is fine but whose data is cut: found when decoding
      writeImage(path.join(dir, 'cut.jpg'), raster(64, 64, 3, 11));
      const bytes = fs.readFileSync(path.join(dir, 'cut.jpg'));
      fs.writeFileSync(path.join(dir, 'cut.jpg'), bytes.subarray(0, 200));
      writePts(path.join(dir, 'cut.pts'), shape(11));

      const ds = folder(dir);
      assert.equal(ds.size, 2); // cut + ok (junk refused at indexing)
      assert.deepEqual(
        ds.report().skipped.map((s) => path.basename(s.file)),
        ['junk.jpg'],
      );
      const got = [...ds];
      assert.deepEqual(
        got.map((s) => s.id),
        ['ok'],
      );
      const r = ds.report();
      assert.deepEqual(r.skipped.map((s) => path.basename(s.file)).sort(), ['cut.jpg', 'junk.jpg']);
      // iterating again does not report it twice
      void [...ds];
      assert.equal(ds.report().skipped.length, 2);
      assert.throws(() => ds.get(0), FormatError);

      // eager decoding: the cut image is skipped before size is fixed
      const eager = folder(dir, { lazyImages: false });
      assert.equal(eager.size, 1);
      assert.equal(eager.report().skipped.length, 2);

      assert.throws(() => folder(dir, { strict: true }), /junk\.jpg: not a recognised image/);
      fs.rmSync(path.join(dir, 'junk.jpg'));
      fs.rmSync(path.join(dir, 'junk.pts'));
      const strict = folder(dir, { strict: true });
      assert.throws(() => [...strict], FormatError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('views give ids without decoding (a flip of an image whose header gives no size)', () => {
    const dir = tmpDir();
    try {
      writeImage(path.join(dir, 'x.pgm'), raster(40, 30, 1, 5));
      writePts(path.join(dir, 'x.pts'), shape(5));
      const ds = folder(dir);
      assert.equal(ds.info(0).imageSize, undefined); // Netpbm headers are not sized by io.readImageHeader
      const flipped = flipAugment(ds, { mode: 'append' });
      fs.rmSync(path.join(dir, 'x.pgm'));
      assert.deepEqual([...flipped.ids], ['x', 'x#flip']);
      assert.throws(() => flipped.info(1), /ENOENT/); // its landmarks need the width: the image is gone
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validates its arguments', () => {
    assert.throws(
      () => folder(path.join(root, 'nope')),
      /folder: argument 'path' expected an existing folder/,
    );
    assert.throws(() => folder(root, { channels: 2 as 3 }), ValueError);
    const ds = folder(root);
    assert.throws(() => ds.get(4), /argument 'i' expected an integer in 0\.\.3, got 4/);
  });
});

describe('datasets: composition', () => {
  const samples = makeSamples(5, 6);
  const ds = fromSamples(samples, { source: 'test' });

  it('fromSamples wraps arrays and iterables and validates', () => {
    assert.equal(ds.size, 30);
    const gen = function* (): Generator<Sample> {
      yield* samples.slice(0, 3);
    };
    assert.equal(fromSamples(gen()).size, 3);
    assert.throws(() => fromSamples(42 as unknown as Sample[]), /fromSamples: argument 'samples'/);
    const bad = { ...samples[0], landmarks: new Float32Array([1, NaN]) };
    assert.throws(() => fromSamples([bad]), /samples\[0\]\.landmarks/);
  });

  it('fromSamples over synth.faces / synth.video: lazy random access, composes like files', () => {
    const faces = synth.faces({ n: 6, seed: 1, size: 48 });
    const sf = fromSamples(faces, { source: 'synth' });
    assert.equal(sf.size, 6);
    expectClose(sf.info(4).landmarks, faces.at(4).landmarks, 0, 'info = at');
    assert.deepEqual(sf.info(4).imageSize, { width: 48, height: 48 });
    const twice = flipAugment(flipAugment(sf, { mode: 'all' }), { mode: 'all' }).get(4);
    expectClose(twice.landmarks, faces.at(4).landmarks, 1e-3, 'flip twice');
    assert.deepEqual(twice.visibility, faces.at(4).visibility);
    const video = fromSamples(synth.video({ frames: 7, seed: 2, size: 48 }));
    const all = concat(sf, everyNth(video, 3));
    assert.equal(all.size, 9);
    const [a, b] = splitByGroup(all, { validation: 0.3, seed: 1 });
    const ga = new Set([...Array(a.size).keys()].map((i) => a.info(i).group));
    for (let i = 0; i < b.size; i++) assert.ok(!ga.has(b.info(i).group));
  });

  it('concat joins in order', () => {
    const c = concat(ds, subset(ds, { n: 4, seed: 1 }), fromSamples([]));
    assert.equal(c.size, 34);
    assert.equal(c.get(29).id, 'v4/f5');
    assert.equal(c.get(30).id, subset(ds, { n: 4, seed: 1 }).get(0).id);
    assert.equal([...c].length, 34);
    assert.throws(() => concat(), ValueError);
  });

  it('filter keeps items whose info passes, without decoding', () => {
    const f = filter(ds, (info) => info.group === 'v2' && (info.frame as number) < 3);
    assert.deepEqual([...f.ids], ['v2/f0', 'v2/f1', 'v2/f2']);
    assert.equal(f.get(1).frame, 1);
    assert.throws(() => filter(ds, 'v2' as unknown as () => boolean), /filter: argument 'keep'/);
  });

  it('everyNth keeps frames by number in every video', () => {
    const e = everyNth(ds, 3);
    assert.equal(e.size, 10);
    for (const s of e) assert.equal((s.frame as number) % 3, 0);
    assert.equal(everyNth(ds, 3, { offset: 1 }).info(0).frame, 1);
    assert.throws(() => everyNth(ds, 0), /argument 'n'/);
  });

  it('subset: seeded, without repeats, in order', () => {
    const a = subset(ds, { n: 12, seed: 7 });
    const b = subset(ds, { n: 12, seed: 7 });
    const c = subset(ds, { n: 12, seed: 8 });
    assert.deepEqual([...a.ids], [...b.ids]);
    assert.notDeepEqual([...a.ids], [...c.ids]);
    assert.equal(new Set(a.ids).size, 12);
    const order = a.ids.map((id) => ds.ids.indexOf(id));
    assert.deepEqual(
      order,
      [...order].sort((x, y) => x - y),
    );
    assert.equal(subset(ds, { fraction: 0.5, seed: 1 }).size, 15);
    assert.throws(() => subset(ds, { n: 31 }), /opts\.n/);
    assert.throws(() => subset(ds, {}), /exactly one of n or fraction/);
  });

  it('splitByGroup: no group on two sides, sizes near the fractions, seeded', () => {
    const many = fromSamples(makeSamples(40, 3, 2));
    for (const seed of [0, 1, 2]) {
      const parts = splitByGroup(many, { fractions: [0.7, 0.2, 0.1], seed });
      assert.equal(
        parts.reduce((a, p) => a + p.size, 0),
        many.size,
      );
      const groups = parts.map((p) => new Set([...Array(p.size).keys()].map((i) => p.info(i).group)));
      for (let a = 0; a < 3; a++) {
        for (let b = a + 1; b < 3; b++)
          for (const g of groups[a]) assert.ok(!groups[b].has(g), `group ${g} on two sides`);
      }
      assert.ok(
        Math.abs(parts[0].size - 84) <= 3 && Math.abs(parts[1].size - 24) <= 3,
        `sizes ${parts.map((p) => p.size)}`,
      );
    }
    const [t1, v1] = splitByGroup(many, { validation: 0.25, seed: 5 });
    const [t2, v2] = splitByGroup(many, { validation: 0.25, seed: 5 });
    assert.deepEqual([...v1.ids], [...v2.ids]);
    assert.equal(t1.size + v1.size, many.size);
    assert.equal(t2.size, t1.size);
    assert.notDeepEqual([...splitByGroup(many, { validation: 0.25, seed: 6 })[1].ids], [...v1.ids]);
    assert.throws(() => splitByGroup(many, { fractions: [0.5, 0.4] }), /summing to 1/);
  });

  it('flipAugment: flipping twice is the identity; mirror permutation, visibility, pose', () => {
    const once = flipAugment(ds, { mode: 'all' });
    const twice = flipAugment(once, { mode: 'all' });
    for (let i = 0; i < ds.size; i += 7) {
      const s = ds.get(i);
      const f = once.get(i);
      const ff = twice.get(i);
      expectClose(ff.landmarks, s.landmarks, 1e-4, 'twice');
      assert.deepEqual(ff.image, s.image);
      assert.deepEqual(ff.visibility, s.visibility);
      // the flipped shape's right eye outer corner is the mirror image of the original's left eye outer corner
      const [ro] = ibug68.eyeCorners?.right as readonly [number, number];
      const [lo] = ibug68.eyeCorners?.left as readonly [number, number];
      assert.ok(Math.abs(f.landmarks[2 * ro] - (s.image.width - 1 - s.landmarks[2 * lo])) < 1e-4);
      assert.equal(f.landmarks[2 * ro + 1], s.landmarks[2 * lo + 1]);
      assert.equal(f.visibility?.[ro], s.visibility?.[lo]);
      // pixel (x, y) moves to (W-1-x, y)
      const c = s.image.channels;
      assert.equal(
        f.image.data[(2 * s.image.width + (s.image.width - 1)) * c],
        s.image.data[2 * s.image.width * c],
      );
      assert.deepEqual(f.box, shapeBox(f.landmarks));
      assert.equal(f.pose?.yaw, -(s.pose?.yaw as number));
      // info(i) agrees with get(i) without decoding
      expectClose(once.info(i).landmarks, f.landmarks, 0, 'info');
    }
  });

  it('flipAugment: append doubles with #flip ids in the same group; random is seeded per item', () => {
    const app = flipAugment(ds, { mode: 'append' });
    assert.equal(app.size, 60);
    assert.equal(app.info(30).id, 'v0/f0#flip');
    assert.equal(app.info(30).group, 'v0');
    const r1 = flipAugment(ds, { probability: 0.5, seed: 3 });
    const flags = [...r1].map((s) => s.meta?.flipped === true);
    const again = [...Array(ds.size).keys()]
      .reverse()
      .map((i) => r1.get(i).meta?.flipped === true)
      .reverse();
    assert.deepEqual(flags, again);
    const k = flags.filter(Boolean).length;
    assert.ok(k > 5 && k < 25, `${k} of 30 flipped`);
    assert.equal([...flipAugment(ds, { probability: 0 })].filter((s) => s.meta?.flipped).length, 0);
    assert.equal([...flipAugment(ds, { probability: 1 })].filter((s) => s.meta?.flipped).length, 30);
    assert.throws(() => flipAugment(ds, { mode: 'sometimes' as 'all' }), /opts\.mode/);
  });

  it('rasterFlip mirrors rows for 1, 3 and 4 channels', () => {
    for (const c of [1, 3, 4] as const) {
      const r = raster(5, 3, c, c);
      const f = rasterFlip(r);
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 5; x++)
          for (let k = 0; k < c; k++)
            assert.equal(f.data[(y * 5 + 4 - x) * c + k], r.data[(y * 5 + x) * c + k]);
      assert.deepEqual(rasterFlip(f), r);
    }
  });

  it('withDetections: seeded jitter around the box, info and get agree; given boxes', () => {
    const big = fromSamples(makeSamples(20, 20, 3));
    const d = withDetections(big, { jitter: { centre: 0.1, scale: 0.2 }, seed: 4 });
    let sumDx = 0;
    let sumDx2 = 0;
    let sumLog2 = 0;
    for (let i = 0; i < d.size; i++) {
      const info = d.info(i);
      const det = info.detection as NonNullable<typeof info.detection>;
      const b = info.box;
      const dx = (det.x + det.width / 2 - (b.x + b.width / 2)) / b.width;
      sumDx += dx;
      sumDx2 += dx * dx;
      sumLog2 += Math.log(det.width / b.width) ** 2;
      assert.ok(
        Math.abs(det.height / b.height - det.width / b.width) < 1e-9,
        'same scale for width and height',
      );
    }
    const n = d.size;
    assert.ok(Math.abs(sumDx / n) < 0.02, `mean centre shift ${sumDx / n}`);
    assert.ok(Math.abs(Math.sqrt(sumDx2 / n) - 0.1) < 0.015, `sd ${Math.sqrt(sumDx2 / n)}`);
    assert.ok(Math.abs(Math.sqrt(sumLog2 / n) - 0.2) < 0.03, `log-scale sd ${Math.sqrt(sumLog2 / n)}`);
    assert.deepEqual(d.get(17).detection, d.info(17).detection);
    assert.deepEqual(
      withDetections(big, { jitter: { centre: 0.1, scale: 0.2 }, seed: 4 }).info(5).detection,
      d.info(5).detection,
    );
    // flipping mirrors the detection too
    const f = flipAugment(d, { mode: 'all' }).info(3);
    const o = d.info(3);
    const W = 24;
    assert.ok(
      Math.abs(
        (f.detection?.x as number) - (W - 1 - (o.detection?.x as number) - (o.detection?.width as number)),
      ) < 1e-9,
    );

    const boxes = Array.from({ length: ds.size }, (_, i) =>
      i % 2 ? undefined : { x: i, y: 1, width: 5, height: 6 },
    );
    const given = withDetections(ds, { boxes });
    assert.deepEqual(given.get(4).detection, { x: 4, y: 1, width: 5, height: 6 });
    assert.equal(given.get(5).detection, undefined);
    assert.throws(() => withDetections(ds, { boxes: boxes.slice(1) }), ShapeError);
    assert.throws(() => withDetections(ds, { jitter: { centre: -1 } }), /opts\.jitter/);
  });

  it("withDetections: a detector's convention (enlarge, widen, aspect spread); boxes drawn without it unchanged", () => {
    const big = fromSamples(makeSamples(200, 20, 3));
    const plain = { centre: 0.05, scale: 0.1, enlarge: 1.1 };
    const a = withDetections(big, { jitter: plain, seed: 2 });
    const b = withDetections(big, { jitter: { ...plain, aspect: 0, widen: 1 }, seed: 2 });
    assert.deepEqual(b.info(7).detection, a.info(7).detection);
    const c = withDetections(big, { jitter: { ...plain, aspect: 0.05, widen: 1.06 }, seed: 2 });
    let sumA = 0;
    let sumA2 = 0;
    let sumS = 0;
    for (let i = 0; i < c.size; i++) {
      const det = c.info(i).detection as Box;
      const box = c.info(i).box;
      const la = Math.log(det.width / box.width / (det.height / box.height));
      sumA += la;
      sumA2 += la * la;
      // the area's scale ignores the aspect: same as without it
      sumS += Math.log(Math.sqrt((det.width * det.height) / (box.width * box.height)));
      const p = a.info(i).detection as Box;
      assert.ok(Math.abs(det.width * det.height - p.width * p.height) < 1e-6 * p.width * p.height);
    }
    const n = c.size;
    const mean = sumA / n;
    assert.ok(Math.abs(mean - Math.log(1.06)) < 0.015, `mean log aspect ${mean}`);
    assert.ok(Math.abs(Math.sqrt(sumA2 / n - mean * mean) - 0.05) < 0.012, 'aspect sd');
    assert.ok(Math.abs(sumS / n - Math.log(1.1)) < 0.03, `mean log scale ${sumS / n}`);
    assert.throws(
      () => withDetections(big, { jitter: { widen: 0 } }),
      /withDetections: argument 'opts.jitter' expected .*widen > 0, got \{"widen":0\}/,
    );
    assert.throws(() => withDetections(big, { jitter: { aspect: -0.1 } }), /aspect >= 0/);
  });

  it('reports merge along compositions', () => {
    const r = subset(concat(ds, ds), { n: 3 }).report();
    assert.equal(r.items, 3);
    assert.match(r.source, /^subset\(concat\(test, test\)/);
    assert.deepEqual(r.skipped, []);
  });

  it('is a plain Iterable usable with for…of and spread', () => {
    const d: Dataset = everyNth(ds, 10);
    let n = 0;
    for (const s of d) n += s.landmarks.length;
    assert.equal(n, 5 * 136); // frame 0 of each of the 5 videos
  });
});
