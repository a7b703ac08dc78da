"""RunLens models in MLflow: the ``loader_module`` of an exported model's
``python_function`` flavour.

``mlflow.pyfunc.load_model`` calls ``_load_pyfunc(data_path)`` with the path of
the RunLens model package (``model.json``); the returned model's ``predict``
turns raw rows into the predictions ``runlens serve`` gives for the same rows.
It re-implements, in NumPy, what the TypeScript side does at prediction time:
reading cells as ``frameFromRecords`` does (src/core/data/records.ts), the
fitted preprocessing (src/core/data/preprocessor.ts) and the forward pass of
the four built-in model families (src/core/models/). Sums run in the same
order as there, so predictions are the same doubles; the one exception is an
MLP with tanh or sigmoid hidden layers, whose NumPy tanh/exp may differ from
JavaScript's Math.tanh/Math.exp in the last bit (relative 1e-13 at the output).

Needs only NumPy and pandas, which every MLflow installation has.
"""

import json
import math
import numbers
import re

import numpy as np
import pandas as pd

__all__ = ["RunLensModel", "RunLensInputError", "_load_pyfunc"]

PACKAGE_FORMAT = "runlens-model"
PACKAGE_VERSION = 1

try:  # Under MLflow, bad input is its INVALID_PARAMETER_VALUE (HTTP 400 from `mlflow models serve`).
    from mlflow.exceptions import MlflowException as _Base
    from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE

    def _error_args(message):
        return (message,), {"error_code": INVALID_PARAMETER_VALUE}

except ImportError:  # pragma: no cover - the module also works without MLflow
    _Base = ValueError

    def _error_args(message):
        return (message,), {}


class RunLensInputError(_Base):
    """Input the model cannot predict from: a missing column or an unusable cell."""

    def __init__(self, message):
        args, kwargs = _error_args(message)
        super().__init__(*args, **kwargs)


class RunLensPackageError(ValueError):
    """A model.json this loader cannot read."""


# ---------------------------------------------------------------------------
# Cells as RunLens reads them (src/core/data/csvCells.ts, numberParse.ts).

