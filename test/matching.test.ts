import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { build, login } from './support/app.ts';

type Json = Record<string, unknown>;

function client(app: FastifyInstance, token: string) {
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => {
    const response = await app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } });
    return { status: response.statusCode, body: response.json() as Json & { error?: { code: string } } };
  };
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, payload: object = {}) => call('POST', url, payload),
    put: (url: string, payload: object) => call('PUT', url, payload),
  };
}

async function setup(t: { teardown(fn: () => unknown): void }) {
  const { app } = await build(t, { listen: false });
  const as = async (key: string) => ({ ...(await login(app, key)), api: client(app, (await login(app, key)).token) });
  return { app, as };
}

t.test('search ranks vetted mentors of the program by overlap', async (t) => {
  const { as } = await setup(t);
  const eli = await as('eli');
  const found = await eli.api.get('/mentors?type=project_design&categories=engineering,stem');
  t.equal(found.status, 200);
  const names = (found.body as unknown as { displayName: string; score: number }[]).map((m) => [m.displayName, m.score]);
  t.same(names, [['Maya Okafor', 2], ['Priya Natarajan', 2]].sort(), 'both match type and one category; ties by name');
  const health = await eli.api.get('/mentors?categories=health_science');
  t.same((health.body as unknown as { displayName: string }[]).map((m) => m.displayName), ['Daniel Reyes']);
});

t.test('a student asks, the mentor accepts, and the conversation opens', async (t) => {
  const { as } = await setup(t);
  const eli = await as('eli');
  const daniel = await as('daniel');
  const requests = await eli.api.get('/requests');
  const requestId = (requests.body as unknown as { id: string }[])[0]!.id;
  const asked = await eli.api.post('/mentorships', { mentorId: daniel.userId, requestId, note: 'Nursing?' });
  t.equal(asked.status, 201);
  t.equal(asked.body.status, 'proposed');
  const again = await eli.api.post('/mentorships', { mentorId: daniel.userId });
  t.equal(again.body.error?.code, 'CONFLICT', 'one open mentorship per pair');
  const byStudent = await eli.api.post(`/mentorships/${asked.body.id}/accept`);
  t.equal(byStudent.body.error?.code, 'CONFLICT', 'the asking side cannot accept for the mentor');
  const accepted = await daniel.api.post(`/mentorships/${asked.body.id}/accept`);
  t.equal(accepted.status, 200);
  t.equal(accepted.body.status, 'active');
  t.ok((accepted.body.conversation as { id: string }).id, 'conversation opened');
  const conversations = await eli.api.get('/conversations');
  t.equal((conversations.body as unknown as unknown[]).length, 1);
});

t.test('acceptance is refused without vetting or a guardian agreement, with stable codes', async (t) => {
  const { app, as } = await setup(t);
  const eli = await as('eli');
  const daniel = await as('daniel');
  const coordinator = await as('coordinator');
  await coordinator.api.put(`/users/${daniel.userId}/vetting`, { backgroundCheckCleared: false, trainingCompleted: true });
  const asked = await eli.api.post('/mentorships', { mentorId: daniel.userId });
  const refused = await daniel.api.post(`/mentorships/${asked.body.id}/accept`);
  t.equal(refused.status, 409);
  t.equal(refused.body.error?.code, 'MENTOR_NOT_VETTED');
  await coordinator.api.put(`/users/${daniel.userId}/vetting`, { backgroundCheckCleared: true, trainingCompleted: true });
  await app.db.prisma.studentProfile.update({ where: { userId: eli.userId }, data: { guardianAgreementAt: null } });
  const noAgreement = await daniel.api.post(`/mentorships/${asked.body.id}/accept`);
  t.equal(noAgreement.body.error?.code, 'GUARDIAN_AGREEMENT_MISSING');
  const recorded = await coordinator.api.put(`/users/${eli.userId}/guardian-agreement`, { guardianName: 'Pat Johnson', signedAt: new Date().toISOString() });
  t.equal(recorded.status, 200);
  t.equal((await daniel.api.post(`/mentorships/${asked.body.id}/accept`)).body.status, 'active');
});

