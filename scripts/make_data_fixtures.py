#!/usr/bin/python3
"""Reference statistics for the data-layer tests, computed independently with
pandas / NumPy / scikit-learn (Debian's python3-pandas, python3-numpy,
python3-sklearn). Rerun from the repository root:

    /usr/bin/python3 scripts/make_data_fixtures.py

Writes test/fixtures/data/<dataset>_reference.json for each bundled table.
"""
import json
import os

import numpy as np
import pandas as pd
from sklearn.metrics import mutual_info_score

OUT = os.path.join('test', 'fixtures', 'data')
BINS = 20


def num(x):
    x = float(x)
    return None if np.isnan(x) else x


def reference(path, target, categorical_pairs):
    df = pd.read_csv(path)
    cols = {}
    for name in df.columns:
        s = df[name]
        present = s.dropna()
        c = {'count': int(present.size), 'missing': int(s.isna().sum()), 'unique': int(present.nunique())}
        if pd.api.types.is_numeric_dtype(s):
            d = s.describe()
            c.update({k: num(d[k]) for k in ['mean', 'std', 'min', 'max']})
            c.update({'q25': num(d['25%']), 'q50': num(d['50%']), 'q75': num(d['75%'])})
            counts, edges = np.histogram(present.to_numpy(dtype=float), bins=BINS)
            c['histogram'] = {'counts': [int(v) for v in counts], 'edges': [float(v) for v in edges]}
        else:
            vc = present.value_counts()
            c['top'] = [{'value': str(k), 'count': int(v)} for k, v in vc.items()][:5]
        cols[name] = c
    ref = {'rows': int(len(df)), 'duplicateRows': int(df.duplicated().sum()), 'columns': cols}
    if target is not None and pd.api.types.is_numeric_dtype(df[target]):
        corr = {}
        for name in df.columns:
            if name != target and pd.api.types.is_numeric_dtype(df[name]):
                corr[name] = num(df[name].corr(df[target]))
        ref['pearson'] = corr
    mi = {}
    for a, b in categorical_pairs:
        both = df[[a, b]].dropna()
        mi[f'{a}|{b}'] = float(mutual_info_score(both[a], both[b]))
    ref['mutualInformation'] = mi
    return ref


def main():
    os.makedirs(OUT, exist_ok=True)
    jobs = {
        'penguins': ('datasets/penguins.csv', 'species', [('island', 'species'), ('sex', 'species')]),
        'statecrime': ('datasets/statecrime.csv', 'murder', []),
    }
    for name, (path, target, pairs) in jobs.items():
        with open(os.path.join(OUT, f'{name}_reference.json'), 'w') as f:
            json.dump(reference(path, target, pairs), f, indent=1)
            f.write('\n')
        print('wrote', name)


if __name__ == '__main__':
    main()
