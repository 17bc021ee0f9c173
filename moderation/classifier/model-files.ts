/**
 * The model on disk: `model.json` (layers topology and weights manifest), `weights.bin` (uint8-quantised
 * weights) and `metadata.json`. Node has no `file://` handler in TensorFlow.js, so files are read and
 * written here and handed to `tf.io.fromMemory` / `tf.io.withSaveHandler`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { metadataErrors, type ModelMetadata } from './metadata.ts';

/** File names inside the model directory. */
export const MODEL_FILES = { topology: 'model.json', weights: 'weights.bin', metadata: 'metadata.json' } as const;

/** A model file is missing, unreadable or inconsistent. `file` is its path. */
export class ModelFileError extends Error {
  readonly code = 'CLASSIFIER_MODEL_INVALID';
  readonly file: string;

  /** An error about `file`. */
  constructor(file: string, reason: string) {
    super(`toxicity model file ${file}: ${reason}`);
    this.name = 'ModelFileError';
    this.file = file;
  }
}

/** The `model.json` contents, as TensorFlow.js writes it for a layers model. */
export interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  modelTopology: object;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

/** A model encoded for disk. */
export interface EncodedModel {
  modelJson: ModelJson;
  weights: Uint8Array;
}

/** SHA-256 of bytes, hex. */
export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Quantises float32 weights to uint8 per tensor (`value ≈ q * scale + min`), a quarter of the size. */
function quantise(specs: tf.io.WeightsManifestEntry[], data: ArrayBuffer): { specs: tf.io.WeightsManifestEntry[]; bytes: Uint8Array } {
  const floats = new Float32Array(data);
  const bytes = new Uint8Array(floats.length);
  let offset = 0;
  const quantised = specs.map((spec) => {
    if (spec.dtype !== 'float32') throw new Error(`cannot quantise weight ${spec.name} of type ${spec.dtype}`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = floats.subarray(offset, offset + size);
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const scale = max > min ? (max - min) / 255 : 1;
    for (let i = 0; i < size; i++) bytes[offset + i] = Math.round(((values[i] as number) - min) / scale);
    offset += size;
    return { ...spec, quantization: { dtype: 'uint8' as const, min, scale } };
  });
  return { specs: quantised, bytes };
}

/** Serialises a layers model with uint8-quantised weights. */
export async function encodeModel(model: tf.LayersModel): Promise<EncodedModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts?.weightSpecs || !artifacts.weightData || !artifacts.modelTopology) throw new Error('model saved no weights');
  const data = Array.isArray(artifacts.weightData) ? tf.io.concatenateArrayBuffers(artifacts.weightData) : artifacts.weightData;
  const { specs, bytes } = quantise(artifacts.weightSpecs, data);
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: artifacts.generatedBy ?? 'TensorFlow.js',
      modelTopology: artifacts.modelTopology as object,
      weightsManifest: [{ paths: [MODEL_FILES.weights], weights: specs }],
    },
    weights: bytes,
  };
}

/** Builds the layers model from its encoded form through `tf.io.fromMemory` (dequantising the weights). */
export function decodeModel(encoded: EncodedModel): Promise<tf.LayersModel> {
  const { modelTopology, weightsManifest } = encoded.modelJson;
  const weights = encoded.weights;
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology,
      weightSpecs: weightsManifest.flatMap((group) => group.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
    }),
  );
}

/** Writes the three model files into `dir`. */
export function writeModelFiles(dir: string, encoded: EncodedModel, metadata: ModelMetadata): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, MODEL_FILES.topology), `${JSON.stringify(encoded.modelJson)}\n`);
  writeFileSync(path.join(dir, MODEL_FILES.weights), encoded.weights);
  writeFileSync(path.join(dir, MODEL_FILES.metadata), `${JSON.stringify(metadata, null, 2)}\n`);
}

/** Reads a file, or throws a `ModelFileError` naming it. */
function read(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ModelFileError(file, error instanceof Error ? error.message : String(error));
  }
}

/** Parses a JSON file, or throws a `ModelFileError` naming it. */
function readJson(file: string): unknown {
  try {
    return JSON.parse(read(file).toString('utf8'));
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(file, `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/**
 * Reads and checks the model files in `dir`: metadata against its schema, the weights against the
 * checksum and size the metadata records, the manifest against the weights file name.
 */
export function readModelFiles(dir: string): { encoded: EncodedModel; metadata: ModelMetadata } {
  const metadataFile = path.join(dir, MODEL_FILES.metadata);
  const metadata = readJson(metadataFile);
  const errors = metadataErrors(metadata);
  if (errors.length > 0) throw new ModelFileError(metadataFile, `invalid metadata: ${errors.slice(0, 3).join('; ')}`);
  const checked = metadata as ModelMetadata;
  const topologyFile = path.join(dir, MODEL_FILES.topology);
  const modelJson = readJson(topologyFile) as ModelJson;
  if (modelJson.format !== 'layers-model' || !Array.isArray(modelJson.weightsManifest) || !modelJson.modelTopology) {
    throw new ModelFileError(topologyFile, 'not a TensorFlow.js layers model');
  }
  const weightsFile = path.join(dir, checked.weights.file);
  const weights = read(weightsFile);
  if (weights.byteLength !== checked.weights.bytes) {
    throw new ModelFileError(weightsFile, `${weights.byteLength} bytes, metadata says ${checked.weights.bytes}`);
  }
  if (sha256(weights) !== checked.weights.sha256) throw new ModelFileError(weightsFile, 'SHA-256 does not match metadata.json (corrupt or replaced)');
  return { encoded: { modelJson, weights }, metadata: checked };
}
