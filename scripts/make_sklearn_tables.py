"""Small classification tables from scikit-learn's bundled datasets, split for bench/tune_tables.ts.

For each of breast cancer, wine, iris and digits (sklearn.datasets.load_*: bundled with
scikit-learn, BSD-3-Clause; the data are the UCI Machine Learning Repository sets, CC BY 4.0),
writes <out>/<name>_train.csv and <out>/<name>_test.csv: the feature columns and a `target`
column of class names (strings, so every tool reads a classification task), split 75 % / 25 %,
stratified, random_state=0. Then fits scikit-learn's logistic regression (standardised
features, LogisticRegression(max_iter=5000), default C=1) on the train file and prints one JSON
object {name: {"rows_train", "rows_test", "columns", "classes", "logreg_accuracy",
"logreg_cv_accuracy", "logreg_c_range"}}: the held-out accuracy dlflow's tuned models are compared
with; that of LogisticRegressionCV (C chosen by 5-fold cross-validation on the train file, as a
tuned model's is); and the lowest and highest held-out accuracy over C = 0.01 ... 100, which says
how much of the comparison is the luck of one test split.

Run: /usr/bin/python3 scripts/make_sklearn_tables.py OUT_DIR
(with OPENBLAS_CORETYPE from bench/openblas.ts's referenceEnv(); SkylakeX dies on CPUs without AVX-512)
"""
import json
import os
import sys

if os.environ.get('OPENBLAS_CORETYPE') == 'SkylakeX' and 'avx512f' not in open('/proc/cpuinfo').read():
    os.environ['OPENBLAS_CORETYPE'] = 'Haswell'

import numpy as np  # noqa: E402
import csv  # noqa: E402
from sklearn import datasets  # noqa: E402
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

LOADERS = {
    'breast_cancer': datasets.load_breast_cancer,
    'wine': datasets.load_wine,
    'iris': datasets.load_iris,
    'digits': datasets.load_digits,
}


def clean(name):
    """Column names without spaces or brackets (CSV headers that every reader keeps as is)."""
    return ''.join(c if c.isalnum() else '_' for c in str(name)).strip('_')


def table(name):
    d = LOADERS[name]()
    names = [str(n) for n in d.target_names] if name != 'digits' else [f'digit_{n}' for n in d.target_names]
    return [clean(c) for c in d.feature_names], d.data, np.array([names[i] for i in d.target])


def write(path, columns, x, y):
    with open(path, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow([*columns, 'target'])
        for row, label in zip(x, y):
            w.writerow([*(repr(float(v)) for v in row), label])


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: make_sklearn_tables.py OUT_DIR')
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    report = {}
    for name in LOADERS:
        columns, x, y = table(name)
        x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.25, stratify=y, random_state=0)
        write(os.path.join(out, f'{name}_train.csv'), columns, x_tr, y_tr)
        write(os.path.join(out, f'{name}_test.csv'), columns, x_te, y_te)
        def accuracy(estimator):
            return float(np.mean(make_pipeline(StandardScaler(), estimator).fit(x_tr, y_tr).predict(x_te) == y_te))
        by_c = [accuracy(LogisticRegression(C=c, max_iter=5000)) for c in (0.01, 0.1, 1, 10, 100)]
        report[name] = {
            'rows_train': len(x_tr), 'rows_test': len(x_te), 'columns': x.shape[1], 'classes': len(set(y)),
            'logreg_accuracy': accuracy(LogisticRegression(max_iter=5000)),
            'logreg_cv_accuracy': accuracy(LogisticRegressionCV(cv=5, max_iter=5000)),
            'logreg_c_range': [min(by_c), max(by_c)],
        }
    print(json.dumps(report))


if __name__ == '__main__':
    main()
