import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelUnits, readProcSnapshot } from './procReader';

/** A `/proc/<pid>/stat` line as Linux writes it, with the fields the reader takes set. */
function statLine(pid: number, name: string, ppid: number, state = 'S', utime = 0, stime = 0, cutime = 0, cstime = 0, rss = 0): string {
  return `${pid} (${name}) ${state} ${ppid} ${pid} ${pid} 0 -1 4194560 500 0 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 1 0 100 1000000 ${rss} 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n`;
}

/**
 * A proc tree in a folder: 100 → 101 → 102 and 100 → 104 (zombie), 103 outside the tree.
 * `children`: also write each thread's children file (the kernel's CONFIG_PROC_CHILDREN); else the reader scans.
 */
function fakeProc(t: { after: (fn: () => void) => void }, children: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'runlens-fakeproc-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const procs: [number, string, number, string, number[], number[]][] = [
    // pid, name, ppid, state, [utime, stime, cutime, cstime, rss], children by thread
    [100, 'python3 (main)', 1, 'S', [300, 100, 50, 50, 1000], [101, 104]],
    [101, 'worker', 100, 'R', [200, 0, 0, 0, 500], [102]],
    [102, 'sh', 101, 'S', [0, 100, 0, 0, 100], []],
    [103, 'unrelated', 1, 'R', [9999, 0, 0, 0, 9999], []],
    [104, 'dead', 100, 'Z', [7777, 0, 0, 0, 0], []],
  ];
  for (const [pid, name, ppid, state, [u, s, cu, cs, rss], kids] of procs) {
    mkdirSync(join(root, String(pid)));
    writeFileSync(join(root, String(pid), 'stat'), statLine(pid, name, ppid, state, u, s, cu, cs, rss));
    writeFileSync(join(root, String(pid), 'io'), `rchar: 1\nwchar: 1\nsyscr: 1\nsyscw: 1\nread_bytes: ${pid}\nwrite_bytes: ${pid * 2}\ncancelled_write_bytes: 0\n`);
    if (children) {
      // Children are listed per thread: split them over two threads, as a threaded parent's may be.
      mkdirSync(join(root, String(pid), 'task', String(pid)), { recursive: true });
      mkdirSync(join(root, String(pid), 'task', String(pid + 1000)), { recursive: true });
      writeFileSync(join(root, String(pid), 'task', String(pid), 'children'), kids.slice(0, 1).map((k) => `${k} `).join(''));
      writeFileSync(join(root, String(pid), 'task', String(pid + 1000), 'children'), kids.slice(1).map((k) => `${k} `).join(''));
    }
  }
  writeFileSync(join(root, 'stat'), 'cpu  2730072 4657 519571 829696 16100 0 6350 3686 0 0\n');
  writeFileSync(join(root, 'meminfo'), 'MemTotal:       24683772 kB\nMemFree:        19869540 kB\nMemAvailable:   23455824 kB\n');
  return root;
}

for (const children of [true, false]) {
  test(`the tree under a pid: members, CPU with reaped children, RSS and I/O (${children ? 'children files' : 'a scan of every process'})`, (t) => {
    const root = fakeProc(t, children);
    const { ticksPerSecond, pageBytes } = kernelUnits();
    const snap = readProcSnapshot(100, root);
    assert.deepEqual(snap.pids, [100, 101, 102], 'breadth-first from the root; the zombie and the outsider left out');
    assert.equal(snap.treeCpuSeconds, (300 + 100 + 50 + 50 + 200 + 100) / ticksPerSecond);
    assert.equal(snap.treeRssBytes, (1000 + 500 + 100) * pageBytes);
    assert.equal(snap.treeReadBytes, 100 + 101 + 102);
    assert.equal(snap.treeWriteBytes, 2 * (100 + 101 + 102));
    assert.deepEqual(snap.machineCpu, { total: 2730072 + 4657 + 519571 + 829696 + 16100 + 6350 + 3686, idle: 829696 + 16100 });
    assert.deepEqual(snap.memory, { totalBytes: 24683772 * 1024, availableBytes: 23455824 * 1024 });
    assert.deepEqual(readProcSnapshot(101, root).pids, [101, 102], 'a subtree');
    assert.deepEqual(readProcSnapshot(999, root).pids, [], 'no such process');
  });
}
