"""System metrics of a run the Python helper started itself (runlens.start_run in a script or a notebook).

The same series and summaries as RunLens's own sampler (src/worker/system), under the same names (MLflow's for
the machine-wide ones, megabytes of 10**6 bytes): this process and its children (CPU in % of one core, resident
memory, storage bytes read and written), the machine's CPU and memory, the file system of /, and GPUs where
`nvidia-smi` is on PATH. psutil when it can be imported, /proc otherwise (Linux); standard library only.

Off when RUNLENS_SYSTEM_METRICS=0, and for a run RunLens launched (RUNLENS_RUN_ID): the launcher already samples
the whole process tree of the command, this process included. RUNLENS_SYSTEM_METRICS_INTERVAL sets the seconds
between samples (default 5).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time

DEFAULT_INTERVAL = 5.0
MB = 1e6
NVIDIA_SMI_ARGS = ["--query-gpu=index,utilization.gpu,memory.used,memory.total,power.draw",
                   "--format=csv,noheader,nounits"]

try:
    import psutil  # type: ignore
except Exception:  # not installed, or broken: /proc does the same on Linux
    psutil = None


def settings(environ=None) -> tuple[bool, float]:
    """(enabled, interval in seconds) from the environment, as systemMetricsSettings.ts reads it."""
    env = os.environ if environ is None else environ
    off = env.get("RUNLENS_SYSTEM_METRICS", "").strip().lower() in ("0", "false", "off", "no")
    try:
        interval = float(env.get("RUNLENS_SYSTEM_METRICS_INTERVAL", ""))
    except ValueError:
        interval = DEFAULT_INTERVAL
    if not interval > 0 or interval != interval or interval == float("inf"):
        interval = DEFAULT_INTERVAL
    return not off, interval


# ── /proc (Linux without psutil) ────────────────────────────────────────────

def parse_stat(line: str):
    """/proc/<pid>/stat → (pid, ppid, state, own ticks, reaped children's ticks, rss pages); None if unreadable."""
    open_, close = line.find("("), line.rfind(")")
    if open_ < 0 or close < open_:
        return None
    f = line[close + 2:].split(" ")
    try:
        return (int(line[:open_]), int(f[1]), f[0], int(f[11]) + int(f[12]), int(f[13]) + int(f[14]), int(f[21]))
    except (IndexError, ValueError):
        return None


def parse_machine_cpu(text: str):
    """The `cpu ` line of /proc/stat → (total ticks, idle + iowait ticks)."""
    for line in text.splitlines():
        if line.startswith("cpu "):
            v = [int(x) for x in line.split()[1:9]]
            return sum(v), v[3] + (v[4] if len(v) > 4 else 0)
    return None


def parse_meminfo(text: str):
    """/proc/meminfo → (total bytes, available bytes)."""
    kb = {}
    for line in text.splitlines():
        m = re.match(r"^(\w+):\s+(\d+)", line)
        if m:
            kb[m.group(1)] = int(m.group(2))
    if "MemTotal" not in kb:
        return None
    available = kb.get("MemAvailable", kb.get("MemFree", 0) + kb.get("Buffers", 0) + kb.get("Cached", 0))
    return kb["MemTotal"] * 1024, available * 1024


def _read(path: str):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def _tree_by_children(root: int) -> dict:
    """The tree through each thread's task/<tid>/children (CONFIG_PROC_CHILDREN): the cost follows the tree."""
    stats, queue = {}, [root]
    while queue:
        pid = queue.pop(0)
        if pid in stats:
            continue
        s = parse_stat(_read(f"/proc/{pid}/stat") or "")
        if s is None or s[2] in ("Z", "X"):
            continue
        stats[pid] = s
        try:
            threads = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in threads:
            queue.extend(int(c) for c in (_read(f"/proc/{pid}/task/{tid}/children") or "").split())
    return stats


def _tree_by_scan(root: int) -> dict:
    """The tree from every process's ppid (kernels without children files)."""
    every, children = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        s = parse_stat(_read(f"/proc/{entry}/stat") or "")
        if s is None or s[2] in ("Z", "X"):
            continue
        every[s[0]] = s
        children.setdefault(s[1], []).append(s[0])
    stats, queue = {}, [root] if root in every else []
    while queue:
        pid = queue.pop(0)
        stats[pid] = every[pid]
        queue.extend(children.get(pid, []))
    return stats


def _proc_tree(root: int) -> dict:
    """One look at /proc: the tree under `root` with its CPU seconds, RSS and I/O, and the machine."""
    walk = _tree_by_children if os.path.exists(f"/proc/{root}/task/{root}/children") else _tree_by_scan
    stats = walk(root)
    pids = list(stats)
    ticks = os.sysconf("SC_CLK_TCK")
    page = os.sysconf("SC_PAGE_SIZE")
    cpu = rss = read = written = 0
    for pid in pids:
        s = stats[pid]
        cpu += s[3] + s[4]
        rss += s[5] * page
        io = _read(f"/proc/{pid}/io") or ""
        r, w = re.search(r"^read_bytes:\s*(\d+)", io, re.M), re.search(r"^write_bytes:\s*(\d+)", io, re.M)
        if r and w:
            read, written = read + int(r.group(1)), written + int(w.group(1))
    return {"alive": bool(pids), "cpu_seconds": cpu / ticks, "rss": rss, "read": read, "write": written,
            "machine_cpu": parse_machine_cpu(_read("/proc/stat") or ""), "memory": parse_meminfo(_read("/proc/meminfo") or "")}


def _psutil_tree(root: int) -> dict:
    try:
        top = psutil.Process(root)
        procs = [top] + top.children(recursive=True)
    except psutil.Error:
        procs = []
    cpu = rss = read = written = 0
    for p in procs:
        try:
            with p.oneshot():
                t = p.cpu_times()
                cpu += t.user + t.system + getattr(t, "children_user", 0) + getattr(t, "children_system", 0)
                rss += p.memory_info().rss
                io = p.io_counters() if hasattr(p, "io_counters") else None
                if io is not None:
                    read, written = read + io.read_bytes, written + io.write_bytes
        except psutil.Error:
            continue  # exited while we looked
    times = psutil.cpu_times()._asdict()
    idle = times["idle"] + times.get("iowait", 0)
    # Linux counts guest time inside user time already, as /proc/stat's reader assumes
    total = sum(v for k, v in times.items() if k not in ("guest", "guest_nice"))
    vm = psutil.virtual_memory()
    return {"alive": bool(procs), "cpu_seconds": cpu, "rss": rss, "read": read, "write": written,
            "machine_cpu": (total, idle), "memory": (vm.total, vm.available)}


def parse_nvidia_smi(text: str) -> list:
    """nvidia-smi's CSV (NVIDIA_SMI_ARGS) → [(index, util %, used MiB, total MiB, watts)], None where not reported."""
    def num(cell):
        return float(cell) if re.match(r"^-?\d+(\.\d+)?$", cell) else None
    out = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.split(",")]
        if len(cells) < 5 or not cells[0].isdigit():
            continue
        out.append((int(cells[0]),) + tuple(num(c) for c in cells[1:5]))
    return out


