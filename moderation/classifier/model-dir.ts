/** Where the committed toxicity model lives. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The committed model's directory (`moderation/model`). */
export const DEFAULT_MODEL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../model');
