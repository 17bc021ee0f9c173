import t from 'tap';
import type { Screener } from '../moderation/types.ts';
import { fileApp } from './support/file-app.ts';
import { pdfWithText, upload } from './support/files.ts';
import { TestClient } from './support/ws-client.ts';

/** Holds file texts that contain HOLD-ME, and records which kinds of text it saw. */
function holdingScreener(kinds: string[]): Screener {
  return {
    async screen(request) {
      kinds.push(request.kind);
      const hold = request.kind === 'file-text' && request.text.includes('HOLD-ME');
      return {
        action: hold ? 'hold' : 'deliver',
        severity: hold ? 'high' : 'none',
        categories: hold ? ['test'] : [],
        spans: [],
        findings: [],
        stageVersions: { test: '1' },
        timings: [],
        conversationRisk: 0,
        alert: hold ? { severity: 'high', reason: 'test hold' } : null,
      };
    },
    async close() {},
  };
}

t.test('downloads: members yes, outsiders learn nothing, held files reach no recipient', async (t) => {
  const kinds: string[] = [];
  const f = await fileApp(t, { screener: holdingScreener(kinds) });
  const mentor = await TestClient.connect(f.wsUrl, f.maya.token);
  t.teardown(() => mentor.close());

  const ok = await upload(f.baseUrl, f.ava.token, f.conversationId, 'plan.txt', Buffer.from('my project plan'));
  t.equal(ok.status, 201);
  t.ok(kinds.includes('file-name') && kinds.includes('file-text'), 'name and text are screened');

  const outsider = await f.download(f.liam.token, ok.body.file.id);
  const missing = await f.download(f.liam.token, '00000000-0000-0000-0000-000000000000');
  t.equal(outsider.status, 404, 'a non-member cannot download');
  t.same(await outsider.json(), await missing.json(), 'same answer as for a file that does not exist');
  const anonymous = await fetch(`${f.baseUrl}/files/${ok.body.file.id}`);
  t.equal(anonymous.status, 401);
  const notMember = await upload(f.baseUrl, f.liam.token, f.conversationId, 'x.txt', Buffer.from('hello'));
  t.equal(notMember.status, 403);
  t.equal(notMember.body.error.code, 'NOT_A_MEMBER');

  const held = await upload(f.baseUrl, f.ava.token, f.conversationId, 'private.pdf', pdfWithText('HOLD-ME please'));
  t.equal(held.status, 201);
  t.equal(held.body.message.status, 'pending_review', 'the sender sees it pending');
  t.equal((await f.download(f.maya.token, held.body.file.id)).status, 404, 'the recipient cannot download a held file');
  t.equal((await f.download(f.ava.token, held.body.file.id)).status, 200, 'the uploader can');
  t.equal((await f.download(f.coordinator.token, held.body.file.id)).status, 200, 'the coordinator can');
  const history = await f.app.inject({ url: `/conversations/${f.conversationId}/messages`, headers: { authorization: `Bearer ${f.maya.token}` } });
  t.same(
    history.json().messages.map((m: { seq: number }) => m.seq),
    [ok.body.message.seq],
    'the held file is not in the recipient history',
  );
  // The next delivered message reaches the mentor; the held one never did.
  const after = await upload(f.baseUrl, f.ava.token, f.conversationId, 'later.txt', Buffer.from('later'));
  await mentor.next((frame) => frame.type === 'message' && (frame.message as { seq: number }).seq === after.body.message.seq, 30_000);
  t.notOk(mentor.messages(f.conversationId).some((m) => m.seq === held.body.message.seq), 'no frame for the held file');

  // The coordinator's transcript lists the files with links; the audit log has uploads and downloads.
  const mentorship = await f.app.db.prisma.conversation.findUniqueOrThrow({ where: { id: f.conversationId }, select: { mentorshipId: true } });
  const transcript = await f.app.inject({ url: `/mentorships/${mentorship.mentorshipId}/transcript`, headers: { authorization: `Bearer ${f.coordinator.token}` } });
  t.equal(transcript.statusCode, 200, transcript.body);
  const entries = transcript.json().messages as { attachment: { id: string; url: string; name: string } | null; status: string }[];
  const heldEntry = entries.find((e) => e.attachment?.id === held.body.file.id);
  t.equal(heldEntry?.status, 'held');
  t.equal(heldEntry?.attachment?.url, `/files/${held.body.file.id}`);
  t.equal(heldEntry?.attachment?.name, 'private.pdf');
  const csv = await f.app.inject({ url: `/mentorships/${mentorship.mentorshipId}/transcript?format=csv`, headers: { authorization: `Bearer ${f.coordinator.token}` } });
  t.match(csv.body, `private.pdf (application/pdf`);
  const audit = await f.app.db.prisma.auditEntry.findMany({ select: { kind: true, subjectIds: true, data: true } });
  t.ok(audit.some((e) => e.kind === 'message.screened' && (e.data as { attachment?: { id: string } }).attachment?.id === held.body.file.id), 'upload audited');
  t.ok(audit.some((e) => e.kind === 'file.downloaded' && e.subjectIds.includes(held.body.file.id)), 'download audited');
  // Once a coordinator approves it, the held file reaches the recipient like any released message.
  const approve = await f.app.inject({
    method: 'POST',
    url: `/review/messages/${held.body.message.messageId}/decisions`,
    headers: { authorization: `Bearer ${f.coordinator.token}` },
    payload: { action: 'approve', reason: 'a normal school document' },
  });
  t.ok(approve.statusCode === 200 || approve.statusCode === 201, approve.body);
  const released = await mentor.next(
    (frame) => (frame.message as { seq?: number } | undefined)?.seq === held.body.message.seq,
    30_000,
  );
  t.equal((released.message as { attachment: { id: string } }).attachment.id, held.body.file.id, 'released with its attachment');
  t.equal((await f.download(f.maya.token, held.body.file.id)).status, 200, 'the recipient can download it now');

  const refused = await upload(f.baseUrl, f.ava.token, f.conversationId, 'run.sh', Buffer.from('echo hi'));
  t.equal(refused.status, 415);
  t.ok(
    (await f.app.db.prisma.auditEntry.findMany({ where: { kind: 'file.refused' } })).some((e) => (e.data as { code: string }).code === 'FILE_SCRIPT'),
    'refusal audited',
  );
});
