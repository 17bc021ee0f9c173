/** Scores labeled examples with a model and computes per-label metrics over the labels each carries. */
import type { Example } from './dataset.ts';
import type { SparseVector } from './features.ts';
import type { SparseForward } from './inference.ts';
import { LABELS, type Label } from './labels.ts';
import { atThreshold, bestF1Threshold, rocAuc, type AtThreshold } from './metrics.ts';

/** Metrics of one label on one split. */
export interface LabelMetrics {
  /** Examples that carry the label, and how many of them are positive. */
  examples: number;
  positives: number;
  auc: number;
  precision: number;
  recall: number;
  threshold: number;
}

/** Scores `vectors` in batches of `batchSize`: one row of label probabilities per vector. */
export function scoreAll(forward: SparseForward, vectors: readonly SparseVector[], batchSize = 256): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let i = 0; i < vectors.length; i += batchSize) rows.push(...forward.predict(vectors.slice(i, i + batchSize)));
  return rows;
}

/** The scores and truths of `label` over the examples that carry it. */
export function labeled(examples: readonly Example[], scores: readonly Float32Array[], label: Label): { scores: number[]; truth: (0 | 1)[] } {
  const column = LABELS.indexOf(label);
  const out = { scores: [] as number[], truth: [] as (0 | 1)[] };
  examples.forEach((example, i) => {
    const target = example.targets[label];
    if (target === null) return;
    out.scores.push((scores[i] as Float32Array)[column] as number);
    out.truth.push(target);
  });
  return out;
}

/** Too few positives to pick a threshold by F1; such labels keep the default. */
const MIN_POSITIVES_FOR_THRESHOLD = 5;
/** The threshold of labels with too few validation positives. */
export const DEFAULT_THRESHOLD = 0.5;

/** Per label, the F1-maximising threshold on these (validation) scores. */
export function chooseThresholds(examples: readonly Example[], scores: readonly Float32Array[]): Record<Label, number> {
  const thresholds = {} as Record<Label, number>;
  for (const label of LABELS) {
    const { scores: s, truth } = labeled(examples, scores, label);
    const positives = truth.filter((t) => t === 1).length;
    thresholds[label] = positives < MIN_POSITIVES_FOR_THRESHOLD ? DEFAULT_THRESHOLD : bestF1Threshold(s, truth).threshold;
  }
  return thresholds;
}

/** Per label, ROC AUC and precision / recall at the given thresholds. */
export function labelMetrics(
  examples: readonly Example[],
  scores: readonly Float32Array[],
  thresholds: Record<Label, number>,
): Record<Label, LabelMetrics> {
  const metrics = {} as Record<Label, LabelMetrics>;
  for (const label of LABELS) {
    const { scores: s, truth } = labeled(examples, scores, label);
    const at: AtThreshold = atThreshold(s, truth, thresholds[label]);
    metrics[label] = {
      examples: truth.length,
      positives: truth.filter((t) => t === 1).length,
      auc: rocAuc(s, truth),
      precision: at.precision,
      recall: at.recall,
      threshold: thresholds[label],
    };
  }
  return metrics;
}
