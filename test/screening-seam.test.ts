/**
 * The screening seam: every message passes the screener between "accepted" and "delivered", and what
 * it holds or blocks reaches no recipient by any path.
 */
import t from 'tap';
import type { Screener, ScreeningRequest, ScreeningResult } from '../moderation/types.ts';
import { build, eventually, login } from './support/app.ts';
import { TestClient } from './support/ws-client.ts';

/** A screener that records every text it sees and decides by a marker word in it. */
function markerScreener(seen: ScreeningRequest[]): Screener {
  return {
    async screen(request): Promise<ScreeningResult> {
      seen.push(request);
      const action = request.text.includes('HOLD') ? 'hold' : request.text.includes('BLOCK') ? 'block' : 'deliver';
      return {
        action, severity: action === 'deliver' ? 'none' : 'high', categories: action === 'deliver' ? [] : ['test'], spans: [], findings: [],
        stageVersions: { marker: '1' }, timings: [], conversationRisk: 0, alert: null,
      };
    },
    async close() {},
  };
}

t.test('nothing reaches a recipient without passing the screener', async (t) => {
  const seen: ScreeningRequest[] = [];
  const { app, wsUrl } = await build(t, { screener: markerScreener(seen) });
  const ava = await login(app, 'ava');
  const maya = await login(app, 'maya');
  const student = await TestClient.connect(wsUrl, ava.token);
  const mentor = await TestClient.connect(wsUrl, maya.token);
  t.teardown(() => Promise.all([student.close(), mentor.close()]));
  const conversationId = (student.frames[0]!.conversations as { conversationId: string }[])[0]!.conversationId;

  const texts = ['first', 'HOLD this one', 'BLOCK this one', 'last'];
  const answers = [];
  for (const [i, text] of texts.entries()) answers.push(await student.sendMessage(conversationId, `k${i}`, text));
  t.same(answers.map((a) => a.status ?? a.code), ['delivered', 'pending_review', 'MESSAGE_BLOCKED', 'delivered']);
  t.same(seen.map((r) => r.text), texts, 'the screener saw every message, in order, before any answer');
  t.same(seen.map((r) => r.senderRole), ['student', 'student', 'student', 'student']);
  t.same(seen[0]!.recipientRoles, ['mentor'], 'direction is known to the screener');

  await eventually(() => mentor.messages(conversationId).some((m) => m.body === 'last'));
  const live = mentor.messages(conversationId).map((m) => m.body);
  t.same(live, ['first', 'last'], 'live: the held and blocked messages never reached the mentor');
  t.notOk(JSON.stringify([...mentor.frames, ...student.frames]).includes('BLOCK this one'), 'no frame to anyone carries the blocked text');

  const resumed = await TestClient.connect(wsUrl, maya.token);
  t.teardown(() => resumed.close());
  resumed.send({ type: 'resume', conversations: [{ conversationId, afterSeq: 0 }] });
  await resumed.next((f) => f.type === 'resumed');
  t.same(resumed.messages(conversationId).map((m) => m.body), ['first', 'last'], 'resume');

  const history = await app.inject({ url: `/conversations/${conversationId}/messages?after=0`, headers: { authorization: `Bearer ${maya.token}` } });
  t.same((history.json().messages as { body: string }[]).map((m) => m.body), ['first', 'last'], 'history');
  const own = await app.inject({ url: `/conversations/${conversationId}/messages?after=0`, headers: { authorization: `Bearer ${ava.token}` } });
  t.same((own.json().messages as { body: string; status: string }[]).map((m) => [m.body, m.status]), [
    ['first', 'delivered'], ['HOLD this one', 'pending_review'], ['last', 'delivered'],
  ], 'the sender sees its held message as pending review');

  t.equal(await app.db.prisma.message.count({ where: { conversationId } }), 4, 'every message is logged, the blocked one too');
});
