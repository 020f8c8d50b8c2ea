/** The 300-VW benchmark category of a frame, for per-category tables (`summaryByGroup`, `evaluateProtocol`). */
import { vw300Category } from '../data/datasets/vw300Categories';

/**
 * 'train', 'test1', 'test2' or 'test3' for a 300-VW frame (its `meta.category`, else the category of its video id
 * `group`), 'other' for anything else.
 * @example const cats = frames.map((f) => evaluate.vw300CategoryOf(f))
 */
export function vw300CategoryOf(info: { group?: string; meta?: Record<string, unknown> }): string {
  const c = info?.meta?.category;
  if (typeof c === 'string') return c;
  return (typeof info?.group === 'string' ? vw300Category(info.group) : undefined) ?? 'other';
}
