import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Disposable, MutableDisposable, toDisposable } from './disposable';

class Owner extends Disposable {
  add(fn: () => void) {
    return this._register(toDisposable(fn));
  }
}

test('an owner disposes what it registered, last first, once', () => {
  const order: string[] = [];
  const owner = new Owner();
  owner.add(() => order.push('a'));
  owner.add(() => order.push('b'));
  owner.dispose();
  owner.dispose();
  assert.deepEqual(order, ['b', 'a']);
});

test('registering on a disposed owner disposes at once', () => {
  const owner = new Owner();
  owner.dispose();
  let done = false;
  owner.add(() => (done = true));
  assert.equal(done, true);
});

test('MutableDisposable disposes the replaced value and the last one', () => {
  const log: number[] = [];
  const slot = new MutableDisposable();
  slot.value = toDisposable(() => log.push(1));
  slot.value = toDisposable(() => log.push(2));
  assert.deepEqual(log, [1]);
  slot.dispose();
  assert.deepEqual(log, [1, 2]);
  slot.value = toDisposable(() => log.push(3));
  assert.deepEqual(log, [1, 2, 3], 'setting after dispose disposes at once');
});
