#!/bin/bash
# scripts/slurm/stop.sh - stops the daemons scripts/slurm/start.sh (or ../shared/slurm/start-slurm.sh) started,
# by the PIDs they recorded in $SLURM_STATE_DIR/run (default /tmp/slurm), never by name. First cancels the
# jobs still queued or running, so none is left behind; KEEP_JOBS=1 leaves them for the next start to recover.
set -uo pipefail
RUN=${SLURM_STATE_DIR:-/tmp/slurm}/run
alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${st#Z}" = "$st" ]; }

if [ "${KEEP_JOBS:-0}" != 1 ] && [ -s "$RUN/slurmctld.pid" ] && squeue -h >/dev/null 2>&1; then
  jobs=$(squeue -h -t PD,R,CG,S -o %A | sort -u)
  if [ -n "$jobs" ]; then
    # shellcheck disable=SC2086 # one argument per job id
    scancel $jobs
    for _ in $(seq 30); do [ -z "$(squeue -h -t R,CG)" ] && break; sleep 1; done
  fi
fi

for name in slurmd slurmctld munged; do
  file=$RUN/$name.pid
  [ -s "$file" ] || continue
  pid=$(cat "$file")
  if [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$name" ]; then
    kill -TERM "$pid"
    for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then echo "$name ($pid) still up 10 s after SIGTERM: SIGKILL"; kill -KILL "$pid"; fi
    echo "stopped $name (pid $pid)"
  else
    echo "$name (pid $pid) was not running"
  fi
  rm -f "$file"
done
