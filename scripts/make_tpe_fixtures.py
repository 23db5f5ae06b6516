"""TPE decision fixtures for test/tune_tpe.test.ts from Optuna 3.1 (Debian's python3-optuna).

For two fixed trial histories (64 trials over a float, a log float, an int with many ties, a log
int, a step float, a step int and a categorical that only some trials have; values rounded so
that scores tie; pruned trials with intermediate values, one whose last one is NaN and some with
none; failed and running trials in between), in both directions, dumps what Optuna's
TPESampler computes before it draws: the observation scores of `_get_observation_pairs`, the
below/above split of `_split_observation_pairs` with `default_gamma`, and for every parameter
the two univariate `_ParzenEstimator`s (mixture weights, mus, sigmas or categorical weights),
24 candidates drawn from l(x), log l and log g at them and the chosen index. Then the same for
`multivariate=True` on the intersection search space (one joint estimator pair).

Writes test/fixtures/tune/tpe.json.
Run: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 scripts/make_tpe_fixtures.py
"""
import json
import math
import os
import warnings

if os.environ.get('OPENBLAS_CORETYPE') == 'SkylakeX' and 'avx512f' not in open('/proc/cpuinfo').read():
    os.environ['OPENBLAS_CORETYPE'] = 'Haswell'

import numpy as np  # noqa: E402
import optuna  # noqa: E402
from optuna import distributions as D  # noqa: E402
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator  # noqa: E402
from optuna.samplers._tpe.sampler import _get_observation_pairs, _split_observation_pairs, default_gamma  # noqa: E402
from optuna.samplers import IntersectionSearchSpace  # noqa: E402
from optuna.trial import TrialState, create_trial  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings('ignore', category=optuna.exceptions.ExperimentalWarning)
OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'tune', 'tpe.json')
N_TRIALS = 64
N_CANDIDATES = 24

DISTS = {
    'x': D.FloatDistribution(-5, 5),
    'lr': D.FloatDistribution(1e-4, 1e-1, log=True),
    'n': D.IntDistribution(1, 8),
    'u': D.IntDistribution(16, 512, log=True),
    's': D.FloatDistribution(0, 2, step=0.25),
    'k': D.IntDistribution(0, 20, step=4),
    'c': D.CategoricalDistribution(['a', 'b', 'c']),
}


def enc(x):
    """A float for JSON, with the non-finite values as strings."""
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
    return {'kind': kind, 'low': d.low, 'high': d.high, 'log': d.log, 'step': d.step}


def objective(p):
    v = (p['x'] - 1) ** 2 / 4 + (math.log10(p['lr']) + 2.5) ** 2 + abs(p['n'] - 3) + (math.log2(p['u']) - 7) ** 2 / 4
    v += (p['s'] - 0.5) ** 2 + p['k'] / 10 + {'a': 0, 'b': 0.5, 'c': 1}.get(p.get('c'), 0.25)
    return round(v, 1)  # rounded: several trials tie


def history():
    """The fixed trials: (state, params, value, intermediate values)."""
    rng = np.random.RandomState(7)
    out = []
    for i in range(N_TRIALS):
        p = {
            'x': round(float(rng.uniform(-5, 5)), 1),
            'lr': float(np.exp(rng.uniform(np.log(1e-4), np.log(1e-1)))),
            'n': int(rng.randint(1, 9)),
            'u': int(np.clip(np.round(np.exp(rng.uniform(np.log(15.5), np.log(512.5)))), 16, 512)),
            's': float(rng.randint(0, 9) * 0.25),
            'k': int(rng.randint(0, 6) * 4),
        }
        if p['n'] > 4:
            p['c'] = ['a', 'b', 'c'][rng.randint(0, 3)]
        v = objective(p)
        if i % 11 == 3:
            steps = int(rng.randint(1, 5))
            inter = [(s, round(v + (steps - s) * 0.3, 1)) for s in range(steps)]
            if i % 22 == 3:
                inter[-1] = (inter[-1][0], float('nan'))
            out.append(('pruned', p, None, inter))
        elif i % 13 == 5:
            out.append(('pruned', p, None, []))
        elif i % 9 == 7:
            out.append(('failed', p, None, []))
        elif i % 17 == 16:
            out.append(('running', p, None, []))
        else:
            out.append(('complete', p, v, []))
    return out


