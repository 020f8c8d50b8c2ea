import * as tf from '@tensorflow/tfjs';

/** npm package that provides each native backend (both register the tfjs backend named 'tensorflow'). */
export const NATIVE_PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;

export type NativeBackendName = keyof typeof NATIVE_PACKAGES;

/** Outcome of trying to load a native backend package. */
export type NativeLoad = { ok: true } | { ok: false; absent: boolean; reason: string };

function isModuleNotFound(e: unknown, pkg: string): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'MODULE_NOT_FOUND' && e.message.startsWith(`Cannot find module '${pkg}'`);
}

/**
 * The package an npm alias put in `pkg`'s folder (`name@version`), or null when the folder holds `pkg` itself or
 * nothing. danfojs-node's override (package.json "overrides") installs `@tensorflow/tfjs-node` as an alias of the
 * pure-JS `@tensorflow/tfjs`: that is not a native backend and must not be loaded as one.
 */
export function aliasOf(pkg: string): string | null {
  let meta: { name?: unknown; version?: unknown };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the optional package's manifest only
    meta = require(`${pkg}/package.json`) as { name?: unknown; version?: unknown };
  } catch {
    return null;
  }
  return meta.name === pkg ? null : `${String(meta.name)}@${String(meta.version)}`;
}

/**
 * Loads `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node` if installed. They are optional dependencies that
 * download libtensorflow at install time, so their absence is the normal case: it is reported as `absent`, without
 * logging (so is an npm alias of another package in its folder, see aliasOf). A package that is present but fails to load (missing libtensorflow or CUDA libraries, or a copy that
 * registered its backend with a different `@tensorflow/tfjs-core`) is reported with the reason.
 */
export function loadNativeBackend(name: NativeBackendName): NativeLoad {
  const pkg = NATIVE_PACKAGES[name];
  const alias = aliasOf(pkg);
  if (alias !== null) {
    return {
      ok: false,
      absent: true,
      reason: `${pkg} is not installed (its folder holds ${alias}, an npm alias)`,
    };
  }
  try {
    // A computed require keeps the optional package out of type checking and bundling; it needs no types
    // because only its side effect (registering the 'tensorflow' backend) is used.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(pkg);
  } catch (e) {
    if (isModuleNotFound(e, pkg)) return { ok: false, absent: true, reason: `${pkg} is not installed` };
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { ok: false, absent: false, reason: `${pkg} is installed but failed to load: ${msg}` };
  }
  if (tf.findBackendFactory('tensorflow') == null) {
    return {
      ok: false,
      absent: false,
      reason:
        `${pkg} loaded but registered its backend with another copy of @tensorflow/tfjs-core than this ` +
        `package's ${tf.version_core}; install the matching version (npm install ${pkg}@${tf.version_core})`,
    };
  }
  return { ok: true };
}
