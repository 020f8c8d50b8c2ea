import type { BackendName } from './backendName';
import type { EngineInfo, SkippedBackend } from './engineInfo';

/** What `init` decided; read by `info`. One per process, like tfjs's own backend registry. */
export const engineState: {
  active: BackendName | null;
  gpu: boolean;
  device: string | null;
  warnings: string[];
  forcedBy: EngineInfo['forcedBy'];
  skipped: SkippedBackend[];
  /** Kernel names this module registered, per backend. */
  kernels: Map<string, Set<string>>;
} = {
  active: null,
  gpu: false,
  device: null,
  warnings: [],
  forcedBy: null,
  skipped: [],
  kernels: new Map(),
};