class SystemSampler:
    """Samples every `interval` seconds on a daemon thread into `log(values, step)`; `stop()` adds the summaries."""

    def __init__(self, log, interval: float, pid: int | None = None, environ=None):
        self._log = log
        self._interval = interval
        self._pid = os.getpid() if pid is None else pid
        env = os.environ if environ is None else environ
        self._smi = shutil.which("nvidia-smi", path=env.get("PATH"))
        self._read_tree = _psutil_tree if psutil is not None else _proc_tree
        self._previous = None
        self._disk_base = None
        self._disk = [0, 0]
        self._step = 0
        self._peak_memory = None
        self._peak_cpu = None
        self._cpu_weighted = self._cpu_seconds = 0.0
        self._gpus = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="runlens-system-metrics", daemon=True)

    def start(self) -> "SystemSampler":
        self._thread.start()
        return self

    def stop(self, final_sample: bool = True) -> None:
        """Stops the thread, takes a last sample (this process is still there) and logs the summaries."""
        if self._stop.is_set():
            return
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)
        if final_sample:
            self.sample_once()
        summary = {}
        if self._peak_memory is not None:
            summary["system/peak_memory_megabytes"] = self._peak_memory
        if self._cpu_seconds > 0:
            summary["system/mean_cpu_utilization_percentage"] = self._cpu_weighted / self._cpu_seconds
        if self._peak_cpu is not None:
            summary["system/peak_cpu_utilization_percentage"] = self._peak_cpu
        for i, g in sorted(self._gpus.items()):
            if g.get("peak") is not None:
                summary[f"system/gpu_{i}_peak_memory_megabytes"] = g["peak"]
            if g.get("n"):
                summary[f"system/gpu_{i}_mean_utilization_percentage"] = g["sum"] / g["n"]
        if summary:
            self._log(summary, 0)

    def _loop(self) -> None:
        # The first sample at once, then every interval; a failed sample is skipped, never fatal to the run.
        while True:
            try:
                self.sample_once()
            except Exception:
                pass
            if self._stop.wait(self._interval):
                return

    def sample_once(self) -> dict:
        with self._lock:
            at = time.time()
            tree = self._read_tree(self._pid)
            values = {}
            prev = self._previous
            if prev and tree["machine_cpu"] and prev[1]["machine_cpu"]:
                total = tree["machine_cpu"][0] - prev[1]["machine_cpu"][0]
                idle = tree["machine_cpu"][1] - prev[1]["machine_cpu"][1]
                if total > 0:
                    values["system/cpu_utilization_percentage"] = min(100.0, max(0.0, (1 - idle / total) * 100))
            if tree["alive"]:
                if prev and prev[1]["alive"] and at > prev[0]:
                    cpu = max(0.0, tree["cpu_seconds"] - prev[1]["cpu_seconds"]) / (at - prev[0]) * 100
                    values["system/process_cpu_utilization_percentage"] = cpu
                    self._cpu_weighted += cpu * (at - prev[0])
                    self._cpu_seconds += at - prev[0]
                    self._peak_cpu = max(self._peak_cpu or 0.0, cpu)
                memory = tree["rss"] / MB
                values["system/process_memory_usage_megabytes"] = memory
                self._peak_memory = max(self._peak_memory or 0.0, memory)
                if self._disk_base is None:
                    self._disk_base = (tree["read"], tree["write"])
                self._disk = [max(self._disk[0], tree["read"] - self._disk_base[0]),
                              max(self._disk[1], tree["write"] - self._disk_base[1])]
                values["system/disk_read_megabytes"] = self._disk[0] / MB
                values["system/disk_write_megabytes"] = self._disk[1] / MB
            if tree["memory"]:
                total, available = tree["memory"]
                values["system/system_memory_usage_megabytes"] = (total - available) / MB
                values["system/system_memory_available_megabytes"] = available / MB
                if total > 0:
                    values["system/system_memory_usage_percentage"] = (total - available) / total * 100
            self._add_disk_usage(values)
            self._add_gpus(values)
            self._previous = (at, tree)
            if values:
                # Stamped when measured: the CPU of an interval is over [previous `at`, `at`], and reading /proc or
                # running nvidia-smi may take a while on a loaded machine.
                self._log(values, self._step, int(at * 1000))
                self._step += 1
            return values

    @staticmethod
    def _add_disk_usage(values: dict) -> None:
        try:
            s = os.statvfs("/")
        except (OSError, AttributeError):
            return
        used, free = (s.f_blocks - s.f_bfree) * s.f_frsize, s.f_bavail * s.f_frsize
        if s.f_blocks > 0:
            values["system/disk_usage_megabytes"] = used / MB
            values["system/disk_available_megabytes"] = free / MB
            values["system/disk_usage_percentage"] = used / (used + free) * 100 if used + free > 0 else 0.0

    def _add_gpus(self, values: dict) -> None:
        if not self._smi:
            return
        try:
            out = subprocess.run([self._smi] + NVIDIA_SMI_ARGS, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return
        if out.returncode != 0:
            return
        for index, util, used, total, watts in parse_nvidia_smi(out.stdout):
            g = self._gpus.setdefault(index, {"sum": 0.0, "n": 0})
            if util is not None:
                values[f"system/gpu_{index}_utilization_percentage"] = util
                g["sum"], g["n"] = g["sum"] + util, g["n"] + 1
            if used is not None:
                mb = used * 1024 * 1024 / MB
                values[f"system/gpu_{index}_memory_usage_megabytes"] = mb
                g["peak"] = max(g.get("peak") or 0.0, mb)
                if total:
                    values[f"system/gpu_{index}_memory_usage_percentage"] = used / total * 100
            if watts is not None:
                values[f"system/gpu_{index}_power_usage_watts"] = watts


def start_for(run):
    """The sampler of a run the helper started (None when off, or when RunLens launched this process: see above)."""
    enabled, interval = settings()
    if not enabled or getattr(run, "attached", False):
        return None
    if psutil is None and not os.path.exists("/proc/self/stat"):
        return None  # neither psutil nor /proc: nothing to read here
    return SystemSampler(lambda values, step, at_ms=None: run.log_metrics(values, step=step, timestamp=at_ms), interval).start()