MISSING_MARKERS = frozenset(["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"])
# classifyCell trims only when the first or last character is one of these ...
_TRIM_TRIGGER = frozenset(" \t\xa0\ufeff\n\x0b\x0c\r")
# ... and then with JavaScript's String.prototype.trim, whose whitespace differs from str.strip().
_JS_WHITESPACE = (
    " \t\n\x0b\x0c\r\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_INFINITY_RE = re.compile(r"([+-]?)(?:inf|infinity)", re.ASCII | re.IGNORECASE)

_MISSING, _NUMBER, _TRUE, _FALSE, _TEXT = range(5)


def _js_trim(text):
    return text.strip(_JS_WHITESPACE)


def _classify(text):
    """(kind, number) of one cell text, as classifyCell."""
    t = _js_trim(text) if text and (text[0] in _TRIM_TRIGGER or text[-1] in _TRIM_TRIGGER) else text
    if t in MISSING_MARKERS:
        return _MISSING, None
    if len(t) <= 5:
        lower = t.lower()
        if lower in ("true", "yes"):
            return _TRUE, None
        if lower in ("false", "no"):
            return _FALSE, None
    if _DECIMAL_RE.fullmatch(t):
        return _NUMBER, float(t)  # correctly rounded, as JavaScript's Number()
    m = _INFINITY_RE.fullmatch(t)
    if m:
        return _NUMBER, -math.inf if m.group(1) == "-" else math.inf
    return _TEXT, None


def js_number_text(v):
    """JavaScript's String(number): how a number in a categorical column becomes its category."""
    v = float(v)
    if v != v:
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0:
        return "0"
    r = repr(v)  # the shortest digits that read back as v, as JavaScript picks them
    sign = "-" if r[0] == "-" else ""
    r = r.lstrip("-")
    mantissa, _, exp = r.partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = whole + frac
    point = len(whole) + (int(exp) if exp else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k, n = len(digits), point
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        body = (digits[0] + ("." + digits[1:] if k > 1 else "")) + ("e+" if e >= 0 else "e-") + str(abs(e))
    return sign + body


def _quote(text, limit=40):
    """A value in a message: quoted, escaped, cut after `limit` characters (one line, whatever the data)."""
    shown = json.dumps(text, ensure_ascii=True)[1:-1]
    return '"' + (shown if len(shown) <= limit else shown[: limit - 3] + "...") + '"'


def _show_value(v):
    if isinstance(v, str):
        return _quote(v)
    try:
        text = json.dumps(v)
    except (TypeError, ValueError):
        text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_missing_object(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) and v != v


def _to_number(v, boolean, row, name):
    """One value of a numeric (or 0/1) column, as frameFromRecords' toNumber."""
    if _is_missing_object(v):
        return math.nan
    if isinstance(v, (bool, np.bool_)):
        return 1.0 if v else 0.0
    if isinstance(v, numbers.Real):
        return float(v)
    if isinstance(v, str):
        kind, number = _classify(v)
        if kind == _MISSING:
            return math.nan
        if kind == _NUMBER:
            return number
        if boolean and kind in (_TRUE, _FALSE):
            return 1.0 if kind == _TRUE else 0.0
    what = "true/false" if boolean else "a number"
    raise RunLensInputError(f'record {row + 1}, column {_quote(name)}: {_show_value(v)} is not {what}')


def _to_text(v):
    """One value of a categorical column, as frameFromRecords' toText (numbers become JavaScript's text)."""
    if _is_missing_object(v):
        return None
    if isinstance(v, str):
        return None if _classify(v)[0] == _MISSING else v
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, numbers.Real):
        return js_number_text(v)
    return str(v)


def _numbers_of(series, boolean, name):
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        if pd.api.types.is_extension_array_dtype(dtype):  # Int64, Float64, boolean: pd.NA is missing
            return series.to_numpy(dtype="float64", na_value=np.nan)
        return series.to_numpy().astype("float64")
    return np.array([_to_number(v, boolean, i, name) for i, v in enumerate(series.tolist())], dtype="float64")


# ---------------------------------------------------------------------------
# Model JSON numbers (src/core/models/jsonArrays.ts): non-finite doubles are strings.

_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _float(v, what):
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise RunLensPackageError(f"model.json: {what} holds {json.dumps(v)}")
    if isinstance(v, str):
        if v not in _NON_FINITE:
            raise RunLensPackageError(f"model.json: {what} holds {json.dumps(v)}")
        return _NON_FINITE[v]
    return float(v)


def _floats(v, what, length=None):
    if not isinstance(v, list):
        raise RunLensPackageError(f"model.json: {what} must be an array")
    if length is not None and len(v) != length:
        raise RunLensPackageError(f"model.json: {what} has {len(v)} values, expected {length}")
    return np.array([_float(x, what) for x in v], dtype="float64")


def _ints(v, what, length=None):
    if not isinstance(v, list) or any(isinstance(x, bool) or not isinstance(x, int) for x in v):
        raise RunLensPackageError(f"model.json: {what} must be an array of integers")
    if length is not None and len(v) != length:
        raise RunLensPackageError(f"model.json: {what} has {len(v)} values, expected {length}")
    return np.array(v, dtype="int64")


# ---------------------------------------------------------------------------
# The fitted preprocessing (src/core/data/preprocessor.ts, transform).


class _Preprocessor:
    def __init__(self, json_obj):
        if not isinstance(json_obj, dict) or json_obj.get("format") != "runlens.preprocessor" or json_obj.get("version") != 1:
            raise RunLensPackageError("model.json: not a RunLens preprocessor (format runlens.preprocessor, version 1)")
        self.missing = json_obj["missing"]
        self.trim = bool(json_obj["trim"])
        self.infinite = json_obj.get("infinite")  # absent in packages from before data.clean.infinite
        self.classes = json_obj.get("classes")
        self.specs = [self._spec(s) for s in json_obj["features"]]
        self.input_columns = [s["column"] for s in self.specs]
        self.width = sum(len(s["categories"]) if s["kind"] == "onehot" else 1 for s in self.specs)

    @staticmethod
    def _spec(spec):
        kind = spec.get("kind")
        if kind not in ("numeric", "boolean", "onehot", "ordinal"):
            raise RunLensPackageError(f"model.json: unknown feature kind {json.dumps(kind)}")
        if kind in ("onehot", "ordinal"):
            return dict(spec)
        out = dict(spec)
        for key in ("fill", "shift", "scale"):
            if key in out:
                out[key] = _float(out[key], key)
        for key in ("clip", "finiteRange"):
            if key in out:
                out[key] = [_float(x, key) for x in out[key]]
        return out

    def transform(self, frame):
        rows = len(frame)
        X = np.zeros((rows, self.width), dtype="float64")
        # Every cell is read before any is transformed, as frameFromRecords runs before transform().
        cells = [
            _numbers_of(frame[s["column"]], s["kind"] == "boolean", s["column"])
            if s["kind"] in ("numeric", "boolean")
            else [_to_text(v) for v in frame[s["column"]].tolist()]
            for s in self.specs
        ]
        offset = 0
        for spec, values in zip(self.specs, cells):
            name = spec["column"]
            if spec["kind"] in ("numeric", "boolean"):
                X[:, offset] = self._numeric(values, spec, name)
                offset += 1
                continue
            texts = values
            index = {c: i for i, c in enumerate(spec["categories"])}
            for r, t in enumerate(texts):
                if t is not None and self.trim:
                    t = _js_trim(t)
                if t is None:
                    if spec.get("fill") is None:
                        raise self._missing_error(r, name)
                    t = spec["fill"]
                k = index.get(t)
                if spec["kind"] == "onehot":
                    if k is not None:
                        X[r, offset + k] = 1.0
                else:
                    X[r, offset] = -1.0 if k is None else float(k)
            offset += len(spec["categories"]) if spec["kind"] == "onehot" else 1
        return X

    def _numeric(self, v, spec, name):
        boolean = spec["kind"] == "boolean"
        if boolean:
            bad = ~np.isnan(v) & (v != 0) & (v != 1)
            if bad.any():
                r = int(np.argmax(bad))
                raise RunLensInputError(f"row {r + 1}, column {_quote(name)}: {js_number_text(v[r])} is not true/false (0/1)")
        v = v.copy()
        # transform() goes row by row, so whichever unusable cell comes first is the one reported.
        unusable = np.zeros(len(v), dtype=bool)
        infinite = np.isinf(v)
        if infinite.any() and self.infinite is not None:
            rng = spec.get("finiteRange") if spec["kind"] == "numeric" else None
            if self.infinite == "missing":
                v[infinite] = math.nan
            elif self.infinite == "clip" and rng:
                v[infinite] = np.where(v[infinite] > 0, rng[1], rng[0])
            else:
                unusable |= infinite
        nan = np.isnan(v)
        if self.missing == "drop":
            unusable |= nan
        if unusable.any():
            r = int(np.argmax(unusable))
            if nan[r]:
                raise self._missing_error(r, name)
            if self.infinite == "drop":
                why = "and data.clean.infinite is drop (rows with infinite values cannot be predicted)"
            else:
                why = "(inf, Infinity, or a number too large for a double); set data.clean.infinite to drop, clip or missing"
            raise RunLensInputError(f"row {r + 1}, column {_quote(name)}: {js_number_text(v[r])} is not a usable value {why}")
        v[nan] = spec["fill"]
        if boolean:
            return v
        if "clip" in spec:
            v = np.minimum(np.maximum(v, spec["clip"][0]), spec["clip"][1])
        return (v - spec["shift"]) / spec["scale"]

    @staticmethod
    def _missing_error(row, name):
        why = "missing value, and data.clean.missing is drop (rows with missing values cannot be predicted)"
        return RunLensInputError(f"row {row + 1}, column {_quote(name)}: {why}")


# ---------------------------------------------------------------------------
# The model families' predictions (class indices or values), summing in the
# TypeScript order: one column (or input unit) at a time, left to right.


def _classes_from_scores(z):
    """decisionScores.ts classesFromScores: a positive logit is class 1; else the first strict arg max."""
    if z.shape[1] == 1:
        return (z[:, 0] > 0).astype("int64")
    best = np.zeros(z.shape[0], dtype="int64")
    best_score = z[:, 0].copy()
    for c in range(1, z.shape[1]):
        better = z[:, c] > best_score  # NaN never wins, as in the JavaScript loop
        best[better] = c
        best_score[better] = z[better, c]
    return best


def _check_width(kind, X, n_features):
    if X.shape[1] != n_features:
        raise RunLensPackageError(f"{kind}: the model was fitted on {n_features} features, the preprocessing gives {X.shape[1]}")


class _LinearRegression:
    def __init__(self, m):
        n = int(m["nFeatures"])
        self.coef = _floats(m["coef"], "coef", n)
        self.intercept = _float(m["intercept"], "intercept")

    def predict(self, X):
        _check_width("linear_regression", X, len(self.coef))
        s = np.full(X.shape[0], self.intercept)
        for j, w in enumerate(self.coef):
            s += X[:, j] * w
        return s


class _LogisticRegression:
    def __init__(self, m):
        k, p = int(m["nClasses"]), int(m["nFeatures"])
        r = 1 if k == 2 else k
        self.weights = _floats(m["weights"], "weights", r * p).reshape(r, p)
        self.intercepts = _floats(m["intercepts"], "intercepts", r)

    def predict(self, X):
        _check_width("logistic_regression", X, self.weights.shape[1])
        z = np.empty((X.shape[0], len(self.intercepts)))
        for c, row in enumerate(self.weights):
            s = np.full(X.shape[0], self.intercepts[c])
            for j, w in enumerate(row):
                s += X[:, j] * w
            z[:, c] = s
        return _classes_from_scores(z)


class _DecisionTree:
    def __init__(self, m):
        self.regression = m["task"] == "regression"
        self.feature = _ints(m["feature"], "feature")
        c = len(self.feature)
        self.threshold = _floats(m["threshold"], "threshold", c)
        self.left = _ints(m["left"], "left", c)
        self.right = _ints(m["right"], "right", c)
        self.width = int(m["width"])
        self.value = _floats(m["value"], "value", c * self.width).reshape(c, self.width)
        self.n_features = int(m["nFeatures"])

    def predict(self, X):
        _check_width("decision_tree", X, self.n_features)
        rows = np.arange(X.shape[0])
        node = np.zeros(X.shape[0], dtype="int64")
        while True:
            inner = self.left[node] != -1
            if not inner.any():
                break
            at = rows[inner]
            n = node[inner]
            go_left = X[at, self.feature[n]] <= self.threshold[n]  # NaN goes right, as in JavaScript
            node[inner] = np.where(go_left, self.left[n], self.right[n])
        leaf = self.value[node]
        if self.regression:
            return leaf[:, 0].copy()
        return _classes_from_scores(leaf)


class _Mlp:
    def __init__(self, m):
        sizes = m["sizes"]
        if not isinstance(sizes, list) or len(sizes) < 2 or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in sizes):
            raise RunLensPackageError('model.json: "sizes" must list at least 2 layer sizes')
        self.sizes = sizes
        self.regression = m["task"] == "regression"
        self.activation = (m.get("params") or {}).get("activation", "relu")
        if self.activation not in ("relu", "tanh", "sigmoid"):
            raise RunLensPackageError(f"model.json: unknown MLP activation {json.dumps(self.activation)}")
        total = sum(sizes[i] * sizes[i + 1] + sizes[i + 1] for i in range(len(sizes) - 1))
        # Saved float32 weights, read back through float32 as MlpModel.fromJSON does.
        theta = _floats(m["parameters"], "parameters", total).astype("float32").astype("float64")
        self.layers = []
        at = 0
        for i in range(len(sizes) - 1):
            n_in, n_out = sizes[i], sizes[i + 1]
            W = theta[at : at + n_in * n_out].reshape(n_in, n_out)
            at += n_in * n_out
            b = theta[at : at + n_out]
            at += n_out
            self.layers.append((W, b))

    def _activate(self, v):
        if self.activation == "relu":
            return np.where(v > 0, v, 0.0)
        if self.activation == "tanh":
            return np.tanh(v)
        return 1 / (1 + np.exp(-v))

    def scores(self, X):
        _check_width("mlp", X, self.sizes[0])
        a = X
        for li, (W, b) in enumerate(self.layers):
            nxt = np.tile(b, (a.shape[0], 1))
            for q in range(W.shape[0]):
                v = a[:, q]
                nz = v != 0  # forwardScores skips zero inputs (0 * w is not added)
                if nz.all():
                    nxt += v[:, None] * W[q]
                elif nz.any():
                    nxt[nz] += v[nz, None] * W[q]
            a = self._activate(nxt) if li + 1 < len(self.layers) else nxt
        return a

    def predict(self, X):
        z = self.scores(X)
        return z[:, 0].copy() if self.regression else _classes_from_scores(z)