STATES = {'complete': TrialState.COMPLETE, 'pruned': TrialState.PRUNED, 'failed': TrialState.FAIL, 'running': TrialState.RUNNING}


def study_of(trials, direction):
    study = optuna.create_study(direction=direction)
    for state, p, v, inter in trials:
        study.add_trial(create_trial(
            state=STATES[state], params=p, distributions={k: DISTS[k] for k in p}, value=v,
            intermediate_values=dict(inter)))
    return study


def kernels_json(pe, space):
    out = {'weights': pe._weights.tolist(), 'params': {}}
    for name, d in space.items():
        if isinstance(d, D.CategoricalDistribution):
            out['params'][name] = {'categorical_weights': pe._categorical_weights[name].tolist()}
        else:
            out['params'][name] = {'mus': pe._mus[name].tolist(), 'sigmas': pe._sigmas[name].tolist()}
    return out


def decision(study, space, multivariate, seed):
    """Optuna's sample_independent / _sample_relative up to the chosen candidate."""
    sampler = optuna.samplers.TPESampler(multivariate=multivariate)
    names = list(space)
    values, scores, _ = _get_observation_pairs(study, names, False, False)
    n = sum(s < float('inf') for s, _ in scores)
    below_i, above_i = _split_observation_pairs(scores, default_gamma(n), None)
    config = {k: np.asarray(v, dtype=float) for k, v in values.items()}
    mask = ~np.isnan(config[names[0]])
    below = {k: v[below_i[mask[below_i]]] for k, v in config.items()}
    above = {k: v[above_i[mask[above_i]]] for k, v in config.items()}
    params = sampler._parzen_estimator_parameters
    l = _ParzenEstimator(below, space, params)
    g = _ParzenEstimator(above, space, params)
    cands = l.sample(np.random.RandomState(seed), N_CANDIDATES)
    log_l = l.log_pdf(cands)
    log_g = g.log_pdf(cands)
    return {
        'names': names,
        'scores': [[enc(s), enc(v[0])] for s, v in scores],
        'n': int(n), 'gamma': int(default_gamma(n)),
        'below_indices': below_i.tolist(), 'above_indices': above_i.tolist(),
        'below': {k: v.tolist() for k, v in below.items()}, 'above': {k: v.tolist() for k, v in above.items()},
        'l': kernels_json(l, space), 'g': kernels_json(g, space),
        'candidates': {k: v.tolist() for k, v in cands.items()},
        'log_l': log_l.tolist(), 'log_g': log_g.tolist(), 'best': int(np.argmax(log_l - log_g)),
    }


def main():
    trials = history()
    cases = []
    for ci, direction in enumerate(('minimize', 'maximize')):
        study = study_of(trials, direction)
        independent = {name: decision(study, {name: d}, False, 100 * ci + j) for j, (name, d) in enumerate(DISTS.items())}
        space = {k: d for k, d in sorted(IntersectionSearchSpace(include_pruned=True).calculate(study).items()) if not d.single()}
        cases.append({
            'direction': direction, 'independent': independent,
            'multivariate': decision(study, space, True, 100 * ci + 99),
        })
    fixture = {
        'optuna_version': optuna.__version__,
        'distributions': {k: dist_json(d) for k, d in DISTS.items()},
        'trials': [{'state': s, 'params': p, 'value': v, 'intermediate': [[k, enc(x)] for k, x in inter]} for s, p, v, inter in trials],
        'cases': cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {OUT}: {sum(t[0] == "complete" for t in trials)} complete of {len(trials)} trials')


if __name__ == '__main__':
    main()
