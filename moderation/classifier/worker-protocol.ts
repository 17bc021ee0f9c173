/** Messages between the classifier stage (main thread) and the model's worker thread. */
import type { ModelMetadata } from './metadata.ts';

/** What the worker thread is started with (its `workerData`). */
export interface WorkerSettings {
  /** Directory holding `model.json`, `weights.bin` and `metadata.json`. */
  modelDir: string;
}

/** Main thread → worker: featurise and score these normalised texts with one inference. */
export interface ScoreRequest {
  id: number;
  texts: string[];
}

/** Worker → main thread. */
export type WorkerReply =
  /** The model loaded and matches its metadata; requests are served from now on. */
  | { type: 'ready'; metadata: ModelMetadata }
  /** The model could not load; `file` is set when a model file is at fault (a `ModelFileError`). */
  | { type: 'load-failed'; reason: string; file?: string }
  /** The scores of request `id`: `texts.length × labels` probabilities, row after row. */
  | { type: 'scores'; id: number; scores: Float32Array }
  /** Request `id` failed; the worker goes on serving. */
  | { type: 'failed'; id: number; reason: string };
