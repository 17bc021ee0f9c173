import { createHash } from 'node:crypto';
import t from 'tap';
import { build, login, type Teardown } from './support/app.ts';
import { pdfWithText, upload } from './support/files.ts';

async function setup(t: Teardown, env: Record<string, string> = {}) {
  const { app, baseUrl } = await build(t, { env });
  const ava = await login(app, 'ava');
  const maya = await login(app, 'maya');
  const liam = await login(app, 'liam');
  const conversations = await app.inject({ url: '/conversations', headers: { authorization: `Bearer ${ava.token}` } });
  const conversationId = (conversations.json() as { conversation: { id: string } }[])[0]!.conversation.id;
  return { app, baseUrl, ava, maya, liam, conversationId };
}

const sha256 = (bytes: Buffer | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

t.test('a PDF goes up and comes down byte for byte', async (t) => {
  const { baseUrl, ava, maya, conversationId } = await setup(t);
  const pdf = pdfWithText('My draft CV for the internship');
  const up = await upload(baseUrl, ava.token, conversationId, 'cv draft.pdf', pdf);
  t.equal(up.status, 201, JSON.stringify(up.body));
  t.equal(up.body.file.mimeType, 'application/pdf');
  t.equal(up.body.file.sha256, sha256(pdf));
  const down = await fetch(`${baseUrl}/files/${up.body.file.id}`, { headers: { authorization: `Bearer ${maya.token}` } });
  t.equal(down.status, 200);
  t.equal(sha256(new Uint8Array(await down.arrayBuffer())), sha256(pdf));
  t.equal(down.headers.get('content-type'), 'application/pdf');
  t.match(down.headers.get('content-disposition'), /^attachment;/);
  t.equal(down.headers.get('x-content-type-options'), 'nosniff');
});
