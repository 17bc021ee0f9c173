/** Seeded, stratified train / validation / test split of the labeled examples. */
import type { Example } from './dataset.ts';
import { LABELS } from './labels.ts';
import { seededRandom, shuffle } from './random.ts';

/** Examples by role: fit on `train`, choose thresholds and epochs on `validation`, report on `test`. */
export interface Split {
  train: Example[];
  validation: Example[];
  test: Example[];
}

/** The stratum of an example: its source and its label pattern. */
const stratum = (example: Example): string =>
  `${example.source}|${LABELS.map((label) => String(example.targets[label])).join(',')}`;

/**
 * Splits each stratum (source × label pattern) by the given fractions after a seeded shuffle,
 * so every split has the same mix of sources and labels.
 */
export function stratifiedSplit(examples: Example[], seed: number, testShare: number, validationShare: number): Split {
  const random = seededRandom(seed);
  const strata = new Map<string, Example[]>();
  for (const example of examples) {
    const key = stratum(example);
    const group = strata.get(key) ?? [];
    group.push(example);
    strata.set(key, group);
  }
  const split: Split = { train: [], validation: [], test: [] };
  for (const key of [...strata.keys()].sort()) {
    const group = shuffle(strata.get(key) as Example[], random);
    const nTest = Math.round(group.length * testShare);
    const nValidation = Math.round(group.length * validationShare);
    split.test.push(...group.slice(0, nTest));
    split.validation.push(...group.slice(nTest, nTest + nValidation));
    split.train.push(...group.slice(nTest + nValidation));
  }
  shuffle(split.train, random);
  return split;
}

/** Seed of the split, the epoch shuffles and the initial weights of the committed model. */
export const SEED = 20261124;
/** Share of the examples held out for the test split. */
export const TEST_SHARE = 0.2;
/** Share of the examples used to choose thresholds. */
export const VALIDATION_SHARE = 0.1;

/** The split the committed model was trained and evaluated on. */
export function trainingSplit(examples: Example[]): Split {
  return stratifiedSplit(examples, SEED, TEST_SHARE, VALIDATION_SHARE);
}
