"""A scikit-learn script logged with the RunLens Python helper.

Trains a random forest on scikit-learn's bundled breast cancer data. When
RunLens runs it (sklearn.train.yaml: "Train this", or `runlens train
python/sklearn.train.yaml`), it sets RUNLENS_RUN_ID and puts its helper on
PYTHONPATH, so `import runlens` works and `runlens.start_run()` logs into
the run RunLens created. Run on its own (`python3 sklearn_train.py`, with
the helper installed by `pip install <RunLens>/python`), the same code
creates a run in the nearest .runlens/ store.
"""
import argparse
import os
import pickle
import tempfile

import runlens
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n-estimators", type=int, default=100)
    p.add_argument("--max-depth", type=int, default=6)
    p.add_argument("--test-size", type=float, default=0.25)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=args.test_size, random_state=args.seed, stratify=y)

    # autolog: each fit logs the estimator's get_params() as params and its training score.
    runlens.sklearn.autolog()
    with runlens.start_run(experiment="python-sklearn"):
        runlens.log_params({"test_size": args.test_size, "train_rows": len(X_train), "features": X.shape[1]})
        runlens.set_tag("dataset", "sklearn.datasets.load_breast_cancer")
        model = RandomForestClassifier(n_estimators=args.n_estimators, max_depth=args.max_depth, random_state=args.seed)
        model.fit(X_train, y_train)
        metrics = runlens.sklearn.log_test_metrics(model, X_test, y_test)  # test_accuracy, test_f1

        top = sorted(zip(model.feature_importances_, X.columns), reverse=True)[:5]
        for rank, (importance, name) in enumerate(top, start=1):
            print(f"feature {rank}: {name} ({importance:.3f})")

        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.pkl")
            with open(path, "wb") as f:
                pickle.dump(model, f)
            runlens.log_artifact(path, artifact_path="model")  # → model/model.pkl

    print(" ".join(f"{k}={v:.4f}" for k, v in metrics.items()))


if __name__ == "__main__":
    main()