t.test('a mentor offers to a request and the student chooses', async (t) => {
  const { as } = await setup(t);
  const eli = await as('eli');
  const daniel = await as('daniel');
  const requestId = ((await daniel.api.get('/requests')).body as unknown as { id: string }[])[0]!.id;
  const offer = await daniel.api.post(`/requests/${requestId}/offers`, { note: 'I can help' });
  t.equal(offer.status, 201);
  t.equal((await daniel.api.post(`/mentorships/${offer.body.id}/accept`)).body.error?.code, 'CONFLICT');
  const declined = await eli.api.post(`/mentorships/${offer.body.id}/decline`);
  t.equal(declined.body.status, 'declined');
});

t.test('coordinators form groups within the ratio and end mentorships; others may not', async (t) => {
  const { as } = await setup(t);
  const coordinator = await as('coordinator');
  const daniel = await as('daniel');
  const students = await Promise.all(['ava', 'liam', 'sofia', 'noah', 'zara'].map((k) => as(k)));
  const five = students.map((s) => s.userId);
  const tooMany = await coordinator.api.post('/mentorships/groups', { kind: 'small_group', mentorIds: [daniel.userId], studentIds: five });
  t.equal(tooMany.body.error?.code, 'RATIO_EXCEEDED');
  const group = await coordinator.api.post('/mentorships/groups', { kind: 'small_group', mentorIds: [daniel.userId], studentIds: five.slice(0, 4) });
  t.equal(group.status, 201);
  t.equal(group.body.status, 'active');
  const byMentor = await daniel.api.post('/mentorships/groups', { kind: 'small_group', mentorIds: [daniel.userId], studentIds: five.slice(0, 1) });
  t.equal(byMentor.body.error?.code, 'FORBIDDEN');
  const ended = await coordinator.api.post(`/mentorships/${group.body.id}/end`, { reason: 'term over' });
  t.equal(ended.body.status, 'ended');
  t.equal((await students[0]!.api.get(`/mentorships/${group.body.id}`)).status, 200, 'members still see it');
  t.equal((await (await as('eli')).api.get(`/mentorships/${group.body.id}`)).status, 404, 'others do not');
});

t.test('ended mentorships are read-only', async (t) => {
  const { app, as } = await setup(t);
  const coordinator = await as('coordinator');
  const ava = await as('ava');
  const mentorship = ((await ava.api.get('/mentorships')).body as unknown as { id: string; conversation: { id: string } }[])[0]!;
  await coordinator.api.post(`/mentorships/${mentorship.id}/end`, { reason: 'done' });
  const user = { id: ava.userId, role: 'student' as const, programId: null, displayName: 'Ava' };
  await t.rejects(app.messages.send(user, { conversationId: mentorship.conversation.id, clientId: 'x', body: 'hello?' }), { code: 'MENTORSHIP_NOT_ACTIVE' });
});

t.test('every route checks its input and its caller', async (t) => {
  const { app, as } = await setup(t);
  const ava = await as('ava');
  t.equal((await app.inject({ url: '/mentors' })).json().error.code, 'UNAUTHENTICATED');
  t.equal((await ava.api.post('/requests', { kind: 'essay', title: 't' })).body.error?.code, 'BAD_REQUEST');
  t.equal((await ava.api.put('/me/mentor-profile', { headline: 'x' })).body.error?.code, 'FORBIDDEN');
  t.equal((await ava.api.post('/admin/programs', { name: 'Mine' })).body.error?.code, 'FORBIDDEN');
  const openapi = await app.inject({ url: '/docs/json' });
  t.ok((openapi.json() as { paths: Record<string, unknown> }).paths['/mentorships/{id}/accept'], 'OpenAPI served');
});
