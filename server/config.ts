/**
 * Trellis configuration: one schema with defaults, read from the environment once at start-up.
 * No other module reads `process.env`. A wrong value stops start-up with a message naming the variable.
 */
import { resolve } from 'node:path';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** The configuration schema; every property is an environment variable of the same name. */
export const ConfigSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1', description: 'Address to listen on' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'HTTP and WebSocket port' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  NODE_ID: Type.String({ default: '', description: 'Name of this node in logs and metrics (default: host:port)' }),
  DATA_DIR: Type.String({ default: 'data', description: 'Folder for the embedded database and stored files' }),
  DATABASE_URL: Type.String({
    default: '',
    description: 'PostgreSQL server URL; empty means the embedded PGlite database in DATA_DIR/pglite',
  }),
  REDIS_URL: Type.String({ default: '', description: 'Redis URL for the bus; empty means the in-process bus' }),
  TOKEN_TTL_MINUTES: Type.Integer({ minimum: 1, default: 720, description: 'Lifetime of a login token' }),
  MAX_MESSAGE_CHARS: Type.Integer({ minimum: 1, maximum: 100000, default: 4000 }),
  MAX_FRAME_BYTES: Type.Integer({ minimum: 1024, default: 65536, description: 'Largest WebSocket frame accepted' }),
  MESSAGE_RATE_PER_MINUTE: Type.Integer({ minimum: 1, default: 60, description: 'Messages one user may send per minute' }),
  MESSAGE_BURST: Type.Integer({ minimum: 1, default: 20, description: 'Messages one user may send at once' }),
  MAX_BAD_FRAMES: Type.Integer({ minimum: 1, default: 20, description: 'Malformed frames per minute before the socket is closed' }),
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, default: 5000 }),
  READ_CACHE_MS: Type.Integer({
    minimum: 0,
    default: 60_000,
    description: 'Longest a node uses a cached login session, conversation access, history page or list of recent screening signals; changes drop them at once through the bus, this bounds what a lost event could leave',
  }),
  HISTORY_CACHE_MB: Type.Integer({ minimum: 0, default: 64, description: 'Memory a node gives cached history pages (MB, estimated)' }),
  POLICY_CACHE_MS: Type.Integer({ minimum: 0, default: 5000, description: 'How long a node uses a cached program policy before re-reading it' }),
  ALERT_CONTEXT_MESSAGES: Type.Integer({ minimum: 0, maximum: 50, default: 5, description: 'Messages before a flagged one that its alert carries' }),
  FILE_MAX_BYTES: Type.Integer({ minimum: 1, default: 25 * 1024 * 1024, description: 'Largest file one upload may carry (bytes)' }),
  FILE_QUOTA_BYTES: Type.Integer({ minimum: 1, default: 500 * 1024 * 1024, description: 'Total bytes of files one user may have uploaded' }),
  FILE_ALLOWED_TYPES: Type.String({
    default: 'image,pdf,office,text',
    pattern: '^[a-z0-9.+/-]+(,[a-z0-9.+/-]+)*$',
    description: 'File types programs allow by default: kinds (image, pdf, office, text) or MIME types, comma-separated',
  }),
  FILE_TEXT_SCREEN_CHARS: Type.Integer({ minimum: 1000, default: 200_000, description: 'Characters of a file\'s text screened; files with more are held for review' }),
  FILE_PDF_MAX_PAGES: Type.Integer({ minimum: 1, default: 50, description: 'PDF pages whose text is extracted; longer PDFs are held for review' }),
  DEMO_SEED: Type.Boolean({ default: false, description: 'Create the demo program when the database is empty' }),
  CLASSIFIER_ENABLED: Type.Boolean({ default: true, description: 'Screen messages with the toxicity model too (false: rules only)' }),
  CLASSIFIER_MODEL_DIR: Type.String({ default: '', description: 'Folder of the toxicity model; empty means moderation/model' }),
  CLASSIFIER_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 1024, default: 64, description: 'Most messages per model inference' }),
  CLASSIFIER_MAX_WAIT_MS: Type.Number({ minimum: 0, maximum: 100, default: 0, description: 'Longest a message waits for its batch (0: a batch holds the messages of one event loop turn)' }),
  CLASSIFIER_MAX_QUEUE: Type.Integer({ minimum: 1, default: 2048, description: 'Messages waiting for the model before new ones are held' }),
  CLASSIFIER_BUDGET_MS: Type.Integer({ minimum: 1, default: 250, description: 'Longest the model may take for a message before it is held' }),
  VIDEO_ENABLED: Type.Boolean({ default: true, description: 'Run the video SFU (mediasoup workers) on this node' }),
  MEDIASOUP_WORKER_BIN: Type.String({
    default: '',
    description: "mediasoup worker binary; empty means the cache that scripts/ensure-mediasoup-worker.sh fills",
  }),
  MEDIA_WORKERS: Type.Integer({ minimum: 0, default: 0, description: 'mediasoup workers; 0 means one per CPU core' }),
  MEDIA_LOG_LEVEL: Type.Union([Type.Literal('debug'), Type.Literal('warn'), Type.Literal('error'), Type.Literal('none')], { default: 'warn' }),
  MEDIA_RTC_MIN_PORT: Type.Integer({ minimum: 1024, maximum: 65535, default: 40000, description: 'Lowest UDP/TCP port for media' }),
  MEDIA_RTC_MAX_PORT: Type.Integer({ minimum: 1024, maximum: 65535, default: 49999, description: 'Highest UDP/TCP port for media' }),
  MEDIA_LISTEN_IP: Type.String({ default: '127.0.0.1', description: 'Address media transports listen on' }),
  MEDIA_ANNOUNCED_ADDRESS: Type.String({ default: '', description: 'Address announced to clients (public IP behind NAT)' }),
});

/** The validated configuration. */
export type Config = Static<typeof ConfigSchema>;

/** Thrown when a variable has a wrong value; its message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function coerce(schema: TSchema, raw: string): unknown {
  if (schema.type === 'integer' || schema.type === 'number') return raw.trim() === '' ? raw : Number(raw);
  if (schema.type === 'boolean') return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw;
  return raw;
}

/**
 * Builds the configuration from an environment (default `process.env`). Unknown variables are
 * ignored; known ones are coerced, validated and defaulted.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(ConfigSchema.properties)) {
    const raw = env[key];
    if (raw !== undefined) input[key] = coerce(schema, raw);
  }
  const withDefaults = Value.Default(ConfigSchema, input);
  const firstError = Value.Errors(ConfigSchema, withDefaults).First();
  if (firstError) {
    const variable = firstError.path.replace(/^\//, '') || 'configuration';
    throw new ConfigError(`invalid ${variable}=${JSON.stringify(env[variable] ?? '')}: ${firstError.message}`);
  }
  const config = withDefaults as Config;
  return { ...config, DATA_DIR: resolve(config.DATA_DIR) };
}
