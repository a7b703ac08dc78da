"""Jupyter support of the RunLens helper (runlens.py), standard library only.

- which notebook a kernel runs: `notebook=` given to start_run, else VS Code's `__vsc_ipynb_file__` in the
  kernel's user namespace, else `JPY_SESSION_NAME` (set by Jupyter Server 2 for its kernels), else the
  session API of the Jupyter server that started this kernel (classic Notebook and Jupyter Server);
- a flush of the active run after every cell, so a cell's metrics are in the store when the cell ends
  (a kernel that dies between cells loses nothing it logged);
- `Run._repr_html_`: name, status, params, latest metrics and an inline SVG sparkline per metric, no
  JavaScript (so it shows in VS Code, Jupyter and on GitHub alike), every value HTML-escaped.
"""

from __future__ import annotations

import glob
import html
import json
import math
import os
import sys
import urllib.parse
import urllib.request

#: The tag holding the notebook's absolute path (the editor's "Open Notebook" reads it).
NOTEBOOK_TAG = "runlens.notebook"
#: The folder of the run's artifacts that holds the notebook's snapshot.
SNAPSHOT_DIR = "notebook"
#: At most this many points per sparkline (the mean of each bucket of the series).
SPARK_POINTS = 120
#: At most this many metrics (and params) in the rendered run; the rest are counted.
MAX_ROWS = 30
SPARK_W, SPARK_H = 120, 24


def _ipython():
    """The running IPython shell, or None outside IPython (never imports IPython itself)."""
    mod = sys.modules.get("IPython")
    get = getattr(mod, "get_ipython", None)
    try:
        return get() if get else None
    except Exception:  # noqa: BLE001 - a half-initialised IPython is not a notebook
        return None


def in_kernel() -> bool:
    """True inside a Jupyter kernel (ipykernel), not a terminal IPython."""
    ip = _ipython()
    return ip is not None and "ipykernel" in sys.modules and hasattr(ip, "kernel")


def _kernel_id() -> str | None:
    """The id of this kernel as its server knows it, from the connection file's name `kernel-<id>.json`."""
    try:
        from ipykernel import get_connection_file  # type: ignore[import-not-found]
        name = os.path.basename(get_connection_file())
    except Exception:  # noqa: BLE001
        return None
    if name.startswith("kernel-") and name.endswith(".json"):
        return name[len("kernel-"):-len(".json")]
    return None


def _runtime_dirs() -> list[str]:
    try:
        from jupyter_core.paths import jupyter_runtime_dir  # type: ignore[import-not-found]
        return [jupyter_runtime_dir()]
    except Exception:  # noqa: BLE001
        return [os.path.join(os.path.expanduser("~"), ".local", "share", "jupyter", "runtime")]


def _path_from_servers(kernel_id: str, timeout: float = 2.0) -> str | None:
    """Asks each running Jupyter server (classic `nbserver-*.json`, Jupyter Server `jpserver-*.json` in the
    runtime folder) which session holds this kernel: `GET /api/sessions`, token in the header."""
    for runtime in _runtime_dirs():
        for info_file in sorted(glob.glob(os.path.join(runtime, "nbserver-*.json")) + glob.glob(os.path.join(runtime, "jpserver-*.json"))):
            try:
                with open(info_file, encoding="utf-8") as f:
                    info = json.load(f)
                url = urllib.parse.urljoin(info["url"], "api/sessions")
                req = urllib.request.Request(url, headers={"Authorization": f"token {info.get('token', '')}"})
                with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - a local server's URL
                    sessions = json.loads(resp.read().decode("utf-8"))
            except Exception:  # noqa: BLE001 - a stale info file or a server that says no: try the next
                continue
            for s in sessions if isinstance(sessions, list) else []:
                if (s.get("kernel") or {}).get("id") != kernel_id:
                    continue
                rel = s.get("path") or (s.get("notebook") or {}).get("path")
                root = info.get("root_dir") or info.get("notebook_dir") or ""
                if rel:
                    return os.path.abspath(os.path.join(os.path.expanduser(root), rel))
    return None


def notebook_path(explicit: str | os.PathLike | None = None) -> str | None:
    """The absolute path of the notebook this code runs in, or None when there is none (a script) or it cannot
    be found. `explicit` always wins (relative to the working directory)."""
    if explicit:
        return os.path.abspath(os.path.expanduser(os.fspath(explicit)))
    if not in_kernel():
        return None
    ns = getattr(_ipython(), "user_ns", {}) or {}
    for candidate in (ns.get("__vsc_ipynb_file__"), os.environ.get("JPY_SESSION_NAME")):
        if isinstance(candidate, str) and candidate.endswith(".ipynb"):
            return os.path.abspath(candidate)
    kid = _kernel_id()
    return _path_from_servers(kid) if kid else None


_hooked = False


def flush_after_each_cell(flush) -> None:
    """In a kernel, calls `flush()` after every cell (IPython's post_run_cell event), once per process."""
    global _hooked
    ip = _ipython()
    if _hooked or ip is None or not hasattr(ip, "events"):
        return

    def after_cell(_result=None):
        try:
            flush()
        except Exception as e:  # noqa: BLE001 - never break the user's cell; the flush thread retries
            print(f"runlens: flush after the cell failed: {e}", file=sys.stderr)
    ip.events.register("post_run_cell", after_cell)
    _hooked = True


