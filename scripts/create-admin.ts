/**
 * Creates an admin account (the first one on a new installation). The password is read from
 * standard input so it never appears in the shell history or the process list.
 *
 * Usage: echo 'a long password' | npm run admin:create -- admin@school.org "Ada Admin"
 */
import { text } from 'node:stream/consumers';
import { hashPassword } from '../server/auth/password.ts';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/database.ts';
import { createUser } from '../server/repositories/users.ts';

async function main(): Promise<void> {
  const [email, displayName] = process.argv.slice(2);
  if (!email || !displayName) {
    console.error('usage: echo PASSWORD | npm run admin:create -- EMAIL "DISPLAY NAME"');
    process.exit(2);
  }
  const password = (await text(process.stdin)).trim();
  if (password.length < 10) {
    console.error('the password (from standard input) must have at least 10 characters');
    process.exit(2);
  }
  const config = loadConfig();
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    const user = await createUser(db.prisma, { email, displayName, passwordHash: await hashPassword(password), role: 'admin', programId: null });
    console.log(`created admin ${user.id} <${email.toLowerCase()}>`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error('could not create the admin:', error instanceof Error ? error.message : error);
  process.exit(1);
});
