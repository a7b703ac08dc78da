import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseMachineCpu, parseMeminfo, parseNvidiaSmi, parseProcIo, parseStatTimes } from './procText';

// Captured on the Linux 6.x build machine (`cat /proc/self/stat` etc.), so the field positions are the kernel's, not ours.
const CAT_STAT = '5068 (cat) R 5066 5066 25772 0 -1 4194304 99 0 0 0 0 0 0 0 20 0 1 0 2064137 3133440 412 18446744073709551615 93936266002432 93936266022313 140732696661648 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 93936266038320 93936266039936 93936642736128 140732696664802 140732696664822 140732696664822 140732696666091 0\n';
const PROC_STAT = 'cpu  2730072 4657 519571 829696 16100 0 6350 3686 0 0\ncpu0 1357669 2467 252495 434085 5285 0 898 1807 0 0\nintr 1 2 3\n';
const MEMINFO = 'MemTotal:       24683772 kB\nMemFree:        19869540 kB\nMemAvailable:   23455824 kB\nBuffers:          187004 kB\nCached:          3075824 kB\n';
const IO = 'rchar: 6976\nwchar: 0\nsyscr: 10\nsyscw: 0\nread_bytes: 40960\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n';

test('a /proc/<pid>/stat line gives ppid, CPU ticks and RSS pages', () => {
  assert.deepEqual(parseStatTimes(CAT_STAT), { pid: 5068, ppid: 5066, state: 'R', ownTicks: 0, childTicks: 0, rssPages: 412 });
});

test('a name with spaces and parentheses does not shift the fields', () => {
  const line = '77 (my (odd) name) S 1 77 77 0 -1 4194560 500 0 0 0 130 25 7 3 20 0 4 0 100 1000000 2048 18446744073709551615';
  assert.deepEqual(parseStatTimes(line), { pid: 77, ppid: 1, state: 'S', ownTicks: 155, childTicks: 10, rssPages: 2048 });
});

test("this process's own stat parses, with its pid and parent", () => {
  const own = parseStatTimes(readFileSync('/proc/self/stat', 'utf8'));
  assert.equal(own?.pid, process.pid);
  assert.equal(own?.ppid, process.ppid);
  assert.ok(own!.rssPages > 0);
});

test('truncated or foreign text is not a stat line', () => {
  assert.equal(parseStatTimes('5068 (cat) R 5066'), undefined);
  assert.equal(parseStatTimes('no parentheses here'), undefined);
});

test('/proc/stat: the machine line sums user..steal; idle counts iowait', () => {
  assert.deepEqual(parseMachineCpu(PROC_STAT), { total: 2730072 + 4657 + 519571 + 829696 + 16100 + 0 + 6350 + 3686, idle: 829696 + 16100 });
  assert.equal(parseMachineCpu('cpu0 1 2 3 4\n'), undefined);
});

test('/proc/meminfo: total and available in bytes; free + buffers + cached on kernels without MemAvailable', () => {
  assert.deepEqual(parseMeminfo(MEMINFO), { totalBytes: 24683772 * 1024, availableBytes: 23455824 * 1024 });
  const old = MEMINFO.replace(/^MemAvailable.*\n/m, '');
  assert.deepEqual(parseMeminfo(old), { totalBytes: 24683772 * 1024, availableBytes: (19869540 + 187004 + 3075824) * 1024 });
  assert.equal(parseMeminfo('nothing'), undefined);
});

test('/proc/<pid>/io: storage bytes, not rchar/wchar', () => {
  assert.deepEqual(parseProcIo(IO), { readBytes: 40960, writeBytes: 8192 });
  assert.equal(parseProcIo('rchar: 1\n'), undefined);
});

test('nvidia-smi CSV: one reading per GPU, unsupported values left out', () => {
  const csv = '0, 37, 1024, 16384, 71.52\n1, [N/A], 512, 16384, [Not Supported]\n\n';
  assert.deepEqual(parseNvidiaSmi(csv), [
    { index: 0, utilizationPercent: 37, memoryUsedMiB: 1024, memoryTotalMiB: 16384, powerWatts: 71.52 },
    { index: 1, memoryUsedMiB: 512, memoryTotalMiB: 16384 },
  ]);
  assert.deepEqual(parseNvidiaSmi('NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.\n'), []);
});
