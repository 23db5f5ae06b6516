"""Fixtures for test/tune_optuna.test.ts from Optuna 3.1 (Debian's python3-optuna).

Writes test/fixtures/tune/optuna.json:
  truncnorm   log_gauss_mass, logpdf and ppf of optuna.samplers._tpe._truncnorm at fixed points
  parzen      Optuna's univariate _ParzenEstimator (weights, mus, sigmas, categorical weights,
              log_pdf at fixed points) for float/int/log/step/categorical spaces
  tpe_split   below/above split and the log l - log g score of fixed candidates on a fixed
              history with complete and pruned trials, both directions
  weights     default_weights(n) and default_gamma(n)
  pruners     for each pruner, the step at which each of 30 scripted trials was pruned
              (the trials report a fixed table of values)
  argsort     np.argsort order of ties
  multivariate  Optuna's multivariate _ParzenEstimator (weights, mus, sigmas, categorical weights,
              joint log_pdf at fixed points) on a float and a mixed float/log/int/step/categorical space
  group       the parameter groups of Optuna's _GroupDecomposedSearchSpace on a conditional history
  tree_importance  scikit-learn's DecisionTreeRegressor feature_importances_ (the trees of the
              mean-decrease-impurity importances) on fixed tables

Run: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 scripts/make_tune_fixtures.py
"""
import json
import math
import os

# OpenBLAS's SkylakeX kernels (the command the fixtures target uses) die with SIGILL on a CPU
# without AVX-512; the Haswell ones give the same results for the little linear algebra here.
if os.environ.get('OPENBLAS_CORETYPE') == 'SkylakeX' and 'avx512f' not in open('/proc/cpuinfo').read():
    os.environ['OPENBLAS_CORETYPE'] = 'Haswell'

import numpy as np  # noqa: E402
import optuna
from optuna import distributions as D
from optuna.samplers._tpe import _truncnorm as tn
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import (
    _get_observation_pairs, _split_observation_pairs, default_gamma, default_weights,
)

optuna.logging.set_verbosity(optuna.logging.ERROR)
OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'tune', 'optuna.json')


def finite(x):
    x = float(x)
    if math.isnan(x):
        return 'nan'
    if math.isinf(x):
        return 'inf' if x > 0 else '-inf'
    return x


def dist_json(d):
    if isinstance(d, D.CategoricalDistribution):
        return {'kind': 'categorical', 'choices': list(d.choices)}
    kind = 'int' if isinstance(d, D.IntDistribution) else 'float'
    step = d.step if kind == 'int' or d.step is not None else None
    return {'kind': kind, 'low': d.low, 'high': d.high, 'log': d.log, 'step': step}


def truncnorm_cases():
    pairs = [(-1.0, 1.0), (-3.0, -1.0), (0.5, 4.0), (-30.0, -25.0), (25.0, 30.0), (-0.2, 0.1), (-8.0, 8.0)]
    out = []
    for a, b in pairs:
        xs = np.linspace(a, b, 5)
        qs = np.array([1e-6, 0.1, 0.5, 0.9, 1 - 1e-6])
        out.append({
            'a': a, 'b': b,
            'mass': float(tn._log_gauss_mass(np.array([a]), np.array([b]))[0]),
            'x': xs.tolist(), 'logpdf': [finite(v) for v in tn.logpdf(xs, a, b, loc=0.3, scale=1.7)],
            'loc': 0.3, 'scale': 1.7,
            'q': qs.tolist(), 'ppf': [finite(v) for v in tn.ppf(qs, a, b)],
        })
    return out


PARAMS = _ParzenEstimatorParameters(True, 1.0, True, False, default_weights, False)

SPACES = {
    'float': D.FloatDistribution(-5.0, 5.0),
    'float_log': D.FloatDistribution(1e-4, 1e-1, log=True),
    'float_step': D.FloatDistribution(0.0, 1.0, step=0.1),
    'int': D.IntDistribution(1, 10),
    'int_log': D.IntDistribution(16, 512, log=True),
    'int_step': D.IntDistribution(0, 100, step=5),
    'categorical': D.CategoricalDistribution(['adam', 'sgd', 'rmsprop']),
}