_FAMILIES = {
    "linear_regression": _LinearRegression,
    "logistic_regression": _LogisticRegression,
    "decision_tree": _DecisionTree,
    "mlp": _Mlp,
}


# ---------------------------------------------------------------------------


class RunLensModel:
    """A RunLens model package that predicts from a pandas DataFrame of raw input columns."""

    def __init__(self, package):
        if not isinstance(package, dict) or package.get("format") != PACKAGE_FORMAT:
            raise RunLensPackageError("model.json: not a RunLens model package")
        version = package.get("version")
        if not isinstance(version, int) or version > PACKAGE_VERSION:
            raise RunLensPackageError(
                f"model.json: model package version {version} is newer than this loader understands ({PACKAGE_VERSION}); export it again with this RunLens"
            )
        self.package = package
        self.task = package["task"]
        self.preprocessor = _Preprocessor(package["preprocessor"])
        model = package["model"]
        family = _FAMILIES.get(model.get("type"))
        if family is None:
            raise RunLensPackageError(f"model.json: unknown model type {json.dumps(model.get('type'))} (this loader knows {', '.join(_FAMILIES)})")
        self.model = family(model)
        classes = package.get("classes")
        self.classes = classes if classes is not None else self.preprocessor.classes
        if self.task == "classification" and not self.classes:
            raise RunLensPackageError("model.json: a classifier without its class labels")

    @property
    def input_columns(self):
        """The columns a DataFrame must have (others are ignored)."""
        return list(self.preprocessor.input_columns)

    def predict(self, model_input, params=None):
        """Class labels (classification) or float64 values (regression), one per row, as `runlens serve` answers."""
        frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
        needed = self.preprocessor.input_columns
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            plural = "s" if len(missing) > 1 else ""
            raise RunLensInputError(
                f"missing column{plural} {', '.join(_quote(c) for c in missing)} (the model needs: {', '.join(needed)})"
            )
        if len(frame) == 0:
            return np.array([], dtype="float64" if self.task == "regression" else object)
        X = self.preprocessor.transform(frame.reset_index(drop=True))
        y = self.model.predict(X)
        if self.task == "regression":
            return np.asarray(y, dtype="float64")
        labels = self.classes
        if any(isinstance(c, str) for c in labels):
            table = np.array(labels, dtype=object)
        else:
            table = np.array(labels)  # bool, int64 or float64 as the labels are
        return table[y]


def _load_pyfunc(data_path):
    """MLflow's entry point: `data_path` is the model package (the flavour's `data: model.json`)."""
    with open(data_path, encoding="utf-8") as f:
        return RunLensModel(json.load(f))
