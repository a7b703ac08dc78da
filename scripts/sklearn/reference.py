#!/usr/bin/python3
"""scikit-learn reference for RunLens's built-in models and metrics.

Run with Debian's /usr/bin/python3 (python3-sklearn). Three commands, each
printing one JSON document on stdout:

  reference.py datasets OUTDIR
      Writes sklearn's bundled data sets, split (train_test_split,
      random_state=0, stratified for classification) into OUTDIR as
      <name>.train.csv / <name>.test.csv (columns f0..f{p-1}, target).
      "*_scaled" variants are standard-scaled with the training statistics.
  reference.py fit JOBS.json
      JOBS.json: [{"name", "model", "params", "train", "test"?, "repeats"?}]
      model: linear_regression | ridge | logistic_regression |
             decision_tree_classifier | decision_tree_regressor.
      Fits each job on its train CSV (timing only the fit, best of
      `repeats`) and reports coefficients, test predictions, probabilities,
      log loss, accuracy / r2 and the fit time in seconds.
  reference.py metrics INPUT.json
      INPUT.json: a list of {"binary": {...}, "multiclass": {...},
      "regression": {...}}; returns the list of sklearn.metrics values for
      the same inputs.

CSV floats are written with repr and read with float_precision="round_trip",
so both sides see bit-identical data.
"""
import json
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


def cmd_datasets(outdir):
    from sklearn import datasets
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    loaders = {
        "diabetes": (datasets.load_diabetes, False),
        "breast_cancer": (datasets.load_breast_cancer, True),
        "iris": (datasets.load_iris, True),
        "wine": (datasets.load_wine, True),
    }
    manifest = {}
    for name, (load, classification) in loaders.items():
        X, y = load(return_X_y=True)
        X_tr, X_te, y_tr, y_te = train_test_split(
            X, y, test_size=0.25, random_state=0, stratify=y if classification else None
        )
        scaler = StandardScaler().fit(X_tr)
        for suffix, (a, b) in {"": (X_tr, X_te), "_scaled": (scaler.transform(X_tr), scaler.transform(X_te))}.items():
            base = f"{outdir}/{name}{suffix}"
            write_csv(base + ".train.csv", a, y_tr)
            write_csv(base + ".test.csv", b, y_te)
            manifest[name + suffix] = {
                "train": base + ".train.csv",
                "test": base + ".test.csv",
                "rows": [int(a.shape[0]), int(b.shape[0])],
                "cols": int(a.shape[1]),
                "classes": int(len(np.unique(y))) if classification else 0,
            }
    return manifest


def make_model(kind, params):
    from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    if kind == "linear_regression":
        return LinearRegression(**params)
    if kind == "ridge":
        return Ridge(**params)
    if kind == "logistic_regression":
        return LogisticRegression(**params)
    if kind == "decision_tree_classifier":
        return DecisionTreeClassifier(**params)
    if kind == "decision_tree_regressor":
        return DecisionTreeRegressor(**params)
    raise ValueError(f"unknown model {kind}")


def tolist(a):
    return np.asarray(a, dtype=np.float64).tolist()


