#!/usr/bin/env python3
"""Writes PyTorch reference fixtures for dlflow's recurrent layers (test/fixtures/rnn/rnn.json).

Run with Debian's torch:  OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 scripts/make_rnn_fixtures.py

For RNN (tanh and relu), LSTM and GRU: two layers bidirectional (time-major and batch_first),
with and without an initial state, without bias, unbatched 2-D input, and variable lengths
through pack_padded_sequence(enforce_sorted=False) + pad_packed_sequence(total_length=T); and
for RNNCell (tanh, relu), LSTMCell and GRUCell: batched with and without a state, unbatched and
without bias. Each case holds the module's constructor arguments (dlflow's option names), its
repr and state dict (float32 values, PyTorch's names), the input, the initial state, fixed random
projections r of every result, the results, and the gradients of the scalar
sum(output * r_out) + sum(hN * r_h) (+ sum(cN * r_c)) with respect to the input, the initial
state and every parameter. The parameters and inputs are float32 numbers; the reference is
computed in float64 from them, so the fixture is the exact answer the float32 run approximates.
Tensors are {"s": shape, "d": flat row-major data}.
"""
import json
import os

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'rnn')
INPUT, HIDDEN, STEPS, BATCH = 3, 4, 5, 3
TORCH_NAMES = {'numLayers': 'num_layers', 'batchFirst': 'batch_first'}


def T(t):
    t = t.detach()
    return {'s': list(t.shape), 'd': [float('%.9g' % v) for v in t.double().reshape(-1).tolist()]}


def randn(shape, g):
    """float32 draws held as float64 leaves (exact float32 values)."""
    return torch.randn(shape, generator=g).double().requires_grad_(True)


def build(cls, options, seed):
    """The module's repr and float32 state dict (as dlflow loads it), then the module in float64."""
    kwargs = {TORCH_NAMES.get(k, k): v for k, v in options.items()}
    torch.manual_seed(seed)
    m = getattr(nn, cls)(INPUT, HIDDEN, **kwargs)
    return repr(m), {k: T(v) for k, v in m.state_dict().items()}, m.double()


def scalar_loss(results, g):
    """sum(result * r) over every result, with the projections r returned for the fixture."""
    rs = [torch.randn(t.shape, generator=g).double() for t in results]
    sum((t * r).sum() for t, r in zip(results, rs)).backward()
    return rs


def layer_case(name, cls, options, seed, batched=True, with_hx=True, lengths=None):
    g = torch.Generator().manual_seed(seed)
    text, state, m = build(cls, options, seed)
    batch_first = options.get('batchFirst', False)
    rows = options.get('numLayers', 1) * (2 if options.get('bidirectional', False) else 1)
    x_shape = ([BATCH, STEPS, INPUT] if batch_first else [STEPS, BATCH, INPUT]) if batched else [STEPS, INPUT]
    x = randn(x_shape, g)
    h_shape = [rows, BATCH, HIDDEN] if batched else [rows, HIDDEN]
    hx = [randn(h_shape, g) for _ in range(2 if cls == 'LSTM' else 1)] if with_hx else []
    torch_hx = None if not hx else (tuple(hx) if cls == 'LSTM' else hx[0])
    if lengths is None:
        out, h_n = m(x, torch_hx)
    else:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        out_packed, h_n = m(packed, torch_hx)
        out, _ = pad_packed_sequence(out_packed, batch_first=batch_first, total_length=STEPS)
    results = [out, *(h_n if cls == 'LSTM' else (h_n,))]
    rs = scalar_loss(results, g)
    return {
        'name': name, 'module': cls, 'args': [INPUT, HIDDEN], 'options': options, 'repr': text,
        'state': state, 'x': T(x), 'hx': [T(h) for h in hx], 'lengths': lengths,
        'r': [T(r) for r in rs], 'results': [T(t) for t in results],
        'grads': {'x': T(x.grad), 'hx': [T(h.grad) for h in hx], **{k: T(p.grad) for k, p in m.named_parameters()}},
    }


def cell_case(name, cls, options, seed, batched=True, with_hx=True):
    g = torch.Generator().manual_seed(seed)
    text, state, m = build(cls, options, seed)
    x = randn([BATCH, INPUT] if batched else [INPUT], g)
    h_shape = [BATCH, HIDDEN] if batched else [HIDDEN]
    hx = [randn(h_shape, g) for _ in range(2 if cls == 'LSTMCell' else 1)] if with_hx else []
    torch_hx = None if not hx else (tuple(hx) if cls == 'LSTMCell' else hx[0])
    out = m(x, torch_hx)
    results = list(out) if cls == 'LSTMCell' else [out]
    rs = scalar_loss(results, g)
    return {
        'name': name, 'module': cls, 'args': [INPUT, HIDDEN], 'options': options, 'repr': text,
        'state': state, 'x': T(x), 'hx': [T(h) for h in hx], 'r': [T(r) for r in rs], 'results': [T(t) for t in results],
        'grads': {'x': T(x.grad), 'hx': [T(h.grad) for h in hx], **{k: T(p.grad) for k, p in m.named_parameters()}},
    }


def layer_cases():
    cases = []
    kinds = [('RNN tanh', 'RNN', {}), ('RNN relu', 'RNN', {'nonlinearity': 'relu'}), ('LSTM', 'LSTM', {}), ('GRU', 'GRU', {})]
    for k, (label, cls, base) in enumerate(kinds):
        deep = {**base, 'numLayers': 2, 'bidirectional': True}
        seed = 100 * (k + 1)
        cases += [
            layer_case(f'{label}: 2 layers bidirectional, with hx', cls, deep, seed + 1),
            layer_case(f'{label}: 2 layers bidirectional batchFirst, no hx', cls, {**deep, 'batchFirst': True}, seed + 2, with_hx=False),
            layer_case(f'{label}: 1 layer without bias batchFirst, with hx', cls, {**base, 'bias': False, 'batchFirst': True}, seed + 3),
            layer_case(f'{label}: lengths, 2 layers bidirectional batchFirst, with hx', cls, {**deep, 'batchFirst': True}, seed + 4,
                       lengths=[5, 2, 4]),
            layer_case(f'{label}: lengths, 1 layer bidirectional, no hx', cls, {**base, 'bidirectional': True}, seed + 5,
                       with_hx=False, lengths=[3, 5, 1]),
            layer_case(f'{label}: unbatched, 2 layers bidirectional, with hx', cls, deep, seed + 6, batched=False),
        ]
    return cases


def cell_cases():
    cases = []
    kinds = [('RNNCell tanh', 'RNNCell', {}), ('RNNCell relu', 'RNNCell', {'nonlinearity': 'relu'}),
             ('LSTMCell', 'LSTMCell', {}), ('GRUCell', 'GRUCell', {})]
    for k, (label, cls, base) in enumerate(kinds):
        seed = 1000 + 10 * k
        cases += [
            cell_case(f'{label}: batched, with state', cls, base, seed + 1),
            cell_case(f'{label}: batched, no state', cls, base, seed + 2, with_hx=False),
            cell_case(f'{label}: unbatched, with state', cls, base, seed + 3, batched=False),
            cell_case(f'{label}: without bias', cls, {**base, 'bias': False}, seed + 4),
        ]
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, 'rnn.json')
    with open(path, 'w') as f:
        json.dump({'torch': torch.__version__, 'layers': layer_cases(), 'cells': cell_cases()}, f, separators=(',', ':'))
    print(f'{os.path.relpath(path)}: {os.path.getsize(path)} bytes')


if __name__ == '__main__':
    main()
