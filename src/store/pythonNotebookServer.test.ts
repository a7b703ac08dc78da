/**
 * A kernel started by a real classic Jupyter Notebook server (Debian's python3-notebook 6.4, which sets no
 * JPY_SESSION_NAME and no __vsc_ipynb_file__): the helper asks the server's session API which notebook holds
 * its kernel, tags the run with it and snapshots it, although the code does not name it.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { missingTool } from '../../test/fixtures/requiredTool';
import { freePort } from '../http/testing/freePort';
import { RunStore } from './runStore';
import { tempDir } from './testing/tempStore';
import { HELPER_DIR, PYTHON, tsStore } from './testing/pythonHelperProcess';
import { writeNotebook } from './testing/notebookKernel';

const hasServer = spawnSync(PYTHON, ['-c', 'import notebook.notebookapp, jupyter_client'], { stdio: 'ignore' }).status === 0;
const skip = missingTool(hasServer, 'the classic Jupyter Notebook server (python3-notebook) for /usr/bin/python3', 'jupyter');

/** Runs code in a kernel through its connection file (what a Notebook page does over the server's websocket). */
const EXECUTE = String.raw`
import sys
from jupyter_client import BlockingKernelClient
kc = BlockingKernelClient(connection_file=sys.argv[1])
kc.load_connection_file()
kc.start_channels()
kc.wait_for_ready(timeout=240)
reply = kc.execute_interactive(sys.argv[2], timeout=240)
sys.exit(0 if reply["content"]["status"] == "ok" else 1)
`;

test("a classic Notebook server's kernel: the helper finds its notebook through the server's session API", { skip, timeout: 300_000 }, async (t) => {
  const ws = tempDir(t);
  fs.writeFileSync(path.join(ws, 'package.json'), '{}');
  const storeDir = tsStore(ws);
  const notebook = path.join(ws, 'nb', 'churn.ipynb');
  const written = writeNotebook(notebook, ['import runlens']);
  const runtime = tempDir(t);
  const port = await freePort();
  const token = 'runlens-test-token';
  const env: NodeJS.ProcessEnv = { ...process.env, JUPYTER_RUNTIME_DIR: runtime, PYTHONPATH: HELPER_DIR, PYTHONDONTWRITEBYTECODE: '1', PYDEVD_DISABLE_FILE_VALIDATION: '1' };
  for (const name of ['RUNLENS_STORE', 'RUNLENS_RUN_ID', 'JPY_SESSION_NAME']) delete env[name];
  const server = spawn(PYTHON, ['-m', 'notebook', '--no-browser', '--allow-root', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0',
    `--NotebookApp.token=${token}`, `--notebook-dir=${ws}`], { cwd: ws, env });
  let log = '';
  const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
  t.after(() => void (server.exitCode === null && server.kill('SIGKILL')));
  await new Promise<void>((resolve, reject) => {
    server.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes(`http://127.0.0.1:${port}/`) && log.includes('is running at')) resolve();
    });
    void exited.then((code) => reject(new Error(`the Notebook server exited (${code}):\n${log}`)));
  });
  const api = (p: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${port}/api/${p}`, { ...init, headers: { Authorization: `token ${token}` } });

  // What the Notebook page does when the notebook is opened: a session for its path, with a new kernel.
  const res = await api('sessions', { method: 'POST', body: JSON.stringify({ path: 'nb/churn.ipynb', type: 'notebook', name: '', kernel: { name: 'python3' } }) });
  assert.equal(res.status, 201, await res.clone().text());
  const session = (await res.json()) as { kernel: { id: string } };
  const connection = path.join(runtime, `kernel-${session.kernel.id}.json`);
  assert.ok(fs.existsSync(connection), 'the kernel is in the runtime folder');

  const code = 'import runlens\nrun = runlens.start_run(experiment="server")\nrunlens.log_metric("m", 1.0)\nrunlens.end_run()';
  const ran = spawnSync(PYTHON, ['-c', EXECUTE, connection, code], { env, encoding: 'utf8', timeout: 280_000 });
  assert.equal(ran.status, 0, `${ran.stdout}\n${ran.stderr}\n${log}`);

  const store = RunStore.open(storeDir);
  t.after(() => store.close());
  const [run] = store.listRuns({ experiment: 'server' });
  assert.ok(run, "the run is in the store of the notebook's workspace");
  assert.equal(store.getTags(run.id)['runlens.notebook'], notebook);
  assert.equal(store.getRun(run.id).status, 'finished');
  const [snapshot] = store.listArtifacts(run.id);
  assert.equal(snapshot?.path, 'notebook/churn.ipynb');
  assert.equal(snapshot.sha256, createHash('sha256').update(written).digest('hex'));

  assert.equal((await api('shutdown', { method: 'POST' })).status < 300, true);
  await exited;
});
