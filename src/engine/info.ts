import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { NotFittedError } from '../errors';
import { isBackendName, type BackendName } from './backendName';
import type { EngineInfo } from './engineInfo';
import { engineState } from './engineState';

/** The SIMD flag the wasm backend chose its binary by (evaluated during its initialisation). */
function wasmSimd(): boolean | null {
  try {
    return tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  } catch {
    return null; // not evaluated yet: the wasm backend has not initialised
  }
}

/** The engine's name for the backend tfjs has active (someone may have called tf.setBackend directly). */
function activeName(): BackendName | null {
  const name = tf.getBackend();
  if (name === 'tensorflow') {
    return engineState.active === 'tensorflow-gpu' || engineState.active === 'tensorflow'
      ? engineState.active
      : 'tensorflow';
  }
  return name !== undefined && isBackendName(name) ? name : engineState.active;
}

/**
 * Reports the active backend, GPU use, memory, tfjs version and the kernels this module registered.
 * @example engine.info().memory.numTensors
 * @throws NotFittedError before `init` has finished.
 */
export function info(): EngineInfo {
  const active = engineState.active === null ? null : activeName();
  if (active === null) throw new NotFittedError('engine.info: call `await engine.init()` first');
  const mem = tf.memory();
  let wasmHeapBytes: number | null = null;
  let simd: boolean | null = null;
  let threads: number | null = null;
  if (active === 'wasm') {
    const b = tf.findBackend('wasm') as BackendWasm | null;
    if (b !== null) {
      // The Emscripten module's HEAPU8 is untyped here (its types come from @types/emscripten, not installed).
      wasmHeapBytes = (b.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer.byteLength;
      threads = b.wasm.tfjs.getThreadsCount();
    }
    simd = wasmSimd();
  }
  const tfName = active === 'tensorflow-gpu' ? 'tensorflow' : active;
  return {
    backend: active,
    gpu: engineState.gpu,
    device: engineState.device,
    warnings: [...engineState.warnings],
    forcedBy: engineState.forcedBy,
    skipped: engineState.skipped.map((s) => ({ ...s })),
    simd,
    threads,
    tfjsVersion: tf.version_core,
    kernels: [...(engineState.kernels.get(tfName) ?? [])].sort(),
    memory: {
      numTensors: mem.numTensors,
      numBytes: mem.numBytes,
      wasmHeapBytes,
      rssBytes: typeof process !== 'undefined' ? process.memoryUsage().rss : null,
    },
  };
}
