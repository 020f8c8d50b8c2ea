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
  /**
   * True when TensorFlow reports that it runs on a GPU device (tfjs-node's `isUsingGpuDevice`, a device check made
   * by libtensorflow; see gpuDevice.ts). False on wasm and cpu, and for the CUDA build running on the CPU.
   */
  gpu: boolean;
  /** The GPU's name where available (NVIDIA driver, Linux) when `gpu` is true; null otherwise. */
  device: string | null;
  /** Problems with the chosen backend, e.g. the CUDA build loaded but running on the CPU (with what it needs). */
  warnings: string[];
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
