import { createHash } from 'node:crypto';
import t from 'tap';
import type { WireMessage } from '../server/realtime/protocol.ts';
import { eventually } from './support/app.ts';
import { fileApp } from './support/file-app.ts';
import { pdfWithText, upload } from './support/files.ts';
import { TestClient } from './support/ws-client.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

t.test('files go up and come down byte for byte, announced as messages', async (t) => {
  const f = await fileApp(t);
  const mentor = await TestClient.connect(f.wsUrl, f.maya.token);
  t.teardown(() => mentor.close());
  const before = await TestClient.connect(f.wsUrl, f.ava.token);
  t.teardown(() => before.close());
  await before.sendMessage(f.conversationId, 'm1', 'Here is my CV draft');

  const pdf = pdfWithText('My draft CV for the internship');
  const up = await upload(f.baseUrl, f.ava.token, f.conversationId, 'cv draft.pdf', pdf);
  t.equal(up.status, 201, JSON.stringify(up.body));
  t.equal(up.body.file.mimeType, 'application/pdf');
  t.equal(up.body.file.sha256, sha256(pdf), 'stored under the hash of its bytes');
  t.equal(up.body.message.seq, 2, 'the file takes the next sequence number');
  t.equal(up.body.message.status, 'delivered', JSON.stringify(up.body.message));

  const frame = await mentor.next((fr) => fr.type === 'message' && (fr.message as WireMessage).seq === 2, 30_000);
  t.same((frame.message as WireMessage).attachment, { id: up.body.file.id, name: 'cv draft.pdf', size: pdf.length, mimeType: 'application/pdf' });

  const down = await f.download(f.maya.token, up.body.file.id);
  t.equal(down.status, 200);
  t.equal(sha256(new Uint8Array(await down.arrayBuffer())), sha256(pdf), 'same hash after the round trip');
  t.equal(down.headers.get('content-type'), 'application/pdf');
  t.equal(down.headers.get('content-disposition'), `attachment; filename="cv draft.pdf"; filename*=UTF-8''cv%20draft.pdf`);
  t.equal(down.headers.get('x-content-type-options'), 'nosniff');
  t.equal(down.headers.get('accept-ranges'), 'bytes');

  const history = await f.app.inject({ url: `/conversations/${f.conversationId}/messages`, headers: { authorization: `Bearer ${f.maya.token}` } });
  t.equal(history.statusCode, 200, history.body);
  const listed = history.json().messages.find((m: { seq: number }) => m.seq === 2);
  t.equal(listed.attachment.id, up.body.file.id, 'history carries the attachment');

  // Text, CSV and Markdown are sniffed as text and typed by their name.
  const csv = Buffer.from('company,role\nAcme,intern\n');
  const csvUp = await upload(f.baseUrl, f.maya.token, f.conversationId, 'roles.csv', csv, 'application/x-msdownload');
  t.equal(csvUp.status, 201);
  t.equal(csvUp.body.file.mimeType, 'text/csv', 'the type comes from the content, not the client');
  const csvDown = await f.download(f.ava.token, csvUp.body.file.id);
  t.equal(sha256(new Uint8Array(await csvDown.arrayBuffer())), sha256(csv));
  t.equal(csvDown.headers.get('content-type'), 'text/csv');
  await eventually(() => before.messages(f.conversationId).some((m) => m.seq === 3));
  t.equal(f.staged().length, 0, 'no staged file is left');
});

t.test('range requests', async (t) => {
  const f = await fileApp(t);
  const text = Buffer.from('abcdefghijklmnopqrst');
  const up = await upload(f.baseUrl, f.ava.token, f.conversationId, 'notes.txt', text);
  t.equal(up.status, 201);
  const id = up.body.file.id;
  const part = await f.download(f.maya.token, id, { range: 'bytes=2-5' });
  t.equal(part.status, 206);
  t.equal(await part.text(), 'cdef');
  t.equal(part.headers.get('content-range'), 'bytes 2-5/20');
  t.equal(part.headers.get('content-length'), '4');
  const open = await f.download(f.maya.token, id, { range: 'bytes=15-' });
  t.equal(await open.text(), 'pqrst');
  const suffix = await f.download(f.maya.token, id, { range: 'bytes=-3' });
  t.equal(await suffix.text(), 'rst');
  const beyond = await f.download(f.maya.token, id, { range: 'bytes=20-30' });
  t.equal(beyond.status, 416);
  t.equal(beyond.headers.get('content-range'), 'bytes */20');
  t.equal((await beyond.json()).error.code, 'RANGE_NOT_SATISFIABLE');
  const several = await f.download(f.maya.token, id, { range: 'bytes=0-1,4-5' });
  t.equal(several.status, 200, 'several ranges: the whole file');
  t.equal(await several.text(), text.toString());
});
