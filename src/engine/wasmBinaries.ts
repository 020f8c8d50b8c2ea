import * as path from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const BINARIES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

let done = false;

/**
 * Points the wasm backend at its `.wasm` files by absolute path, resolved through Node's module resolution. The
 * backend's own default (the directory of its bundled script) also works when the package is used unbundled from
 * node_modules; the absolute map keeps working when this library's code is bundled or run from dist/ or tsx.
 * Must run before the wasm backend is first initialised; later calls do nothing.
 */
export function configureWasmBinaries(): void {
  if (done) return;
  done = true;
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  const map: Record<string, string> = {};
  for (const b of BINARIES) map[b] = path.join(dir, b);
  try {
    setWasmPaths(map);
  } catch {
    // setWasmPaths throws only when a previous wasm initialisation was aborted; the paths cannot matter then.
  }
}
