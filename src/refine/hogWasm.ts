/**
 * The HOG descriptors of interior points in WebAssembly (wasm/hogInterior.wat: four window samples at a time in
 * 128-bit SIMD, the orientation branch-free, float32), for hog.ts: a point whose (side + 1)² tap window lies inside the
 * maps goes here, a border point stays in hog.ts's JavaScript loop. One instance per thread owns a plain
 * WebAssembly.Memory laid out per call as [gx | gy | column cells | points | descriptors]; null where the host has no
 * WebAssembly SIMD (hog.ts then runs every point in JavaScript).
 */
import type { GradientMaps, HogSpec } from './hog';
import { WASM_BASE64 } from './wasm/hogInteriorWasm';
import { instantiate, lazyKernel, type WasmMemory } from './ridgeWasm';

type HogFn = (
  gx: number,
  gy: number,
  W: number,
  pts: number,
  n: number,
  side: number,
  cells: number,
  cellSize: number,
  bins: number,
  colCell: number,
  out: number,
) => void;

const PAGE = 65536;
/** Floats readable after each map (a window's last 4-lane block may read up to 4 past its last tap). */
const SLACK = 8;
/** Bytes per point record: i32 top-left tap index, f32 w00, w10, w01, w11. */
const POINT_BYTES = 20;

const align16 = (n: number): number => (n + 15) & ~15;

/** A WebAssembly instance of the interior-point descriptors; one call = begin, fill `points`, run. */
export class HogKernel {
  private readonly memory: WasmMemory;
  private readonly hog: HogFn;
  private layout = { gx: 0, gy: 0, W: 0, colCell: 0, pts: 0, out: 0, side: 0, L: 0 };
  private spec: HogSpec = { cells: 0, cellSize: 0, bins: 0 };
  /** Point records of the current call: i32 view (tap index at 5k) and f32 view (weights at 5k + 1 … 5k + 4). */
  pointsI = new Int32Array(0);
  pointsF = new Float32Array(0);

  constructor() {
    ({ memory: this.memory, fn: this.hog } = instantiate<HogFn>(WASM_BASE64, 'hog'));
  }

  /** Copies the maps, lays out room for `n` points of `spec`; fill pointsI / pointsF, then call run. */
  begin(maps: GradientMaps, spec: HogSpec, n: number): void {
    const { width: W, height: H, gx, gy } = maps;
    const side = spec.cells * spec.cellSize;
    const cols = (side + 3) & ~3;
    const L = spec.cells * spec.cells * spec.bins;
    const mapBytes = align16((W * H + SLACK) * 4);
    const l = { gx: 0, gy: mapBytes, W, colCell: 2 * mapBytes, pts: 0, out: 0, side, L };
    l.pts = align16(l.colCell + cols * 4);
    l.out = align16(l.pts + n * POINT_BYTES);
    const end = l.out + n * L * 4;
    const need = Math.ceil(end / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (need > 0) this.memory.grow(need);
    const buf = this.memory.buffer;
    const f = new Float32Array(buf);
    f.set(gx, l.gx / 4);
    f.fill(0, l.gx / 4 + W * H, l.gx / 4 + W * H + SLACK);
    f.set(gy, l.gy / 4);
    f.fill(0, l.gy / 4 + W * H, l.gy / 4 + W * H + SLACK);
    const colCell = new Int32Array(buf, l.colCell, cols);
    for (let c = 0; c < cols; c++)
      colCell[c] = Math.min(Math.floor(c / spec.cellSize), spec.cells - 1) * spec.bins;
    this.pointsI = new Int32Array(buf, l.pts, n * 5);
    this.pointsF = new Float32Array(buf, l.pts, n * 5);
    this.layout = l;
    this.spec = spec;
  }

  /** Runs the first `n` point records; returns their descriptors (n × L, a view valid until the next call). */
  run(n: number): Float32Array {
    const l = this.layout;
    const { cells, cellSize, bins } = this.spec;
    this.hog(l.gx, l.gy, l.W, l.pts, n, l.side, cells, cellSize, bins, l.colCell, l.out);
    return new Float32Array(this.memory.buffer, l.out, n * l.L);
  }
}

/** This thread's WebAssembly descriptor kernel, made on first use; null where the host cannot run it. */
export const hogKernel = lazyKernel(() => new HogKernel());
