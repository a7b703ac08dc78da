"""One MLflow 2.12 client session, printed as a normalized transcript.

Run against a tracking server (MLFLOW_TRACKING_URI): `mlflow server` or
`runlens server`. Every line is a JSON pair [label, value]; run ids,
experiment ids, times and the server's own URIs are replaced by stable
placeholders (in order of first appearance), so two servers that behave
alike print the same lines. differential.test.ts compares the two.
"""
import json
import os
import re
import sys
import tempfile
import warnings

warnings.filterwarnings("ignore")
import mlflow  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param, RunTag, ViewType  # noqa: E402
from mlflow.exceptions import MlflowException  # noqa: E402

client = MlflowClient()
PREFIX = sys.argv[1] if len(sys.argv) > 1 else "diff"
run_ids = {}
exp_ids = {}
TIME_KEYS = re.compile(r"(_time|timestamp|_timestamp)$")


def run_ph(m):
    return run_ids.setdefault(m.group(0), f"<run{len(run_ids) + 1}>")


def exp_ph(eid):
    return exp_ids.setdefault(str(eid), f"<exp{len(exp_ids) + 1}>")


def norm_str(s):
    s = re.sub(r"mlflow-artifacts:/(\d+)", lambda m: "mlflow-artifacts:/" + exp_ph(m.group(1)), s)
    return re.sub(r"\b[0-9a-f]{32}\b", run_ph, s)


def norm(v, key=""):
    if isinstance(v, dict):
        return {k: norm(x, k) for k, x in sorted(v.items())}
    if isinstance(v, (list, tuple)):
        return [norm(x, key) for x in v]
    if key in ("experiment_id",) and v is not None:
        return exp_ph(v)
    if TIME_KEYS.search(key) and isinstance(v, (int, float)) and v:
        return "<time>"
    if isinstance(v, float):
        return repr(v) if v != v or v in (float("inf"), float("-inf")) else round(v, 9)
    if isinstance(v, str):
        return norm_str(v)
    return v


def emit(label, value):
    print(json.dumps([norm_str(label), norm(value)], sort_keys=True, ensure_ascii=False), flush=True)


def attempt(label, fn):
    """The result of fn, or the error code MLflow's client raised."""
    try:
        value = fn()
        emit(label, value if value is not None else "ok")
        return value
    except MlflowException as e:
        emit(label, {"error": e.error_code})
    return None


# Tags whose value depends on the machine or the moment, not on the server.
VOLATILE_TAGS = {"mlflow.source.name", "mlflow.source.git.commit", "mlflow.user", "mlflow.log-model.history"}


def run_view(run):
    info = run.info
    return {
        "run_name": info.run_name, "status": info.status, "lifecycle_stage": info.lifecycle_stage,
        "experiment_id": info.experiment_id, "artifact_uri": info.artifact_uri, "user_id": info.user_id,
        "end_time": info.end_time, "start_time": info.start_time,
        "params": run.data.params, "metrics": run.data.metrics,
        "tags": {k: v for k, v in run.data.tags.items() if k not in VOLATILE_TAGS},
        "inputs": [
            {"name": d.dataset.name, "digest": d.dataset.digest, "source_type": d.dataset.source_type,
             "schema": d.dataset.schema, "profile": d.dataset.profile,
             "tags": {t.key: t.value for t in d.tags}}
            for d in (run.inputs.dataset_inputs if run.inputs else [])
        ],
    }


def exp_view(e):
    return {"name": e.name, "experiment_id": e.experiment_id, "lifecycle_stage": e.lifecycle_stage, "tags": e.tags,
            "artifact_location": e.artifact_location}


def mv_view(v):
    return {"name": v.name, "version": v.version, "stage": v.current_stage, "source": v.source, "run_id": v.run_id,
            "status": v.status, "description": v.description, "tags": v.tags, "aliases": list(v.aliases)}


def names(runs):
    return [r.info.run_name for r in runs]


