/**
 * One training step of each head, behind one interface for the trainer's loop:
 *
 * - `DenseHeadTrainer`: tf variables Wᵀ (D × K) and b, one Adam over backbone and head, gradients by autodiff
 *   through matMulPlain (which avoids wasm's slow transposed products). The B × K target is built on the engine from
 *   the membership indices (deviceTargets.ts) or, with `targets: 'host'`, in JavaScript (losses.ts targetMatrix).
 * - `SampledHeadTrainer`: the sampled multi-label head (sampledHead.ts: JS-side rows, per-row Adam); the backbone's
 *   gradient flows through dL/df by differentiating the surrogate Σ f ⊙ stop(dL/df). Optionally with hard negatives.
 *
 * A step returns the batch loss and applies the update only when it is finite (the trainer then throws).
 */
import * as tf from '@tensorflow/tfjs';
import { classNeighbors, type ClassGraph } from '../classes/classNeighbors';
import type { Rng } from '../util/rng';
import type { BatchTargets } from './batchTargets';
import { denseLoss, targetMatrix } from './losses';
import { deviceTargets } from './deviceTargets';
import type { ExemplarModel } from './exemplarModel';
import { matMulPlain } from './matMulPlain';
import { hardNegativeSet, RowAdam, SampledHeadScratch, sampledHeadStep } from './sampledHead';
import { transpose } from './transpose';
import type { ResolvedTrainOptions } from './trainOptions';

/** What the trainer's loop needs from a head. */
export interface HeadTrainer {
  /** The row Adam of the sampled head (checkpointed), null for the dense head. */
  readonly rowAdam: RowAdam | null;
  /** One step on the batch `xt` (B images); returns the loss, the update applied only if it is finite. */
  step(xt: tf.Tensor4D, B: number, targets: BatchTargets, rng: Rng): number;
  /** Copies the engine-side head into the model's head (ExemplarModel.updateHead: its caches are refreshed). */
  syncToModel(): void;
  /** Reloads the engine-side head from the model's head (after a resume). */
  reloadFromModel(): void;
  dispose(): void;
}

/** tfjs types the gradient map as variables; applyGradients only reads them as tensors. */
export function applyGrads(optimizer: tf.Optimizer, grads: tf.NamedTensorMap): void {
  optimizer.applyGradients(grads as unknown as Record<string, tf.Variable>);
}

/** The dense head on the engine. */
export class DenseHeadTrainer implements HeadTrainer {
  readonly rowAdam = null;
  private readonly W: tf.Variable;
  private readonly b: tf.Variable;
  private readonly vars: tf.Variable[];

  constructor(
    private readonly model: ExemplarModel,
    backVars: tf.Variable[],
    private readonly optimizer: tf.Optimizer,
    private readonly o: ResolvedTrainOptions,
  ) {
    const { K, featureDim: D } = model;
    this.W = tf.tidy(() => tf.variable(tf.tensor2d(transpose(model.headWeights(), K, D), [D, K]), true));
    this.b = tf.tidy(() => tf.variable(tf.tensor1d(model.headB), true));
    this.vars = [...backVars, this.W, this.b];
  }

  step(xt: tf.Tensor4D, B: number, targets: BatchTargets): number {
    const { model, o } = this;
    const { K } = model;
    const T =
      o.targets === 'device'
        ? deviceTargets(o.loss, K, targets.nearest, targets.membership)
        : tf.tensor2d(targetMatrix(o.loss, K, targets.nearest, targets.membership), [B, K]);
    const { W, b } = this;
    const { value, grads } = tf.variableGrads(() => {
      const f = model.backbone.apply(xt, { training: true }) as tf.Tensor2D;
      return denseLoss(o.loss, tf.add(matMulPlain(f, W as tf.Tensor2D), b) as tf.Tensor2D, T);
    }, this.vars);
    const loss = value.dataSync()[0];
    value.dispose();
    T.dispose();
    if (Number.isFinite(loss)) applyGrads(this.optimizer, grads);
    tf.dispose(grads);
    return loss;
  }

  syncToModel(): void {
    const { K, featureDim: D } = this.model;
    const [Wt, bt] = [this.W.dataSync() as Float32Array, this.b.dataSync() as Float32Array];
    this.model.updateHead((W, b) => {
      transpose(Wt, D, K, W);
      b.set(bt);
    });
  }

  reloadFromModel(): void {
    const { K, featureDim: D } = this.model;
    const [Wn, bn] = [
      tf.tensor2d(transpose(this.model.headWeights(), K, D), [D, K]),
      tf.tensor1d(this.model.headB),
    ];
    this.W.assign(Wn);
    this.b.assign(bn);
    tf.dispose([Wn, bn]);
  }

  dispose(): void {
    this.W.dispose();
    this.b.dispose();
  }
}

/** The sampled multi-label head (JS-side rows). */
export class SampledHeadTrainer implements HeadTrainer {
  readonly rowAdam: RowAdam;
  private readonly scratch: SampledHeadScratch;
  private readonly graph: ClassGraph | null;

  constructor(
    private readonly model: ExemplarModel,
    private readonly backVars: tf.Variable[],
    private readonly optimizer: tf.Optimizer,
    private readonly o: ResolvedTrainOptions,
  ) {
    const { K, featureDim: D } = model;
    this.rowAdam = new RowAdam(K, D, 0.9, 0.999, 1e-7, o.rowAdam);
    this.scratch = new SampledHeadScratch(K);
    this.graph = o.hardNegatives > 0 ? classNeighbors(model.table, { k: o.hardNegatives }) : null;
  }

  step(xt: tf.Tensor4D, B: number, targets: BatchTargets, rng: Rng): number {
    const { model, o, scratch } = this;
    const D = model.featureDim;
    const hard = this.graph ? hardNegativeSet(this.graph, targets.nearest, scratch) : undefined;
    let res: ReturnType<typeof sampledHeadStep> | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const f = model.backbone.apply(xt, { training: true }) as tf.Tensor2D;
      res = sampledHeadStep(
        f.dataSync() as Float32Array,
        B,
        model.headWeights(),
        model.headB,
        targets.membership,
        { negatives: o.negatives, maxPositives: o.maxPositives },
        rng,
        scratch,
        hard,
      );
      return tf.sum(tf.mul(f, tf.tensor2d(res.dLdf, [B, D]))) as tf.Scalar;
    }, this.backVars);
    value.dispose();
    const r = res as unknown as ReturnType<typeof sampledHeadStep>;
    if (Number.isFinite(r.loss)) {
      applyGrads(this.optimizer, grads);
      // in place, no copy of the K × D rows; the model drops its engine copies once (re-uploaded on next use)
      model.updateHead((W, b) => this.rowAdam.update(W, b, r.rows, r.gW, r.gb, o.headLearningRate));
    }
    tf.dispose(grads);
    return r.loss;
  }

  syncToModel(): void {
    // the rows are the model's own (updateHead after every step): nothing to copy
  }

  reloadFromModel(): void {
    // the rows live in the model's head itself
  }

  dispose(): void {}
}
