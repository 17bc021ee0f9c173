import t from 'tap';
import { eventually } from '../testing/eventually.ts';
import { startVideo } from './helpers.ts';

t.test('a dead worker is replaced and its rooms are closed', async (t) => {
  const { client, video, audit } = await startVideo(t, { m: { host: 'mentor', participants: ['s1', 's2'] } });
  const died: number[] = [];
  video.on('workerDied', (pid) => died.push(pid));
  const mentor = client('mentor', 'mentor');
  const student = client('s1');
  await mentor.ok('video.join', { roomId: 'm' });
  await student.ok('video.join', { roomId: 'm' });
  const [room] = video.snapshot().rooms;
  const deadPid = room?.workerPid ?? 0;
  t.same(video.snapshot().workerPids, [deadPid]);

  process.kill(deadPid, 'SIGKILL');

  t.match(await mentor.notified('video.removed'), { roomId: 'm', reason: 'roomClosed' });
  t.match(await student.notified('video.removed'), { roomId: 'm', reason: 'roomClosed' });
  t.same(video.snapshot().rooms, [], 'its rooms are closed');
  t.same(died, [deadPid]);
  t.match(
    audit.filter((e) => e.type === 'video.left'),
    [{ reason: 'roomClosed' }, { reason: 'roomClosed' }],
  );
  const [newPid] = await eventually('a replacement worker', () => {
    const pids = video.snapshot().workerPids;
    return pids.length === 1 && pids[0] !== deadPid ? pids : undefined;
  });
  t.equal(await mentor.errorCode('video.createTransport', { direction: 'recv' }), 'VIDEO_NOT_JOINED');
  await mentor.ok('video.join', { roomId: 'm' });
  t.match(video.snapshot().rooms, [{ roomId: 'm', workerPid: newPid, peers: 1 }], 'the room reopens on the new worker');
});