# ── experiments ─────────────────────────────────────────────────────────────
ea = client.create_experiment(f"{PREFIX}-a", tags={"team": "ml", "ключ": "значение"})
eb = client.create_experiment(f"{PREFIX}-b")
exp_ph(ea)
exp_ph(eb)
attempt("experiment exists", lambda: client.create_experiment(f"{PREFIX}-a"))
client.set_experiment_tag(eb, "stage", "dev")
emit("get experiment a", exp_view(client.get_experiment(ea)))
emit("get experiment b by name", exp_view(client.get_experiment_by_name(f"{PREFIX}-b")))
client.rename_experiment(eb, f"{PREFIX}-b2")
emit("renamed", exp_view(client.get_experiment(eb)))
attempt("missing experiment", lambda: client.get_experiment("987654"))

# ── runs: params, metrics with history, tags, nested, batch, artifacts ──────
mlflow.set_experiment(f"{PREFIX}-a")
with mlflow.start_run(run_name="parent") as parent:
    mlflow.log_params({"lr": "0.1", "depth": "3", "学习率": "0.01"})
    for step, loss in enumerate([1.0, 0.5, 0.25, 0.125]):
        mlflow.log_metric("loss", loss, step=step)
    mlflow.log_metric("acc", 0.9)
    mlflow.set_tags({"team": "ml", "key with space": "v"})
    with tempfile.TemporaryDirectory() as d:
        for name, text in [("notes.txt", "hello"), ("résumé-数据.txt", "unicode name")]:
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                f.write(text)
            mlflow.log_artifact(os.path.join(d, name), artifact_path="docs")
    mlflow.log_dict({"a": 1}, "config/params.json")
    with mlflow.start_run(run_name="child", nested=True) as child:
        client.log_batch(child.info.run_id, metrics=[Metric("acc", 0.7, 1000, 0), Metric("acc", 0.8, 2000, 1)],
                         params=[Param("lr", "0.01"), Param("model", "tree")], tags=[RunTag("kind", "fold")])
with mlflow.start_run(run_name="other") as other:
    mlflow.log_params({"lr": "0.2", "model": "linear"})
    mlflow.log_metric("acc", 0.95)
    mlflow.set_tag("team", "data")
failed = client.create_run(ea, run_name="failed-one", tags={"team": "ml"})
client.log_metric(failed.info.run_id, "acc", float("nan"))
client.set_terminated(failed.info.run_id, "FAILED")

for label, rid in [("parent", parent.info.run_id), ("child", child.info.run_id), ("other", other.info.run_id),
                   ("failed", failed.info.run_id)]:
    emit(f"run {label}", run_view(client.get_run(rid)))
emit("loss history", [(m.step, m.value) for m in client.get_metric_history(parent.info.run_id, "loss")])
emit("artifacts root", [(a.path, a.is_dir) for a in client.list_artifacts(parent.info.run_id)])
emit("artifacts docs", [(a.path, a.is_dir, a.file_size) for a in client.list_artifacts(parent.info.run_id, "docs")])
with tempfile.TemporaryDirectory() as d:
    try:
        got = client.download_artifacts(parent.info.run_id, "docs/résumé-数据.txt", d)
        emit("download non-ASCII artifact", [os.path.basename(got), open(got, encoding="utf-8").read()])
    except MlflowException:
        # MLflow 2.12's server drops the connection: its Content-Disposition header cannot hold the name.
        emit("download non-ASCII artifact", {"error": "no response"})
    got = client.download_artifacts(parent.info.run_id, "docs/notes.txt", d)
    emit("download artifact", [os.path.basename(got), open(got, encoding="utf-8").read()])
attempt("param changed", lambda: client.log_param(other.info.run_id, "lr", "0.3"))
attempt("missing run", lambda: client.get_run("0" * 32))

