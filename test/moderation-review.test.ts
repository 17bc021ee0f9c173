import t from 'tap';
import { REDACTION_MARK } from '../moderation/redact.ts';
import { eventually, login } from './support/app.ts';
import { api, moderationSetup, otherProgramCoordinator } from './support/moderation.ts';

const GROOMING = "don't tell your parents about our chats, just between you and me";

t.test('reject, redact, escalate and dismiss are recorded and applied live', async (t) => {
  const { app, ava, maya, coordinator, conversationId, open } = await moderationSetup(t);
  const student = await open(ava);
  const mentor = await open(maya);
  const watcher = await open(coordinator);
  const decide = (id: unknown, body: object) => api(app, coordinator, 'POST', `/review/messages/${String(id)}/decisions`, body);

  const held = await mentor.sendMessage(conversationId, 'r1', GROOMING);
  t.equal(held.status, 'pending_review');
  t.equal((await decide(held.messageId, { action: 'dismiss', reason: 'x' })).status, 409, 'a held message needs a real decision');
  t.equal((await decide(held.messageId, { action: 'reject', reason: 'secrecy with a student' })).status, 201);
  const update = await mentor.next((f) => f.type === 'message.updated');
  t.same((update.message as { id: string; status: string }).status, 'rejected', 'the sender is told');
  t.equal((await decide(held.messageId, { action: 'approve', reason: 'late' })).status, 409, 'a rejected message stays rejected');
  t.equal((await decide(held.messageId, { action: 'nuke', reason: 'x' })).status, 400);

  const plain = await student.sendMessage(conversationId, 'r2', 'My teacher is Mr Smith and I live near the park');
  await eventually(() => mentor.messages(conversationId).some((m) => m.seq === plain.seq), 20_000, 'the mentor gets the plain message');
  const redacted = await decide(plain.messageId, { action: 'redact', reason: 'location', spans: [{ start: 34, end: 47 }] });
  t.equal(redacted.status, 201);
  const masked = (await mentor.next((f) => f.type === 'message.updated' && (f.message as { id: string }).id === plain.messageId)).message as { body: string; redacted: boolean };
  t.equal(masked.body, `My teacher is Mr Smith and I live ${REDACTION_MARK.repeat(13)}`);
  t.equal(masked.redacted, true);
  const history = await api(app, maya, 'GET', `/conversations/${conversationId}/messages?after=0`);
  t.notOk(JSON.stringify(history.body).includes('near the park'));

  const escalated = await decide(plain.messageId, { action: 'escalate', reason: 'the safeguarding lead should look' });
  t.equal(escalated.status, 201);
  const alert = (await watcher.next((f) => f.type === 'alert' && (f.alert as { source: string }).source === 'escalation')).alert as { severity: string; reason: string };
  t.equal(alert.severity, 'high');
  t.match(alert.reason, /safeguarding lead/);
  const queue = await api(app, coordinator, 'GET', '/review/queue?status=escalated');
  t.same((queue.body as { items: { messageId: string }[] }).items.map((i) => i.messageId), [plain.messageId]);
  t.equal((await decide(plain.messageId, { action: 'dismiss', reason: 'handled by phone' })).status, 201);
  const state = await api(app, coordinator, 'GET', `/review/messages/${String(plain.messageId)}`);
  const detail = state.body as { review: { status: string }; decisions: { action: string; actorId: string; reason: string }[]; alerts: { status: string }[] };
  t.equal(detail.review.status, 'resolved');
  t.same(detail.decisions.map((d) => d.action), ['deliver', 'redact', 'escalate', 'dismiss']);
  t.ok(detail.decisions.slice(1).every((d) => d.actorId === coordinator.userId && d.reason.length > 0));
  t.ok(detail.alerts.every((a) => a.status === 'resolved'), 'dismissing resolves the alerts');
  t.equal((await api(app, ava, 'GET', `/review/messages/${String(plain.messageId)}`)).status, 403, 'students cannot review');
});

