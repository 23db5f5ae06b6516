#!/usr/bin/env python3
"""Writes PyTorch references for the CNN that `dlflow train` builds (test/fixtures/cnn/architectures.json,
read by test/cli_cnn.test.ts).

Run with Debian's torch:  /usr/bin/python3 scripts/make_cnn_fixtures.py

Each case names an input shape [C, H, W] and the architecture dlflow's `cnnLayers` is expected to
choose for it (channels per block, pool after each block or not, the adaptive grid, head units);
PyTorch builds that nn.Sequential and records each layer's output shape for a batch of one, its
parameter count and the state-dict keys with their shapes. The `small` case also carries seeded
weights, an input and the eval-mode output, so the test loads PyTorch's state dict unchanged and
compares the forward pass.
"""
import json
import os

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'cnn')

CASES = [
    # name, input [C, H, W], blocks: (channels, pooled), grid, hidden, dropout
    ('fashion_mnist', [1, 28, 28], [(32, True), (64, True)], 7, 128, 0.2),
    ('cifar_like', [3, 32, 32], [(32, True), (64, True), (128, True)], 4, 128, 0.2),
    ('tiny_rgb', [3, 8, 8], [(32, True)], 4, 128, 0.2),
    ('small', [1, 12, 12], [(4, True), (8, True)], 2, 16, 0.0),
]


def build(c, blocks, grid, hidden, dropout, classes):
    layers = []
    for ch, pooled in blocks:
        layers += [nn.Conv2d(c, ch, 3, padding=1), nn.BatchNorm2d(ch), nn.ReLU()]
        if pooled:
            layers.append(nn.MaxPool2d(2))
        c = ch
    layers += [nn.AdaptiveAvgPool2d(grid), nn.Flatten(), nn.Linear(c * grid * grid, hidden), nn.ReLU()]
    if dropout > 0:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(hidden, classes))
    return nn.Sequential(*layers)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def tensor_json(t):
    if t.dtype == torch.int64:
        return {'s': list(t.shape), 'd': [int(v) for v in t.reshape(-1).tolist()], 't': 'int64'}
    return {'s': list(t.shape), 'd': flat(t)}


def case(name, shape, blocks, grid, hidden, dropout, classes=10):
    net = build(shape[0], blocks, grid, hidden, dropout, classes)
    x = torch.randn(1, *shape)
    rows = []
    for i, layer in enumerate(net):
        x = layer(x)
        rows.append({'type': type(layer).__name__, 'outputShape': list(x.shape), 'params': sum(p.numel() for p in layer.parameters())})
    out = {
        'name': name, 'inputShape': shape, 'classes': classes, 'channels': [b[0] for b in blocks], 'grid': grid, 'hidden': hidden,
        'dropout': dropout, 'layers': rows, 'totalParams': sum(p.numel() for p in net.parameters()),
        'stateDict': {k: list(v.shape) for k, v in net.state_dict().items()},
    }
    if name == 'small':
        net.train()
        for _ in range(3):  # move the BatchNorm running statistics off their initial values
            net(torch.randn(8, *shape))
        net.eval()
        xin = torch.randn(2, *shape)
        with torch.no_grad():
            y = net(xin)
        out['weights'] = {k: tensor_json(v) for k, v in net.state_dict().items()}
        out['input'] = {'s': list(xin.shape), 'd': flat(xin)}
        out['output'] = {'s': list(y.shape), 'd': flat(y)}
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    data = {'torch': torch.__version__, 'cases': [case(*c) for c in CASES]}
    with open(os.path.join(OUT, 'architectures.json'), 'w') as f:
        json.dump(data, f)
    print('wrote', os.path.join(OUT, 'architectures.json'))


if __name__ == '__main__':
    main()
