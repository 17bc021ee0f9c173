/**
 * An RFC 4180 CSV parser: quoted fields may hold commas, doubled quotes and line breaks;
 * records end with CRLF or LF.
 */

/** Parses CSV text into records of fields (the header row, if any, is the first record). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field: string;
    if (text[i] === '"') {
      // Quoted field: runs to the next quote that is not doubled; may span lines.
      field = '';
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) throw new Error('CSV ends inside a quoted field');
        field += text.slice(from, quote);
        if (text[quote + 1] !== '"') {
          i = quote + 1;
          break;
        }
        field += '"';
        from = quote + 2;
      }
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '\n' && text[end] !== '\r') end++;
      field = text.slice(i, end);
      i = end;
    }
    record.push(field);
    if (text[i] === ',') {
      i++;
      if (i === text.length) record.push('');
      continue;
    }
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    else if (i < text.length && text[i] !== '\n') throw new Error(`CSV: unexpected character after quoted field at ${i}`);
    i++;
    records.push(record);
    record = [];
  }
  if (record.length > 0) records.push(record);
  return records;
}

/** Parses CSV text with a header row into objects keyed by column name. */
export function parseCsvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (header === undefined) return [];
  return rows.map((row, r) => {
    if (row.length !== header.length) {
      throw new Error(`CSV record ${r + 2} has ${row.length} fields, the header has ${header.length}`);
    }
    return Object.fromEntries(header.map((name, c) => [name, row[c] ?? '']));
  });
}
