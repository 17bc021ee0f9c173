/**
 * Verifies the audit log's hash chain and names the first broken entry. Exit code 0 when the chain
 * is intact, 1 when it is broken, 2 when the database cannot be read.
 *
 * Usage: npm run audit:verify
 */
import { verifyAuditChain } from '../server/audit/verify.ts';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/database.ts';

async function main(): Promise<number> {
  const config = loadConfig();
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    const result = await verifyAuditChain(db.prisma);
    if (result.ok) {
      console.log(`audit chain intact: ${result.checked} entries`);
      return 0;
    }
    console.log(`audit chain broken at entry ${result.firstBroken?.seq}: ${result.firstBroken?.reason} (${result.checked} entries before it are intact)`);
    return 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('audit:verify could not read the audit log:', error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
