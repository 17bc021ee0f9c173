/**
 * The WebSocket baseline: a bare `ws` relay speaking the subset of the Trellis protocol the load
 * harness uses (hello, send → ack, message to every socket of the conversation), with no
 * authentication, storage or screening. Its throughput is the limit of this machine for the harness.
 * Conversations are chosen by the client: `/ws?conversations=a,b`.
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const rooms = new Map<string, { seq: number; sockets: Set<WebSocket> }>();
const server = createServer((request, response) => {
  response.writeHead(request.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' }).end('{"status":"ok"}');
});
const wss = new WebSocketServer({ server, path: '/ws' });

wss.on('connection', (socket, request) => {
  const url = new URL(request.url ?? '/', 'http://relay');
  const userId = url.searchParams.get('user') ?? 'anonymous';
  const joined = (url.searchParams.get('conversations') ?? '').split(',').filter(Boolean);
  for (const id of joined) {
    let room = rooms.get(id);
    if (!room) rooms.set(id, (room = { seq: 0, sockets: new Set() }));
    room.sockets.add(socket);
  }
  socket.send(JSON.stringify({ type: 'hello', userId, node: 'relay', conversations: joined.map((conversationId) => ({ conversationId, lastSeq: 0 })) }));
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; conversationId: string; clientId: string; body: string };
    const room = rooms.get(frame.conversationId);
    if (frame.type !== 'send' || !room) return;
    const seq = ++room.seq;
    socket.send(JSON.stringify({ type: 'ack', clientId: frame.clientId, conversationId: frame.conversationId, seq }));
    const out = JSON.stringify({ type: 'message', message: { conversationId: frame.conversationId, seq, senderId: userId, body: frame.body } });
    for (const member of room.sockets) member.send(out);
  });
  socket.on('close', () => {
    for (const id of joined) rooms.get(id)?.sockets.delete(socket);
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
