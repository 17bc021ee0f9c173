import t from 'tap';
import { BATCHER_ERRORS, MicroBatcher } from './batcher.ts';

/** A promise with its resolve and reject exposed, to hold an inference open. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const double = async (inputs: number[]): Promise<number[]> => inputs.map((x) => x * 2);

t.test('forms one batch from concurrent submissions; each caller gets its own output', async (t) => {
  const sizes: number[] = [];
  const batcher = new MicroBatcher(double, { maxBatchSize: 8, maxWaitMs: 5, maxQueue: 100 }, (size) => sizes.push(size));
  const outputs = await Promise.all([1, 2, 3].map((x) => batcher.submit(x)));
  t.same(outputs, [2, 4, 6]);
  t.same(sizes, [3], 'one inference for the three');
  t.match(batcher.stats(), { batches: 1, items: 3, largestBatch: 3, queueDepth: 0 });
  await batcher.close();
});

t.test('a full batch runs without waiting; larger loads split by maxBatchSize', async (t) => {
  const sizes: number[] = [];
  const batcher = new MicroBatcher(double, { maxBatchSize: 4, maxWaitMs: 60_000, maxQueue: 100 }, (size) => sizes.push(size));
  const outputs = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((x) => batcher.submit(x)));
  t.same(outputs, [2, 4, 6, 8, 10, 12, 14, 16]);
  t.same(sizes, [4, 4], 'never waited for the 60 s timer');
  await batcher.close();
});

t.test('a lone submission waits at most maxWaitMs', async (t) => {
  const batcher = new MicroBatcher(double, { maxBatchSize: 64, maxWaitMs: 10, maxQueue: 100 });
  const started = performance.now();
  t.equal(await batcher.submit(21), 42);
  const waited = performance.now() - started;
  t.ok(waited >= 9, `waited for company (${waited.toFixed(1)} ms)`);
  t.ok(waited < 200, `but not much longer than maxWaitMs (${waited.toFixed(1)} ms)`);
  await batcher.close();
});

t.test('with maxWaitMs 0, the submissions of one turn of the event loop form a batch', async (t) => {
  const sizes: number[] = [];
  const batcher = new MicroBatcher(double, { maxBatchSize: 64, maxWaitMs: 0, maxQueue: 100 }, (size) => sizes.push(size));
  t.same(await Promise.all([1, 2, 3].map((x) => batcher.submit(x))), [2, 4, 6]);
  t.same(await Promise.all([4, 5].map((x) => batcher.submit(x))), [8, 10]);
  t.same(sizes, [3, 2], 'one batch per turn, none waiting for a timer');
  await batcher.close();
});

t.test('rejects with QUEUE_FULL when the queue is full', async (t) => {
  const gate = deferred<number[]>();
  const batcher = new MicroBatcher(() => gate.promise, { maxBatchSize: 2, maxWaitMs: 60_000, maxQueue: 2 });
  const running = [batcher.submit(1), batcher.submit(2)];
  const waiting = [batcher.submit(3), batcher.submit(4)];
  t.equal(batcher.stats().queueDepth, 2);
  await t.rejects(batcher.submit(5), { code: BATCHER_ERRORS.QUEUE_FULL });
  t.equal(batcher.stats().rejectedFull, 1);
  gate.resolve([10, 20]);
  t.same(await Promise.all([...running, ...waiting]), [10, 20, 10, 20], 'the queued batch ran after the first');
  await batcher.close();
});

t.test('rejects every caller of a batch whose inference fails', async (t) => {
  const batcher = new MicroBatcher<number, number>(
    async () => {
      throw new Error('backend lost');
    },
    { maxBatchSize: 8, maxWaitMs: 1, maxQueue: 10 },
  );
  const results = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
  for (const result of results) {
    t.equal(result.status, 'rejected');
    t.match(result.status === 'rejected' ? result.reason : undefined, { code: BATCHER_ERRORS.INFERENCE_FAILED, message: /backend lost/ });
  }
  t.equal(batcher.stats().failedBatches, 1);
  await batcher.close();
});

t.test('an inference returning the wrong number of outputs is a failure', async (t) => {
  const batcher = new MicroBatcher(async () => [1], { maxBatchSize: 8, maxWaitMs: 1, maxQueue: 10 });
  await t.rejects(Promise.all([batcher.submit(1), batcher.submit(2)]), { code: BATCHER_ERRORS.INFERENCE_FAILED });
  await batcher.close();
});

t.test('close rejects waiting inputs and refuses new ones; safe twice', async (t) => {
  const batcher = new MicroBatcher(double, { maxBatchSize: 8, maxWaitMs: 60_000, maxQueue: 10 });
  const waiting = batcher.submit(1);
  await batcher.close();
  await batcher.close();
  await t.rejects(waiting, { code: BATCHER_ERRORS.CLOSED });
  await t.rejects(batcher.submit(2), { code: BATCHER_ERRORS.CLOSED });
});
