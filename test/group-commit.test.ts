import t from 'tap';
import { GroupCommit, type GroupCommitOptions } from '../server/messaging/group-commit.ts';

/** A queue whose writer records its batches and answers each item with its double. */
function recordingQueue(maxBatch: number, write?: GroupCommitOptions<string, string>['write']) {
  const batches: string[][] = [];
  const depths: number[] = [];
  const queue = new GroupCommit<string, string>({
    maxBatch,
    keyOf: (item) => item.split(':')[0]!,
    onDepth: (depth) => depths.push(depth),
    write:
      write ??
      (async (batch) => {
        batches.push(batch.map((entry) => entry.item));
        await new Promise((resolve) => setTimeout(resolve, 5));
        for (const entry of batch) entry.resolve(entry.item + entry.item);
      }),
  });
  return { queue, batches, depths };
}

t.test('requests arriving while a batch is written share the next batch', async (t) => {
  const { queue, batches, depths } = recordingQueue(100);
  const first = queue.submit('a');
  const rest = ['b', 'c', 'd'].map((item) => queue.submit(item));
  t.same(await Promise.all([first, ...rest]), ['aa', 'bb', 'cc', 'dd']);
  t.same(batches, [['a'], ['b', 'c', 'd']], 'the first goes alone at once, the others together');
  t.equal(depths.at(-1), 0, 'the queue ends empty');
});

t.test('a batch holds at most maxBatch requests and never two with the same key', async (t) => {
  const { queue, batches } = recordingQueue(2);
  await Promise.all(['a', 'b:1', 'b:2', 'c', 'd'].map((item) => queue.submit(item)));
  t.same(batches, [['a'], ['b:1', 'c'], ['b:2', 'd']], 'b:2 waits for the batch after b:1');
});

t.test('a writer that throws or forgets a request rejects what it left unanswered', async (t) => {
  const failing = recordingQueue(10, async (batch) => {
    for (const entry of batch) if (entry.item === 'a') entry.resolve('answered');
    throw new Error('database down');
  });
  const outcomes = await Promise.allSettled(['a', 'b'].map((item) => failing.queue.submit(item)));
  t.same(outcomes[0], { status: 'fulfilled', value: 'answered' });
  t.match(outcomes[1], { status: 'rejected', reason: { message: 'database down' } });

  const forgetful = recordingQueue(10, async () => {});
  await t.rejects(forgetful.queue.submit('a'), /left a request unanswered/);
  t.same(await forgetful.queue.submit('b').catch(() => 'rejected again'), 'rejected again', 'the queue keeps working');
});

t.test('a writer that resolves early lets the next batch start while its own still finishes', async (t) => {
  const events: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const { queue } = recordingQueue(10, async (batch) => {
    events.push(`write ${batch.map((entry) => entry.item).join(',')}`);
    if (batch[0]!.item === 'b') return void batch[0]!.resolve('b');
    // 'a' is still finishing when 'b' is written, and its writer forgets to answer it.
    return { finishing: released.then(() => void events.push('a finished')) };
  });
  const first = queue.submit('a');
  let firstSettled = false;
  void first.catch(() => {}).finally(() => (firstSettled = true));
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(await queue.submit('b'), 'b', 'the next batch is written and answered meanwhile');
  t.notOk(firstSettled, 'the first is not settled before it finishes');
  release();
  await t.rejects(first, /left a request unanswered/, 'what a finished batch left unanswered is rejected');
  t.same(events, ['write a', 'write b', 'a finished']);
});

t.test('a batch is prepared while the batch before it is written; writes stay one at a time, in order', async (t) => {
  const events: string[] = [];
  let releaseFirst!: () => void;
  const firstWritten = new Promise<void>((resolve) => (releaseFirst = resolve));
  const queue = new GroupCommit<string, string, string>({
    maxBatch: 10,
    keyOf: (item) => item,
    prepare: async (batch) => {
      const items = batch.map((entry) => entry.item).join(',');
      events.push(`prepare ${items}`);
      if (items === 'c') throw new Error('prepare failed');
      return items.toUpperCase();
    },
    write: async (batch, prepared) => {
      events.push(`write ${prepared}`);
      if (prepared === 'A') await firstWritten;
      for (const entry of batch) entry.resolve(prepared);
      events.push(`written ${prepared}`);
    },
  });
  const a = queue.submit('a');
  await new Promise((resolve) => setImmediate(resolve));
  const b = queue.submit('b');
  await new Promise((resolve) => setImmediate(resolve));
  t.same(events, ['prepare a', 'write A', 'prepare b'], 'b is prepared while a is still being written');
  releaseFirst();
  t.same(await Promise.all([a, b]), ['A', 'B']);
  t.same(events, ['prepare a', 'write A', 'prepare b', 'written A', 'write B', 'written B'], 'b is written only after a');
  await t.rejects(queue.submit('c'), /prepare failed/, 'a batch that fails to prepare is refused and not written');
  t.equal(await queue.submit('d'), 'D', 'the queue keeps working');
  t.notOk(events.includes('write C'));
});
