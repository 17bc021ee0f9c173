/**
 * The toxicity model as a pipeline stage: the normalised text joins a micro-batch, the batch is
 * featurised and scored with one inference, and a finding is raised per label whose score reaches
 * the program's threshold.
 */
import type { Stage, StageContext, StageOutput } from '../stage.ts';
import type { Finding } from '../types.ts';
import { MicroBatcher, type BatcherOptions, type BatcherStats } from './batcher.ts';
import { LABEL_CATEGORIES, LABEL_SEVERITIES, LABELS, type Label } from './labels.ts';
import { DEFAULT_MODEL_DIR, ToxicityModel } from './model.ts';

/** Settings of the classifier stage (from the server config). */
export interface ClassifierStageOptions extends BatcherOptions {
  /** Directory holding `model.json`, `weights.bin` and `metadata.json`. */
  modelDir: string;
  /** Longest the stage may take for one text before the runner holds the message. */
  budgetMs: number;
  /** Told each batch's size and inference time (e.g. to feed metrics histograms). */
  onBatch?: (size: number, ms: number) => void;
}

/**
 * Defaults: batches of up to 64 texts, formed by the texts of one turn of the event loop (no
 * timer: under load, texts that arrive while a batch runs form the next), at most 2,048 waiting.
 */
export const DEFAULT_CLASSIFIER_OPTIONS: ClassifierStageOptions = {
  modelDir: DEFAULT_MODEL_DIR,
  maxBatchSize: 64,
  maxWaitMs: 0,
  maxQueue: 2048,
  budgetMs: 250,
};

/** The stage name, as recorded in `stageVersions` and findings. */
export const CLASSIFIER_STAGE_NAME = 'toxicity-model';

/** A `Stage` backed by the toxicity model. Build it with `ClassifierStage.create`. */
export class ClassifierStage implements Stage {
  readonly name = CLASSIFIER_STAGE_NAME;
  readonly version: string;
  readonly budgetMs: number;
  readonly model: ToxicityModel;
  readonly #batcher: MicroBatcher<StageContext, StageOutput>;
  #closed = false;

  private constructor(model: ToxicityModel, options: ClassifierStageOptions) {
    this.model = model;
    this.version = model.version;
    this.budgetMs = options.budgetMs;
    this.#batcher = new MicroBatcher((contexts) => this.#screenBatch(contexts), options, options.onBatch);
  }

  /**
   * Loads and validates the model, then builds the stage. Rejects with a `ModelFileError` naming the
   * file when the model is missing or corrupt (the server stops start-up on it).
   */
  static async create(options: Partial<ClassifierStageOptions> = {}): Promise<ClassifierStage> {
    const settings = { ...DEFAULT_CLASSIFIER_OPTIONS, ...options };
    return new ClassifierStage(await ToxicityModel.load(settings.modelDir), settings);
  }

  /**
   * Scores the normalised text. Findings for labels at or above the threshold (the policy's
   * `modelThresholds[label]`, else the model's own); scores always. Rejects with a `BatcherError`
   * when the queue is full or inference fails, so the runner holds the message.
   */
  screen(context: StageContext): Promise<StageOutput> {
    return this.#batcher.submit(context);
  }

  /** One inference for a batch of texts, then each text's output. */
  async #screenBatch(contexts: StageContext[]): Promise<StageOutput[]> {
    const scores = await this.model.scoreTexts(contexts.map((context) => context.normalised.text));
    return contexts.map((context, row) => this.#output(context, scores, row * LABELS.length));
  }

  /** The output for the scores at `offset` in `scores` (one per label, in `LABELS` order). */
  #output(context: StageContext, scores: Float32Array, offset: number): StageOutput {
    const findings: Finding[] = [];
    const byLabel: Record<string, number> = {};
    for (let i = 0; i < LABELS.length; i++) {
      const label = LABELS[i] as Label;
      const score = scores[offset + i] as number;
      byLabel[label] = score;
      const threshold = context.modelThresholds?.[label] ?? (this.model.metadata.thresholds[label] as number);
      if (score >= threshold) findings.push({ stage: this.name, category: LABEL_CATEGORIES[label], severity: LABEL_SEVERITIES[label], rule: `model:${label}`, score });
    }
    return { findings, scores: byLabel };
  }

  /** Queue depth and batch counters, for metrics. */
  stats(): BatcherStats {
    return this.#batcher.stats();
  }

  /** Stops batching and releases the model. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#batcher.close();
    this.model.close();
  }
}

/** Factory for `npm run eval:moderation -- --extra-stage moderation/classifier/stage.ts`: the stage with defaults. */
export function createStage(): Promise<ClassifierStage> {
  return ClassifierStage.create();
}
