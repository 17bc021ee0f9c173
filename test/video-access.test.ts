/**
 * Video rooms through the Trellis socket with the server's own, database-backed access policy and a
 * real mediasoup worker: members join, coordinators observe, others are refused, one-to-one sessions
 * need the program's permission and notify coordinators, and every join is audited.
 */
import t from 'tap';
import { build, eventually, login } from './support/app.ts';
import { TestClient, type Frame } from './support/ws-client.ts';

async function join(client: TestClient, roomId: string, requestId: string): Promise<Frame> {
  client.send({ type: 'video.join', requestId, roomId });
  return client.next((f) => f.type === 'video.response' && f.requestId === requestId, 20_000);
}

t.test('room access follows mentorships and program policy', async (t) => {
  const { app, wsUrl } = await build(t, { env: { VIDEO_ENABLED: 'true', MEDIA_WORKERS: '1' } });
  const open = async (key: string) => {
    const client = await TestClient.connect(wsUrl, (await login(app, key)).token);
    t.teardown(() => client.close());
    return client;
  };
  const mentorships = await app.db.prisma.mentorship.findMany({ select: { id: true, kind: true } });
  const oneToOne = mentorships.find((m) => m.kind === 'one_to_one')!.id;
  const group = mentorships.find((m) => m.kind === 'small_group')!.id;

  const priya = await open('priya');
  const liam = await open('liam');
  const eli = await open('eli');
  const coordinator = await open('coordinator');
  const hosted = await join(priya, group, 'p1');
  t.equal(hosted.ok, true, 'the group mentor joins');
  t.equal((hosted.data as { as: string }).as, 'host');
  t.equal(((await join(liam, group, 'l1')).data as { as: string }).as, 'participant');
  const refused = await join(eli, group, 'e1');
  t.equal((refused.error as { code: string }).code, 'VIDEO_NOT_ALLOWED', 'a student of another mentorship is refused');
  const stranger = await join(eli, '00000000-0000-0000-0000-000000000000', 'e2');
  t.equal((stranger.error as { code: string }).code, 'VIDEO_NOT_ALLOWED', 'an unknown room is refused the same way');
  t.equal(((await join(coordinator, group, 'c1')).data as { as: string }).as, 'observer');

  const maya = await open('maya');
  const notAllowed = await join(maya, oneToOne, 'm1');
  t.equal((notAllowed.error as { code: string }).code, 'VIDEO_NOT_ALLOWED', 'one-to-one video needs the program to allow it');
  await app.db.prisma.program.updateMany({ data: { videoOneToOneAllowed: true } });
  t.equal((await join(maya, oneToOne, 'm2')).ok, true);
  const notice = await coordinator.next((f) => f.type === 'video.oneToOneStarted');
  t.equal(notice.roomId, oneToOne, 'the coordinator is told and may join');

  await eventually(async () => (await app.db.prisma.auditEntry.count({ where: { kind: 'video.joined' } })) >= 4, 10_000, 'joins audited');
  t.ok(await app.db.prisma.auditEntry.count({ where: { kind: 'video.refused' } }), 'refusals audited');
});

t.test('a video session page is served for browsers', async (t) => {
  const { app } = await build(t, { env: { VIDEO_ENABLED: 'true', MEDIA_WORKERS: '1' }, listen: false });
  const page = await app.inject({ url: '/video' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /text\/html/);
  t.match(page.body, /video\.join/, 'with the bundled signalling client');
  t.match(page.body, /\/auth\/login/);
});

