import * as assert from 'node:assert/strict';
import { type Dataset, splitByGroup, subset, w300Train } from '../src/data/datasets';
import { ibug68, shapeToBox } from '../src/landmarks';
import { requireSharedData } from './helpers';

/** The real 300-W training faces in ../shared/data/300w-train (skipped with a message when absent). */
describe('datasets: 300-W training data (real)', function () {
  let root: string;
  let all: Dataset;

  before(function () {
    root = requireSharedData(this, '300w-train');
    all = w300Train(root);
  });

  it('all 2,012 faces parse: helen 870, lfpw 805, afw 337, nothing skipped', () => {
    assert.equal(all.size, 2012);
    const bySubset: Record<string, number> = {};
    for (let i = 0; i < all.size; i++) {
      const sub = String(all.info(i).meta?.subset);
      bySubset[sub] = (bySubset[sub] ?? 0) + 1;
      assert.equal(all.info(i).landmarks.length, 136);
    }
    assert.deepEqual(bySubset, { afw: 337, helen: 870, lfpw: 805 });
    assert.deepEqual(all.report().skipped, []);
    assert.deepEqual(all.report().warnings, []);
    // several AFW crops come from one photo: they share a group
    const groups = new Set([...Array(all.size).keys()].map((i) => all.info(i).group));
    assert.ok(groups.size < all.size && groups.size > 1500, `${groups.size} photos`);
  });

  it('the mean shape and its spread are sane', () => {
    const n = all.size;
    const mean = new Float64Array(136);
    const sq = new Float64Array(136);
    for (let i = 0; i < n; i++) {
      const info = all.info(i);
      const norm = shapeToBox(info.landmarks, info.box);
      for (let k = 0; k < 136; k++) {
        mean[k] += norm[k] / n;
        sq[k] += (norm[k] * norm[k]) / n;
      }
    }
    const [ro] = ibug68.eyeCorners?.right as readonly [number, number];
    const [lo] = ibug68.eyeCorners?.left as readonly [number, number];
    const eyeDist = Math.hypot(mean[2 * lo] - mean[2 * ro], mean[2 * lo + 1] - mean[2 * ro + 1]);
    console.log(`      mean shape: outer eye-corner distance ${eyeDist.toFixed(3)} of the box width`);
    assert.ok(eyeDist > 0.45 && eyeDist < 0.8, `eye-corner distance ${eyeDist}`);
    // the subject's left eye is on the image's right in the mean (frontal-ish) face
    assert.ok(mean[2 * lo] > mean[2 * ro]);
    // the nose tip lies between the eyes horizontally and below them
    const nose = ibug68.noseTip as number;
    assert.ok(mean[2 * nose] > mean[2 * ro] && mean[2 * nose] < mean[2 * lo]);
    assert.ok(mean[2 * nose + 1] > mean[2 * lo + 1]);
    let sdSum = 0;
    for (let k = 0; k < 136; k++) {
      const sd = Math.sqrt(Math.max(0, sq[k] - mean[k] * mean[k]));
      assert.ok(Number.isFinite(sd) && sd > 0, `sd of coordinate ${k} = ${sd}`);
      sdSum += sd;
    }
    const meanSd = sdSum / 136;
    console.log(`      mean per-coordinate spread ${meanSd.toFixed(3)} (box units)`);
    assert.ok(meanSd > 0.005 && meanSd < 0.15, `mean spread ${meanSd}`);
  });

  it('decoded crops (a seeded subset) hold their landmarks', () => {
    const some = subset(all, { n: 24, seed: 4 });
    let seen = 0;
    for (const s of some) {
      seen++;
      const { width, height } = s.image;
      assert.ok(width <= 256 && height <= 257 && width > 32, `${s.id}: ${width}×${height}`);
      assert.deepEqual(some.info(seen - 1).imageSize, { width, height });
      const margin = 2;
      for (let k = 0; k < s.landmarks.length; k += 2) {
        const x = s.landmarks[k];
        const y = s.landmarks[k + 1];
        assert.ok(
          x > -margin && x < width - 1 + margin && y > -margin && y < height - 1 + margin,
          `${s.id} point ${k / 2}`,
        );
      }
      // the crop is centred on the landmarks' box (within a few pixels)
      const cx = s.box.x + s.box.width / 2;
      assert.ok(Math.abs(cx - (width - 1) / 2) < 0.1 * width, `${s.id} centre ${cx} of ${width}`);
    }
    assert.equal(seen, 24);
  });

  it('w300Train splits by photo: no photo on both sides, seeded', () => {
    const train = w300Train(root, { split: 'train', validationFraction: 0.1, seed: 2 });
    const val = w300Train(root, { split: 'validation', validationFraction: 0.1, seed: 2 });
    assert.equal(train.size + val.size, 2012);
    assert.ok(Math.abs(val.size - 201) <= 3, `validation ${val.size}`);
    const trainPhotos = new Set([...Array(train.size).keys()].map((i) => train.info(i).group));
    for (let i = 0; i < val.size; i++) assert.ok(!trainPhotos.has(val.info(i).group), val.info(i).id);
    const [, again] = splitByGroup(all, { validation: 0.1, seed: 2 });
    assert.deepEqual([...again.ids], [...val.ids]);
  });
});
