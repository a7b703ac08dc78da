import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PageChannel } from './pageChannel';

type Msg = { readonly type: string };

function channel(): { ch: PageChannel<Msg>; sent: string[] } {
  const sent: string[] = [];
  const ch = new PageChannel<Msg>(async (m) => {
    sent.push(m.type);
  });
  return { ch, sent };
}

test('nothing reaches a page before it says ready; post drops, the catch-up sends the state', async () => {
  const { ch, sent } = channel();
  await ch.post([{ type: 'state' }]);
  assert.deepEqual(sent, []);
  assert.equal(ch.isReady, false);
  await ch.pageReady(() => ch.post([{ type: 'state' }]));
  assert.equal(ch.isReady, true);
  await ch.post([{ type: 'live' }]);
  assert.deepEqual(sent, ['state', 'live']);
});

test('postWhenReady queues one-off messages and flushes them once, after the catch-up, in order', async () => {
  const { ch, sent } = channel();
  await ch.postWhenReady({ type: 'reveal-1' });
  await ch.postWhenReady({ type: 'reveal-2' });
  assert.deepEqual(sent, []);
  await ch.pageReady(() => ch.post([{ type: 'state' }]));
  assert.deepEqual(sent, ['state', 'reveal-1', 'reveal-2']);
  // A page torn down while hidden says ready again: its state again, the one-offs not.
  ch.pageHidden();
  await ch.pageReady(() => ch.post([{ type: 'state' }]));
  assert.deepEqual(sent, ['state', 'reveal-1', 'reveal-2', 'state']);
  // Ready: sent at once.
  await ch.postWhenReady({ type: 'reveal-3' });
  assert.deepEqual(sent.at(-1), 'reveal-3');
});

test('a hidden page gets nothing until it says ready again; a post stops at the first message that finds it hidden', async () => {
  const sent: string[] = [];
  const ch: PageChannel<Msg> = new PageChannel<Msg>(async (m) => {
    sent.push(m.type);
    if (m.type === 'hide-after-me') ch.pageHidden();
  });
  await ch.pageReady(async () => {});
  await ch.post([{ type: 'a' }, { type: 'hide-after-me' }, { type: 'lost' }]);
  assert.deepEqual(sent, ['a', 'hide-after-me']);
  await ch.postWhenReady({ type: 'queued' });
  assert.deepEqual(sent, ['a', 'hide-after-me']);
  await ch.pageReady(async () => {});
  assert.deepEqual(sent, ['a', 'hide-after-me', 'queued']);
});

test('whenReady settles only after the first ready and its catch-up', async () => {
  const { ch } = channel();
  let settled = false;
  void ch.whenReady.then(() => (settled = true));
  await ch.postWhenReady({ type: 'x' });
  await Promise.resolve();
  assert.equal(settled, false);
  let release!: () => void;
  const catchUpDone = new Promise<void>((r) => (release = r));
  const ready = ch.pageReady(() => catchUpDone);
  await Promise.resolve();
  assert.equal(settled, false, 'the catch-up is still running');
  release();
  await ready;
  await ch.whenReady;
  assert.equal(settled, true);
});

test('a closed channel sends nothing, queued or not', async () => {
  const { ch, sent } = channel();
  await ch.postWhenReady({ type: 'queued' });
  ch.close();
  await ch.pageReady(() => ch.post([{ type: 'state' }]));
  await ch.post([{ type: 'late' }]);
  await ch.postWhenReady({ type: 'late-2' });
  assert.deepEqual(sent, []);
  assert.equal(ch.isReady, false);
});
