/**
 * Trains the Trellis toxicity classifier and writes it to `moderation/model/`.
 * Usage: `npm run train:classifier` (reads `../shared/data/toxicity` relative to the repository root).
 * Reproducible: the split, the shuffles and the weight initialisation all derive from `SEED`.
 */
import { normalise } from '../normalise.ts';
import { useWasmBackend } from './backend.ts';
import { DATA_DIR, loadDataset, type Example } from './dataset.ts';
import { chooseThresholds, labelMetrics, scoreAll, type LabelMetrics } from './evaluate.ts';
import { DEFAULT_FEATURE_SETTINGS, Featuriser, type SparseVector } from './features.ts';
import { SparseForward } from './inference.ts';
import { LABEL_CATEGORIES, LABELS, type Label } from './labels.ts';
import type { ModelMetadata } from './metadata.ts';
import { decodeModel, encodeModel, MODEL_FILES, sha256, writeModelFiles } from './model-files.ts';
import { DEFAULT_MODEL_DIR } from './model.ts';
import { buildNetwork, MISSING, type NetworkSettings } from './network.ts';
import { ProgressBar } from './progress.ts';
import { seededRandom, shuffle } from './random.ts';
import { pack } from './sparse.ts';
import { SEED, trainingSplit } from './split.ts';
import { Trainer } from './trainer.ts';

// Two epochs: validation AUC peaks there and the network overfits after.
const NETWORK: NetworkSettings = { hidden: 64, learningRate: 0.002, epochs: 2, batchSize: 64 };

/** Row-major `[rows, labels]` targets of a batch, `MISSING` where a source does not label. */
function targetsOf(examples: Example[]): Float32Array {
  const y = new Float32Array(examples.length * LABELS.length);
  examples.forEach((example, row) => {
    LABELS.forEach((label, c) => {
      y[row * LABELS.length + c] = example.targets[label] ?? MISSING;
    });
  });
  return y;
}

/** Normalises and featurises every example, with a progress bar. */
function featuriseAll(examples: Example[], featuriser: Featuriser): Map<Example, SparseVector> {
  const vectors = new Map<Example, SparseVector>();
  const bar = new ProgressBar('features', examples.length);
  examples.forEach((example, i) => {
    vectors.set(example, featuriser.featurise(normalise(example.text).text));
    bar.update(i + 1);
  });
  bar.finish();
  return vectors;
}

/** Prints the per-label metrics table on stdout. */
function printMetrics(title: string, metrics: Record<Label, LabelMetrics>): void {
  console.log(`\n${title}`);
  console.log('| label | examples | positives | ROC AUC | threshold | precision | recall |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const label of LABELS) {
    const m = metrics[label];
    console.log(
      `| ${label} | ${m.examples} | ${m.positives} | ${m.auc.toFixed(4)} | ${m.threshold.toFixed(2)} | ${m.precision.toFixed(3)} | ${m.recall.toFixed(3)} |`,
    );
  }
}

async function main(): Promise<void> {
  await useWasmBackend();
  const started = performance.now();
  const data = loadDataset(DATA_DIR);
  const featuriser = new Featuriser(DEFAULT_FEATURE_SETTINGS);
  const vectors = featuriseAll(data.examples, featuriser);
  const vectorsOf = (examples: Example[]): SparseVector[] => examples.map((e) => vectors.get(e) as SparseVector);
  const split = trainingSplit(data.examples);
  console.log(`examples: ${split.train.length} train, ${split.validation.length} validation, ${split.test.length} test`);

  const model = buildNetwork(featuriser.dimension, LABELS.length, NETWORK.hidden, SEED);
  const trainer = new Trainer(model, NETWORK.learningRate);
  const random = seededRandom(SEED + 2);
  const order = [...split.train];
  const batches = Math.ceil(order.length / NETWORK.batchSize);
  for (let epoch = 1; epoch <= NETWORK.epochs; epoch++) {
    shuffle(order, random);
    const bar = new ProgressBar(`epoch ${epoch}/${NETWORK.epochs}`, batches);
    let lossSum = 0;
    for (let b = 0; b < batches; b++) {
      const examples = order.slice(b * NETWORK.batchSize, (b + 1) * NETWORK.batchSize);
      lossSum += trainer.step(pack(vectorsOf(examples)), targetsOf(examples));
      bar.update(b + 1, `loss ${(lossSum / (b + 1)).toFixed(4)}`);
    }
    bar.finish(`loss ${(lossSum / batches).toFixed(4)}`);
  }
  trainer.commitTo(model);
  trainer.dispose();

  // Thresholds and metrics come from the quantised weights that ship, decoded as the runtime does.
  const encoded = await encodeModel(model);
  const shipped = await decodeModel(encoded);
  const forward = new SparseForward(shipped);
  const validationScores = scoreAll(forward, vectorsOf(split.validation));
  const thresholds = chooseThresholds(split.validation, validationScores);
  const testMetrics = labelMetrics(split.test, scoreAll(forward, vectorsOf(split.test)), thresholds);
  printMetrics('validation split (thresholds chosen here, best F1)', labelMetrics(split.validation, validationScores, thresholds));
  printMetrics('held-out test split', testMetrics);

  const weightsSha = sha256(encoded.weights);
  const metadata: ModelMetadata = {
    format: 'trellis-toxicity-v1',
    version: `hashed-ngram-mlp-${weightsSha.slice(0, 12)}`,
    labels: [...LABELS],
    categories: { ...LABEL_CATEGORIES },
    thresholds,
    features: featuriser.settings,
    network: NETWORK,
    seed: SEED,
    weights: { file: MODEL_FILES.weights, bytes: encoded.weights.byteLength, sha256: weightsSha, quantization: 'uint8' },
    data: {
      sha256: data.sha256,
      files: data.files,
      split: { train: split.train.length, validation: split.validation.length, test: split.test.length },
    },
    metrics: testMetrics,
  };
  writeModelFiles(DEFAULT_MODEL_DIR, encoded, metadata);
  console.log(`\nwrote ${DEFAULT_MODEL_DIR} (version ${metadata.version}, ${(encoded.weights.byteLength / 1e6).toFixed(1)} MB weights)`);
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  // The WASM runtime prints its whole source on an uncaught error; report just the error.
  console.error(error);
  process.exitCode = 1;
});
