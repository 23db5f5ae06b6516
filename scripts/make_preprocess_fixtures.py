#!/usr/bin/python3
"""Reference outputs for the Preprocessor tests, computed with scikit-learn
1.2 / pandas 1.5 (Debian's python3-sklearn, python3-pandas). Rerun from the
repository root:

    /usr/bin/python3 scripts/make_preprocess_fixtures.py

Fits on datasets/penguins.csv and transforms every 5th penguin plus the rows
of test/fixtures/data/preprocess/new_penguins.csv (unseen categories, missing
values), under three settings; expands the dates of dates.csv with pandas.
Writes test/fixtures/data/preprocess/reference.json: per setting, per output
feature name, the column of values.
"""
import json
import os

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import LabelEncoder, MinMaxScaler, OneHotEncoder, OrdinalEncoder, RobustScaler, StandardScaler

OUT = os.path.join('test', 'fixtures', 'data', 'preprocess')
os.makedirs(OUT, exist_ok=True)

NEW = """species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year
Adelie,Atlantis,40.1,NA,190,NA,female,2008
Gentoo,Biscoe,NA,15.0,220,5000,NA,2009
Chinstrap,Dream,50.0,19.0,NA,3700,male,2007
Adelie,NA,38.0,18.0,185,3400,unknown,2010
"""
with open(os.path.join(OUT, 'new_penguins.csv'), 'w') as f:
    f.write(NEW)

train = pd.read_csv('datasets/penguins.csv')
new = pd.read_csv(os.path.join(OUT, 'new_penguins.csv'))
rows = pd.concat([train.iloc[::5], new], ignore_index=True)
NUM = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'year']
CAT = ['island', 'sex']
SCALERS = {'standard': StandardScaler, 'minmax': MinMaxScaler, 'robust': RobustScaler}


def lst(a):
    return [float(v) for v in np.asarray(a, dtype=float).ravel()]


def setting(num_impute, scaling, cat_impute, encoding):
    out = {}
    for c in NUM:
        fill = {'mean': 'mean', 'median': 'median', 'constant': 'constant'}[num_impute]
        imp = SimpleImputer(strategy=fill, fill_value=0 if fill == 'constant' else None)
        imp.fit(train[[c]])
        sc = SCALERS[scaling]().fit(imp.transform(train[[c]]))
        out[c] = lst(sc.transform(imp.transform(rows[[c]])))
        if train[c].isna().any():
            out[c + '_missing'] = lst(rows[c].isna().astype(float))
    for c in CAT:
        tr = train[[c]].astype(object)
        te = rows[[c]].astype(object)
        if cat_impute == 'unknown':
            tr_f, te_f = tr.dropna(), te.fillna('\x00missing')
        else:
            imp = SimpleImputer(strategy='most_frequent' if cat_impute == 'mode' else 'constant', fill_value='missing')
            imp.fit(tr)
            tr_f, te_f = pd.DataFrame(imp.transform(tr), columns=[c]), pd.DataFrame(imp.transform(te), columns=[c])
        if encoding == 'onehot':
            enc = OneHotEncoder(handle_unknown='ignore', sparse_output=False).fit(tr_f)
            m = enc.transform(te_f)
            for k, cat in enumerate(enc.categories_[0]):
                out[f'{c}={cat}'] = lst(m[:, k])
            out[f'{c}=<unknown>'] = lst(1 - m.sum(axis=1))
        else:
            enc = OrdinalEncoder(handle_unknown='use_encoded_value', unknown_value=-1).fit(tr_f)
            out[c] = lst(enc.transform(te_f))
        if train[c].isna().any():
            out[c + '_missing'] = lst(rows[c].isna().astype(float))
    return out


ref = {
    'rows': len(rows),
    'settings': {
        'mean_standard_unknown_onehot': setting('mean', 'standard', 'unknown', 'onehot'),
        'median_robust_mode_ordinal': setting('median', 'robust', 'mode', 'ordinal'),
        'constant_minmax_constant_onehot': setting('constant', 'minmax', 'constant', 'onehot'),
    },
    'labels': {'classes': [str(c) for c in LabelEncoder().fit(train['species']).classes_],
               'codes': [int(v) for v in LabelEncoder().fit(train['species']).transform(rows['species'])]},
}

dates = pd.DataFrame({'when': ['2024-02-29 13:45', '2023-12-31 23:59', None, '1999-01-04 00:00', '2030-07-15 06:30'], 'v': [1, 2, 3, 4, 5]})
dates.to_csv(os.path.join(OUT, 'dates.csv'), index=False)
w = pd.to_datetime(dates['when'])
ref['dates'] = {p: [None if pd.isna(v) else int(v) for v in getattr(w.dt, p)] for p in ['year', 'month', 'day', 'dayofweek', 'hour']}

with open(os.path.join(OUT, 'reference.json'), 'w') as f:
    json.dump(ref, f, indent=0)
print(f'wrote {OUT}/reference.json ({len(rows)} rows)')
