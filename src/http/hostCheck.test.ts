import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { hostGuard, isLoopbackHost } from './hostCheck';

const withHost = (host: string | undefined) => ({ headers: host === undefined ? {} : { host } }) as IncomingMessage;

test('loopback names, with or without a port, and nothing that only starts like one', () => {
  for (const h of ['localhost', 'localhost:5000', '127.0.0.1', '127.0.0.1:8080', '127.1.2.3', '[::1]', '[::1]:5000', '::1']) assert.ok(isLoopbackHost(h), h);
  for (const h of [undefined, '', 'evil.example', '127.0.0.1.evil.example', 'localhost.evil.example:80', '0.0.0.0', '[::ffff:7f00:1]', '10.0.0.1:8080']) {
    assert.ok(!isLoopbackHost(h), String(h));
  }
});

test('a server bound to loopback refuses a foreign Host with a 403 naming it; one bound elsewhere takes any Host', () => {
  const guard = hostGuard('127.0.0.1', 'runlens serve');
  assert.doesNotThrow(() => guard(withHost('localhost:8080')));
  assert.throws(() => guard(withHost('attacker.example:8080')), {
    status: 403, errorCode: 'PERMISSION_DENIED',
    message: 'Host "attacker.example:8080" is not allowed; runlens serve on a loopback address answers localhost, 127.0.0.1 and [::1]',
  });
  assert.throws(() => guard(withHost(undefined)), { status: 403 });
  const open = hostGuard('0.0.0.0', 'runlens serve');
  assert.doesNotThrow(() => open(withHost('attacker.example')));
});