def parzen_cases():
    rng = np.random.RandomState(1)
    out = []
    for name, dist in SPACES.items():
        for n in (0, 1, 3, 30):
            if isinstance(dist, D.CategoricalDistribution):
                obs = rng.randint(0, len(dist.choices), n).astype(float)
                points = np.arange(len(dist.choices))
            else:
                rs = optuna.samplers.RandomSampler(seed=int(rng.randint(1 << 30)))
                obs = np.array([dist.to_internal_repr(rs.sample_independent(None, None, name, dist)) for _ in range(n)], dtype=float)
                points = np.array([dist.to_internal_repr(rs.sample_independent(None, None, name, dist)) for _ in range(6)], dtype=float)
            pe = _ParzenEstimator({name: obs}, {name: dist}, PARAMS)
            case = {
                'space': name, 'dist': dist_json(dist), 'observations': obs.tolist(),
                'weights': pe._weights.tolist(), 'points': points.tolist(),
                'log_pdf': [finite(v) for v in pe.log_pdf({name: points})], 'points_kind': str(points.dtype),
            }
            if isinstance(dist, D.CategoricalDistribution):
                case['categorical_weights'] = pe._categorical_weights[name].tolist()
            else:
                case['mus'] = pe._mus[name].tolist()
                case['sigmas'] = pe._sigmas[name].tolist()
            out.append(case)
    return out


def history_study(direction, seed):
    """A study with complete, pruned (with and without reports) and failed trials."""
    rng = np.random.RandomState(seed)
    study = optuna.create_study(direction=direction)
    dists = {'x': SPACES['float'], 'u': SPACES['int_log'], 'opt': SPACES['categorical']}
    trials = []
    for i in range(40):
        params = {'x': float(rng.uniform(-5, 5)), 'u': int(rng.randint(16, 513)), 'opt': ['adam', 'sgd', 'rmsprop'][rng.randint(3)]}
        if i % 7 == 3:
            params.pop('u')  # a conditional parameter
        kind = ['complete', 'complete', 'complete', 'pruned', 'pruned_empty', 'failed'][rng.randint(6)]
        inter = {s: float(rng.normal()) for s in range(int(rng.randint(1, 6)))} if kind != 'pruned_empty' else {}
        state = {'complete': optuna.trial.TrialState.COMPLETE, 'failed': optuna.trial.TrialState.FAIL}.get(kind, optuna.trial.TrialState.PRUNED)
        value = float(rng.normal()) if kind == 'complete' else None
        study.add_trial(optuna.trial.create_trial(
            params=params, distributions={k: dists[k] for k in params}, value=value, state=state, intermediate_values=inter))
        trials.append({'state': kind.replace('_empty', ''), 'params': params, 'value': value, 'intermediate': [[s, v] for s, v in inter.items()]})
    return study, dists, trials


def tpe_split_cases():
    out = []
    for direction, seed in (('minimize', 3), ('maximize', 4)):
        study, dists, trials = history_study(direction, seed)
        case = {'direction': direction, 'trials': trials, 'params': {}}
        for name, dist in dists.items():
            values, scores, _ = _get_observation_pairs(study, [name])
            n = sum(s < float('inf') for s, v in scores)
            below_idx, above_idx = _split_observation_pairs(scores, default_gamma(n), None)
            cv = np.asarray(values[name], dtype=float)
            mask = ~np.isnan(cv)
            below = cv[below_idx[mask[below_idx]]]
            above = cv[above_idx[mask[above_idx]]]
            l = _ParzenEstimator({name: below}, {name: dist}, PARAMS)
            g = _ParzenEstimator({name: above}, {name: dist}, PARAMS)
            rs = optuna.samplers.RandomSampler(seed=seed)
            cands = np.array([dist.to_internal_repr(rs.sample_independent(None, None, name, dist)) for _ in range(24)],
                             dtype=int if isinstance(dist, D.CategoricalDistribution) else float)
            score = l.log_pdf({name: cands}) - g.log_pdf({name: cands})
            case['params'][name] = {
                'dist': dist_json(dist), 'below': below.tolist(), 'above': above.tolist(),
                'candidates': cands.tolist(), 'score': score.tolist(), 'best': int(np.argmax(score)),
            }
        out.append(case)
    return out


