/** Synthetic videos and export to 300-W / 300-VW folders. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ValueError } from '../src/errors';
import { readImage } from '../src/data/io/image';
import { readPts } from '../src/data/io/pts';
import { exportSamples, faces, video } from '../src/data/synth';
import { expectClose } from './helpers';

describe('synth.video', () => {
  const frames = [...video({ frames: 90, seed: 3, size: 64 })];

  it('moves smoothly and keeps one identity and group', () => {
    for (let t = 1; t < frames.length; t++) {
      const a = frames[t - 1].pose!;
      const b = frames[t].pose!;
      assert.ok(
        Math.abs(a.yaw - b.yaw) < 4 && Math.abs(a.pitch - b.pitch) < 3 && Math.abs(a.roll - b.roll) < 3,
        `frame ${t}`,
      );
      assert.equal(frames[t].frame, t);
      assert.equal(frames[t].group, frames[0].group);
      assert.equal(frames[t].meta!.identityId, frames[0].meta!.identityId);
    }
    const yaws = frames.map((f) => f.pose!.yaw);
    assert.ok(Math.max(...yaws) - Math.min(...yaws) > 3, 'the head moves');
  });

  it('has an occluder that passes over and fully hides the face for some frames', () => {
    const hidden = frames.map((f) => f.occlusion!.reduce((a, b) => a + b, 0));
    const full = hidden.filter((h) => h === 68).length;
    const clear = hidden.filter((h) => h === 0).length;
    assert.ok(full >= 2, `fully hidden frames: ${full}`);
    assert.ok(clear >= 20, `clear frames: ${clear}`);
    // the pass is one contiguous run of occluded frames
    const occluded = hidden.map((h) => h > 0);
    const first = occluded.indexOf(true);
    const last = occluded.lastIndexOf(true);
    assert.ok(occluded.slice(first, last + 1).every(Boolean));
    const none = [...video({ frames: 30, seed: 3, size: 32, passingOccluder: false })];
    assert.ok(none.every((f) => f.occlusion!.every((v) => v === 0)));
  });

  it('is deterministic per frame and rejects bad options', () => {
    const again = video({ frames: 90, seed: 3, size: 64 }).at(41);
    assert.deepEqual(again.image.data, frames[41].image.data);
    assert.throws(
      () => video({ frames: 0 }),
      (e: Error) =>
        e instanceof ValueError &&
        /video: argument 'frames' expected an integer in 1\.\.1000000, got 0/.test(e.message),
    );
    assert.throws(
      () => video({ passingOccluder: 'yes' as unknown as boolean }),
      /video: argument 'passingOccluder' expected true or false/,
    );
  });
});

describe('synth.exportSamples', () => {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-synth-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes 300-W style folders that read back (1-based .pts)', () => {
    const set = [...faces({ n: 3, seed: 1, size: 40, channels: 3 })];
    const files = exportSamples(set, dir);
    assert.deepEqual(
      files.map((f) => path.basename(f)),
      ['synth_000001.jpg', 'synth_000002.jpg', 'synth_000003.jpg'],
    );
    const pts = readPts(path.join(dir, 'synth_000002.pts'));
    expectClose(pts, set[1].landmarks, 1e-4, 'landmarks');
    const text = fs.readFileSync(path.join(dir, 'synth_000002.pts'), 'utf8');
    const firstX = Number(text.split('\n')[3].split(' ')[0]);
    assert.ok(Math.abs(firstX - (set[1].landmarks[0] + 1)) < 1e-4, '1-based on disk');
    const img = readImage(files[1], { channels: 3 });
    assert.equal(img.width, 40);
    assert.equal(fs.readdirSync(dir).filter((f) => f.includes('.tmp')).length, 0);
  });

  it('writes 300-VW style frames/ and annot/ numbered from 1', () => {
    exportSamples(video({ frames: 3, seed: 2, size: 32 }), dir, { layout: '300vw' });
    assert.deepEqual(fs.readdirSync(path.join(dir, 'frames')).sort(), [
      '000001.jpg',
      '000002.jpg',
      '000003.jpg',
    ]);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'annot')).sort(), [
      '000001.pts',
      '000002.pts',
      '000003.pts',
    ]);
    assert.throws(
      () => exportSamples([], dir, { layout: '300vm' as '300vw' }),
      /exportSamples: argument 'layout' expected one of "300w", "300vw"/,
    );
  });
});