# ── search_runs: the filter forms MLflow's grammar has ──────────────────────
FILTERS = [
    "",
    "metrics.acc > 0.8",
    "metrics.acc >= 0.9",
    "metrics.acc < 0.9",
    "metrics.acc != 0.95",
    "metric.acc = 0.95",
    "params.lr = '0.1'",
    "params.lr != '0.1'",
    "param.model LIKE 't%'",
    "params.model ILIKE 'TR%'",
    "params.`学习率` = '0.01'",
    "tags.team = 'ml'",
    "tags.`key with space` = 'v'",
    "tags.team LIKE '%a%'",
    "tag.mlflow.runName = 'other'",
    "attributes.status = 'FINISHED'",
    "attributes.status != 'FINISHED'",
    "status = 'FAILED'",
    "attributes.run_name = 'parent'",
    "run_name LIKE '%t%'",
    "attributes.run_name ILIKE 'P%'",
    f"attributes.run_id = '{other.info.run_id}'",
    f"attributes.run_id IN ('{other.info.run_id}', '{parent.info.run_id}')",
    "attributes.start_time > 0",
    "attributes.end_time > 0",
    "attributes.created > 0",
    "attributes.user_id != ''",
    f"attributes.artifact_uri = '{client.get_run(other.info.run_id).info.artifact_uri}'",
    "params.lr = '0.1' and metrics.acc > 0.5",
    "metrics.acc > 0.5 and tags.team = 'ml' and attributes.status = 'FINISHED'",
]
for f in FILTERS:
    attempt(f"search [{f}]", lambda f=f: names(client.search_runs([ea], f)))
for order in (["metrics.acc DESC"], ["metrics.acc ASC"], ["params.lr ASC"], ["attributes.run_name"], ["tags.team DESC", "attributes.run_name ASC"],
              ["attributes.start_time ASC"]):
    attempt(f"order {order}", lambda order=order: names(client.search_runs([ea], order_by=order)))
attempt("search two experiments", lambda: names(client.search_runs([ea, eb])))

pages, token = [], None
while True:
    page = client.search_runs([ea], max_results=2, page_token=token, order_by=["attributes.run_name"])
    pages.append(names(page))
    token = page.token
    if not token:
        break
emit("search pages of 2", pages)

# ── experiments: search paging, delete/restore ──────────────────────────────
client.create_experiment(f"{PREFIX}-c")
def exp_pages(view_type=ViewType.ACTIVE_ONLY):
    out, token = [], None
    while True:
        page = client.search_experiments(view_type=view_type, max_results=1, page_token=token,
                                         filter_string=f"name LIKE '{PREFIX}-%'")
        out.append([e.name for e in page])
        token = page.token
        if not token:
            return out
emit("experiment pages", exp_pages())
emit("experiments ordered by name", [e.name for e in client.search_experiments(
    filter_string=f"name LIKE '{PREFIX}-%'", order_by=["name DESC"])])
emit("experiments with tag", [e.name for e in client.search_experiments(filter_string="tags.team = 'ml'")])

# ── delete / restore ─────────────────────────────────────────────────────────
client.delete_run(other.info.run_id)
emit("deleted run", client.get_run(other.info.run_id).info.lifecycle_stage)
for vt in ("ACTIVE_ONLY", "DELETED_ONLY", "ALL"):
    emit(f"runs {vt}", sorted(names(client.search_runs([ea], run_view_type=getattr(ViewType, vt)))))
attempt("log to deleted run", lambda: client.log_metric(other.info.run_id, "x", 1.0))
client.restore_run(other.info.run_id)
emit("restored run", client.get_run(other.info.run_id).info.lifecycle_stage)
client.delete_experiment(eb)
emit("deleted experiment", client.get_experiment(eb).lifecycle_stage)
emit("experiment pages after delete", exp_pages())
emit("deleted experiments", exp_pages(ViewType.DELETED_ONLY))
attempt("run in deleted experiment", lambda: client.create_run(eb))
client.restore_experiment(eb)
emit("experiment pages after restore", exp_pages(ViewType.ALL))

