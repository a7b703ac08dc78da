#!/usr/bin/env bash
# The real MLflow 2.12 tracking server and client, and PostgreSQL, for the
# tests that check RunLens against a team's MLflow server (src/tracking/**).
# Prints one line: the PYTHONPATH under which Debian's python3 imports mlflow
# (empty when it is importable as installed). Idempotent. Where MLflow is found:
#   1. `mlflow` importable by /usr/bin/python3 (pip-installed);
#   2. $RUNLENS_MLFLOW_PYTHONPATH (a folder holding the mlflow package);
#   3. $RUNLENS_MLFLOW_INSTALL: a script that installs it and prints that folder
#      (.ci/run points it at ../shared/mlflow/install.sh);
#   4. `pip install mlflow==2.12.*` into test/.cache/mlflow (where PyPI is reachable).
# Never fails the test run: the MLflow tests then fail with a message saying how to get it.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
py=/usr/bin/python3
log() { echo "install-mlflow: $*" >&2; }

# PostgreSQL (MLflow's team backend) and the driver MLflow uses for it.
need=()
command -v pg_ctlcluster >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
$py -c 'import psycopg2' 2>/dev/null || need+=(python3-psycopg2)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"; } >/dev/null 2>&1 \
      && log "installed ${need[*]}" || log "apt-get could not install ${need[*]}"
  else
    log "${need[*]} missing and apt-get is not usable here; the PostgreSQL tests will fail"
  fi
fi

if $py -c 'import mlflow' 2>/dev/null; then echo ""; exit 0; fi
if [ -n "${RUNLENS_MLFLOW_PYTHONPATH:-}" ] && PYTHONPATH=$RUNLENS_MLFLOW_PYTHONPATH $py -c 'import mlflow' 2>/dev/null; then
  echo "$RUNLENS_MLFLOW_PYTHONPATH"; exit 0
fi
if [ -n "${RUNLENS_MLFLOW_INSTALL:-}" ] && [ -f "$RUNLENS_MLFLOW_INSTALL" ]; then
  dir=$(bash "$RUNLENS_MLFLOW_INSTALL" 2> >(sed 's/^/install-mlflow: /' >&2) | tail -n 1)
  if [ -n "$dir" ] && PYTHONPATH=$dir $py -c 'import mlflow' 2>/dev/null; then echo "$dir"; exit 0; fi
  log "$RUNLENS_MLFLOW_INSTALL did not give an importable mlflow"
fi
venv=$root/test/.cache/mlflow
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import mlflow' 2>/dev/null; then
  if $py -m venv --system-site-packages "$venv" >/dev/null 2>&1 && "$venv/bin/pip" install -q --retries 0 --timeout 15 'mlflow==2.12.*' >/dev/null 2>&1; then
    log "installed mlflow 2.12 into $venv"
  else
    log "MLflow is not available: pip cannot reach PyPI here. Set RUNLENS_MLFLOW_INSTALL to MLflow's install script (../shared/mlflow/install.sh) or RUNLENS_MLFLOW_PYTHONPATH to a folder holding the mlflow package"
    echo ""; exit 0
  fi
fi
"$venv/bin/python" -c 'import mlflow, os; print(os.path.dirname(os.path.dirname(mlflow.__file__)))'
