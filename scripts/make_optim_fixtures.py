#!/usr/bin/env python3
"""PyTorch 1.13 reference fixtures for dlflow's optimizers, LR schedulers and safetensors I/O.

Run:  OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 scripts/make_optim_fixtures.py
Writes test/fixtures/optim/{init.safetensors,optimizers.json,schedulers.json}.

Also a reader for files written by dlflow (used by test/safetensors.test.ts):
      /usr/bin/python3 scripts/make_optim_fixtures.py --read FILE   -> JSON on stdout

Debian has no `safetensors` Python package, so the format is read and written here with
struct/numpy, independently of dlflow's implementation.
"""
import json
import math
import os
import struct
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'optim')
NP_DTYPES = {'F32': np.float32, 'I32': np.int32, 'I64': np.int64, 'BOOL': np.bool_, 'F64': np.float64}
DTYPE_CODES = {np.dtype(v): k for k, v in NP_DTYPES.items()}


def write_safetensors(path, arrays, metadata=None):
    """arrays: dict name -> numpy array, written in sorted-name order."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header['__metadata__'] = metadata
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        raw = a.astype(a.dtype.newbyteorder('<'), copy=False).tobytes()
        header[name] = {'dtype': DTYPE_CODES[a.dtype], 'shape': list(a.shape),
                        'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """Returns (dict name -> numpy array, metadata); validates offsets like the spec requires."""
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    if n > 100_000_000 or 8 + n > len(data):
        raise ValueError('bad header length')
    header = json.loads(data[8:8 + n].decode('utf-8'))
    metadata = header.pop('__metadata__', {})
    body = data[8 + n:]
    arrays, at = {}, 0
    for name, e in sorted(header.items(), key=lambda kv: kv[1]['data_offsets'][0]):
        b, end = e['data_offsets']
        if b != at:
            raise ValueError('offsets not contiguous at ' + name)
        dt = np.dtype(NP_DTYPES[e['dtype']]).newbyteorder('<')
        count = int(np.prod(e['shape'], dtype=np.int64))
        if end - b != count * dt.itemsize:
            raise ValueError('byte count mismatch for ' + name)
        arrays[name] = np.frombuffer(body[b:end], dtype=dt).reshape(e['shape'])
        at = end
    if at != len(body):
        raise ValueError('data section size mismatch')
    return arrays, metadata


def f32list(t):
    return [float(x) for x in np.asarray(t, dtype=np.float32).reshape(-1)]


def optimizer_fixtures(torch):
    g = torch.Generator().manual_seed(0)
    w0 = torch.randn(4, 3, generator=g)
    b0 = torch.randn(3, generator=g)
    grads = [(torch.randn(4, 3, generator=g), torch.randn(3, generator=g)) for _ in range(20)]
    write_safetensors(os.path.join(OUT, 'init.safetensors'),
                      {'weight': w0.numpy(), 'bias': b0.numpy(),
                       'steps': np.arange(6, dtype=np.int64).reshape(2, 3) * 1000000000000,
                       'mask': np.array([True, False, True]), 'counts': np.array([[1, -2]], dtype=np.int32)},
                      metadata={'format': 'pt', 'source': 'torch ' + torch.__version__})
    O = torch.optim
    configs = [
        ('SGD', {'lr': 0.1}),
        ('SGD', {'lr': 0.1, 'weight_decay': 0.1}),
        ('SGD', {'lr': 0.05, 'momentum': 0.9}),
        ('SGD', {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.3, 'weight_decay': 0.01}),
        ('SGD', {'lr': 0.05, 'momentum': 0.9, 'nesterov': True}),
        ('SGD', {'lr': 0.05, 'momentum': 0.5, 'maximize': True}),
        ('Adam', {'lr': 0.01}),
        ('Adam', {'lr': 0.01, 'weight_decay': 0.1}),
        ('Adam', {'lr': 0.01, 'amsgrad': True}),
        ('Adam', {'lr': 0.01, 'betas': (0.8, 0.99), 'eps': 1e-6, 'maximize': True}),
        ('AdamW', {'lr': 0.01}),
        ('AdamW', {'lr': 0.01, 'weight_decay': 0.1, 'amsgrad': True}),
        ('Adamax', {'lr': 0.01}),
        ('Adamax', {'lr': 0.01, 'weight_decay': 0.1, 'maximize': True}),
        ('NAdam', {'lr': 0.01}),
        ('NAdam', {'lr': 0.01, 'weight_decay': 0.1, 'momentum_decay': 0.01}),
        ('RAdam', {'lr': 0.01}),
        ('RAdam', {'lr': 0.01, 'weight_decay': 0.1, 'betas': (0.9, 0.9)}),
        ('RMSprop', {'lr': 0.01}),
        ('RMSprop', {'lr': 0.01, 'weight_decay': 0.1, 'momentum': 0.9}),
        ('RMSprop', {'lr': 0.01, 'centered': True}),
        ('RMSprop', {'lr': 0.01, 'centered': True, 'momentum': 0.5, 'alpha': 0.9, 'maximize': True}),
        ('Adagrad', {'lr': 0.1}),
        ('Adagrad', {'lr': 0.1, 'lr_decay': 0.01, 'weight_decay': 0.1, 'initial_accumulator_value': 0.5}),
        ('Adagrad', {'lr': 0.1, 'maximize': True, 'eps': 1e-6}),
        ('Adadelta', {}),
        ('Adadelta', {'lr': 0.5, 'rho': 0.8, 'weight_decay': 0.1}),
        ('Adadelta', {'lr': 1.0, 'maximize': True, 'eps': 1e-4}),
    ]
    cases = []
    for name, opts in configs:
        w = w0.clone().requires_grad_(True)
        b = b0.clone().requires_grad_(True)
        extra = {} if name in ('NAdam', 'RAdam') else {'foreach': False}
        # two groups: the bias gets half the learning rate when the optimizer has one
        lr = opts.get('lr', 1.0)
        opt = getattr(O, name)([{'params': [w]}, {'params': [b], 'lr': lr / 2}], **opts, **extra)
        weights = []
        for gw, gb in grads:
            w.grad = gw.clone()
            b.grad = gb.clone()
            opt.step()
            weights.append({'weight': f32list(w.detach()), 'bias': f32list(b.detach())})
        state = {k: (f32list(v) if torch.is_tensor(v) and v.numel() > 1 else float(v))
                 for k, v in opt.state[w].items() if v is not None}
        cases.append({'optimizer': name, 'options': opts, 'biasLr': lr / 2, 'weights': weights, 'finalState': state})
    return {
        'torch': torch.__version__,
        'grads': [{'weight': f32list(gw), 'bias': f32list(gb)} for gw, gb in grads],
        'cases': cases,
    }


def scheduler_fixtures(torch):
    S = torch.optim.lr_scheduler

    def run(name, make, steps, opt_name='SGD', groups=1, metrics=None, epochs=None, opt_kwargs=None):
        params = [torch.zeros(1, requires_grad=True) for _ in range(groups)]
        kwargs = opt_kwargs if opt_kwargs is not None else ({'lr': 0.1, 'momentum': 0.9} if opt_name == 'SGD' else {'lr': 0.1})
        opt = getattr(torch.optim, opt_name)([{'params': [p], 'lr': kwargs['lr'] * (i + 1)} for i, p in enumerate(params)],
                                             **kwargs)
        sched = make(opt)
        lrs, moms = [[g['lr'] for g in opt.param_groups]], []
        for i in range(steps):
            opt.step()
            if metrics is not None:
                sched.step(metrics[i])
            elif epochs is not None:
                sched.step(epochs[i])
            else:
                sched.step()
            lrs.append([g['lr'] for g in opt.param_groups])
            g0 = opt.param_groups[0]
            moms.append(g0['betas'][0] if 'betas' in g0 else g0.get('momentum'))
        return {'name': name, 'optimizer': opt_name, 'groups': groups, 'steps': steps,
                'lrs': lrs, 'momentums': moms, 'metrics': metrics, 'epochs': epochs}

    warm_epochs = [i * 0.35 for i in range(60)]
    plateau_metrics = [1.0, 0.9, 0.95, 0.95, 0.95, 0.96, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.79999, 0.7, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9,
                       0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]
    cases = [
        run('StepLR', lambda o: S.StepLR(o, step_size=3, gamma=0.5), 12, groups=2),
        run('MultiStepLR', lambda o: S.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3), 12),
        run('ExponentialLR', lambda o: S.ExponentialLR(o, gamma=0.9), 15),
        run('CosineAnnealingLR', lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 45, groups=2),
        run('CosineAnnealingWarmRestarts', lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.01), 30),
        run('CosineAnnealingWarmRestarts/epochs', lambda o: S.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2), 60, epochs=warm_epochs),
        run('CosineAnnealingWarmRestarts/mult1', lambda o: S.CosineAnnealingWarmRestarts(o, T_0=4), 12),
        run('LinearLR', lambda o: S.LinearLR(o, start_factor=0.25, end_factor=0.9, total_iters=6), 10),
        run('ConstantLR', lambda o: S.ConstantLR(o, factor=0.4, total_iters=4), 8),
        run('PolynomialLR', lambda o: S.PolynomialLR(o, total_iters=8, power=2.0), 11),
        run('LambdaLR', lambda o: S.LambdaLR(o, lr_lambda=lambda e: 0.95 ** e / (1 + e)), 10),
        run('OneCycleLR', lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=30), 29),
        run('OneCycleLR/adam-linear-3phase', lambda o: S.OneCycleLR(o, max_lr=[0.5, 2.0], total_steps=40, anneal_strategy='linear',
                                                                    three_phase=True, pct_start=0.25, div_factor=10.0,
                                                                    final_div_factor=100.0), 39, opt_name='Adam', groups=2),
        run('CyclicLR/triangular', lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4), 20),
        run('CyclicLR/triangular2', lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, step_size_down=5,
                                                          mode='triangular2'), 30),
        run('CyclicLR/exp_range', lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=5, mode='exp_range',
                                                        gamma=0.9, base_momentum=0.7, max_momentum=0.95), 25),
        run('SequentialLR', lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=4),
                                                         S.ExponentialLR(o, gamma=0.8)], milestones=[5]), 12),
        run('SequentialLR/cosine', lambda o: S.SequentialLR(o, [S.ConstantLR(o, factor=0.5, total_iters=3),
                                                                S.CosineAnnealingLR(o, T_max=6)], milestones=[3]), 14),
        run('ReduceLROnPlateau', lambda o: S.ReduceLROnPlateau(o, patience=2, factor=0.5, cooldown=1, min_lr=0.01),
            30, metrics=plateau_metrics),
        run('ReduceLROnPlateau/max-abs', lambda o: S.ReduceLROnPlateau(o, mode='max', threshold_mode='abs', threshold=0.05,
                                                                       patience=1, factor=0.3),
            30, metrics=[-m for m in plateau_metrics]),
    ]
    return {'torch': torch.__version__, 'cases': cases}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--read':
        arrays, metadata = read_safetensors(sys.argv[2])
        print(json.dumps({'metadata': metadata, 'tensors': {
            k: {'dtype': DTYPE_CODES[np.dtype(a.dtype.newbyteorder('='))], 'shape': list(a.shape),
                'values': [bool(x) if a.dtype == np.bool_ else (int(x) if a.dtype.kind == 'i' else float(x)) for x in a.reshape(-1)]}
            for k, a in arrays.items()}}))
        return
    import torch
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    for name, fn in (('optimizers.json', optimizer_fixtures), ('schedulers.json', scheduler_fixtures)):
        with open(os.path.join(OUT, name), 'w') as f:
            json.dump(fn(torch), f, separators=(',', ':'))
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f'wrote {OUT} ({total} bytes)')


if __name__ == '__main__':
    main()
