import t from 'tap';
import { eventually } from '../testing/eventually.ts';
import { startVideo, vp8Parameters, type FakeMentorship } from './helpers.ts';

const mentorships: Record<string, FakeMentorship> = {
  'mentorship-a': { host: 'mentor-1', participants: ['student-1', 'student-2', 'student-3'], observers: ['coord-1'], maxParticipants: 3 },
  'mentorship-b': { host: 'mentor-2', participants: ['student-9'] },
};

t.test('a non-member is refused, and the refusal is audited', async (t) => {
  const { client, audit, video } = await startVideo(t, mentorships);
  const stranger = client('student-9');
  t.equal(await stranger.errorCode('video.join', { roomId: 'mentorship-a' }), 'VIDEO_NOT_ALLOWED');
  t.equal(await stranger.errorCode('video.join', { roomId: 'no-such-mentorship' }), 'VIDEO_NOT_ALLOWED');
  t.match(audit, [{ type: 'video.refused', userId: 'student-9', roomId: 'mentorship-a', code: 'VIDEO_NOT_ALLOWED' }, {}]);
  t.same(video.snapshot().rooms, [], 'a refusal opens no room');
  t.equal(await stranger.errorCode('video.createTransport', { direction: 'recv' }), 'VIDEO_NOT_JOINED');
});

t.test('malformed requests get VIDEO_BAD_REQUEST with the requestId echoed', async (t) => {
  const { client } = await startVideo(t, mentorships);
  const c = client('mentor-1', 'mentor');
  await c.session.handle({ type: 'video.join', requestId: 7, roomId: 42 });
  await c.session.handle({ type: 'video.nonsense', requestId: 'x' });
  await c.session.handle({ type: 'video.join' });
  t.match(c.received, [
    { type: 'video.response', requestId: 7, ok: false, error: { code: 'VIDEO_BAD_REQUEST', message: /roomId/ } },
    { type: 'video.response', requestId: 'x', ok: false, error: { code: 'VIDEO_BAD_REQUEST' } },
    { type: 'video.response', requestId: null, ok: false, error: { code: 'VIDEO_BAD_REQUEST' } },
  ]);
});

t.test('members join, produce, and consume each other; an observer receives but cannot produce', async (t) => {
  const { client, audit } = await startVideo(t, mentorships);
  const mentor = client('mentor-1', 'mentor');
  const student = client('student-1');
  const coordinator = client('coord-1', 'coordinator');

  const joined = await mentor.ok('video.join', { roomId: 'mentorship-a' });
  t.equal(joined.as, 'host');
  t.match(joined.rtpCapabilities, { codecs: Array });
  t.equal(await mentor.errorCode('video.join', { roomId: 'mentorship-a' }), 'VIDEO_ALREADY_JOINED');
  t.match(await student.ok('video.join', { roomId: 'mentorship-a' }), { as: 'participant', peers: [{ userId: 'mentor-1', as: 'host' }] });
  await mentor.notified('video.peerJoined', (m) => m.peer.userId === 'student-1');

  const send = await student.ok('video.createTransport', { direction: 'send' });
  t.match(send, { transportId: String, iceParameters: {}, iceCandidates: [{ ip: '127.0.0.1' }], dtlsParameters: {} });
  const produced = await student.ok('video.produce', { transportId: send.transportId, kind: 'video', rtpParameters: vp8Parameters(1234) });
  const newProducer = await mentor.notified('video.newProducer');
  t.match(newProducer.producer, { producerId: produced.producerId, userId: 'student-1', kind: 'video' });

  const coordJoin = await coordinator.ok('video.join', { roomId: 'mentorship-a' });
  t.equal(coordJoin.as, 'observer');
  t.match(coordJoin.producers, [{ producerId: produced.producerId, userId: 'student-1' }], 'an observer sees existing producers');
  t.equal(await coordinator.errorCode('video.createTransport', { direction: 'send' }), 'VIDEO_OBSERVER_CANNOT_PRODUCE');
  const coordRecv = await coordinator.ok('video.createTransport', { direction: 'recv' });
  t.equal(
    await coordinator.errorCode('video.produce', { transportId: coordRecv.transportId, kind: 'video', rtpParameters: vp8Parameters(99) }),
    'VIDEO_OBSERVER_CANNOT_PRODUCE',
  );
  const consumed = await coordinator.ok('video.consume', {
    transportId: coordRecv.transportId,
    producerId: produced.producerId,
    rtpCapabilities: joined.rtpCapabilities,
  });
  t.match(consumed, { consumerId: String, producerId: produced.producerId, kind: 'video', rtpParameters: { codecs: [{ mimeType: 'video/VP8' }] } });
  await coordinator.ok('video.resumeConsumer', { consumerId: consumed.consumerId });

  await student.ok('video.closeProducer', { producerId: produced.producerId });
  await coordinator.notified('video.producerClosed', (m) => m.producerId === produced.producerId);
  t.equal(
    await student.errorCode('video.pauseProducer', { producerId: produced.producerId }),
    'VIDEO_BAD_REQUEST',
    'a closed producer is dropped',
  );
  t.match(
    audit.map((e) => `${e.type} ${e.userId}`),
    ['video.joined mentor-1', 'video.joined student-1', 'video.produced student-1', 'video.joined coord-1'],
  );
});

t.test('the room is capped at maxParticipants, observers not counted', async (t) => {
  const { client } = await startVideo(t, mentorships);
  for (const userId of ['mentor-1', 'student-1', 'student-2']) await client(userId).ok('video.join', { roomId: 'mentorship-a' });
  t.equal(await client('student-3').errorCode('video.join', { roomId: 'mentorship-a' }), 'VIDEO_ROOM_FULL');
  t.equal((await client('coord-1', 'coordinator').ok('video.join', { roomId: 'mentorship-a' })).as, 'observer');
});

