/**
 * The model's worker thread: loads and validates the model (its own TensorFlow.js WASM backend),
 * then featurises and scores each batch of texts it is sent, replying with the scores' buffer
 * transferred rather than copied. Started by `WorkerThread`; not imported by the main thread.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { ModelFileError } from './model-files.ts';
import { ToxicityModel } from './model.ts';
import type { ScoreRequest, WorkerReply, WorkerSettings } from './worker-protocol.ts';

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Scores one request and replies; a failure is replied too (the thread goes on serving). */
async function answer(port: MessagePort, model: ToxicityModel, request: ScoreRequest): Promise<void> {
  let scores: Float32Array;
  try {
    scores = await model.scoreTexts(request.texts);
  } catch (error) {
    port.postMessage({ type: 'failed', id: request.id, reason: reasonOf(error) } satisfies WorkerReply);
    return;
  }
  const reply: WorkerReply = { type: 'scores', id: request.id, scores };
  // The buffer is transferred rather than copied when it holds these scores alone (it does from TensorFlow.js).
  const { buffer } = scores;
  port.postMessage(reply, buffer instanceof ArrayBuffer && buffer.byteLength === scores.byteLength ? [buffer] : []);
}

/** Loads the model, then serves requests; a model that fails to load is reported and the thread ends. */
async function serve(port: MessagePort, settings: WorkerSettings): Promise<void> {
  let model: ToxicityModel;
  try {
    model = await ToxicityModel.load(settings.modelDir);
  } catch (error) {
    const reply: WorkerReply =
      error instanceof ModelFileError ? { type: 'load-failed', reason: error.reason, file: error.file } : { type: 'load-failed', reason: reasonOf(error) };
    port.postMessage(reply);
    return;
  }
  port.on('message', (request: ScoreRequest) => void answer(port, model, request));
  port.postMessage({ type: 'ready', metadata: model.metadata } satisfies WorkerReply);
}

if (!parentPort) throw new Error('worker-entry.ts runs in a worker thread started by WorkerThread');
await serve(parentPort, workerData as WorkerSettings);