# ── the run as HTML ──────────────────────────────────────────────────────────

_STATUS_COLORS = {"running": "#1a85ff", "queued": "#888888", "finished": "#2e9e44", "failed": "#d1242f", "killed": "#888888"}


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        if v != v:
            return "NaN"
        if math.isinf(v):
            return "∞" if v > 0 else "-∞"
        return f"{v:.4g}" if abs(v) >= 1e-3 or v == 0 else f"{v:.3e}"
    return str(v)


def sparkline_svg(values: list[float]) -> str:
    """A polyline over the finite values, scaled to SPARK_W x SPARK_H; a single value is a flat line. Only numbers
    reach the markup (no text), so nothing in it needs escaping."""
    pts = [v for v in values if isinstance(v, float) and math.isfinite(v)]
    if not pts:
        return ""
    if len(pts) == 1:
        pts = pts * 2
    lo, hi = min(pts), max(pts)
    span = hi - lo or 1.0
    step = (SPARK_W - 2) / (len(pts) - 1)
    coords = " ".join(f"{1 + i * step:.1f},{SPARK_H - 2 - (v - lo) / span * (SPARK_H - 4):.1f}" for i, v in enumerate(pts))
    return (f'<svg class="runlens-spark" xmlns="http://www.w3.org/2000/svg" width="{SPARK_W}" height="{SPARK_H}" '
            f'viewBox="0 0 {SPARK_W} {SPARK_H}" role="img"><polyline fill="none" stroke="currentColor" '
            f'stroke-width="1.5" points="{coords}"/></svg>')


def _sparkline_values(conn, series_id: int, count: int) -> list[float]:
    """The series in at most SPARK_POINTS buckets of consecutive points (by seq), each its mean; NaN points
    (stored as NULL) are left out of the means."""
    bucket = max(1, math.ceil(count / SPARK_POINTS))
    rows = conn.execute("SELECT AVG(value) FROM metric_points WHERE series_id = ? GROUP BY seq / ? ORDER BY MIN(step), MIN(seq)",
                        (series_id, bucket)).fetchall()
    return [float(r[0]) for r in rows if r[0] is not None]


def run_html(run) -> str:
    """The HTML of a `Run` (its `_repr_html_`), read from the store after a flush of the buffered points."""
    e = lambda v: html.escape(_fmt(v), quote=True)  # noqa: E731
    if not run.ended:
        run.flush()
    conn = run.store.conn
    with run.store.lock:
        row = conn.execute("SELECT r.name, r.status, x.name, r.error FROM runs r JOIN experiments x ON x.id = r.experiment_id "
                           "WHERE r.id = ?", (run.id,)).fetchone()
        if row is None:
            return f"<div>RunLens run {e(run.id)} (no longer in the store)</div>"
        params = conn.execute("SELECT key, value FROM params WHERE run_id = ? ORDER BY key", (run.id,)).fetchall()
        # The run's own metrics: the sampled system series (runlens_system.py, "system/...") would crowd them out.
        series = conn.execute("SELECT id, key, latest, latest_step, count FROM metric_series WHERE run_id = ? "
                              "AND substr(key, 1, 7) != 'system/' ORDER BY key", (run.id,)).fetchall()
        sparks = {sid: _sparkline_values(conn, sid, n) for sid, _k, _l, _s, n in series[:MAX_ROWS]}
    name, status, experiment, error = row
    color = _STATUS_COLORS.get(status, "#888888")
    parts = [
        '<div class="runlens-run" style="font-family: var(--vscode-font-family, sans-serif); font-size: 13px">',
        f'<div><b>{e(name)}</b> <span style="color: {color}">● {e(status)}</span> '
        f'<span style="opacity: 0.7">{e(experiment)} · {e(run.id[:8])}</span></div>',
    ]
    if error:
        parts.append(f'<div style="color: {_STATUS_COLORS["failed"]}">{e(error)}</div>')
    cell = 'style="text-align: left; padding: 1px 8px 1px 0"'
    if series:
        parts.append('<table class="runlens-metrics"><tr>'
                     f'<th {cell}>metric</th><th {cell}>latest</th><th {cell}>step</th><th {cell}></th></tr>')
        for sid, key, latest, latest_step, count in series[:MAX_ROWS]:
            value = math.nan if latest is None and count else latest
            parts.append(f"<tr><td {cell}>{e(key)}</td><td {cell}>{e(value)}</td><td {cell}>{e(latest_step)}</td>"
                         f"<td {cell}>{sparkline_svg(sparks[sid])}</td></tr>")
        parts.append("</table>")
        if len(series) > MAX_ROWS:
            parts.append(f"<div>… and {len(series) - MAX_ROWS} more metrics</div>")
    if params:
        shown = ", ".join(f"{e(k)}=<code>{e(v)}</code>" for k, v in params[:MAX_ROWS])
        more = f" … and {len(params) - MAX_ROWS} more" if len(params) > MAX_ROWS else ""
        parts.append(f'<div class="runlens-params">params: {shown}{more}</div>')
    parts.append("</div>")
    return "".join(parts)
