/** Helpers of the moderation tests: the demo mentorship, logged-in members and a small REST client. */
import type { FastifyInstance } from 'fastify';
import { build, login, type BuildOptions, type Teardown } from './app.ts';
import { TestClient, type Frame } from './ws-client.ts';

/** A logged-in demo account. */
export interface Account {
  token: string;
  userId: string;
}

/** Calls the REST API as an account; returns the status and the parsed body. */
export async function api(app: FastifyInstance, who: Account, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  const response = await app.inject({ method, url, headers: { authorization: `Bearer ${who.token}` }, ...(payload ? { payload } : {}) });
  const body = response.headers['content-type']?.toString().startsWith('application/json') ? response.json() : response.body;
  return { status: response.statusCode, body, headers: response.headers };
}

/** The demo one-to-one (ava the student, maya the mentor) with the coordinator and admin logged in. */
export async function moderationSetup(t: Teardown, options: BuildOptions = {}) {
  const { app, wsUrl } = await build(t, options);
  const [ava, maya, coordinator, admin] = await Promise.all(['ava', 'maya', 'coordinator', 'admin'].map((key) => login(app, key)));
  const conversations = await api(app, ava!, 'GET', '/conversations');
  const { conversation } = (conversations.body as { conversation: { id: string; mentorship: { id: string } } }[])[0]!;
  const open = async (who: Account) => {
    const client = await TestClient.connect(wsUrl, who.token);
    t.teardown(() => client.close());
    return client;
  };
  return { app, wsUrl, ava: ava!, maya: maya!, coordinator: coordinator!, admin: admin!, conversationId: conversation.id, mentorshipId: conversation.mentorship.id, open };
}

/** Alert frames a client received. */
export function alertsOf(client: TestClient): Record<string, unknown>[] {
  return client.frames.filter((frame: Frame) => frame.type === 'alert').map((frame) => frame.alert as Record<string, unknown>);
}

/** Creates a second program with its own coordinator (through the admin API) and logs that coordinator in. */
export async function otherProgramCoordinator(app: FastifyInstance, admin: Account): Promise<Account> {
  const program = await api(app, admin, 'POST', '/admin/programs', { name: 'Riverside Mentoring' });
  const email = 'other.coordinator@riverside.example';
  const password = 'riverside-password';
  const created = await api(app, admin, 'POST', '/users', { email, displayName: 'Omar Other', password, role: 'coordinator', programId: (program.body as { id: string }).id });
  if (created.status !== 201) throw new Error(`could not create the coordinator: ${JSON.stringify(created.body)}`);
  const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });
  const body = response.json() as { token: string; user: { id: string } };
  return { token: body.token, userId: body.user.id };
}
