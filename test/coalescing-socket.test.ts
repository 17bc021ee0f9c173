import t, { type Test } from 'tap';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { coalescingSocket } from '../server/realtime/coalescing-socket.ts';

/** A server-side socket and the client connected to it, both gone when the test ends. */
async function socketPair(t: Test): Promise<{ raw: WebSocket; client: WebSocket }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.close());
  await new Promise((resolve) => server.once('listening', resolve));
  const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  t.teardown(() => client.terminate());
  return { raw: await accepted, client };
}

t.test('frames sent in one turn of the event loop leave together, in order, and the socket is flushed after it', async (t) => {
  const { raw, client } = await socketPair(t);
  const tcp = (raw as unknown as { _socket: Socket })._socket;
  const socket = coalescingSocket(raw);

  const received: string[] = [];
  const all = new Promise<void>((resolve) => client.on('message', (data) => received.push(data.toString()) === 103 && resolve()));
  const writes: number[] = [];
  const write = tcp._writev!.bind(tcp);
  tcp._writev = (chunks, callback) => {
    writes.push(chunks.length);
    write(chunks, callback);
  };
  // Half the frames now, half in callbacks of the same turn (as acknowledgements and deliveries are).
  for (let i = 0; i < 50; i++) socket.send(`frame ${i}`);
  await new Promise<void>((resolve) =>
    process.nextTick(() => {
      for (let i = 50; i < 75; i++) socket.send(`frame ${i}`);
      resolve();
    }),
  );
  for (let i = 75; i < 100; i++) socket.send(`frame ${i}`);
  t.equal(tcp.writableCorked, 1, 'still corked while the turn runs');
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(tcp.writableCorked, 0, 'flushed once the turn is over');
  t.same(writes, [200], 'one write carries the 100 frames (a header and a payload each)');
  for (const i of [100, 101, 102]) {
    socket.send(`frame ${i}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await all;
  t.same(received, Array.from({ length: 103 }, (_, i) => `frame ${i}`), 'every frame arrives, in order');
  socket.close(1000, 'done');
  await new Promise((resolve) => client.once('close', resolve));
  t.doesNotThrow(() => socket.send('after close'), 'sending after close does not throw');
});

t.test('a frame given as UTF-8 bytes leaves as a text frame', async (t) => {
  const { raw, client } = await socketPair(t);
  const socket = coalescingSocket(raw);
  const received = new Promise<{ text: string; isBinary: boolean }>((resolve) => client.once('message', (data, isBinary) => resolve({ text: data.toString(), isBinary })));
  socket.send(Buffer.from('{"type":"message","body":"é ✓"}'));
  t.same(await received, { text: '{"type":"message","body":"é ✓"}', isBinary: false });
});
