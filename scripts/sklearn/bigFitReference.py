#!/usr/bin/python3
"""scikit-learn side of scripts/bench/bigFitBench.ts: one fit on a large matrix.

Run with Debian's /usr/bin/python3 (python3-sklearn):

  bigFitReference.py JOB.json

JOB.json: {"model": "linear_regression" | "logistic_regression", "params",
"x", "y", "rows", "cols"}. "x" is the row-major matrix and "y" the target,
both raw little-endian float64 as RunLens's Float64Arrays hold them (exact,
and read without parsing: a CSV of 1,000,000 x 50 doubles is about 1 GB).
Fits once and prints one JSON document: the fit's wall and CPU seconds, the
iterations (logistic regression), the resident memory once the data is
loaded (VmRSS) and the process's peak (ru_maxrss), in MB.
"""
import json
import resource
import sys
import time

import numpy as np


def vm_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1]) as f:
        job = json.load(f)
    rows, cols = int(job["rows"]), int(job["cols"])
    X = np.fromfile(job["x"], dtype="<f8").reshape(rows, cols)
    y = np.fromfile(job["y"], dtype="<f8")
    if job["model"] == "linear_regression":
        from sklearn.linear_model import LinearRegression

        model = LinearRegression(**job.get("params", {}))
    elif job["model"] == "logistic_regression":
        from sklearn.linear_model import LogisticRegression

        y = y.astype(np.int64)
        model = LogisticRegression(**job.get("params", {}))
    else:
        raise SystemExit(f"unknown model {job['model']}")
    loaded = vm_rss_mb()
    t0 = time.perf_counter()
    c0 = time.process_time()
    model.fit(X, y)
    cpu = time.process_time() - c0
    wall = time.perf_counter() - t0
    out = {
        "fit_seconds": wall,
        "fit_cpu_seconds": cpu,
        "loaded_rss_mb": loaded,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if hasattr(model, "n_iter_"):
        out["n_iter"] = int(np.max(model.n_iter_))
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