t.test('members report messages; a student report is high priority and alerts coordinators', async (t) => {
  const { app, ava, maya, coordinator, conversationId, open } = await moderationSetup(t);
  const liam = await login(app, 'liam');
  const student = await open(ava);
  const mentor = await open(maya);
  const watcher = await open(coordinator);
  const fromMentor = await mentor.sendMessage(conversationId, 'p1', 'You should skip the college fair, it is pointless');
  const fromStudent = await student.sendMessage(conversationId, 'p2', 'ok whatever');
  const held = await mentor.sendMessage(conversationId, 'p3', GROOMING);

  const byStudent = await api(app, ava, 'POST', `/messages/${String(fromMentor.messageId)}/reports`, { reason: 'this made me uncomfortable' });
  t.equal(byStudent.status, 201);
  t.equal((byStudent.body as { priority: string }).priority, 'high');
  const alert = (await watcher.next((f) => f.type === 'alert' && (f.alert as { source: string }).source === 'report')).alert as { severity: string; message: { body: string } };
  t.equal(alert.severity, 'high');
  t.equal(alert.message.body, 'You should skip the college fair, it is pointless');

  const byMentor = await api(app, maya, 'POST', `/messages/${String(fromStudent.messageId)}/reports`, { reason: 'rude' });
  t.equal((byMentor.body as { priority: string }).priority, 'normal');
  t.equal(await app.db.prisma.alert.count({ where: { source: 'report' } }), 1, "only the student's report alerts");
  t.equal((await api(app, liam, 'POST', `/messages/${String(fromMentor.messageId)}/reports`, { reason: 'x' })).status, 404, 'non-members cannot report');
  t.equal((await api(app, ava, 'POST', `/messages/${String(held.messageId)}/reports`, { reason: 'x' })).status, 404, 'nor report what they cannot see');
  t.equal((await api(app, ava, 'POST', `/messages/${String(fromMentor.messageId)}/reports`, {})).status, 400);

  const reports = await api(app, coordinator, 'GET', '/review/reports');
  t.same((reports.body as { items: { priority: string }[] }).items.map((r) => r.priority), ['high', 'normal']);
  const queue = await api(app, coordinator, 'GET', '/review/queue?status=pending');
  t.equal((queue.body as { items: { messageId: string }[] }).items[0]!.messageId, fromMentor.messageId, "the student's report leads the queue");

  const alerts = await api(app, coordinator, 'GET', '/review/alerts?status=open');
  const open2 = (alerts.body as { items: { id: string }[] }).items;
  t.ok(open2.length >= 2);
  const first = open2[0]!.id;
  t.equal((await api(app, coordinator, 'POST', `/review/alerts/${first}/acknowledge`)).status, 200);
  t.equal((await api(app, coordinator, 'POST', `/review/alerts/${first}/acknowledge`)).status, 409);
  const resolved = await api(app, coordinator, 'POST', `/review/alerts/${first}/resolve`);
  t.same([(resolved.body as { status: string }).status, (resolved.body as { resolvedById: string }).resolvedById], ['resolved', coordinator.userId]);
  t.equal(await app.db.prisma.auditEntry.count({ where: { kind: { in: ['report.created', 'alert.acknowledged', 'alert.resolved'] } } }), 4);
});

t.test('program policies are validated, scoped and applied to the next message', async (t) => {
  const { app, ava, coordinator, admin, conversationId, open } = await moderationSetup(t);
  const programId = (await app.db.prisma.program.findFirstOrThrow()).id;
  const url = `/programs/${programId}/policy`;
  const bad = await api(app, coordinator, 'PUT', url, { rules: [{ categories: ['profanity'], action: 'explode' }] });
  t.equal(bad.status, 400);
  t.same((bad.body as { error: { code: string; details: { path: string } } }).error.code, 'POLICY_INVALID');
  t.equal((bad.body as { error: { details: { path: string } } }).error.details.path, 'policy.rules[0].action');
  t.equal((await api(app, ava, 'PUT', url, {})).status, 403, 'students cannot change it');
  const stranger = await otherProgramCoordinator(app, admin);
  t.equal((await api(app, stranger, 'PUT', url, {})).status, 404, "another program's coordinator cannot either");

  const student = await open(ava);
  const before = await student.sendMessage(conversationId, 'q1', 'this homework is shit');
  t.same([before.status, before.redacted], ['delivered', true], 'the default policy redacts profanity');
  const saved = await api(app, coordinator, 'PUT', url, { version: 'strict-1', rules: [{ categories: ['profanity'], action: 'block' }] });
  t.equal(saved.status, 200);
  t.equal((saved.body as { effective: { version: string } }).effective.version, 'strict-1');
  const after = await student.sendMessage(conversationId, 'q2', 'this homework is shit');
  t.equal(after.code, 'MESSAGE_BLOCKED', 'the new policy applies at once');
  const read = await api(app, admin, 'GET', url);
  t.same((read.body as { policy: { version: string } }).policy.version, 'strict-1');
  t.equal(await app.db.prisma.auditEntry.count({ where: { kind: 'policy.updated', actorId: coordinator.userId } }), 1);
  const adminActions = await app.db.prisma.auditEntry.findMany({ where: { actorId: admin.userId }, orderBy: { seq: 'asc' } });
  t.same(adminActions.map((e) => e.kind), ['program.created', 'user.created'], "the admin's actions are audited");
});
