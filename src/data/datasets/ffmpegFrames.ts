/**
 * Decodes a video into numbered frame images with the `ffmpeg` program from PATH (run with an argument
 * list, never through a shell), cached so a video is decoded once.
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EnvironmentError, FormatError } from '../../errors';

/** Options of `ffmpegFrames` (the 300-VW reader's ffmpeg frame decoder and cache). */
export interface FfmpegFramesOptions {
  /** The ffmpeg program (a name looked up on PATH, or a path). @default 'ffmpeg' */
  ffmpeg?: string;
  /** Folder under which decoded frames are cached. @default `${os.tmpdir()}/exemplar-landmarks/video-frames` */
  cacheDir?: string;
  /** Image format of the frames: JPEG (quality 2 of 31, small) or PNG (lossless, about 6x larger). @default 'jpg' */
  format?: 'jpg' | 'png';
}

/** Where the frames of a video are: `dir/000001.<ext>` … `dir/<count>.<ext>` (1-based, as ffmpeg numbers them). */
export interface DecodedFrames {
  dir: string;
  count: number;
  ext: string;
}

const DONE = 'frames.json';

/** The cache folder of a video: named after its absolute path, size and modification time. */
function cacheFolder(video: string, root: string, format: string): string {
  const st = fs.statSync(video);
  const key = `${path.resolve(video)}|${st.size}|${st.mtimeMs}|${format}`;
  const h = crypto.createHash('sha1').update(key).digest('hex').slice(0, 16);
  return path.join(root, `${path.basename(path.dirname(path.resolve(video)))}-${h}`);
}

function runFfmpeg(
  ffmpeg: string,
  args: string[],
): { status: number | null; stderr: string; missing: boolean } {
  const r = spawnSync(ffmpeg, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  if (r.error !== undefined && !missing) throw r.error;
  return { status: r.status, stderr: r.stderr ?? '', missing };
}

/**
 * Decodes every frame of `video` (frame-accurate: no frames dropped or duplicated) into the cache, or
 * returns the cached frames. Throws EnvironmentError when ffmpeg is not installed and FormatError when it
 * cannot decode the file.
 */
export function ffmpegFrames(fn: string, video: string, opts: FfmpegFramesOptions = {}): DecodedFrames {
  const ffmpeg = opts.ffmpeg ?? 'ffmpeg';
  const format = opts.format ?? 'jpg';
  const root = opts.cacheDir ?? path.join(os.tmpdir(), 'exemplar-landmarks', 'video-frames');
  const dir = cacheFolder(video, root, format);
  const done = path.join(dir, DONE);
  if (fs.existsSync(done)) {
    const meta = JSON.parse(fs.readFileSync(done, 'utf8')) as { count: number };
    return { dir, count: meta.count, ext: format };
  }
  fs.mkdirSync(root, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(root, '.partial-'));
  try {
    const quality = format === 'jpg' ? ['-q:v', '2'] : [];
    const out = path.join(tmp, `%06d.${format}`);
    const base = ['-nostdin', '-v', 'error', '-i', video];
    let r = runFfmpeg(ffmpeg, [...base, '-fps_mode', 'passthrough', '-start_number', '1', ...quality, out]);
    if (!r.missing && r.status !== 0 && /fps_mode/.test(r.stderr)) {
      // ffmpeg older than 5.1 knows the same setting as -vsync 0
      r = runFfmpeg(ffmpeg, [...base, '-vsync', '0', '-start_number', '1', ...quality, out]);
    }
    if (r.missing) {
      throw new EnvironmentError(
        `${fn}: the program '${ffmpeg}' was not found on PATH; it is needed to decode ${video}. ` +
          `Install ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg; ` +
          `Windows: winget install ffmpeg) or put the frames in a frames/ folder beside it (000001.jpg, …).`,
      );
    }
    if (r.status !== 0) {
      const msg = r.stderr.trim().split('\n').slice(-3).join(' | ');
      throw new FormatError(`${fn}: ${video}: ffmpeg could not decode it (exit ${r.status}): ${msg}`, {
        file: video,
      });
    }
    const count = fs.readdirSync(tmp).filter((f) => f.endsWith(`.${format}`)).length;
    if (count === 0) throw new FormatError(`${fn}: ${video}: ffmpeg decoded no frames`, { file: video });
    fs.writeFileSync(path.join(tmp, DONE), JSON.stringify({ video: path.resolve(video), count }));
    try {
      fs.renameSync(tmp, dir);
    } catch (e) {
      // another process finished the same video first: use its frames
      if (!fs.existsSync(done)) throw e;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    return { dir, count, ext: format };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
