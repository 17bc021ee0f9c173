import { PGlite } from '@electric-sql/pglite';
import t from 'tap';
import { sqlLiteral, withPreparedStatements } from '../server/db/pglite-prepared.ts';

const TRICKY = ["it's", 'back\\slash', '"quoted"', "'); DROP TABLE t; --", '$$dollar$$', 'é ✓ 日本', '', 'E\'\\x41\''];

t.test('values become SQL literals; what has no literal here is refused', async (t) => {
  t.equal(sqlLiteral("it's"), "'it''s'");
  t.equal(sqlLiteral('back\\slash'), "'back\\slash'", 'backslashes are plain characters in a standard string');
  t.equal(sqlLiteral(null), 'NULL');
  t.equal(sqlLiteral(42), "'42'");
  t.equal(sqlLiteral(['a"b', null, 'c\\d']), `'{"a\\"b",NULL,"c\\\\d"}'`);
  t.equal(sqlLiteral('nul\u0000'), undefined, 'a NUL character cannot travel in a query string');
  t.equal(sqlLiteral(Number.NaN), undefined);
  t.equal(sqlLiteral(new Uint8Array([1])), undefined);
  t.equal(sqlLiteral({ a: 1 }), undefined);
});

t.test('PGlite runs statements prepared, with the same results as bound parameters', async (t) => {
  const raw = await PGlite.create();
  t.teardown(() => raw.close());
  const db = await withPreparedStatements(raw, 10);
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, v text, a text[])');
  for (const [i, text] of TRICKY.entries()) {
    await db.query('INSERT INTO t (id, v, a) VALUES ($1, $2, $3::text[])', [i, text, [text, null, `${text}!`]]);
  }
  const back = await db.query<{ v: string; a: (string | null)[] }>('SELECT v, a FROM t WHERE id = ANY($1::int[]) ORDER BY id', [TRICKY.map((_, i) => i)]);
  t.same(back.rows.map((row) => row.v), TRICKY, 'text comes back byte for byte');
  t.same(back.rows.map((row) => row.a), TRICKY.map((text) => [text, null, `${text}!`]), 'arrays too');
  t.equal((await raw.query('SELECT count(*)::int AS n FROM t')).rows.length, 1, 'the table is still there');
  const statements = await raw.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements ORDER BY name');
  t.equal(statements.rows.length, 2, 'each statement text was prepared once');
  t.match(statements.rows[0]!.statement, /INSERT INTO t/);

  const unprepared = await db.query<{ v: string }>('SELECT $1 AS v', ['untyped']);
  t.same(unprepared.rows, [{ v: 'untyped' }], 'a statement PREPARE refuses (an untyped parameter) runs as before');
  const bytes = await db.query<{ n: number }>('SELECT length($1::bytea)::int AS n', [new Uint8Array([1, 2, 3])]);
  t.same(bytes.rows, [{ n: 3 }], 'a value without a literal (bytes) takes the ordinary path');
  await t.rejects(db.query('INSERT INTO t (id, v) VALUES ($1, $2)', [0, 'again']), { code: '23505' }, "a prepared statement's error keeps its SQLSTATE");
});

t.test('statements run in the order they are sent, the first run of a text behind its PREPARE too', async (t) => {
  const raw = await PGlite.create();
  t.teardown(() => raw.close());
  const db = await withPreparedStatements(raw, 10);
  await db.exec('CREATE TABLE log (id serial PRIMARY KEY, what text)');
  await Promise.all([
    db.query('INSERT INTO log (what) VALUES ($1)', ['first, a new text']),
    db.transaction((tx) => tx.query("INSERT INTO log (what) VALUES ('second, a transaction')")),
    db.query('INSERT INTO log (what) VALUES ($1::text)', ['third, another new text']),
    db.query('INSERT INTO log (what) VALUES ($1)', ['fourth, the first text again']),
  ]);
  const { rows } = await raw.query<{ what: string }>('SELECT what FROM log ORDER BY id');
  t.same(rows.map((row) => row.what.split(',')[0]), ['first', 'second', 'third', 'fourth']);
});

t.test("a query's own parsers apply: the first set becomes the instance's, another set stays in its query", async (t) => {
  const raw = await PGlite.create();
  t.teardown(() => raw.close());
  const db = await withPreparedStatements(raw, 10);
  const TEXT = 25;
  const upper = { [TEXT]: (text: string) => text.toUpperCase() };
  const reversed = { [TEXT]: (text: string) => [...text].reverse().join('') };
  const select = (parsers: typeof upper) => db.query<{ v: string }>('SELECT $1::text AS v', ['abc'], { parsers });
  t.same((await select(upper)).rows, [{ v: 'ABC' }]);
  t.same((await select(upper)).rows, [{ v: 'ABC' }], 'the same set again, now the instance’s own');
  t.same((await select(reversed)).rows, [{ v: 'cba' }], 'another set still applies to its own query');
  const rows = await db.query<{ n: number; at: Date }>("SELECT $1::int AS n, '2026-01-02T03:04:05Z'::timestamptz AS at", [3], { parsers: upper });
  t.same(rows.rows, [{ n: 3, at: new Date('2026-01-02T03:04:05Z') }], 'types the set does not name keep PGlite’s parsers');
});
