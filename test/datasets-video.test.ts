import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { splitByGroup, video300vw, VW300_VIDEOS, vw300Category } from '../src/data/datasets';
import { writeImage, writePts } from '../src/data/io';
import { EnvironmentError, FormatError } from '../src/errors';
import type { Raster } from '../src/types';
import { Rng, Warnings } from '../src/util';
import { expectClose, requireSharedData } from './helpers';

const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;

function gray(width: number, height: number, level: number): Raster {
  return { width, height, channels: 3, data: new Uint8Array(width * height * 3).fill(level) };
}

function shape(seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: 136 }, () => rng.uniform(5, 40));
}

function meanOf(r: Raster): number {
  let s = 0;
  for (const v of r.data) s += v;
  return s / r.data.length;
}

/** A 300-VW video folder: `n` frames of distinct gray levels (k-th frame: 20 + 25·(k−1)) and `annots` annotations. */
function makeVideo(dir: string, n: number, annots: number, how: 'avi' | 'imgs'): void {
  fs.mkdirSync(path.join(dir, 'annot'), { recursive: true });
  const src = path.join(dir, how === 'imgs' ? 'imgs' : 'src');
  fs.mkdirSync(src, { recursive: true });
  for (let k = 1; k <= n; k++)
    writeImage(path.join(src, `${String(k).padStart(6, '0')}.png`), gray(48, 32, 20 + 25 * (k - 1)));
  for (let k = 1; k <= annots; k++)
    writePts(path.join(dir, 'annot', `${String(k).padStart(6, '0')}.pts`), shape(k));
  if (how === 'avi') {
    const r = spawnSync(
      'ffmpeg',
      [
        '-nostdin',
        '-v',
        'error',
        '-framerate',
        '25',
        '-i',
        path.join(src, '%06d.png'),
        '-c:v',
        'mjpeg',
        '-q:v',
        '2',
        path.join(dir, 'vid.avi'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    fs.rmSync(src, { recursive: true });
  }
}

describe('datasets: 300-VW videos', () => {
  let tmp: string;
  let cacheDir: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-300vw-'));
    cacheDir = path.join(tmp, 'cache');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('category lists: 50 train, 31 / 19 / 14 test videos, disjoint', () => {
    assert.equal(VW300_VIDEOS.train.length, 50);
    assert.equal(VW300_VIDEOS.test1.length, 31);
    assert.equal(VW300_VIDEOS.test2.length, 19);
    assert.equal(VW300_VIDEOS.test3.length, 14);
    const all = Object.values(VW300_VIDEOS).flat();
    assert.equal(new Set(all).size, 114);
    assert.equal(vw300Category('001'), 'train');
    assert.equal(vw300Category('562'), 'test3');
    assert.equal(vw300Category('999'), undefined);
  });

  it('reads the mmpose fixtures (imgs/ + annot/, CRLF .pts): frame k pairs with annot k', function () {
    const root = requireSharedData(this, 'samples/mmpose/300vw');
    const ds = video300vw(root);
    assert.deepEqual([...ds.ids], ['001/000006', '001/000009', '401/000731', '401/000732']);
    assert.deepEqual(
      [...Array(ds.size).keys()].map((i) => [ds.info(i).group, ds.info(i).frame]),
      [
        ['001', 5],
        ['001', 8],
        ['401', 730],
        ['401', 731],
      ],
    );
    assert.equal(ds.info(0).meta?.category, 'train');
    assert.equal(ds.info(2).meta?.category, 'test1');
    // mmpose's COCO conversion keeps the raw (1-based) .pts values: ours are those minus 1
    const coco = JSON.parse(fs.readFileSync(path.join(root, 'anno_300vw.json'), 'utf8')) as {
      images: Array<{ id: number; file_name: string; width: number }>;
      annotations: Array<{ image_id: number; keypoints: number[] }>;
    };
    for (const a of coco.annotations) {
      const img = coco.images.find((im) => im.id === a.image_id) as (typeof coco.images)[number];
      const [video, , file] = img.file_name.split('/');
      const i = ds.ids.indexOf(`${video}/${file.slice(0, 6)}`);
      const expected = a.keypoints.filter((_, j) => j % 3 !== 2).map((v) => v - 1);
      expectClose(ds.info(i).landmarks, expected, 1e-3, img.file_name);
      assert.equal(ds.info(i).imageSize?.width, img.width);
    }
    const s = ds.get(3);
    assert.equal(s.image.width, 700);
    assert.equal(s.image.height, 512);
    assert.deepEqual(ds.report().skipped, []);
    assert.deepEqual([...video300vw(root, { category: 'test1' }).ids], ['401/000731', '401/000732']);
    assert.deepEqual([...video300vw(path.join(root, '001')).ids], ['001/000006', '001/000009']);
  });

  it('decodes vid.avi with ffmpeg, frame-accurately, and caches the frames', function () {
    if (!hasFfmpeg) {
      console.log('      (skipped: ffmpeg is not on PATH)');
      this.skip();
    }
    const dir = path.join(tmp, 'videos', '001');
    makeVideo(dir, 7, 7, 'avi');
    const ds = video300vw(path.join(tmp, 'videos'), { cacheDir });
    assert.equal(ds.size, 7);
    let k = 0;
    for (const s of ds) {
      assert.equal(s.frame, k);
      assert.equal(s.group, '001');
      // frame k has gray level 20 + 25k (JPEG round trips within a few levels)
      assert.ok(Math.abs(meanOf(s.image) - (20 + 25 * k)) < 4, `frame ${k}: mean ${meanOf(s.image)}`);
      expectClose(s.landmarks, shape(k + 1), 1e-4, `landmarks ${k}`);
      k++;
    }
    const cached = fs.readdirSync(cacheDir).filter((f) => !f.startsWith('.'));
    assert.equal(cached.length, 1);
    assert.ok(fs.existsSync(path.join(cacheDir, cached[0], 'frames.json')));
    const mtime = fs.statSync(path.join(cacheDir, cached[0], '000001.jpg')).mtimeMs;
    assert.equal(video300vw(dir, { cacheDir }).size, 7);
    assert.equal(fs.statSync(path.join(cacheDir, cached[0], '000001.jpg')).mtimeMs, mtime, 'decoded again');
  });

  it('a frame count that disagrees with annot/: named error when strict, else a warning with the frames', function () {
    if (!hasFfmpeg) {
      console.log('      (skipped: ffmpeg is not on PATH)');
      this.skip();
    }
    const dir = path.join(tmp, 'bad', '002');
    makeVideo(dir, 7, 9, 'avi');
    assert.throws(
      () => video300vw(dir, { cacheDir, strict: true }),
      (e: unknown) =>
        e instanceof FormatError &&
        /video 002 .*7 frames but 9 annotations; annotations without a frame: 8, 9/.test(e.message),
    );
    const w = new Warnings();
    const ds = video300vw(dir, { cacheDir, warnings: w });
    assert.equal(ds.size, 7);
    assert.equal(w.count('frame-count'), 1);
    assert.equal(ds.report().skipped.length, 2);
    assert.match(ds.report().skipped[0].reason, /no frame 8 in video 002/);
  });

  it('a missing ffmpeg is an EnvironmentError saying how to install it', function () {
    const dir = path.join(tmp, 'noff', '003');
    fs.mkdirSync(path.join(dir, 'annot'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'vid.avi'), 'not really a video');
    writePts(path.join(dir, 'annot', '000001.pts'), shape(1));
    assert.throws(
      () => video300vw(dir, { cacheDir, ffmpeg: path.join(tmp, 'no-such-ffmpeg') }),
      (e: unknown) =>
        e instanceof EnvironmentError && /not found on PATH.*apt-get install ffmpeg/.test(e.message),
    );
    if (hasFfmpeg) {
      // a file ffmpeg cannot decode: skipped with a warning, or a FormatError when strict
      assert.throws(() => video300vw(dir, { cacheDir, strict: true }), FormatError);
      const ds = video300vw(dir, { cacheDir });
      assert.equal(ds.size, 0);
      assert.match(ds.report().skipped[0].reason, /ffmpeg could not decode it/);
    }
  });

  it('frames from imgs/ folders; splitting by video keeps each video on one side', () => {
    const root = path.join(tmp, 'imgs');
    for (let v = 0; v < 6; v++) makeVideo(path.join(root, `1${v}0`), 4, 4, 'imgs');
    const ds = video300vw(root);
    assert.equal(ds.size, 24);
    assert.ok(Math.abs(meanOf(ds.get(5).image) - 45) < 1);
    const [a, b] = splitByGroup(ds, { validation: 0.34, seed: 1 });
    const va = new Set([...Array(a.size).keys()].map((i) => a.info(i).group));
    for (let i = 0; i < b.size; i++) assert.ok(!va.has(b.info(i).group));
    assert.equal(a.size + b.size, 24);
    assert.equal(b.size % 4, 0);
  });
});
