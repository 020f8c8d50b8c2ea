/**
 * The tensor engine: picks the tfjs backend at run time (tensorflow-gpu, tensorflow, wasm, cpu; `XL_BACKEND`
 * forces one) and, on wasm, registers the training kernels wasm lacks. Everything else uses
 * `import * as tf from '@tensorflow/tfjs'` directly: the backend is tfjs's own global.
 */
export { backends, isBackendName, type BackendName } from './backendName';
export type { EngineInfo, EngineMemory, SkippedBackend } from './engineInfo';
export { info } from './info';
export { init, setBackend, type InitOptions } from './init';
