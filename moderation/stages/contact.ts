/**
 * Contact and off-platform stage: phone numbers, emails and handles (category `contact`, meant
 * to be redacted), links (category `link`, with the domain in the rule so a policy can allow
 * some), and platform names together with intent phrases (category `off-platform`). Digits and addresses
 * are read from the literal view; platforms and intents from the normalised text. Words typed as
 * spaced letters (`a d d  m e  o n  s n a p`) are joined and screened again when nothing else
 * was found, the findings then spanning the whole message.
 */
import { join } from 'node:path';
import { findAddresses, type Address } from '../contact/addresses.ts';
import { findPhoneNumbers } from '../contact/phone.ts';
import type { PhraseMatch } from '../matcher.ts';
import { normalise, toOriginalSpan } from '../normalise.ts';
import { PhraseBook } from '../phrase-book.ts';
import { loadList, normalisePhrase } from '../phrases.ts';
import { DEFAULT_LIST_DIR, NOTHING_FOUND, insideAnother, joinedSpacedWords } from '../rules.ts';
import type { NormalisedText, Stage, TextView } from '../stage.ts';
import type { Finding, Span } from '../types.ts';

/** Kinds of entries in `contact.txt`. */
export const CONTACT_LIST_KINDS = ['platform', 'ambiguous', 'intent', 'ordinary'] as const;
type ContactKind = Exclude<(typeof CONTACT_LIST_KINDS)[number], 'ordinary'>;

/** Options of the contact stage. */
export interface ContactStageOptions {
  /** Folder holding `contact.txt` (default: the lists shipped in `moderation/lists/`). */
  listDir?: string;
  /** A phrase book shared with other stages (their phrases are matched in one scan); default: its own. */
  phrases?: PhraseBook;
}

/** A username written right after an intent or platform (`my snap is maya_k22`): has a digit, `_` or inner `.`. */
const USERNAME_AFTER = /[\s:=,-]*(?:(?:it'?s|its|is)\s+)?([\p{L}\p{N}_.]{3,30})/uy;
const looksLikeUsername = (token: string): boolean => /[\d_]|[^.]\.[^.]/.test(token.replace(/\.+$/, ''));

/** Intents naming one's own account (`my snap is`): any word after them but an ordinary one is a handle. */
const NAMES_ACCOUNT = /^intent:.*\bmy (snap|insta|discord|whatsapp|handle|username|user name)\b/;

/**
 * The span of a username written right after `end` in the original, if any; with `ordinary`
 * (after `my snap is`), any word not in it counts, digits or not.
 */
function usernameAfter(original: string, end: number, ordinary?: ReadonlySet<string>): Span | undefined {
  USERNAME_AFTER.lastIndex = end;
  const m = USERNAME_AFTER.exec(original);
  const word = m?.[1] as string;
  if (!m || !(looksLikeUsername(word) || (ordinary !== undefined && !ordinary.has(normalisePhrase(word))))) return undefined;
  const token = (m[1] as string).replace(/\.+$/, '');
  const start = end + m[0].length - (m[1] as string).length;
  return { start, end: start + token.length };
}

/** Whether a span overlaps the span of any of the findings. */
const overlapsAny = (span: Span, findings: readonly Finding[]): boolean =>
  findings.some((f) => f.span !== undefined && f.span.start < span.end && span.start < f.span.end);

/** A medium contact-stage finding. */
function finding(category: string, rule: string, span: Span): Finding {
  return { stage: 'contact', category, severity: 'medium', rule, span };
}

/** Turns what the detectors found into findings (see the module comment for the rules). */
function contactFindings(
  normalised: NormalisedText,
  literal: TextView,
  phones: ReadonlyArray<{ start: number; end: number }>,
  addresses: readonly Address[],
  matches: ReadonlyArray<PhraseMatch<{ kind: ContactKind; rule: string }>>,
  ordinary: ReadonlySet<string>,
): Finding[] {
  const details: Finding[] = [];
  for (const phone of phones) details.push(finding('contact', 'phone', toOriginalSpan(literal, phone.start, phone.end)));
  const links: Finding[] = [];
  for (const address of addresses) {
    const span = toOriginalSpan(literal, address.start, address.end);
    if (address.kind === 'link') links.push({ ...finding('link', `link:${address.value}`, span), severity: 'low' });
    else details.push(finding('contact', address.kind === 'email' ? `email:${address.value}` : 'handle', span));
  }
  const mentions: Finding[] = [];
  let intent = false;
  for (const match of matches) {
    intent ||= match.value.kind === 'intent';
    const span = toOriginalSpan(normalised, match.start, match.end);
    mentions.push({ ...finding('off-platform', match.value.rule, span), severity: match.value.kind === 'intent' ? 'medium' : 'low' });
  }
  for (const mention of mentions) {
    const username = usernameAfter(normalised.original, (mention.span as Span).end, NAMES_ACCOUNT.test(mention.rule) ? ordinary : undefined);
    if (username && !overlapsAny(username, details) && !overlapsAny(username, mentions)) details.push(finding('contact', 'handle', username));
  }
  // NOTE: a platform name counts next to an intent or a contact detail ("snapchat: maya_k22"),
  // an ambiguous one ("signal", "line") only next to an intent; an intent next to a platform or
  // a contact detail makes every piece of it high.
  const counts = (m: Finding): boolean => intent || (details.length > 0 && m.rule.startsWith('platform:'));
  const offPlatform = mentions.filter((m) => counts(m) && !insideAnother(m, mentions));
  const together = intent && (details.length > 0 || offPlatform.some((m) => !m.rule.startsWith('intent:')));
  const findings = [...details, ...offPlatform, ...links];
  return together ? findings.map((f) => (f.category === 'link' ? f : { ...f, severity: 'high' })) : findings;
}

/** Creates the contact stage; reads and validates `contact.txt` now. */
export function createContactStage(options: ContactStageOptions = {}): Stage {
  const entries = loadList(join(options.listDir ?? DEFAULT_LIST_DIR, 'contact.txt'), CONTACT_LIST_KINDS);
  const ordinary = new Set(entries.filter((e) => e.tag === 'ordinary').map((e) => e.phrase));
  const phrases = (options.phrases ?? new PhraseBook()).add(entries.filter((e) => e.tag !== 'ordinary')
    .map((e) => ({ ...e, value: { kind: e.tag as ContactKind, rule: `${e.tag}:${e.source}` } })));
  const detect = (normalised: NormalisedText): Finding[] => {
    const literal = normalised.literal ?? (normalise(normalised.original).literal as TextView);
    const phones = findPhoneNumbers(literal.text);
    const addresses = findAddresses(literal.text);
    const matches = phrases.match(normalised);
    if (phones.length === 0 && addresses.length === 0 && matches.length === 0) return NOTHING_FOUND.findings;
    return contactFindings(normalised, literal, phones, addresses, matches, ordinary);
  };
  return {
    name: 'contact',
    version: '1',
    budgetMs: 50,
    screen({ normalised }) {
      const findings = detect(normalised);
      if (findings.length > 0) return { findings };
      const joined = joinedSpacedWords(normalised);
      if (joined === undefined) return NOTHING_FOUND;
      const whole = { start: 0, end: normalised.original.length };
      const again = detect(normalise(joined)).map((f) => ({ ...f, span: whole }));
      return again.length === 0 ? NOTHING_FOUND : { findings: again };
    },
  };
}
