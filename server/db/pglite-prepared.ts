/**
 * Prepared statements on the embedded database. PGlite parses and plans every query it is sent, on
 * the node's own thread; a statement prepared once (`PREPARE`) and run with `EXECUTE` is parsed once
 * and its plan is kept. `EXECUTE` takes no bind parameters, so its arguments travel as SQL literals
 * (`sqlLiteral`). Statement texts are named as on PostgreSQL (`statementNamer`); a statement that
 * cannot be prepared, or a value that has no literal here, takes the ordinary path. The session
 * keeps generic plans (`plan_cache_mode`): with custom plans PostgreSQL plans a prepared statement
 * again on every run whenever a plan for the given values looks cheaper, which for the batch
 * statement was every time. `EXECUTE` still goes through the extended protocol, which refuses a
 * text of several statements: a value that broke out of its literal could not add one. Statements
 * run in the order they are sent, the first run of a text (behind its `PREPARE`) too.
 *
 * The wrapped PGlite is the one Prisma's adapter owns: the first set of result parsers a query
 * brings becomes the instance's own (see `adoptParsers`).
 */
import type { PGlite, QueryOptions, Results } from '@electric-sql/pglite';
import { statementNamer } from './statement-names.ts';

/** The text of a scalar value; undefined for anything else (bytes, objects, a number that is not finite). */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * A value as an SQL literal, with standard-conforming strings (only `'` is special inside quotes);
 * undefined for a value this module does not write (bytes, objects) or text with a NUL character,
 * which a query string cannot carry.
 */
export function sqlLiteral(value: unknown): string | undefined {
  if (value === null) return 'NULL';
  const text = Array.isArray(value) ? arrayLiteral(value) : scalarText(value);
  if (text === undefined || text.includes('\u0000')) return undefined;
  return `'${text.replaceAll("'", "''")}'`;
}

/** An array's text form (`{"a","b",NULL}`), or undefined when an element has none. */
function arrayLiteral(values: readonly unknown[]): string | undefined {
  const elements: string[] = [];
  for (const value of values) {
    const element = value === null ? 'NULL' : Array.isArray(value) ? arrayLiteral(value) : quotedElement(scalarText(value));
    if (element === undefined) return undefined;
    elements.push(element);
  }
  return `{${elements.join(',')}}`;
}

/** A scalar's text as a quoted array element, or undefined for none. */
function quotedElement(text: string | undefined): string | undefined {
  return text === undefined ? undefined : `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/**
 * Returns a function that drops a query's `parsers` once they are PGlite's own. PGlite copies its
 * table of parsers (one per type, a few hundred) into a new object on every query that brings
 * parsers of its own: 0.20 ms a query, a tenth of a small batch statement's time. The first set a
 * query brings (Prisma's adapter brings the same object every time) is merged into the instance's
 * table; another set is left in its query.
 */
function adoptParsers(pglite: PGlite): (options?: QueryOptions) => QueryOptions | undefined {
  let adopted: QueryOptions['parsers'];
  return (options) => {
    if (!options?.parsers) return options;
    if (!adopted) {
      pglite.parsers = { ...pglite.parsers, ...options.parsers };
      adopted = options.parsers;
    }
    if (options.parsers !== adopted) return options;
    const { parsers: _adopted, ...rest } = options;
    return rest;
  };
}

/**
 * PGlite with `query` running statements prepared (see above); everything else is PGlite's own.
 * `limit` bounds the number of statement texts kept prepared.
 */
export async function withPreparedStatements(pglite: PGlite, limit: number): Promise<PGlite> {
  const { rows } = await pglite.query<{ standard_conforming_strings: string }>('SHOW standard_conforming_strings');
  if (rows[0]?.standard_conforming_strings !== 'on') return pglite;
  await pglite.exec('SET plan_cache_mode = force_generic_plan');
  const nameOf = statementNamer(limit);
  /** Whether each named statement was prepared, once its PREPARE has answered. */
  const prepared = new Map<string, Promise<boolean>>();
  /** The named statements PREPARE refused. */
  const unpreparable = new Set<string>();
  const prepare = (name: string, sql: string) => {
    let done = prepared.get(name);
    if (!done) {
      done = pglite.exec(`PREPARE ${name} AS ${sql}`).then(
        () => true,
        () => {
          unpreparable.add(name);
          return false;
        },
      );
      prepared.set(name, done);
    }
    return done;
  };
  const withoutParsers = adoptParsers(pglite);
  async function query<T>(sql: string, params: unknown[] = [], given?: QueryOptions): Promise<Results<T>> {
    const options = withoutParsers(given);
    const literals = params.map(sqlLiteral);
    const name = literals.includes(undefined) ? '' : nameOf({ sql });
    if (!name || unpreparable.has(name)) return pglite.query<T>(sql, params, options);
    // NOTE: the EXECUTE is queued at once, right behind the statement's PREPARE the first time, so
    // that statements run in the order they were sent (the send batch writer relies on it): waiting
    // for the PREPARE's answer first would let a statement sent meanwhile run before this one.
    const preparing = prepare(name, sql);
    const executing = pglite.query<T>(literals.length > 0 ? `EXECUTE ${name}(${literals.join(', ')})` : `EXECUTE ${name}`, [], options);
    const settled = executing.then(() => undefined, () => undefined);
    if (await preparing) return executing;
    // PREPARE refused it (the first time such a statement runs): its EXECUTE failed; run it as sent.
    await settled;
    return pglite.query<T>(sql, params, options);
  }
  return new Proxy(pglite, {
    get(target, property) {
      if (property === 'query') return query;
      const value: unknown = Reflect.get(target, property, target);
      // PGlite's methods use private fields: they must run on PGlite itself, not on the proxy.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