def run_job(job):
    from sklearn.metrics import accuracy_score, log_loss, r2_score

    X, y = read_csv(job["train"])
    kind = job["model"]
    classification = kind in ("logistic_regression", "decision_tree_classifier")
    if classification:
        y = y.astype(np.int64)
    best = float("inf")
    best_cpu = float("inf")
    model = None
    for _ in range(int(job.get("repeats", 1))):
        model = make_model(kind, job.get("params", {}))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            t0 = time.perf_counter()
            c0 = time.process_time()
            model.fit(X, y)
            best_cpu = min(best_cpu, time.process_time() - c0)
            best = min(best, time.perf_counter() - t0)
    # CPU time (all threads of the process) is steadier than wall time on a loaded machine.
    out = {"name": job["name"], "fit_seconds": best, "fit_cpu_seconds": best_cpu,
           "warnings": [f"{w.category.__name__}: {w.message}" for w in caught]}
    if hasattr(model, "coef_"):
        out["coef"] = tolist(model.coef_)
        out["intercept"] = tolist(np.atleast_1d(model.intercept_))
    if getattr(model, "n_iter_", None) is not None:
        out["n_iter"] = tolist(model.n_iter_)
    if hasattr(model, "tree_"):
        out["tree_nodes"] = int(model.tree_.node_count)
        out["tree_depth"] = int(model.get_depth())
        out["feature_importances"] = tolist(model.feature_importances_)
        out["tree_feature"] = model.tree_.feature.tolist()
        out["tree_threshold"] = tolist(model.tree_.threshold)
    if "test" in job:
        X_te, y_te = read_csv(job["test"])
        pred = model.predict(X_te)
        out["pred"] = tolist(pred)
        if classification:
            y_te = y_te.astype(np.int64)
            proba = model.predict_proba(X_te)
            out["proba"] = tolist(proba)
            out["accuracy"] = float(accuracy_score(y_te, pred))
            out["log_loss"] = float(log_loss(y_te, proba, labels=model.classes_))
        else:
            out["r2"] = float(r2_score(y_te, pred))
    return out


def cmd_fit(jobs_path):
    with open(jobs_path) as f:
        jobs = json.load(f)
    return [run_job(job) for job in jobs]


def cmd_metrics(input_path):
    with open(input_path) as f:
        return [metrics_for(case) for case in json.load(f)]


def metrics_for(data):
    from sklearn import metrics as m

    out = {}
    b = data.get("binary")
    if b:
        yt, yp, score = np.array(b["y_true"]), np.array(b["y_pred"]), np.array(b["score"])
        proba = np.column_stack([1 - score, score])
        out["binary"] = {
            "accuracy": m.accuracy_score(yt, yp),
            "precision": m.precision_score(yt, yp, zero_division=0),
            "recall": m.recall_score(yt, yp, zero_division=0),
            "f1": m.f1_score(yt, yp, zero_division=0),
            "roc_auc": m.roc_auc_score(yt, score),
            "log_loss": m.log_loss(yt, proba, labels=[0, 1]),
            "confusion_matrix": m.confusion_matrix(yt, yp, labels=[0, 1]).tolist(),
        }
    c = data.get("multiclass")
    if c:
        yt, yp, proba = np.array(c["y_true"]), np.array(c["y_pred"]), np.array(c["proba"])
        k = proba.shape[1]
        p, r, f, s = m.precision_recall_fscore_support(yt, yp, labels=list(range(k)), zero_division=0)
        out["multiclass"] = {
            "accuracy": m.accuracy_score(yt, yp),
            "precision_macro": m.precision_score(yt, yp, average="macro", zero_division=0),
            "recall_macro": m.recall_score(yt, yp, average="macro", zero_division=0),
            "f1_macro": m.f1_score(yt, yp, average="macro", zero_division=0),
            "log_loss": m.log_loss(yt, proba, labels=list(range(k))),
            "per_class": {"precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(), "support": s.tolist()},
            "confusion_matrix": m.confusion_matrix(yt, yp, labels=list(range(k))).tolist(),
        }
    g = data.get("regression")
    if g:
        yt, yp = np.array(g["y_true"]), np.array(g["y_pred"])
        out["regression"] = {
            "mse": m.mean_squared_error(yt, yp),
            "rmse": m.mean_squared_error(yt, yp, squared=False),
            "mae": m.mean_absolute_error(yt, yp),
            "r2": m.r2_score(yt, yp),
        }
    return out


def main(argv):
    if len(argv) != 3 or argv[1] not in ("datasets", "fit", "metrics"):
        sys.stderr.write(__doc__)
        return 2
    cmd, arg = argv[1], argv[2]
    result = {"datasets": cmd_datasets, "fit": cmd_fit, "metrics": cmd_metrics}[cmd](arg)
    json.dump(result, sys.stdout, default=float)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
