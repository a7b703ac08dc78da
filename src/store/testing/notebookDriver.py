"""Executes a notebook cell by cell in a real Jupyter kernel (ipykernel, through nbclient), for the notebook
tests (notebookKernel.ts runs it with Debian's /usr/bin/python3).

    notebookDriver.py NOTEBOOK --cwd DIR [--vscode] [--step] [--allow-errors]

Prints one JSON line per event on stdout: {"event": "started", "pid"} once the kernel runs, {"event": "cell",
"index", "outputs"} after each code cell (outputs as nbformat has them: text, text/html...), {"event":
"error", ...} when a cell raised, {"event": "done"} after the last cell, then {"event": "shutdown"} once the
kernel has stopped the way Jupyter stops it (shutdown_request).
--vscode: before the first cell, sets `__vsc_ipynb_file__` silently, as VS Code's Jupyter does at kernel start.
--step: after each code cell, reads one command line from stdin: `next` (run the next cell), `kill`
(SIGKILL the kernel's process, wait until it is gone, print {"event": "killed", "pid"} and exit) or
`shutdown` (skip the remaining cells).
--allow-errors: a cell that raises is a cell event (its outputs hold the error), as in an interactive session.
The kernel inherits this process's environment (PYTHONPATH with the helper, RUNLENS_STORE...).
"""

import argparse
import json
import os
import signal
import sys

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config
from nbclient.exceptions import CellExecutionError


def emit(**event):
    print(json.dumps(event), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("notebook")
    p.add_argument("--cwd", required=True)
    p.add_argument("--vscode", action="store_true")
    p.add_argument("--step", action="store_true")
    p.add_argument("--allow-errors", action="store_true")
    args = p.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    # Jupyter waits 5 s for a kernel to exit after shutdown_request, then SIGTERMs it (no atexit hooks): too short
    # on a loaded machine for a test of what the kernel does when it stops.
    config = Config({"KernelManager": {"shutdown_wait_time": 300.0}})
    client = NotebookClient(nb, config=config, timeout=600, kernel_name="python3", allow_errors=args.allow_errors,
                            resources={"metadata": {"path": args.cwd}})
    with client.setup_kernel():
        process = client.km.provisioner.process
        assert client.km.shutdown_wait_time == 300.0, "the kernel manager did not take the config"
        emit(event="started", pid=process.pid)
        if args.vscode:
            msg_id = client.kc.execute(f"__vsc_ipynb_file__ = {os.path.abspath(args.notebook)!r}", silent=True,
                                       store_history=False)
            client.wait_for_reply(msg_id)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as e:
                emit(event="error", index=index, message=str(e)[-2000:])
                return 1
            emit(event="cell", index=index, outputs=cell.outputs)
            if not args.step:
                continue
            command = sys.stdin.readline().strip()
            if command == "kill":
                os.kill(process.pid, signal.SIGKILL)
                process.wait()  # reaped: the pid no longer exists on this host
                emit(event="killed", pid=process.pid)
                return 0
            if command == "shutdown":
                break
            if command != "next":
                emit(event="error", index=index, message=f"unknown command {command!r}")
                return 2
        emit(event="done")
    # Leaving setup_kernel sent shutdown_request and waited for the kernel to exit (its atexit hooks ran).
    emit(event="shutdown", exitcode=process.poll())
    return 0


if __name__ == "__main__":
    sys.exit(main())
