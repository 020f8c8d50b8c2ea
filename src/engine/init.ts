import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { EnvironmentError, ValueError } from '../errors';
import { backends, isBackendName, type BackendName } from './backendName';
import type { EngineInfo, SkippedBackend } from './engineInfo';
import { engineState } from './engineState';
import { nativeGpuStatus, type NativeBackendFlags } from './gpuDevice';
import { info } from './info';
import { loadNativeBackend, NATIVE_PACKAGES, type NativeBackendName } from './nativeBackend';
import { registerWasmKernels } from './wasm/registerWasmKernels';
import { configureWasmBinaries } from './wasmBinaries';

/** Options of {@link init}. */
export interface InitOptions {
  /**
   * Use exactly this backend, or fail with `EnvironmentError` saying why it is unavailable. Takes precedence over
   * the `XL_BACKEND` environment variable.
   * @default undefined (the `XL_BACKEND` variable if set, else the first that loads of
   *   'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu')
   */
  backend?: BackendName;
}

const VALID = backends.map((b) => `'${b}'`).join(', ');

/** Which backend a request asks for, validated; null = automatic order. */
function requested(opts: InitOptions): { name: BackendName | null; by: EngineInfo['forcedBy'] } {
  if (opts.backend !== undefined) {
    if (typeof opts.backend !== 'string' || !isBackendName(opts.backend)) {
      throw new ValueError(
        `engine.init: argument 'backend' expected one of ${VALID}, got ${JSON.stringify(opts.backend)}`,
      );
    }
    return { name: opts.backend, by: 'argument' };
  }
  const env = process.env.XL_BACKEND?.trim() ?? '';
  if (env === '') return { name: null, by: null };
  if (!isBackendName(env)) {
    throw new ValueError(
      `engine.init: environment variable XL_BACKEND expected one of ${VALID}, got '${env}'`,
    );
  }
  return { name: env, by: 'XL_BACKEND' };
}

/**
 * tfjs's cpu backend prints a banner advising to install tfjs-node on its first tensor in Node. Choosing cpu here
 * is deliberate (or the last resort, reported by `info().skipped`), so the banner is switched off through the
 * backend's `firstUse` field (private; setting it on a version without it does nothing).
 */
function quietCpuBackend(): void {
  const cpu = tf.findBackend('cpu') as (tf.KernelBackend & { firstUse?: boolean }) | null;
  if (cpu !== null) cpu.firstUse = false;
}

/** Tries one backend; returns null on success, else why it is unavailable. */
async function tryBackend(name: BackendName): Promise<{ reason: string; absent: boolean } | null> {
  if (name === 'tensorflow-gpu' || name === 'tensorflow') {
    const loaded = loadNativeBackend(name as NativeBackendName);
    if (!loaded.ok) return loaded;
    if (!(await tf.setBackend('tensorflow'))) {
      return {
        reason: `${NATIVE_PACKAGES[name]} loaded but its backend failed to initialise`,
        absent: false,
      };
    }
    const status = nativeGpuStatus(tf.backend() as NativeBackendFlags, name as NativeBackendName);
    engineState.gpu = status.gpu;
    engineState.device = status.device;
    engineState.warnings = status.warnings;
    for (const w of status.warnings) process.emitWarning(w, 'EngineWarning');
    return null;
  }
  if (name === 'wasm') configureWasmBinaries();
  if (!(await tf.setBackend(name))) {
    return {
      reason: `the ${name} backend failed to initialise (see the warning tfjs printed above)`,
      absent: false,
    };
  }
  engineState.gpu = false;
  engineState.device = null;
  engineState.warnings = [];
  if (name === 'wasm') registerWasmKernels();
  if (name === 'cpu') quietCpuBackend();
  return null;
}

async function select(name: BackendName | null, by: EngineInfo['forcedBy']): Promise<EngineInfo> {
  const skipped: SkippedBackend[] = [];
  for (const b of name === null ? backends : [name]) {
    const failure = await tryBackend(b);
    if (failure === null) {
      engineState.active = b;
      engineState.forcedBy = by;
      engineState.skipped = skipped;
      return info();
    }
    if (name !== null) {
      const how = by === 'XL_BACKEND' ? `XL_BACKEND=${b}` : `engine.init({ backend: '${b}' })`;
      const hint =
        b === 'tensorflow-gpu'
          ? `; install it with \`npm install ${NATIVE_PACKAGES[b]}@${tf.version_core}\` (needs CUDA and cuDNN)`
          : b === 'tensorflow'
            ? `; install it with \`npm install ${NATIVE_PACKAGES[b]}@${tf.version_core}\``
            : '';
      throw new EnvironmentError(
        `engine.init: backend '${b}' was requested (${how}) but ${failure.reason}${hint}`,
      );
    }
    skipped.push({ backend: b, reason: failure.reason });
  }
  // Unreachable in practice: tfjs's cpu backend is always registered.
  throw new EnvironmentError(
    `engine.init: no backend could be initialised: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`,
  );
}

interface Entry {
  key: BackendName | null;
  promise: Promise<EngineInfo>;
}

/** The latest request (possibly in flight) and the latest one that succeeded. */
let pending: Entry | null = null;
let lastGood: Entry | null = null;

/**
 * Selects and initialises the tensor backend, once. Tries `tensorflow-gpu`, `tensorflow`, `wasm`, `cpu` in that
 * order (the two native ones only when their optional npm packages are installed); `XL_BACKEND` or
 * `opts.backend` forces one. On wasm it also registers the training kernels wasm lacks. Idempotent and safe to call
 * concurrently: calls share one promise; a later call that names a different backend switches to it.
 * @example const { backend } = await engine.init(); // 'wasm' on a machine without libtensorflow
 * @throws ValueError for an unknown backend name; EnvironmentError when a forced backend cannot load.
 */
export function init(opts: InitOptions = {}): Promise<EngineInfo> {
  let req: ReturnType<typeof requested>;
  try {
    if (typeof opts !== 'object' || opts === null) {
      throw new ValueError(
        `engine.init: argument 'opts' expected an object, got ${opts === null ? 'null' : typeof opts}`,
      );
    }
    req = requested(opts);
  } catch (e) {
    return Promise.reject(e);
  }
  if (pending !== null && (req.name === null || req.name === pending.key)) return pending.promise;
  const before = pending?.promise.catch(() => undefined) ?? Promise.resolve(undefined);
  const entry: Entry = { key: req.name, promise: before.then(() => select(req.name, req.by)) };
  pending = entry;
  entry.promise.then(
    () => {
      lastGood = entry;
    },
    () => {
      // A failed request changes nothing: later calls see the previous choice (or try again if there was none).
      if (pending === entry) pending = lastGood;
    },
  );
  return entry.promise;
}

/**
 * Switches to `name` (same as `init({ backend: name })`).
 * @example await engine.setBackend('cpu');
 */
export function setBackend(name: BackendName): Promise<EngineInfo> {
  return init({ backend: name });
}
