/**
 * The client's file name, kept only as metadata (shown and offered as the download name, never used
 * as a path): the last path component, without control or bidirectional-override characters,
 * without characters that file systems reserve, bounded in length.
 */

/** Longest sanitised name, in UTF-16 units. */
const MAX_NAME = 200;

/**
 * Sanitises a client-supplied file name. `../../etc/passwd` becomes `passwd`, `C:\x\evil.txt`
 * becomes `evil.txt`; an empty or all-dots name becomes `file`.
 */
export function sanitiseFileName(raw: string): string {
  const last = raw.split(/[/\\]/).pop() ?? '';
  let name = last
    .normalize('NFC')
    // Control characters and the bidirectional controls that can disguise an extension (e.g. "gpj.exe").
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .trim()
    .replace(/^[.\s]+/, '');
  if (name.length > MAX_NAME) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = name.slice(0, MAX_NAME - extension.length) + extension;
  }
  return name === '' ? 'file' : name;
}
