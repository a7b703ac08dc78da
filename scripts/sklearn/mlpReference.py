#!/usr/bin/python3
"""scikit-learn MLPClassifier / MLPRegressor reference for RunLens's `mlp` model.

Run with Debian's /usr/bin/python3 (python3-sklearn). Three commands, each
printing one JSON document on stdout:

  mlpReference.py bench JOB.json
      JOB.json: {"train", "hidden", "activation", "batch_size", "epochs",
      "learning_rate", "alpha", "seed"}. Builds an MLPClassifier with those
      settings and runs `epochs` calls of partial_fit on the train CSV (one
      epoch each: shuffle, mini-batches, Adam), timing only partial_fit.
      Reports wall and CPU seconds per epoch, the training loss after each
      epoch and the peak RSS of the process.
  mlpReference.py fit JOBS.json
      JOBS.json: [{"name", "train", "test", "task", "hidden", "activation",
      "batch_size", "epochs", "learning_rate", "alpha", "seed"}]. Fits
      MLPClassifier (task "classification") or MLPRegressor with max_iter =
      epochs and tol = 0 (every epoch runs, as in RunLens) and reports test
      accuracy / mse, the epochs run and the final training loss.

  mlpReference.py parity JOB.json
      JOB.json: {"outdir", "datasets": ["breast_cancer", "wine"], "seeds",
      and the settings of `fit`}. Splits each of scikit-learn's bundled data
      sets as reference.py does (train_test_split, test_size 0.25,
      random_state 0, stratified), standard-scales with the training
      statistics, writes <outdir>/<name>.train.csv / .test.csv, and fits
      MLPClassifier once per seed. One Python start for the whole parity
      test. Returns {"datasets": {name: {train, test, classes}},
      "fits": [{"name", "seed", "accuracy", "n_iter", "loss"}]}.

CSVs have the columns f0..f{p-1}, target (as reference.py), written with
repr and read back bit-exactly with float_precision="round_trip".
"""
import json
import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd


def read_csv(path):
    df = pd.read_csv(path, float_precision="round_trip")
    y = df["target"].to_numpy()
    X = df.drop(columns=["target"]).to_numpy(dtype=np.float64)
    return X, y


def write_csv(path, X, y):
    df = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    df["target"] = y
    df.to_csv(path, index=False)


def make_model(job, classification):
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    activation = {"sigmoid": "logistic"}.get(job.get("activation", "relu"), job.get("activation", "relu"))
    settings = dict(
        hidden_layer_sizes=tuple(job.get("hidden", [32])),
        activation=activation,
        solver="adam",
        batch_size=int(job.get("batch_size", 32)),
        learning_rate_init=float(job.get("learning_rate", 0.001)),
        alpha=float(job.get("alpha", 1e-4)),
        max_iter=int(job.get("epochs", 100)),
        tol=0.0,
        random_state=int(job.get("seed", 0)),
    )
    return MLPClassifier(**settings) if classification else MLPRegressor(**settings)


def cmd_bench(job_path):
    with open(job_path) as f:
        job = json.load(f)
    X, y = read_csv(job["train"])
    y = y.astype(np.int64)
    classes = np.unique(y)
    model = make_model(job, True)
    wall, cpu, loss = [], [], []
    for _ in range(int(job.get("epochs", 3))):
        t0 = time.perf_counter()
        c0 = time.process_time()
        model.partial_fit(X, y, classes=classes)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - t0)
        loss.append(float(model.loss_))
    return {
        "epoch_seconds": wall,
        "epoch_cpu_seconds": cpu,
        "loss": loss,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_fit(job):
    from sklearn.metrics import accuracy_score, mean_squared_error

    classification = job.get("task", "classification") == "classification"
    X, y = read_csv(job["train"])
    X_te, y_te = read_csv(job["test"])
    if classification:
        y, y_te = y.astype(np.int64), y_te.astype(np.int64)
    model = make_model(job, classification)
    with warnings.catch_warnings():
        # max_iter is the epoch budget here, not a convergence failure.
        warnings.simplefilter("ignore")
        model.fit(X, y)
    pred = model.predict(X_te)
    out = {"name": job["name"], "n_iter": int(model.n_iter_), "loss": float(model.loss_)}
    if classification:
        out["accuracy"] = float(accuracy_score(y_te, pred))
    else:
        out["mse"] = float(mean_squared_error(y_te, pred))
    return out


def cmd_fit(jobs_path):
    with open(jobs_path) as f:
        jobs = json.load(f)
    return [run_fit(job) for job in jobs]


def cmd_parity(job_path):
    from sklearn import datasets
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    with open(job_path) as f:
        job = json.load(f)
    loaders = {"breast_cancer": datasets.load_breast_cancer, "wine": datasets.load_wine, "iris": datasets.load_iris}
    written, fits = {}, []
    for name in job["datasets"]:
        X, y = loaders[name](return_X_y=True)
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
        scaler = StandardScaler().fit(X_tr)
        base = f"{job['outdir']}/{name}"
        write_csv(base + ".train.csv", scaler.transform(X_tr), y_tr)
        write_csv(base + ".test.csv", scaler.transform(X_te), y_te)
        written[name] = {"train": base + ".train.csv", "test": base + ".test.csv", "classes": int(len(np.unique(y)))}
        for seed in job["seeds"]:
            fit = run_fit({**job, "name": name, "seed": seed, "task": "classification", **written[name]})
            fits.append({**fit, "seed": seed})
    return {"datasets": written, "fits": fits}


def main(argv):
    if len(argv) != 3 or argv[1] not in ("bench", "fit", "parity"):
        sys.stderr.write(__doc__)
        return 2
    result = {"bench": cmd_bench, "fit": cmd_fit, "parity": cmd_parity}[argv[1]](argv[2])
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