def pruner_cases():
    rng = np.random.RandomState(7)
    n_trials, n_steps = 30, 27
    # Trials drift with their own level and slope, plus noise: some good, some bad.
    table = [[float(rng.normal(0, 1) + s * rng.uniform(-0.05, 0.1) + rng.normal(0, 0.3)) for s in range(n_steps)] for _ in range(n_trials)]
    pruners = {
        'median': (lambda: optuna.pruners.MedianPruner(), {'kind': 'median'}),
        'median_warmup': (lambda: optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=4, interval_steps=3), {'kind': 'median', 'nStartupTrials': 3, 'nWarmupSteps': 4, 'intervalSteps': 3}),
        'percentile25': (lambda: optuna.pruners.PercentilePruner(25.0, n_min_trials=3), {'kind': 'percentile', 'percentile': 25.0, 'nMinTrials': 3}),
        'sha_auto': (lambda: optuna.pruners.SuccessiveHalvingPruner(), {'kind': 'sha'}),
        'sha': (lambda: optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3, min_early_stopping_rate=0), {'kind': 'sha', 'minResource': 1, 'reductionFactor': 3}),
        'sha_bootstrap': (lambda: optuna.pruners.SuccessiveHalvingPruner(min_resource=2, reduction_factor=2, bootstrap_count=2), {'kind': 'sha', 'minResource': 2, 'reductionFactor': 2, 'bootstrapCount': 2}),
        'hyperband': (lambda: optuna.pruners.HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3), {'kind': 'hyperband', 'minResource': 1, 'maxResource': 27, 'reductionFactor': 3}),
        'hyperband_auto': (lambda: optuna.pruners.HyperbandPruner(), {'kind': 'hyperband'}),
    }
    out = []
    for direction in ('minimize', 'maximize'):
        for key, (make, options) in pruners.items():
            study = optuna.create_study(study_name='fixture', direction=direction, pruner=make(), sampler=optuna.samplers.RandomSampler(seed=0))
            pruned_at = []

            def objective(trial):
                row = table[trial.number]
                for s, v in enumerate(row):
                    trial.report(v, s)
                    if trial.should_prune():
                        pruned_at.append(s)
                        raise optuna.TrialPruned()
                pruned_at.append(None)
                return row[-1]

            study.optimize(objective, n_trials=n_trials)
            out.append({'name': key, 'direction': direction, 'options': options, 'pruned_at': pruned_at})
    return {'table': table, 'study_name': 'fixture', 'cases': out}


MV_PARAMS = _ParzenEstimatorParameters(True, 1.0, True, False, default_weights, True)


