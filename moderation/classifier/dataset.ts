/**
 * Loads the labeled toxicity data (three gzipped CSVs) into examples with per-label targets.
 * Labels a source does not carry are `null` (masked out of the loss and the metrics).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseCsvObjects } from './csv.ts';
import type { Targets } from './labels.ts';

/** Where the labeled data lives: `../shared/data/toxicity` from the repository root. */
export const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data/toxicity');

/** The data sources, by file. */
export type Source = 'jigsaw' | 'jigsaw-test' | 'davidson';

/** One labeled text. */
export interface Example {
  text: string;
  source: Source;
  targets: Targets;
}

/** The loaded examples and the SHA-256 of the files they came from. */
export interface Dataset {
  examples: Example[];
  /** SHA-256 over the files' bytes, in file order. */
  sha256: string;
  /** File name to SHA-256 of its bytes. */
  files: Record<string, string>;
}

const flag = (value: string | undefined): 0 | 1 => (value === '1' ? 1 : 0);

/** Jigsaw train: all labels; insult and severe_toxic count as toxic. */
function jigsaw(row: Record<string, string>): Example {
  return {
    text: row.comment_text ?? '',
    source: 'jigsaw',
    targets: {
      toxic: flag(row.toxic) || flag(row.severe_toxic) || flag(row.insult),
      threat: flag(row.threat),
      identity_hate: flag(row.identity_hate),
      obscene: flag(row.obscene),
    },
  };
}

/** Jigsaw test sample (RobTest): toxic only. */
function jigsawTest(row: Record<string, string>): Example {
  return {
    text: row.comment_text ?? '',
    source: 'jigsaw-test',
    targets: { toxic: flag(row.toxic), threat: null, identity_hate: null, obscene: null },
  };
}

/**
 * Davidson tweets, by majority class: hate speech → toxic and identity_hate; offensive → toxic;
 * neither → clean. Threat and obscene are not labeled.
 */
function davidson(row: Record<string, string>): Example {
  const cls = row.class;
  return {
    text: cleanTweet(row.tweet ?? ''),
    source: 'davidson',
    targets: { toxic: cls === '2' ? 0 : 1, threat: null, identity_hate: cls === '0' ? 1 : 0, obscene: null },
  };
}

/**
 * Removes Twitter artefacts that would let the model learn the source instead of the language:
 * HTML entities, retweet markers, handles and links.
 */
export function cleanTweet(tweet: string): string {
  return tweet
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\bRT\b:?/g, ' ')
    .replace(/@\w+:?/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const FILES: ReadonlyArray<[string, (row: Record<string, string>) => Example]> = [
  ['train.csv.gz', jigsaw],
  ['train_binary_robtest.csv.gz', jigsawTest],
  ['davidson_labeled.csv.gz', davidson],
];

/** Reads the three data files from `dir`; empty texts are dropped. */
export function loadDataset(dir: string): Dataset {
  const all = createHash('sha256');
  const files: Record<string, string> = {};
  const examples: Example[] = [];
  for (const [name, toExample] of FILES) {
    const bytes = readFileSync(path.join(dir, name));
    all.update(bytes);
    files[name] = createHash('sha256').update(bytes).digest('hex');
    const rows = parseCsvObjects(gunzipSync(bytes).toString('utf8'));
    for (const row of rows) {
      const example = toExample(row);
      if (example.text.trim() !== '') examples.push(example);
    }
  }
  return { examples, sha256: all.digest('hex'), files };
}
