import t from 'tap';
import { parseCsv, parseCsvObjects } from './csv.ts';

t.test('RFC 4180: quoted commas, doubled quotes, line breaks inside quotes, CRLF', async (t) => {
  const text = 'id,text\r\n1,"a, b"\r\n2,"she said ""hi""\nand left"\n3,plain\n';
  t.same(parseCsv(text), [['id', 'text'], ['1', 'a, b'], ['2', 'she said "hi"\nand left'], ['3', 'plain']]);
});

t.test('empty fields and a last record without a line break', async (t) => {
  t.same(parseCsv(',x,\n"",y,'), [['', 'x', ''], ['', 'y', '']]);
});

t.test('objects keyed by the header; a record of the wrong width is an error', async (t) => {
  t.same(parseCsvObjects('a,b\n1,2\n'), [{ a: '1', b: '2' }]);
  t.throws(() => parseCsvObjects('a,b\n1\n'), /record 2 has 1 fields/);
  t.throws(() => parseCsv('a\n"open'), /inside a quoted field/);
});