# ── datasets ─────────────────────────────────────────────────────────────────
df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [0, 1, 0, 1]})
ds = mlflow.data.from_pandas(df, name="toy", targets="y")
with mlflow.start_run(run_name="with-data") as wd:
    mlflow.log_input(ds, context="training")
    mlflow.log_input(mlflow.data.from_pandas(df.head(2), name="toy-eval"), context="eval")
emit("run with inputs", run_view(client.get_run(wd.info.run_id)))
for f in ["datasets.name = 'toy'", "datasets.context = 'eval'", f"datasets.digest = '{ds.digest}'", "datasets.name LIKE 'toy%'",
          "datasets.name IN ('toy-eval', 'x')"]:
    attempt(f"search [{f}]", lambda f=f: names(client.search_runs([ea], f)))

# ── scikit-learn autolog, then the registry ─────────────────────────────────
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

mlflow.sklearn.autolog(log_input_examples=False, log_model_signatures=True, silent=True)
X, y = load_iris(return_X_y=True, as_frame=True)
with mlflow.start_run(run_name="autolog") as al:
    LogisticRegression(max_iter=200).fit(X, y)
mlflow.sklearn.autolog(disable=True)
r = client.get_run(al.info.run_id)
view = run_view(r)
view["metrics"] = {k: round(v, 6) for k, v in view["metrics"].items()}
view["tags"] = sorted(view["tags"])
emit("autolog run", view)
emit("autolog artifacts", sorted(a.path for a in client.list_artifacts(al.info.run_id)))
emit("autolog model files", sorted(a.path for a in client.list_artifacts(al.info.run_id, "model")))
emit("autolog logged models", [sorted(m.keys()) for m in json.loads(r.data.tags["mlflow.log-model.history"])])

model = f"{PREFIX}-model"
v1 = mlflow.register_model(f"runs:/{al.info.run_id}/model", model)
emit("registered v1", mv_view(v1))
v2 = client.create_model_version(model, f"runs:/{al.info.run_id}/model", al.info.run_id, tags={"k": "v"}, description="second")
emit("registered v2", mv_view(v2))
attempt("model exists", lambda: client.create_registered_model(model))
client.set_registered_model_alias(model, "champion", "1")
client.set_registered_model_alias(model, "challenger", "2")
client.set_registered_model_alias(model, "champion", "2")
emit("by alias", mv_view(client.get_model_version_by_alias(model, "champion")))
attempt("missing alias", lambda: client.get_model_version_by_alias(model, "nobody"))
client.set_registered_model_tag(model, "owner", "ml")
client.update_registered_model(model, description="iris")
client.set_model_version_tag(model, "1", "validated", "yes")
client.update_model_version(model, "1", description="first")
emit("model", (lambda m: {"name": m.name, "description": m.description, "tags": m.tags, "aliases": dict(m.aliases),
                          "latest": [mv_view(v) for v in m.latest_versions]})(client.get_registered_model(model)))
emit("latest versions", [mv_view(v) for v in client.get_latest_versions(model, stages=["None"])])
emit("search versions by name", [mv_view(v) for v in client.search_model_versions(f"name = '{model}'")])
emit("search versions by run", [v.version for v in client.search_model_versions(f"run_id = '{al.info.run_id}'")])
emit("search versions by tag", [v.version for v in client.search_model_versions(f"name = '{model}' and tags.validated = 'yes'")])
emit("search models", [m.name for m in client.search_registered_models(filter_string=f"name LIKE '{PREFIX}-%'")])
emit("download uri", client.get_model_version_download_uri(model, "1"))
loaded = mlflow.pyfunc.load_model(f"models:/{model}@champion")
emit("predict by alias", [int(p) for p in loaded.predict(X.head(5))])
client.delete_registered_model_alias(model, "challenger")
client.delete_model_version(model, "1")
v3 = client.create_model_version(model, f"runs:/{al.info.run_id}/model", al.info.run_id)
emit("version after delete", v3.version)
emit("versions left", sorted(v.version for v in client.search_model_versions(f"name = '{model}'")))
client.delete_registered_model(model)
attempt("deleted model", lambda: client.get_registered_model(model))
emit("done", True)
