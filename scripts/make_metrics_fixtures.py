#!/usr/bin/python3
"""Reference values for dl.metrics, computed with scikit-learn (Debian's
python3-sklearn 1.2) and NumPy. Rerun from the repository root:

    /usr/bin/python3 scripts/make_metrics_fixtures.py

Writes test/fixtures/metrics/<problem>.json: the inputs of a seeded random
problem and what scikit-learn returns for each metric. NaN is written as the
string "NaN" (JSON has no NaN).
"""
import json
import math
import os

import numpy as np
import sklearn
from sklearn import metrics as skm
from sklearn.preprocessing import label_binarize

OUT = os.path.join('test', 'fixtures', 'metrics')


def clean(x):
    """numpy values -> JSON-safe Python values (NaN -> "NaN")."""
    if isinstance(x, dict):
        return {str(k): clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return clean(x.tolist())
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return 'NaN' if math.isnan(x) else x
    return x


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def prf_block(y, p, labels=None):
    out = {}
    per = skm.precision_recall_fscore_support(y, p, average=None, labels=labels, zero_division='warn')
    out['per_class'] = {'precision': per[0], 'recall': per[1], 'fscore': per[2], 'support': per[3]}
    for avg in ('micro', 'macro', 'weighted'):
        r = skm.precision_recall_fscore_support(y, p, average=avg, labels=labels)
        out[avg] = {'precision': r[0], 'recall': r[1], 'fscore': r[2]}
    r = skm.precision_recall_fscore_support(y, p, average='macro', beta=0.5)
    out['fbeta_half_macro'] = r[2]
    out['zero_division_1_macro'] = skm.precision_recall_fscore_support(y, p, average='macro', zero_division=1)[:3]
    return out


def classification(name, y, pred, scores, binary, float32=False, extra_labels=None):
    """scores: (n,) positive-class scores for binary, else (n, C) probabilities."""
    case = {'task': 'binary' if binary else 'multiclass', 'float32': float32,
            'y_true': y, 'y_pred': pred, 'scores': scores}
    ref = {}
    ref['accuracy'] = skm.accuracy_score(y, pred)
    ref['balanced_accuracy'] = skm.balanced_accuracy_score(y, pred)
    ref['balanced_accuracy_adjusted'] = skm.balanced_accuracy_score(y, pred, adjusted=True)
    ref['matthews_corrcoef'] = skm.matthews_corrcoef(y, pred)
    ref['prf'] = prf_block(y, pred)
    ref['confusion_matrix'] = skm.confusion_matrix(y, pred)
    for norm in ('true', 'pred', 'all'):
        ref['confusion_matrix_' + norm] = skm.confusion_matrix(y, pred, normalize=norm)
    ref['top_k'] = {str(k): skm.top_k_accuracy_score(y, scores, k=k) for k in (1, 2, 3)}
    ref['log_loss'] = skm.log_loss(y, scores)
    ref['report'] = skm.classification_report(y, pred, output_dict=True)
    ref['report_text'] = skm.classification_report(y, pred)
    ref['report_text_4'] = skm.classification_report(y, pred, digits=4)
    if binary:
        for avg in ('binary',):
            r = skm.precision_recall_fscore_support(y, pred, average=avg)
            ref['prf']['binary'] = {'precision': r[0], 'recall': r[1], 'fscore': r[2]}
        ref['roc_auc'] = skm.roc_auc_score(y, scores)
        fpr, tpr, thr = skm.roc_curve(y, scores)
        ref['roc_curve'] = {'fpr': fpr, 'tpr': tpr, 'thresholds': thr}
        fpr, tpr, thr = skm.roc_curve(y, scores, drop_intermediate=False)
        ref['roc_curve_all'] = {'fpr': fpr, 'tpr': tpr, 'thresholds': thr}
        prec, rec, thr = skm.precision_recall_curve(y, scores)
        ref['pr_curve'] = {'precision': prec, 'recall': rec, 'thresholds': thr}
        ref['average_precision'] = skm.average_precision_score(y, scores)
    else:
        classes = np.arange(scores.shape[1])
        ref['roc_auc_ovr'] = skm.roc_auc_score(y, scores, multi_class='ovr', average='macro')
        ref['roc_auc_ovr_weighted'] = skm.roc_auc_score(y, scores, multi_class='ovr', average='weighted')
        onehot = label_binarize(y, classes=classes)
        ref['average_precision_macro'] = skm.average_precision_score(onehot, scores, average='macro')
        ref['average_precision_weighted'] = skm.average_precision_score(onehot, scores, average='weighted')
    if extra_labels is not None:
        case['extra_labels'] = extra_labels
        ref['confusion_matrix_extra'] = skm.confusion_matrix(y, pred, labels=extra_labels)
        ref['report_extra'] = skm.classification_report(y, pred, labels=extra_labels, output_dict=True)
        ref['report_extra_text'] = skm.classification_report(y, pred, labels=extra_labels)
    # What computeMetrics should return, keyed by scikit-learn's names.
    cm = {'accuracy': ref['accuracy'], 'balanced_accuracy': ref['balanced_accuracy'],
          'f1_macro': ref['prf']['macro']['fscore'], 'f1_micro': ref['prf']['micro']['fscore'],
          'f1_weighted': ref['prf']['weighted']['fscore'], 'precision_macro': ref['prf']['macro']['precision'],
          'recall_macro': ref['prf']['macro']['recall'], 'matthews_corrcoef': ref['matthews_corrcoef'],
          'log_loss': ref['log_loss'], 'top_k_accuracy': ref['top_k']['2']}
    if binary:
        cm.update({'roc_auc': ref['roc_auc'], 'average_precision': ref['average_precision'],
                   'f1': ref['prf']['binary']['fscore'], 'precision': ref['prf']['binary']['precision'],
                   'recall': ref['prf']['binary']['recall']})
    else:
        cm.update({'roc_auc_ovr': ref['roc_auc_ovr'], 'roc_auc_ovr_weighted': ref['roc_auc_ovr_weighted'],
                   'roc_auc': ref['roc_auc_ovr'], 'average_precision': ref['average_precision_macro']})
    ref['compute_metrics'] = cm
    case['expected'] = ref
    write(name, case)


def regression(name, y, p):
    ref = {
        'mean_squared_error': skm.mean_squared_error(y, p),
        'root_mean_squared_error': skm.mean_squared_error(y, p, squared=False),
        'mean_absolute_error': skm.mean_absolute_error(y, p),
        'r2': skm.r2_score(y, p),
        'mean_absolute_percentage_error': skm.mean_absolute_percentage_error(y, p),
        'explained_variance': skm.explained_variance_score(y, p),
    }
    write(name, {'task': 'regression', 'y_true': y, 'y_pred': p, 'expected': ref})


def write(name, case):
    case['sklearn_version'] = sklearn.__version__
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump(clean(case), f, separators=(',', ':'))
        f.write('\n')


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240505)

    # Binary, balanced-ish, continuous scores.
    n = 200
    y = rng.integers(0, 2, n)
    s = 1 / (1 + np.exp(-(1.2 * (2 * y - 1) + rng.normal(0, 1.5, n))))
    classification('binary', y, (s > 0.5).astype(int), s, True)

    # Binary with many tied scores (rounded to one decimal).
    y = rng.integers(0, 2, n)
    s = np.round(1 / (1 + np.exp(-((2 * y - 1) + rng.normal(0, 1.5, n)))), 1)
    classification('binary_ties', y, (s > 0.5).astype(int), s, True)

    # Imbalanced binary: about 5% positives.
    n = 400
    y = (rng.random(n) < 0.05).astype(int)
    s = 1 / (1 + np.exp(-(2.0 * y - 2.5 + rng.normal(0, 1.0, n))))
    classification('binary_imbalanced', y, (s > 0.5).astype(int), s, True)

    # 3 classes; class 2 never predicted.
    n = 150
    y = rng.integers(0, 3, n)
    z = rng.normal(0, 1.0, (n, 3))
    z[np.arange(n), y] += 1.0
    probs = softmax(z)
    pred = probs.argmax(axis=1)
    pred[pred == 2] = 0
    classification('multiclass3', y, pred, probs, False)

    # Same problem with float32 probabilities (log loss uses float32's eps).
    classification('multiclass3_float32', y, pred, probs.astype(np.float32), False, float32=True)

    # 5 classes, class 3 never predicted, and a report over labels 0..5 (5 absent).
    n = 300
    y = rng.integers(0, 5, n)
    z = rng.normal(0, 1.0, (n, 5))
    z[np.arange(n), y] += 1.5
    probs = softmax(z)
    pred = probs.argmax(axis=1)
    pred[pred == 3] = 4
    classification('multiclass5', y, pred, probs, False, extra_labels=[0, 1, 2, 3, 4, 5])

    # 3 classes with tied scores in every row (top-k tie-breaking, ranking ties).
    n = 120
    y = rng.integers(0, 3, n)
    patterns = np.array([[0.5, 0.25, 0.25], [0.4, 0.3, 0.3], [0.2, 0.4, 0.4], [0.6, 0.2, 0.2]])
    probs = patterns[rng.integers(0, 4, n)]
    for i in range(n):
        probs[i] = probs[i][rng.permutation(3)]
    classification('multiclass3_ties', y, probs.argmax(axis=1), probs, False)

    # Regression.
    n = 100
    y = rng.normal(10, 3, n)
    regression('regression', y, y + rng.normal(0, 1.0, n))
    regression('regression_constant_target', np.full(20, 3.0), 3.0 + rng.normal(0, 0.5, 20))
    regression('regression_constant_perfect', np.full(20, 2.5), np.full(20, 2.5))
    yz = np.round(rng.normal(0, 2, 50))
    regression('regression_zeros', yz, yz + rng.normal(0, 0.3, 50))
    y2 = rng.normal(0, 1, (60, 2))
    regression('regression_multioutput', y2, y2 + rng.normal(0, 0.5, (60, 2)))


if __name__ == '__main__':
    main()
