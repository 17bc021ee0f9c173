/** One Trellis app with the demo program for a file-sharing test file, and helpers to inspect its file store. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Screener } from '../../moderation/types.ts';
import { build, login, type Teardown } from './app.ts';

/** Every file under a folder (recursively), as paths relative to it. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Builds an app listening on loopback with ava (student) and maya (mentor) in one conversation. */
export async function fileApp(t: Teardown, options: { env?: Record<string, string>; screener?: Screener } = {}) {
  const { app, baseUrl, wsUrl } = await build(t, options);
  const ava = await login(app, 'ava');
  const maya = await login(app, 'maya');
  const liam = await login(app, 'liam');
  const coordinator = await login(app, 'coordinator');
  const conversations = await app.inject({ url: '/conversations', headers: { authorization: `Bearer ${ava.token}` } });
  const conversationId = (conversations.json() as { conversation: { id: string } }[])[0]!.conversation.id;
  const filesDir = join(app.config.DATA_DIR, 'files');
  return {
    app,
    baseUrl,
    wsUrl,
    ava,
    maya,
    liam,
    coordinator,
    conversationId,
    /** Committed contents in the store. */
    stored: () => filesUnder(join(filesDir, 'objects')),
    /** Staged (uncommitted) uploads. */
    staged: () => filesUnder(join(filesDir, 'tmp')),
    /** Downloads a file as a user. */
    download: (token: string, fileId: string, headers: Record<string, string> = {}) =>
      fetch(`${baseUrl}/files/${fileId}`, { headers: { authorization: `Bearer ${token}`, ...headers } }),
  };
}
