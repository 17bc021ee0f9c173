/** Binary classification metrics: ROC AUC, precision and recall at a threshold, threshold choice. */

/** Precision, recall and F1 at one threshold. */
export interface AtThreshold {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  /** False-positive rate: share of negatives at or above the threshold. */
  fpr: number;
}

/** ROC AUC (the probability a random positive outscores a random negative; ties count half). */
export function rocAuc(scores: ArrayLike<number>, truth: ArrayLike<0 | 1>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => (scores[a] as number) - (scores[b] as number),
  );
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    const meanRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (truth[order[k] as number] === 1) {
        positives++;
        rankSum += meanRank;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Precision, recall, F1 and false-positive rate when flagging scores ≥ `threshold`. */
export function atThreshold(scores: ArrayLike<number>, truth: ArrayLike<0 | 1>, threshold: number): AtThreshold {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < scores.length; i++) {
    const flagged = (scores[i] as number) >= threshold;
    if (truth[i] === 1) flagged ? tp++ : fn++;
    else flagged ? fp++ : tn++;
  }
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { threshold, precision, recall, f1, fpr: fp + tn === 0 ? 0 : fp / (fp + tn) };
}

/** The candidate threshold (a step of 0.01 in (0, 1)) with the best F1; ties keep the higher one. */
export function bestF1Threshold(scores: ArrayLike<number>, truth: ArrayLike<0 | 1>): AtThreshold {
  let best = atThreshold(scores, truth, 0.5);
  for (let t = 99; t >= 1; t--) {
    const candidate = atThreshold(scores, truth, t / 100);
    if (candidate.f1 > best.f1) best = candidate;
  }
  return best;
}

/** The lowest threshold whose false-positive rate does not exceed `fpr` (for comparisons at equal FPR). */
export function thresholdAtFpr(scores: ArrayLike<number>, truth: ArrayLike<0 | 1>, fpr: number): number {
  const negatives = Array.from(scores).filter((_, i) => truth[i] === 0).sort((a, b) => b - a);
  const allowed = Math.floor(fpr * negatives.length);
  // Flag strictly above the (allowed+1)-th highest negative score.
  const boundary = negatives[allowed];
  return boundary === undefined ? 0 : boundary + Number.EPSILON;
}
