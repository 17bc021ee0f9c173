/** The toxicity model at run time: loaded from disk, validated, scoring batches of normalised texts. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as tf from '@tensorflow/tfjs';
import { useWasmBackend } from './backend.ts';
import { Featuriser, type SparseVector } from './features.ts';
import { SparseForward } from './inference.ts';
import { LABELS, type Label } from './labels.ts';
import type { ModelMetadata } from './metadata.ts';
import { decodeModel, MODEL_FILES, ModelFileError, readModelFiles } from './model-files.ts';
import { BatchPacker } from './sparse.ts';

/** The committed model's directory (`moderation/model`). */
export const DEFAULT_MODEL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../model');

/** Per-label probabilities of one text. */
export type LabelScores = Record<Label, number>;

/** Checks that the decoded network matches what the metadata and this code expect. */
function checkShape(model: tf.LayersModel, metadata: ModelMetadata, file: string): void {
  if (metadata.labels.join() !== LABELS.join()) {
    throw new ModelFileError(file, `labels ${metadata.labels.join()} differ from the runtime's ${LABELS.join()}`);
  }
  const inputs = model.inputs[0]?.shape[1];
  const outputs = model.outputs[0]?.shape[1];
  if (inputs !== 2 ** metadata.features.hashBits) {
    throw new ModelFileError(file, `input width ${inputs} does not match 2^${metadata.features.hashBits} hashed features`);
  }
  if (outputs !== LABELS.length) throw new ModelFileError(file, `${outputs} outputs for ${LABELS.length} labels`);
}

/** A loaded, validated toxicity model. */
export class ToxicityModel {
  readonly metadata: ModelMetadata;
  readonly #featuriser: Featuriser;
  readonly #forward: SparseForward;
  readonly #packer = new BatchPacker();
  #closed = false;

  private constructor(metadata: ModelMetadata, forward: SparseForward) {
    this.metadata = metadata;
    this.#featuriser = new Featuriser(metadata.features);
    this.#forward = forward;
  }

  /**
   * Loads the model in `dir` on the WASM backend. Throws a `ModelFileError` naming the file when a
   * file is missing, corrupt (checksum) or inconsistent with the metadata.
   */
  static async load(dir: string = DEFAULT_MODEL_DIR): Promise<ToxicityModel> {
    await useWasmBackend();
    const { encoded, metadata } = readModelFiles(dir);
    const topologyFile = path.join(dir, MODEL_FILES.topology);
    let model: tf.LayersModel;
    try {
      model = await decodeModel(encoded);
    } catch (error) {
      throw new ModelFileError(topologyFile, `cannot build the network (${error instanceof Error ? error.message : String(error)})`);
    }
    try {
      checkShape(model, metadata, topologyFile);
      return new ToxicityModel(metadata, new SparseForward(model));
    } finally {
      model.dispose();
    }
  }

  /** The model version (reported as the stage version). */
  get version(): string {
    return this.metadata.version;
  }

  /** The feature vector of a normalised text (cheap; done per message before batching). */
  featurise(normalisedText: string): SparseVector {
    return this.#featuriser.featurise(normalisedText);
  }

  /** Scores a batch of feature vectors with one inference: per-label probabilities, in order. */
  async predict(vectors: readonly SparseVector[]): Promise<LabelScores[]> {
    this.#checkOpen();
    const rows = this.#forward.predict(vectors);
    return rows.map((row) => Object.fromEntries(LABELS.map((label, i) => [label, row[i] as number])) as LabelScores);
  }

  /**
   * Featurises and scores normalised texts with one inference: `texts.length × labels`
   * probabilities, row after row, labels in `LABELS` order.
   */
  async scoreTexts(normalisedTexts: readonly string[]): Promise<Float32Array> {
    this.#checkOpen();
    try {
      for (const text of normalisedTexts) this.#packer.add(this.#featuriser.featuriseView(text));
    } catch (error) {
      // Nothing of a failed batch may stay behind for the next one.
      this.#packer.take();
      throw error;
    }
    return this.#forward.scoresOf(this.#packer.take());
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error('toxicity model is closed');
  }

  /** Releases the weights. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#forward.dispose();
  }
}
