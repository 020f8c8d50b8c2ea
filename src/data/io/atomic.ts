/** Atomic file writes: write a temporary file beside the target, then rename it over the target. */
import * as fs from 'node:fs';
import * as path from 'node:path';

let counter = 0;

/**
 * Writes `data` to `file` so that readers see either the old file or the complete new one, never a
 * half-written file: the bytes go to `<file>.<pid>.<n>.tmp` in the same folder, are flushed, and the
 * temporary file is renamed over `file`. On any failure the temporary file is removed and the error
 * is rethrown. The folder must exist.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${counter++}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx');
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
