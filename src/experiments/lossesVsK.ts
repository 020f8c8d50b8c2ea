/**
 * The paper's Fig. 3: for each K (k-means classes, or K = M exemplar classes) and each loss, train a classifier on
 * the experiment's training faces and score it on its validation faces (landmark error, classification accuracy,
 * multi-label error; see scoreClassifier). One class table per K is shared by the losses; every run starts from
 * the same initial weights (same model seed).
 */
import { LOSSES, type LossKind, type ModelOptions } from '../model/config';
import type { TrainOptions } from '../model/train';
import { failureRate } from '../evaluate/failureRate';
import { ValueError } from '../errors';
import { assertOneOf, assertPositive, describe } from '../util/validate';
import { classTableFor, resolveK, type KSpec } from './classTableFor';
import type { ExperimentData } from './prepareData';
import { scoreClassifier } from './scoreClassifier';
import { trainClassifier } from './trainClassifier';

/** One (loss, K) result. */
export interface LossesVsKRow {
  loss: LossKind;
  /** Classes actually used. */
  K: number;
  /** True for K = M (exemplar classes). */
  exemplar: boolean;
  /** Training faces. */
  M: number;
  /** Mean error / box diagonal of the expected shape on validation. */
  landmarkError: number;
  /** Mean error / box diagonal of the MAP shape on validation. */
  landmarkErrorMap: number;
  /** Top-1 class = nearest class, on validation. */
  classificationAccuracy: number;
  /** Top-1 class outside M_i (radius tau), on validation. */
  multiLabelError: number;
  /** Fraction of validation faces with expected-shape error > 0.08. */
  failureRate: number;
  /** Training throughput of the run (a measurement, not a result: depends on the machine's load). */
  imagesPerSecond: number;
}

/** Options of `lossesVsK`. */
export interface LossesVsKOptions {
  /** Class counts; values above M are skipped (listed in `skipped`). @default [10, 100, 1000, 10000, 'M'] */
  Ks?: KSpec[];
  /** Losses. @default ['softmax', 'softTarget', 'multiLabel'] */
  losses?: LossKind[];
  /** Model options. @default {} */
  model?: ModelOptions;
  /** Trainer options (epochs, batchSize, tau, learningRate, …). @default { epochs: 10 } */
  train?: Omit<TrainOptions, 'loss' | 'validation'>;
  /** Seed of k-means. @default 0 */
  tableSeed?: number;
  /** Called after each row (progress, incremental saving). @default none */
  onRow?: (row: LossesVsKRow) => void;
}

/** What `lossesVsK` returns. */
export interface LossesVsKResult {
  rows: LossesVsKRow[];
  /** K values left out because they exceed the training faces. */
  skipped: Array<{ K: KSpec; reason: string }>;
  /** Membership radius used by training and by the multi-label error. */
  tau: number;
}

/**
 * Runs the grid (see the module comment).
 * @example const { rows } = await lossesVsK(data, { Ks: [10, 100, 'M'], train: { epochs: 5 } })
 */
export async function lossesVsK(data: ExperimentData, opts: LossesVsKOptions = {}): Promise<LossesVsKResult> {
  const fn = 'lossesVsK';
  if (typeof data !== 'object' || data === null || !Array.isArray(data.train)) {
    throw new ValueError(
      `${fn}: argument 'data' expected ExperimentData (prepareData), got ${describe(data)}`,
    );
  }
  const Ks = opts.Ks ?? [10, 100, 1000, 10000, 'M'];
  if (!Array.isArray(Ks) || Ks.length === 0) {
    throw new ValueError(
      `${fn}: argument 'Ks' expected a non-empty array of numbers or 'M', got ${describe(Ks)}`,
    );
  }
  const losses = opts.losses ?? [...LOSSES];
  if (!Array.isArray(losses) || losses.length === 0) {
    throw new ValueError(`${fn}: argument 'losses' expected a non-empty array, got ${describe(losses)}`);
  }
  losses.forEach((l, i) => assertOneOf(fn, `losses[${i}]`, l, LOSSES));
  const M = data.train.length;
  const tau = opts.train?.tau ?? 0.05;
  assertPositive(fn, 'train.tau', tau);
  const skipped: LossesVsKResult['skipped'] = [];
  const usable: KSpec[] = [];
  for (const K of Ks) {
    if (K !== 'M' && typeof K === 'number' && Number.isInteger(K) && K > M) {
      skipped.push({ K, reason: `K ${K} > M = ${M} training faces` });
    } else {
      resolveK(fn, K, M);
      usable.push(K);
    }
  }
  const rows: LossesVsKRow[] = [];
  for (const K of usable) {
    const table = classTableFor(data, K, { seed: opts.tableSeed ?? 0, tau });
    for (const loss of losses) {
      const run = await trainClassifier(
        data,
        { loss, model: opts.model, train: { ...opts.train, tau } },
        table,
      );
      try {
        const s = scoreClassifier(run.model, data.validation, { tau });
        const h = run.result.history;
        const row: LossesVsKRow = {
          loss,
          K: table.K,
          exemplar: K === 'M',
          M,
          landmarkError: s.landmarkError,
          landmarkErrorMap: s.landmarkErrorMap,
          classificationAccuracy: s.classificationAccuracy,
          multiLabelError: s.multiLabelError,
          failureRate: failureRate(s.errors, 0.08),
          imagesPerSecond: h.reduce((a, e) => a + e.imagesPerSecond, 0) / h.length,
        };
        rows.push(row);
        opts.onRow?.(row);
      } finally {
        run.model.dispose();
      }
    }
  }
  return { rows, skipped, tau };
}
