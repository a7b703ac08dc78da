import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { isZombie, pidAlive } from './pidAlive';
import { waitFor } from '../../worker/command/commandTesting';

const noProc = !existsSync('/proc/self/stat') && 'no /proc on this system';

test('a running process is alive, an exited and reaped one is not', async () => {
  assert.equal(pidAlive(process.pid), true);
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  assert.equal(pidAlive(child.pid!), true);
  child.kill('SIGKILL');
  await once(child, 'exit'); // node reaps its own child
  assert.equal(pidAlive(child.pid!), false);
});

test('a zombie (exited, its parent never waits for it) counts as gone', { skip: noProc }, async () => {
  // The shell starts a background child that exits once it reads a line, prints its pid, then becomes `sleep`,
  // which never reaps it. The line is sent only after the exec, so the shell cannot reap the child first.
  const parent = spawn('sh', ['-c', 'exec 3<&0; (read x <&3) & echo $!; exec sleep 60 3<&-'], { stdio: ['pipe', 'pipe', 'ignore'] });
  try {
    const [line] = (await once(parent.stdout!, 'data')) as [Buffer];
    const zombie = Number(line.toString().trim());
    assert.ok(zombie > 0, `the shell printed the background pid: ${JSON.stringify(line.toString())}`);
    await waitFor(() => readFileSync(`/proc/${parent.pid}/comm`, 'utf8').trim() === 'sleep', 'the shell to exec sleep');
    assert.equal(pidAlive(zombie), true, 'the background child is running');
    parent.stdin!.end('go\n');
    await waitFor(() => isZombie(zombie), `process ${zombie} to exit and stay unreaped`);
    assert.doesNotThrow(() => process.kill(zombie, 0), 'kill(pid, 0) still succeeds on the zombie');
    assert.equal(pidAlive(zombie), false);
    assert.equal(pidAlive(parent.pid!), true, 'its parent, which is running, is alive');
    assert.equal(isZombie(parent.pid!), false);
  } finally {
    parent.kill('SIGKILL');
  }
});
