import type { BackendName } from './backendName';

/** A backend that `init` tried and passed over, and why (e.g. `@tensorflow/tfjs-node is not installed`). */
export interface SkippedBackend {
  backend: BackendName;
  reason: string;
}

/** Memory in use, as far as the backend can tell. */
export interface EngineMemory {
  /** Live tensors (`tf.memory().numTensors`). */
  numTensors: number;
  /** Bytes held by live tensors (`tf.memory().numBytes`). */
  numBytes: number;
  /** Size of the wasm linear memory (grows, never shrinks); null on other backends. */
  wasmHeapBytes: number | null;
  /** Resident set size of this process (`process.memoryUsage().rss`); null outside Node. */
  rssBytes: number | null;
}

/** What `engine.info()` reports. */
export interface EngineInfo {
  /** The backend in use. */
  backend: BackendName;
  /** True when the CUDA build of libtensorflow (`@tensorflow/tfjs-node-gpu`) is in use. */
  gpu: boolean;
  /** Who chose the backend: the `backend` argument, the `XL_BACKEND` variable, or the automatic order (null). */
  forcedBy: 'argument' | 'XL_BACKEND' | null;
  /** Backends tried before the chosen one, with the reason each was passed over. */
  skipped: SkippedBackend[];
  /** wasm only: whether the SIMD build of the wasm binary is loaded; null on other backends. */
  simd: boolean | null;
  /** wasm only: threads the wasm backend uses (1 in Node); null on other backends. */
  threads: number | null;
  /** `@tensorflow/tfjs-core` version. */
  tfjsVersion: string;
  /** Kernels this module registered (or replaced) on the active backend, sorted. */
  kernels: string[];
  memory: EngineMemory;
}
