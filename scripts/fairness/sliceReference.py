"""Per-group metrics and disparities of a slices test, computed independently with pandas/NumPy.

Fairlearn (fairlearn.metrics.MetricFrame) is not installable here, so its definitions are written out:
difference(method='between_groups') = max - min over groups; demographic_parity_difference is that of
selection_rate; equalized_odds_difference (agg='worst_case') = max(TPR difference, FPR difference).
Undefined ratios are 0, as scikit-learn's zero_division default that Fairlearn inherits.

Usage: python3 sliceReference.py rows.csv spec.json  ->  JSON on stdout.
The CSV has the slice columns, y_true and y_pred; spec.json: {"task", "n_classes", "slices": [{"column", "bins"?}]}.
"""
import json
import sys

import numpy as np
import pandas as pd


def ratio(a, b):
    return float(a) / float(b) if b > 0 else 0.0


def group_metrics(t, p, task, k):
    if task == 'regression':
        d = p - t
        return {'mse': float(np.mean(d * d)), 'mae': float(np.mean(np.abs(d))), 'mean_prediction': float(np.mean(p))}
    acc = float(np.mean(t == p))
    if k == 2:
        tp = int(np.sum((t == 1) & (p == 1)))
        fp = int(np.sum((t == 0) & (p == 1)))
        fn = int(np.sum((t == 1) & (p == 0)))
        tn = int(np.sum((t == 0) & (p == 0)))
        return {'accuracy': acc, 'precision': ratio(tp, tp + fp), 'recall': ratio(tp, tp + fn),
                'selection_rate': ratio(tp + fp, len(t)), 'false_positive_rate': ratio(fp, fp + tn),
                'false_negative_rate': ratio(fn, fn + tp)}
    present = np.union1d(np.unique(t), np.unique(p))
    prec = [ratio(np.sum((p == c) & (t == c)), np.sum(p == c)) for c in present]
    rec = [ratio(np.sum((p == c) & (t == c)), np.sum(t == c)) for c in present]
    return {'accuracy': acc, 'precision_macro': float(np.mean(prec)), 'recall_macro': float(np.mean(rec))}


def main():
    frame = pd.read_csv(sys.argv[1], keep_default_na=True)
    spec = json.load(open(sys.argv[2]))
    task, k = spec['task'], spec.get('n_classes', 0)
    out = []
    for s in spec['slices']:
        col = frame[s['column']]
        edges = None
        if 'bins' in s:
            cut, bins = pd.qcut(col, s['bins'], duplicates='drop', retbins=True)
            edges = [float(e) for e in bins]
            keys = cut.cat.codes.to_numpy()  # -1 where missing
            order = [c for c in range(len(cut.cat.categories)) if np.any(keys == c)]
        else:
            keys = col.fillna('\0missing').to_numpy()
            order = sorted(set(keys) - {'\0missing'})
        missing = -1 if 'bins' in s else '\0missing'
        if np.any(keys == missing):
            order.append(missing)
        groups = []
        for g in order:
            m = keys == g
            t = frame['y_true'].to_numpy()[m]
            p = frame['y_pred'].to_numpy()[m]
            groups.append({'count': int(m.sum()), 'metrics': group_metrics(t, p, task, k)})

        def spread(name):
            v = [g['metrics'][name] for g in groups]
            return max(v) - min(v)
        if task == 'regression':
            disp = {'mae_gap': spread('mae')}
        else:
            disp = {'accuracy_gap': spread('accuracy')}
            if k == 2:
                disp['demographic_parity_difference'] = spread('selection_rate')
                disp['equalized_odds_difference'] = max(spread('recall'), spread('false_positive_rate'))
        out.append({'column': s['column'], 'edges': edges, 'groups': groups, 'disparities': disp})
    json.dump(out, sys.stdout)


main()
