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

/** Extensions that fit each type Trellis serves; the first is the one added when the name has none of them. */
const EXTENSIONS: Record<string, string[]> = {
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'application/vnd.oasis.opendocument.text': ['odt'],
  'application/vnd.oasis.opendocument.spreadsheet': ['ods'],
  'application/vnd.oasis.opendocument.presentation': ['odp'],
  'application/rtf': ['rtf'],
  'text/plain': ['txt', 'text'],
  'text/csv': ['csv'],
  'text/markdown': ['md', 'markdown'],
};

/**
 * The name to offer for download: the stored name, with the extension of its sniffed type added
 * when its own does not fit (a photo named `setup.exe` downloads as `setup.exe.jpg`), so that no
 * operating system opens it as something it is not.
 */
export function downloadName(name: string, mimeType: string): string {
  const fitting = EXTENSIONS[mimeType];
  if (!fitting) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  return fitting.includes(extension) ? name : `${name}.${fitting[0]}`;
}