t.test('the host mutes and removes a participant, who cannot rejoin; others cannot', async (t) => {
  const { client, audit } = await startVideo(t, mentorships);
  const mentor = client('mentor-1', 'mentor');
  const student = client('student-1');
  const other = client('student-2');
  for (const c of [mentor, student, other]) await c.ok('video.join', { roomId: 'mentorship-a' });
  const send = await student.ok('video.createTransport', { direction: 'send' });
  const produced = await student.ok('video.produce', { transportId: send.transportId, kind: 'video', rtpParameters: vp8Parameters(5) });

  t.equal(await other.errorCode('video.muteParticipant', { userId: 'student-1' }), 'VIDEO_NOT_HOST');
  t.equal(await other.errorCode('video.removeParticipant', { userId: 'student-1' }), 'VIDEO_NOT_HOST');
  t.equal(await mentor.errorCode('video.removeParticipant', { userId: 'mentor-1' }), 'VIDEO_BAD_REQUEST', 'the host is not a participant');

  await mentor.ok('video.muteParticipant', { userId: 'student-1' });
  t.match(await student.notified('video.muted'), { roomId: 'mentorship-a', byUserId: 'mentor-1' });
  const recv = await other.ok('video.createTransport', { direction: 'recv' });
  const { rtpCapabilities } = await other.ok('video.getRouterRtpCapabilities');
  const consumed = await other.ok('video.consume', {
    transportId: recv.transportId,
    producerId: produced.producerId,
    rtpCapabilities,
  });
  t.equal(consumed.producerPaused, true, 'the muted producer is paused server-side');

  await mentor.ok('video.removeParticipant', { userId: 'student-1' });
  t.match(await student.notified('video.removed'), { roomId: 'mentorship-a', reason: 'removedByHost' });
  await other.notified('video.peerLeft', (m) => m.userId === 'student-1');
  await other.notified('video.producerClosed', (m) => m.producerId === produced.producerId);
  t.equal(await student.errorCode('video.createTransport', { direction: 'recv' }), 'VIDEO_NOT_JOINED');
  t.equal(await student.errorCode('video.join', { roomId: 'mentorship-a' }), 'VIDEO_REMOVED');
  t.match(
    audit.filter((e) => e.type !== 'video.joined'),
    [
      { type: 'video.produced', userId: 'student-1' },
      { type: 'video.participantMuted', userId: 'mentor-1', targetUserId: 'student-1' },
      { type: 'video.left', userId: 'student-1', reason: 'removedByHost' },
      { type: 'video.participantRemoved', userId: 'mentor-1', targetUserId: 'student-1' },
    ],
  );
});

t.test('the room closes when its last peer leaves; two simultaneous joins make one room', async (t) => {
  const { client, video, audit } = await startVideo(t, mentorships);
  const mentor = client('mentor-2', 'mentor');
  const student = client('student-9');
  await Promise.all([mentor.ok('video.join', { roomId: 'mentorship-b' }), student.ok('video.join', { roomId: 'mentorship-b' })]);
  t.match(video.snapshot().rooms, [{ roomId: 'mentorship-b', peers: 2 }]);
  t.match(audit, [{ type: 'video.joined' }, { type: 'video.joined' }, { type: 'video.oneToOneStarted', roomId: 'mentorship-b' }]);
  const started = audit.find((e) => e.type === 'video.oneToOneStarted');
  t.same(new Set(started?.type === 'video.oneToOneStarted' ? started.participantUserIds : []), new Set(['mentor-2', 'student-9']));

  await mentor.ok('video.leave');
  await student.notified('video.peerLeft', (m) => m.userId === 'mentor-2');
  t.match(video.snapshot().rooms, [{ peers: 1 }]);
  student.session.close();
  student.session.close();
  t.same(video.snapshot().rooms, [], 'closed once empty');
  t.match(audit.slice(3), [{ type: 'video.left', userId: 'mentor-2', reason: 'left' }, { type: 'video.left', userId: 'student-9', reason: 'disconnected' }]);
  t.equal(await mentor.ok('video.join', { roomId: 'mentorship-b' }).then((d) => d.as), 'host', 'a new room opens');
});

t.test('the same user joining from a second socket replaces the first', async (t) => {
  const { client, video } = await startVideo(t, mentorships);
  const tab1 = client('mentor-2', 'mentor');
  const tab2 = client('mentor-2', 'mentor');
  await tab1.ok('video.join', { roomId: 'mentorship-b' });
  await tab2.ok('video.join', { roomId: 'mentorship-b' });
  t.match(await tab1.notified('video.removed'), { reason: 'joinedElsewhere' });
  t.match(video.snapshot().rooms, [{ roomId: 'mentorship-b', peers: 1 }]);
});

t.test('a transport that never connects is closed after the idle timeout', async (t) => {
  const { client } = await startVideo(t, mentorships, { idleTransportTimeoutMs: 200 });
  const mentor = client('mentor-2', 'mentor');
  await mentor.ok('video.join', { roomId: 'mentorship-b' });
  const first = await mentor.ok('video.createTransport', { direction: 'recv' });
  t.equal(await mentor.errorCode('video.createTransport', { direction: 'recv' }), 'VIDEO_BAD_REQUEST', 'one per direction');
  // ok() throws while the first transport still exists; eventually() retries until it is gone.
  const second = await eventually('the idle transport to close', () => mentor.ok('video.createTransport', { direction: 'recv' }));
  t.not(second.transportId, first.transportId);
});
