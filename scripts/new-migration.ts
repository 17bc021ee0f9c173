/**
 * Generates the next migration with Prisma's own differ: the SQL that turns the datamodel of the
 * newest migration (its `schema.prisma` snapshot) into `prisma/schema.prisma`.
 *
 * Usage: npm run db:migration -- <name>
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { listMigrations, MIGRATIONS_DIR } from '../server/db/migrations.ts';

const ROOT = resolve(import.meta.dirname, '..');
const EMPTY_DATAMODEL = 'datasource db {\n  provider = "postgresql"\n}\n';

/** The 6.x differ insists on a `url` in the datasource block, which the 7.x schema no longer carries. */
function withUrl(datamodel: string): string {
  return datamodel.replace(/provider\s*=\s*"postgresql"/, '$&\n  url = "postgresql://differ.invalid/none"');
}

function main(): void {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    console.error('usage: npm run db:migration -- <name>   (lower-case letters, digits and _)');
    process.exit(2);
  }
  const previous = listMigrations().at(-1);
  const fromDatamodel = previous ? readFileSync(join(previous.dir, 'schema.prisma'), 'utf8') : EMPTY_DATAMODEL;
  const toDatamodel = readFileSync(join(ROOT, 'prisma/schema.prisma'), 'utf8');

  const work = mkdtempSync(join(tmpdir(), 'trellis-differ-'));
  try {
    writeFileSync(join(work, 'from.prisma'), withUrl(fromDatamodel));
    writeFileSync(join(work, 'to.prisma'), withUrl(toDatamodel));
    const sql = execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/prisma6/build/index.js'),
        'migrate', 'diff', '--config', join(ROOT, 'prisma/differ.config.ts'),
        '--from-schema-datamodel', join(work, 'from.prisma'),
        '--to-schema-datamodel', join(work, 'to.prisma'),
        '--script',
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        // Neither engine binary is run: the differ uses its WebAssembly schema engine. The variables
        // only stop the CLI from trying to download the binaries at start-up.
        env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true', PRISMA_QUERY_ENGINE_LIBRARY: '/bin/true' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    if (!/^\s*(CREATE|ALTER|DROP)\b/m.test(sql)) {
      console.error('prisma/schema.prisma matches the newest migration: nothing to generate.');
      process.exit(1);
    }
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = join(MIGRATIONS_DIR, `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'migration.sql'), sql);
    writeFileSync(join(dir, 'schema.prisma'), toDatamodel);
    writeFileSync(join(MIGRATIONS_DIR, 'migration_lock.toml'), 'provider = "postgresql"\n');
    console.log(`wrote ${dir}/migration.sql`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
