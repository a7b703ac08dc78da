#!/bin/bash
# scripts/slurm/start.sh - a one-node Slurm cluster on this machine for RunLens's tests (issue #16).
# As root: installs Debian's slurmctld, slurmd, slurm-client and munge when missing, writes a munge key and
# /etc/slurm/slurm.conf for this host, starts munged, slurmctld and slurmd (each only when not already
# running), and waits until the node is idle. Idempotent; one run at a time (flock). Stop with stop.sh.
#
# Daemon PIDs go to $SLURM_STATE_DIR/run/<name>.pid (default /tmp/slurm), the same files as
# ../shared/slurm/start-slurm.sh, so either script sees daemons the other started and never starts a second
# copy. This host has no systemd and no cgroups, hence the settings below (the README of ../shared/slurm
# measured them): /proc process tracking, no task plugin, no accounting database but a jobcomp text file.
# FRESH=1 drops the controller's saved job state (only while it is stopped).
set -euo pipefail
STATE=${SLURM_STATE_DIR:-/tmp/slurm}
RUN=$STATE/run
LOGDIR=/var/log/slurm
HOST=$(hostname -s)
mkdir -p "$RUN"
# one start at a time; the daemons must not inherit the lock's descriptor (they would hold it for good)
exec 9>"$STATE/runlens-start.lock"
flock 9

[ "$(id -u)" = 0 ] || { echo "scripts/slurm/start.sh: must run as root (it installs packages and starts daemons)" >&2; exit 1; }

# 1. Packages, only when a command is missing. Waits for another apt/dpkg to finish instead of failing.
need=0
for c in slurmctld slurmd sbatch squeue scontrol scancel munged; do command -v "$c" >/dev/null || need=1; done
if [ "$need" = 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi

# running NAME: the PID in run/NAME.pid is a live process (not a zombie) whose command is NAME.
running() {
  local pid st
  pid=$(cat "$RUN/$1.pid" 2>/dev/null) || return 1
  st=$(ps -o stat=,comm= -p "$pid" 2>/dev/null) || return 1
  [ "${st#Z}" = "$st" ] && [ "${st##* }" = "$1" ]
}
# start NAME ARGV...: runs ARGV in the foreground of its own session, records its PID, checks it stayed up.
start() {
  local name=$1; shift
  if running "$name"; then echo "$name is running (pid $(cat "$RUN/$name.pid"))"; return; fi
  rm -f "$RUN/$name.pid"
  setsid "$@" </dev/null >>"$RUN/$name.out" 2>&1 9>&- &
  echo $! >"$RUN/$name.pid"
  for _ in 1 2 3 4 5; do sleep 0.1; running "$name" || break; done
  running "$name" || { echo "$name exited at start; the end of $RUN/$name.out:" >&2; tail -5 "$RUN/$name.out" >&2; exit 1; }
  echo "started $name (pid $(cat "$RUN/$name.pid"))"
}
munge_ok() { munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; }

# 2. Munge: a key readable only by munge, its folders, the daemon as user munge.
[ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
chown munge:munge /etc/munge/munge.key
chmod 400 /etc/munge/munge.key
install -d -o munge -g munge -m 755 /run/munge
install -d -o munge -g munge -m 700 /var/log/munge /var/lib/munge
if ! running munged && [ -S /run/munge/munge.socket.2 ] && munge_ok; then
  echo "a munged started elsewhere is serving; using it"
else
  start munged setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged -F
fi
for _ in $(seq 50); do munge_ok && break; sleep 0.2; done
munge_ok || { echo "munge does not answer (see $RUN/munged.out)" >&2; exit 1; }

# 3. slurm.conf for this host: its CPUs and memory as slurmd measures them.
HARDWARE=$(slurmd -C | head -1 | sed 's/^NodeName=[^ ]* //')
install -d -o slurm -g slurm -m 755 /var/spool/slurmctld "$LOGDIR"
install -d -o root -g root -m 755 /var/spool/slurmd
if [ "${FRESH:-0}" = 1 ]; then
  running slurmctld && { echo "FRESH=1 needs the controller stopped: run scripts/slurm/stop.sh first" >&2; exit 1; }
  rm -rf /var/spool/slurmctld/* /var/spool/slurmd/*
fi
CONF=$(cat <<CONF
# Written by RunLens's scripts/slurm/start.sh: one node, no systemd, no cgroups, no accounting database.
ClusterName=single
# the host name may not resolve here: the controller is reached on 127.0.0.1
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$RUN/slurmctld.daemon.pid
SlurmdPidFile=$RUN/slurmd.daemon.pid
SlurmctldLogFile=$LOGDIR/slurmctld.log
SlurmdLogFile=$LOGDIR/slurmd.log
# no cgroups: processes tracked through /proc, no task binding
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
# no accounting database (sacct says so); each finished job is one line of the jobcomp file
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$LOGDIR/jobcomp.log
# cores are scheduled, memory is not: jobs need no --mem and share the node
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# a batch job starts on the next scheduler pass (the default waits up to 3 s more)
SchedulerParameters=batch_sched_delay=0
# the node returns by itself after slurmd restarts
ReturnToService=2
# finished jobs stay in 'scontrol show job' for an hour
MinJobAge=3600
# SIGKILL 5 s after SIGTERM, and no grace minutes past a time limit
KillWait=5
OverTimeLimit=0
MailProg=/bin/true
NodeName=$HOST NodeAddr=127.0.0.1 $HARDWARE State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
)
changed=0
was_running=0
running slurmctld && was_running=1
if [ "$(cat /etc/slurm/slurm.conf 2>/dev/null | grep -v '^# Written by')" != "$(printf '%s\n' "$CONF" | grep -v '^# Written by')" ]; then
  printf '%s\n' "$CONF" >/etc/slurm/slurm.conf
  changed=1
fi

# 4. The daemons (-D: foreground, so the recorded PID is the daemon; -i: ignore damaged state files).
start slurmctld /usr/sbin/slurmctld -D -i
start slurmd /usr/sbin/slurmd -D
# a controller that was already up reads a changed slurm.conf only when told to
if [ "$changed" = 1 ] && [ "$was_running" = 1 ]; then scontrol reconfigure >/dev/null 2>&1 || true; fi

# 5. Wait for the node to take jobs (resume it once if it came up drained or down).
state=""
for i in $(seq 90); do
  for d in slurmctld slurmd; do running "$d" || { echo "$d exited; the end of $RUN/$d.out:" >&2; tail -5 "$RUN/$d.out" >&2; exit 1; }; done
  state=$(sinfo -h -n "$HOST" -o %T 2>/dev/null || true)
  case "$state" in
    idle|mixed|allocated|completing) break ;;
    drain*|down*) if [ "$i" -gt 5 ]; then scontrol update NodeName="$HOST" State=RESUME >/dev/null 2>&1 || true; fi ;;
  esac
  sleep 1
done
case "$state" in
  idle|mixed|allocated|completing) echo "Slurm is up: node $HOST $state; logs in $LOGDIR, PIDs in $RUN" ;;
  *) echo "the node is '$state' after 90 s; see $LOGDIR/slurmctld.log and slurmd.log" >&2; exit 1 ;;
esac
