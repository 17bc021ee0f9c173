/**
 * Lexical stage: word and phrase lists per category (profanity, hate, sexual, violence, drugs)
 * plus the `bad-words` package's list as extra profanity, compiled once into one matcher over
 * the normalised text, with an allow-list against Scunthorpe errors.
 */
import { join } from 'node:path';
import { Filter } from 'bad-words';
import { loadList, normalisePhrase, type ListEntry } from '../phrases.ts';
import type { PhraseMatcher } from '../matcher.ts';
import { PhraseBook } from '../phrase-book.ts';
import { DEFAULT_LIST_DIR, NOTHING_FOUND, compileAllowList, compileRules, findRules, loadCategoryLists, ruleEntries, type CategoryList, type Rule } from '../rules.ts';
import type { Stage } from '../stage.ts';

/** Categories of the lexical stage, each read from `<listDir>/<category>.txt`. */
export const LEXICAL_CATEGORIES = ['profanity', 'hate', 'sexual', 'violence', 'drugs'] as const;

/** Options of the lexical stage. */
export interface LexicalStageOptions {
  /** Folder of the lists (default: the lists shipped in `moderation/lists/`). */
  listDir?: string;
  /** Whether to add the `bad-words` package list as profanity (default true). */
  badWords?: boolean;
  /** A phrase book shared with other stages (their phrases are matched in one scan); default: its own. */
  phrases?: PhraseBook;
}

const key = (entry: Pick<ListEntry, 'phrase' | 'startInside' | 'endInside'>): string =>
  `${entry.startInside ? '*' : ''}${entry.phrase}${entry.endInside ? '*' : ''}`;

/**
 * The `bad-words` list as profanity entries, minus those in `badwords-exclude.txt` and those a
 * curated list already covers (`faggot` is hate, `porn` is sexual: the curated category wins).
 */
function badWordsList(listDir: string, curated: PhraseMatcher<Rule>): CategoryList {
  const skip = new Set(loadList(join(listDir, 'badwords-exclude.txt')).map(key));
  const entries: ListEntry[] = [];
  for (const word of new Filter().list) {
    const startInside = word.startsWith('*');
    const endInside = word.endsWith('*');
    const entry = { phrase: normalisePhrase(word.replace(/\*/g, '')), startInside, endInside };
    if (entry.phrase.replace(/ /g, '').length < 2 || skip.has(key(entry))) continue;
    if (curated.match(entry.phrase).some((m) => m.start === 0 && m.end === entry.phrase.length)) continue;
    skip.add(key(entry));
    entries.push({ ...entry, source: word, tag: 'medium' });
  }
  return { category: 'profanity', name: 'bad-words', entries };
}

/** Creates the lexical stage; reads and validates the lists now (throws `ListError` on a bad entry). */
export function createLexicalStage(options: LexicalStageOptions = {}): Stage {
  const listDir = options.listDir ?? DEFAULT_LIST_DIR;
  const curated = loadCategoryLists(listDir, LEXICAL_CATEGORIES);
  const lists = options.badWords === false ? curated : [...curated, badWordsList(listDir, compileRules(curated))];
  const rules = (options.phrases ?? new PhraseBook()).add(ruleEntries(lists));
  const allow = compileAllowList(loadList(join(listDir, 'allow.txt')));
  return {
    name: 'lexical',
    version: '1',
    budgetMs: 50,
    screen({ normalised }) {
      const findings = findRules('lexical', rules, allow, normalised);
      return findings.length === 0 ? NOTHING_FOUND : { findings };
    },
  };
}
