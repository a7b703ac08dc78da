#!/usr/bin/env bash
# Debian packages the notebook tests need (src/store/pythonNotebook*.test.ts, the examples/notebooks
# test): a real Jupyter kernel (python3-ipykernel), a client to drive it (python3-jupyter-client),
# nbclient to execute a notebook cell by cell, and the classic Notebook server (python3-notebook) whose
# session API tells a kernel its notebook, for /usr/bin/python3.
# Idempotent; does nothing when they are already importable.
set -euo pipefail
if /usr/bin/python3 -c 'import ipykernel, jupyter_client, nbclient, nbformat, notebook' 2>/dev/null; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "install-notebook-deps: python3-ipykernel/python3-nbclient/python3-notebook are missing and apt-get is not usable here; the notebook tests will fail" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-ipykernel python3-jupyter-client python3-nbclient python3-nbformat python3-notebook >/dev/null
echo "install-notebook-deps: installed python3-ipykernel, python3-jupyter-client, python3-nbclient, python3-notebook"
