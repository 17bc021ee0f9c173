/**
 * Load-test users and conversations, created through the API as the demo coordinator: for each
 * conversation a vetted mentor and students with signed guardian agreements, formed into a small
 * group. Every user logs in once; sockets reuse the tokens (several sockets per user are allowed).
 */
import { DEMO_PASSWORD, demoEmail } from '../../server/seed/demo.ts';

const PASSWORD = 'load-test-password';

/** A logged-in load-test user. */
export interface LoadUser {
  userId: string;
  token: string;
  role: 'student' | 'mentor';
}

/** A conversation and its members. */
export interface LoadConversation {
  id: string;
  members: LoadUser[];
}

/** What the scenarios use. */
export interface Fixture {
  conversations: LoadConversation[];
  users: LoadUser[];
  coordinatorToken: string;
}

/** Calls the API and returns the JSON answer; throws with the body on a non-2xx status. */
export async function api<T = unknown>(baseUrl: string, method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Logs in with email and password; returns the token and user id. */
export async function loginAs(baseUrl: string, email: string, password: string): Promise<{ token: string; userId: string }> {
  const body = await api<{ token: string; user: { id: string } }>(baseUrl, 'POST', '/auth/login', undefined, { email, password });
  return { token: body.token, userId: body.user.id };
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the input order. */
export async function inPool<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  });
  await Promise.all(runners);
  return results;
}

async function createUser(baseUrl: string, coordinatorToken: string, role: 'student' | 'mentor', key: string): Promise<LoadUser> {
  const email = `${key}@load.trellis.test`;
  const created = await api<{ id: string }>(baseUrl, 'POST', '/users', coordinatorToken, { email, displayName: key, password: PASSWORD, role });
  if (role === 'mentor') {
    await api(baseUrl, 'PUT', `/users/${created.id}/vetting`, coordinatorToken, { backgroundCheckCleared: true, trainingCompleted: true });
  } else {
    await api(baseUrl, 'PUT', `/users/${created.id}/guardian-agreement`, coordinatorToken, {
      guardianName: `Guardian of ${key}`,
      signedAt: new Date().toISOString(),
    });
  }
  const { token } = await loginAs(baseUrl, email, PASSWORD);
  return { userId: created.id, token, role };
}

/**
 * Creates `conversations` small groups of one mentor and `studentsPerConversation` students on a
 * node whose database holds the demo seed. `onProgress` is told how many groups are done.
 */
export async function createFixture(
  baseUrl: string,
  options: { conversations: number; studentsPerConversation: number; prefix: string; onProgress?: (done: number) => void },
): Promise<Fixture> {
  const coordinator = await loginAs(baseUrl, demoEmail('coordinator'), DEMO_PASSWORD);
  let done = 0;
  const conversations = await inPool(Array.from({ length: options.conversations }, (_, i) => i), 4, async (index) => {
    const key = `${options.prefix}-c${index}`;
    const mentor = await createUser(baseUrl, coordinator.token, 'mentor', `${key}-mentor`);
    const students: LoadUser[] = [];
    for (let s = 0; s < options.studentsPerConversation; s++) {
      students.push(await createUser(baseUrl, coordinator.token, 'student', `${key}-student${s}`));
    }
    const group = await api<{ conversation: { id: string } | null }>(baseUrl, 'POST', '/mentorships/groups', coordinator.token, {
      kind: 'small_group',
      mentorIds: [mentor.userId],
      studentIds: students.map((s) => s.userId),
    });
    if (!group.conversation) throw new Error('a formed group has no conversation');
    options.onProgress?.(++done);
    return { id: group.conversation.id, members: [mentor, ...students] };
  });
  return { conversations, users: conversations.flatMap((c) => c.members), coordinatorToken: coordinator.token };
}
