import { request } from 'node:http';
import t from 'tap';
import { eventually } from './support/app.ts';
import { fileApp } from './support/file-app.ts';
import { upload } from './support/files.ts';

const text = (bytes: number) => Buffer.alloc(bytes, 'a');

t.test('an oversize file is refused with 413 and nothing is stored', async (t) => {
  const f = await fileApp(t, { env: { FILE_MAX_BYTES: '100000', FILE_QUOTA_BYTES: '250000' } });
  const big = await upload(f.baseUrl, f.ava.token, f.conversationId, 'big.txt', text(150_000));
  t.equal(big.status, 413);
  t.equal(big.body.error.code, 'FILE_TOO_LARGE');
  t.same(f.stored(), []);
  t.same(f.staged(), []);
  t.equal(await f.app.db.prisma.storedFile.count(), 0);
  t.equal(await f.app.db.prisma.message.count({ where: { conversationId: f.conversationId } }), 0, 'no message announced');

  const exact = await upload(f.baseUrl, f.ava.token, f.conversationId, 'fits.txt', text(100_000));
  t.equal(exact.status, 201, 'a file of exactly the limit is accepted');
  const second = await upload(f.baseUrl, f.ava.token, f.conversationId, 'second.txt', Buffer.concat([text(99_999), Buffer.from('b')]));
  t.equal(second.status, 201);
  const third = await upload(f.baseUrl, f.ava.token, f.conversationId, 'third.txt', Buffer.concat([text(60_000), Buffer.from('c')]));
  t.equal(third.status, 413, 'the quota is 250,000 bytes');
  t.equal(third.body.error.code, 'FILE_QUOTA_EXCEEDED');
  t.equal(f.stored().length, 2);
  t.same(f.staged(), []);
  const other = await upload(f.baseUrl, f.maya.token, f.conversationId, 'mentor.txt', text(1000));
  t.equal(other.status, 201, 'quotas are per user');
});

t.test('an upload cut off midway leaves no file and no row', async (t) => {
  const f = await fileApp(t);
  const url = new URL(`${f.baseUrl}/conversations/${f.conversationId}/files`);
  const boundary = 'cut-off-boundary';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="essay.txt"\r\nContent-Type: text/plain\r\n\r\n`);
  const client = request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    headers: {
      authorization: `Bearer ${f.ava.token}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + 5_000_000),
    },
  });
  client.on('error', () => {});
  client.write(head);
  client.write(text(1_000_000));
  await eventually(() => f.staged().length === 1, 20_000, 'the upload is being staged');
  client.destroy();
  await eventually(() => f.staged().length === 0, 20_000, 'the staged part is removed');
  t.same(f.stored(), []);
  t.equal(await f.app.db.prisma.storedFile.count(), 0);
  t.equal(await f.app.db.prisma.message.count({ where: { conversationId: f.conversationId } }), 0);
  const after = await upload(f.baseUrl, f.ava.token, f.conversationId, 'essay.txt', text(10));
  t.equal(after.status, 201, 'the server still takes uploads');
});
