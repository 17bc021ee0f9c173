/**
 * Email addresses, links and social handles in the literal view, including spelled-out forms
 * (`name at gmail dot com`, `name [at] gmail [dot] com`, `snapchat dot com`).
 */

/** A detected address as a range of the literal text. */
export interface Address {
  kind: 'email' | 'link' | 'handle';
  start: number;
  end: number;
  /** The domain for links and emails, lowercased (`gmail.com`), else the handle. */
  value: string;
}

/** Top-level domains accepted after a spelled-out "dot" or in a bare domain. */
const TLDS = 'com|net|org|edu|gov|io|co|us|uk|ca|me|ly|gg|tv|app|xyz|info|biz|link|site|online|dev|ai|in|de|fr|au|nz|ie';
const AT = String.raw`(?:\s*@\s*|\s*[([{<]\s*at\s*[)\]}>]\s*|\s+at\s+)`;
const DOT = String.raw`(?:\s*\.\s*|\s*[([{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+)`;
const EMAIL = new RegExp(String.raw`(?<![\w.%+-])([a-z0-9][a-z0-9._%+-]*)(${AT})([a-z0-9-]+(?:${DOT}[a-z0-9-]+)*?)${DOT}(${TLDS})\b`, 'g');
/** Mail providers that make `name at gmail.com` an address even with a plain "at" and dot. */
const PROVIDERS = new Set(['gmail', 'googlemail', 'yahoo', 'outlook', 'hotmail', 'icloud', 'aol', 'proton', 'protonmail', 'live', 'msn', 'mail', 'gmx', 'zoho']);
const URL_WITH_SCHEME = /\b(?:https?:\/\/|www\.)[^\s<>"']+/g;
const BARE_DOMAIN = new RegExp(String.raw`(?<![\w@.-])((?:[a-z0-9-]+(?:\.|\s+dot\s+))+)(${TLDS})\b(?:/[^\s<>"']*)?`, 'g');
const HANDLE = /(?<![\w.%+-])@([a-z0-9_](?:[a-z0-9_.]{0,28}[a-z0-9_])?)/g;
/**
 * What every address needs: an `@` (emails, handles), a `:/` or `www.` (links with a scheme), a
 * `.` before a letter (a top-level domain, perhaps after spaces) or `dot`. One cheap test that
 * most texts fail, before the finer ones.
 */
const MAYBE_ADDRESS = /@|:\/|www\.|\.\s*[a-zA-Z]|dot/;
/** Cheap tests for texts that cannot hold an email, a link or a handle. */
const MAYBE_EMAIL = /@|[([{<]\s*at\s*[)\]}>]| at [a-z0-9-]+ ?(?:\.|dot|\(dot|\[dot)/;
const MAYBE_URL = /https?:|www\./;
const MAYBE_DOMAIN = new RegExp(String.raw`(?:\.| dot )(?:${TLDS})\b`);

/** The domain of a matched link or email, spelled-out dots folded. */
const domainOf = (raw: string): string => raw.replace(/\s*[([{<]?\s*dot\s*[)\]}>]?\s*|\s*\.\s*/g, '.').replace(/^(?:https?:\/\/)?(?:www\.)?/, '').split(/[/?#]/)[0] ?? '';

const overlaps = (a: Address, list: readonly Address[]): boolean => list.some((b) => a.start < b.end && b.start < a.end);

/** Finds emails, links (with a scheme, `www.` or a bare domain) and `@handles` in a literal text. */
export function findAddresses(text: string): Address[] {
  const found: Address[] = [];
  if (!MAYBE_ADDRESS.test(text)) return found;
  const patterns = [MAYBE_URL.test(text) && URL_WITH_SCHEME, MAYBE_DOMAIN.test(text) && BARE_DOMAIN].filter((p) => p !== false);
  const email = MAYBE_EMAIL.test(text);
  if (!email && patterns.length === 0) return found;
  for (const m of email ? text.matchAll(EMAIL) : []) {
    const domain = domainOf(`${m[3]}.${m[4]}`);
    // "look at collegeboard.org" is a link: a plain "at" needs a spelled "dot" or a mail provider.
    const plainAt = /^\s+at\s+$/.test(m[2] as string);
    if (plainAt && !/\bdot\b/.test(m[0]) && !PROVIDERS.has(domain.split('.')[0] as string)) continue;
    found.push({ kind: 'email', start: m.index, end: m.index + m[0].length, value: domain });
  }
  for (const pattern of patterns) {
    for (const m of text.matchAll(pattern)) {
      const link: Address = { kind: 'link', start: m.index, end: m.index + m[0].replace(/[.,!?;:)]+$/, '').length, value: domainOf(m[0]) };
      if (!overlaps(link, found)) found.push(link);
    }
  }
  for (const m of text.includes('@') ? text.matchAll(HANDLE) : []) {
    const handle: Address = { kind: 'handle', start: m.index, end: m.index + m[0].length, value: m[1] as string };
    if (!overlaps(handle, found)) found.push(handle);
  }
  return found;
}