def multivariate_cases():
    rng = np.random.RandomState(5)
    spaces = {
        'floats': {'x0': SPACES['float'], 'x1': D.FloatDistribution(0.0, 1.0)},
        'mixed': {'lr': SPACES['float_log'], 'units': SPACES['int_log'], 'layers': SPACES['int'],
                  'dropout': SPACES['float_step'], 'opt': SPACES['categorical'], 'batch': SPACES['int_step']},
    }
    out = []
    for key, space in spaces.items():
        for n in (0, 1, 4, 30):
            rs = optuna.samplers.RandomSampler(seed=int(rng.randint(1 << 30)))
            draw = lambda name, d: d.to_internal_repr(rs.sample_independent(None, None, name, d))
            obs = {name: np.array([draw(name, d) for _ in range(n)], dtype=float) for name, d in space.items()}
            points = {name: np.array([draw(name, d) for _ in range(6)],
                                     dtype=int if isinstance(d, D.CategoricalDistribution) else float) for name, d in space.items()}
            pe = _ParzenEstimator(obs, space, MV_PARAMS)
            out.append({
                'space': key, 'dists': {name: dist_json(d) for name, d in space.items()},
                'observations': {k: v.tolist() for k, v in obs.items()}, 'weights': pe._weights.tolist(),
                'mus': {k: v.tolist() for k, v in pe._mus.items() if v is not None},
                'sigmas': {k: v.tolist() for k, v in pe._sigmas.items() if v is not None},
                'categorical_weights': {k: v.tolist() for k, v in pe._categorical_weights.items() if v is not None},
                'points': {k: v.tolist() for k, v in points.items()}, 'log_pdf': [finite(v) for v in pe.log_pdf(points)],
            })
    return out


def group_cases():
    """Groups of a conditional space: each trial's parameters as a list of names, then Optuna's groups."""
    from optuna.samplers._search_space.group_decomposed import _GroupDecomposedSearchSpace
    rng = np.random.RandomState(9)
    study = optuna.create_study()
    trials = []
    for i in range(25):
        names = ['a'] + (['b', 'c'] if rng.rand() < 0.5 else ['d']) + (['e'] if rng.rand() < 0.3 else [])
        state = [optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED, optuna.trial.TrialState.FAIL][rng.randint(3)]
        params = {k: float(rng.uniform()) for k in names}
        study.add_trial(optuna.trial.create_trial(params=params, distributions={k: D.FloatDistribution(0.0, 1.0) for k in names},
                                                  value=0.0 if state == optuna.trial.TrialState.COMPLETE else None, state=state))
        trials.append({'names': names, 'state': state.name.lower().replace('fail', 'failed')})
    groups = _GroupDecomposedSearchSpace(True).calculate(study).search_spaces
    return {'trials': trials, 'groups': [sorted(g.keys()) for g in groups]}


def tree_importance_cases():
    """scikit-learn's DecisionTreeRegressor feature_importances_ (fully grown, all features) on fixed tables."""
    from sklearn.tree import DecisionTreeRegressor
    rng = np.random.RandomState(11)
    out = []
    for n, f in ((12, 2), (40, 4), (90, 6)):
        x = rng.uniform(size=(n, f))
        x[:, -1] = rng.randint(0, 3, n)  # a column with ties, like an integer parameter
        y = 3 * x[:, 0] ** 2 + np.sin(4 * x[:, 1]) + 0.3 * x[:, -1] + 0.05 * rng.normal(size=n)
        tree = DecisionTreeRegressor(random_state=0).fit(x, y)
        out.append({'x': x.tolist(), 'y': y.tolist(), 'importances': tree.feature_importances_.tolist()})
    return out


def argsort_cases():
    """np.argsort (default kind) of arrays with many ties: the kernel order of Parzen estimators."""
    rng = np.random.RandomState(0)
    out = []
    for n in (5, 16, 17, 31, 50, 100, 300):
        a = rng.randint(0, 8, n).astype(float)
        out.append({'values': a.tolist(), 'argsort': np.argsort(a).tolist()})
    return out


def main():
    data = {
        'optuna_version': optuna.__version__,
        'truncnorm': truncnorm_cases(),
        'parzen': parzen_cases(),
        'tpe_split': tpe_split_cases(),
        'weights': {str(n): {'weights': default_weights(n).tolist(), 'gamma': default_gamma(n)} for n in (0, 1, 10, 24, 25, 26, 40, 100, 300)},
        'pruners': pruner_cases(),
        'argsort': argsort_cases(),
        'multivariate': multivariate_cases(),
        'group': group_cases(),
        'tree_importance': tree_importance_cases(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(data, f, separators=(',', ':'))
    print('wrote', os.path.relpath(OUT), os.path.getsize(OUT), 'bytes')


if __name__ == '__main__':
    main()
