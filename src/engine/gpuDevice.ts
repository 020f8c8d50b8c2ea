/**
 * Whether the native backend really runs on a GPU, from the backend itself rather than from the package's name.
 *
 * tfjs-node's backend object (`NodeJSKernelBackend`, what `tf.backend()` returns on 'tensorflow') carries two
 * fields in 4.22: `isGPUPackage` (the package is `@tensorflow/tfjs-node-gpu`) and `isUsingGpuDevice`, set once in
 * its constructor from the binding's `isUsingGpuDevice()`, which asks libtensorflow's eager context whether its
 * device list holds a GPU device. So `gpu` is a device check made by TensorFlow. tfjs-node exposes no device names;
 * the name reported here is the NVIDIA driver's (`/proc/driver/nvidia/gpus/<bus>/information`, Linux), read only
 * when TensorFlow says it uses a GPU, and null elsewhere.
 *
 * The CUDA build can load and still run on the CPU (libcudart / libcudnn not found, or a driver too old): that is
 * reported as a warning naming what the build needs. `@tensorflow/tfjs-node-gpu` 4.x links libtensorflow built for
 * CUDA 11.2 with cuDNN 8 (tfjs-node README: "Linux GPU (Ubuntu 14.04 or higher and CUDA 11.2 w/ CUDNN v8)"), Linux
 * x86-64 (and Windows) only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NativeBackendName } from './nativeBackend';

/** What the CUDA build of tfjs-node 4.x needs, as its README states. */
export const CUDA_REQUIREMENT =
  'an NVIDIA driver, CUDA 11.2 and cuDNN 8 (libcudart.so.11.0, libcudnn.so.8 on the library path)';

/** The outcome of the device check. */
export interface GpuStatus {
  /** TensorFlow reports a GPU device in use. */
  gpu: boolean;
  /** GPU name where available (NVIDIA driver's model line), else null. */
  device: string | null;
  /** Problems worth telling the user (the CUDA build on the CPU, a backend without the device flag). */
  warnings: string[];
}

/** The two fields of tfjs-node's backend object this reads (anything else is ignored). */
export interface NativeBackendFlags {
  isUsingGpuDevice?: unknown;
  isGPUPackage?: unknown;
}

/** The NVIDIA driver's name of the first GPU (Linux), or null. */
export function nvidiaDeviceName(root = '/proc/driver/nvidia/gpus'): string | null {
  try {
    for (const bus of fs.readdirSync(root).sort()) {
      const text = fs.readFileSync(path.join(root, bus, 'information'), 'utf8');
      const m = /^Model:\s*(.+)$/m.exec(text);
      if (m) return m[1].trim();
    }
  } catch {
    // no NVIDIA driver (or not Linux): no name
  }
  return null;
}

/**
 * The device check for a native backend object (`tf.backend()` after `setBackend('tensorflow')`), loaded from the
 * package of `name`. `deviceName` is injectable for tests.
 */
export function nativeGpuStatus(
  backend: NativeBackendFlags | null | undefined,
  name: NativeBackendName,
  deviceName: () => string | null = nvidiaDeviceName,
): GpuStatus {
  const flag = backend?.isUsingGpuDevice;
  const gpuBuild = name === 'tensorflow-gpu' || backend?.isGPUPackage === true;
  if (typeof flag !== 'boolean') {
    return {
      gpu: false,
      device: null,
      warnings: gpuBuild
        ? [
            `engine: the tensorflow backend has no isUsingGpuDevice flag (not tfjs-node 4.x?), so GPU use cannot be checked; reported as gpu: false`,
          ]
        : [],
    };
  }
  if (flag) return { gpu: true, device: deviceName(), warnings: [] };
  return {
    gpu: false,
    device: null,
    warnings: gpuBuild
      ? [
          `engine: @tensorflow/tfjs-node-gpu loaded but TensorFlow found no GPU device, so it runs on the CPU; it needs ${CUDA_REQUIREMENT}`,
        ]
      : [],
  };
}
