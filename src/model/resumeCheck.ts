/**
 * Whether a checkpoint may be resumed by a run with the given settings. "Exact resume" (a run resumed after epoch e
 * ends with the weights of an uninterrupted run) holds only when every setting that shapes the steps is the same:
 * the loss, tau, head, batch size, seed, learning rates and, for the sampled head, its negatives, positives per
 * example, hard negatives and row-Adam mode. A difference is refused with a TrainingError that lists each one (name,
 * value in the checkpoint, value now); `inexact` accepts those that leave the saved state usable, and the run is
 * then no longer exact. Settings that change what the checkpoint holds (the head kind, the row-Adam mode) are
 * refused either way.
 */
import { TrainingError } from '../errors';

/** Settings whose change makes the checkpoint's state unusable (its arrays have another layout). */
export const RESUME_LAYOUT_SETTINGS: readonly string[] = ['head', 'rowAdam'];

/** One setting that differs between a checkpoint and the run resuming it. */
export interface SettingDifference {
  name: string;
  /** Value stored in the checkpoint (undefined: not recorded there). */
  saved: unknown;
  /** Value of the resuming run (undefined: not set, i.e. at the default that is not recorded). */
  current: unknown;
}

/** The settings that differ between two settings records, in the order of their names' first appearance. */
export function settingDifferences(
  saved: Record<string, unknown>,
  current: Record<string, unknown>,
): SettingDifference[] {
  const names = [...new Set([...Object.keys(current), ...Object.keys(saved)])];
  return names
    .filter((n) => JSON.stringify(saved[n]) !== JSON.stringify(current[n]))
    .map((name) => ({ name, saved: saved[name], current: current[name] }));
}

const show = (v: unknown): string => (v === undefined ? '(not recorded)' : JSON.stringify(v));

/**
 * Checks the checkpoint `file`'s recorded settings against the resuming run's. Returns the differences accepted
 * (empty when the resume is exact); throws TrainingError listing them when any is refused.
 * @example resumeSettingsCheck('train', file, header.train, trainSettings(o), o.inexactResume)
 */
export function resumeSettingsCheck(
  fn: string,
  file: string,
  saved: unknown,
  current: Record<string, unknown>,
  inexact = false,
): SettingDifference[] {
  const rec =
    typeof saved === 'object' && saved !== null && !Array.isArray(saved)
      ? (saved as Record<string, unknown>)
      : {};
  const diffs = settingDifferences(rec, current);
  if (diffs.length === 0) return diffs;
  const list = diffs
    .map((d) => `${d.name} ${show(d.saved)} in the checkpoint, ${show(d.current)} now`)
    .join('; ');
  const layout = diffs.filter((d) => RESUME_LAYOUT_SETTINGS.includes(d.name));
  if (layout.length > 0) {
    throw new TrainingError(
      `${fn}: checkpoint ${file} was trained with ${JSON.stringify(saved)} and cannot be resumed with other settings (${list}): ${layout.map((d) => d.name).join(', ')} change what the checkpoint holds; train with the checkpoint's settings or start without resume`,
    );
  }
  if (!inexact) {
    throw new TrainingError(
      `${fn}: checkpoint ${file} was trained with ${JSON.stringify(saved)}, other settings than now (${list}); resuming would not be exact: use the checkpoint's settings, or pass inexactResume: true to continue with the new ones`,
    );
  }
  return diffs;
}
