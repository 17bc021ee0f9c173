/** The model's `metadata.json`: what the runtime checks the model files against, and how it was trained. */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const LabelMetricsSchema = Type.Object({
  examples: Type.Integer(),
  positives: Type.Integer(),
  auc: Type.Union([Type.Number(), Type.Null()]),
  precision: Type.Number(),
  recall: Type.Number(),
  threshold: Type.Number(),
});

/** Schema of `metadata.json`. */
export const ModelMetadataSchema = Type.Object({
  format: Type.Literal('trellis-toxicity-v1'),
  /** Reported as the stage version; derived from the weights checksum, so retraining changes it. */
  version: Type.String({ minLength: 1 }),
  /** Output labels, in output-unit order. */
  labels: Type.Array(Type.String()),
  /** Label to finding category. */
  categories: Type.Record(Type.String(), Type.String()),
  /** Default per-label thresholds, chosen on the validation split (best F1). */
  thresholds: Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 1 })),
  features: Type.Object({
    hashBits: Type.Integer({ minimum: 8, maximum: 20 }),
    charNgrams: Type.Tuple([Type.Integer({ minimum: 1 }), Type.Integer({ minimum: 1 })]),
    wordNgrams: Type.Integer({ minimum: 1 }),
    maxChars: Type.Integer({ minimum: 1 }),
    hashSeed: Type.Integer(),
  }),
  network: Type.Object({
    hidden: Type.Integer({ minimum: 1 }),
    learningRate: Type.Number(),
    epochs: Type.Integer(),
    batchSize: Type.Integer(),
  }),
  seed: Type.Integer(),
  weights: Type.Object({
    file: Type.String(),
    bytes: Type.Integer(),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    quantization: Type.Literal('uint8'),
  }),
  data: Type.Object({
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    files: Type.Record(Type.String(), Type.String()),
    split: Type.Object({ train: Type.Integer(), validation: Type.Integer(), test: Type.Integer() }),
  }),
  /** Per-label metrics on the held-out test split (AUC `null` where a label has one class only). */
  metrics: Type.Record(Type.String(), LabelMetricsSchema),
});

/** The contents of `metadata.json`. */
export type ModelMetadata = Static<typeof ModelMetadataSchema>;

/** Checks parsed JSON against the schema; returns the reasons it fails (empty when valid). */
export function metadataErrors(json: unknown): string[] {
  return [...Value.Errors(ModelMetadataSchema, json)].map((error) => `${error.path || '/'}: ${error.message}`);
}
