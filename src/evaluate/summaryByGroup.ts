/** Summaries per group of faces (300-VW categories, datasets, poses): one evaluationSummary per label. */
import { ShapeError } from '../errors';
import { describe } from '../util/validate';
import {
  evaluationSummary,
  type EvaluationSummary,
  type EvaluationSummaryOptions,
} from './evaluationSummary';

/** One group's summary. */
export interface GroupSummary extends EvaluationSummary {
  group: string;
}

/**
 * Mean, median, AUC and failure rate of the errors of each group, groups in order of first appearance.
 * @example evaluate.summaryByGroup(nme, frames.map((f) => evaluate.vw300CategoryOf(f))) // test1, test2, test3
 */
export function summaryByGroup(
  errors: ArrayLike<number>,
  groups: readonly string[],
  options: EvaluationSummaryOptions = {},
): GroupSummary[] {
  const fn = 'summaryByGroup';
  if (!Array.isArray(groups) || groups.length !== errors?.length || groups.length === 0) {
    throw new ShapeError(
      `${fn}: argument 'groups' expected one label per error (${errors?.length}, at least one), got ${describe(groups)}`,
    );
  }
  const members = new Map<string, number[]>();
  groups.forEach((g, i) => {
    if (typeof g !== 'string') {
      throw new ShapeError(`${fn}: argument 'groups[${i}]' expected a string, got ${describe(g)}`);
    }
    const list = members.get(g);
    if (list) list.push(i);
    else members.set(g, [i]);
  });
  return [...members].map(([group, idx]) => ({
    group,
    ...evaluationSummary(
      idx.map((i) => errors[i]),
      options,
    ),
  }));
}
