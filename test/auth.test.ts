import t from 'tap';
import { loadConfig } from '../server/config.ts';
import { build, eventually, login } from './support/app.ts';
import { TestClient } from './support/ws-client.ts';

t.test('login gives a token for HTTP and the socket; logout revokes it and closes sockets', async (t) => {
  const { app, wsUrl } = await build(t);
  const wrong = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ava@demo.trellis.school', password: 'nope' } });
  t.equal(wrong.statusCode, 401);
  t.equal(wrong.json().error.code, 'INVALID_CREDENTIALS');
  const unknown = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'who@x.org', password: 'nope' } });
  t.equal(unknown.json().error.code, 'INVALID_CREDENTIALS', 'same answer for an unknown email');

  const { token } = await login(app, 'ava');
  const me = await app.inject({ url: '/me', headers: { authorization: `Bearer ${token}` } });
  t.equal(me.json().email, 'ava@demo.trellis.school');
  const socket = await TestClient.connect(wsUrl, token);
  t.teardown(() => socket.close());
  const out = await app.inject({ method: 'POST', url: '/auth/logout', headers: { authorization: `Bearer ${token}` } });
  t.equal(out.statusCode, 204);
  await eventually(() => socket.closed);
  t.equal(socket.closed!.code, 4001);
  t.equal((await app.inject({ url: '/me', headers: { authorization: `Bearer ${token}` } })).statusCode, 401);
  await t.rejects(TestClient.connect(wsUrl, token), /401/);
});

t.test('expired tokens are refused; a socket upgrade needs a token', async (t) => {
  const { app, wsUrl } = await build(t);
  const { token } = await login(app, 'ava');
  await app.db.prisma.authSession.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
  t.equal((await app.inject({ url: '/me', headers: { authorization: `Bearer ${token}` } })).json().error.code, 'UNAUTHENTICATED');
  await t.rejects(TestClient.connect(wsUrl, ''), /401/);
});

t.test('health and readiness', async (t) => {
  const { app } = await build(t, { listen: false });
  t.same((await app.inject({ url: '/healthz' })).json(), { status: 'ok' });
  t.same((await app.inject({ url: '/readyz' })).json(), { status: 'ready', database: 'ok', bus: 'ok' });
  await app.bus.close();
  const down = await app.inject({ url: '/readyz' });
  t.equal(down.statusCode, 503);
  t.equal(down.json().bus, 'unreachable');
});

t.test('shutdown drains sockets with the shutdown close code', async (t) => {
  const { app, wsUrl } = await build(t);
  const { token } = await login(app, 'ava');
  const socket = await TestClient.connect(wsUrl, token);
  await app.close();
  await eventually(() => socket.closed);
  t.equal(socket.closed!.code, 4009);
});

t.test('a wrong configuration value names the variable', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
  t.throws(() => loadConfig({ MESSAGE_BURST: '0' }), /MESSAGE_BURST/);
  t.throws(() => loadConfig({ DEMO_SEED: 'maybe' }), /DEMO_SEED/);
  t.equal(loadConfig({}).PORT, 3000);
});
