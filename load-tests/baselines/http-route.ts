/**
 * The HTTP baseline: a bare Fastify route answering a history-sized JSON page (50 messages) from
 * memory, with no authentication, database or schema. Its rate is the limit of this machine for the
 * HTTP scenarios.
 */
import Fastify from 'fastify';

const page = {
  lastSeq: 50,
  messages: Array.from({ length: 50 }, (_, index) => ({
    id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    conversationId: '00000000-0000-4000-8000-000000000000',
    seq: index + 1,
    senderId: '00000000-0000-4000-8000-000000000001',
    body: `load test message ${index + 1} about internships and applications`,
    status: 'delivered',
    redacted: false,
    createdAt: new Date(0).toISOString(),
  })),
};

const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
app.get('/page', async () => page);
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
