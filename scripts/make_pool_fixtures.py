#!/usr/bin/env python3
"""Writes PyTorch reference fixtures for dlflow's pooling, normalisation and resampling tests
(test/fixtures/pool/*.json, read by test/nn_pool.test.ts).

Run with Debian's torch:  OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 scripts/make_pool_fixtures.py

functional.json: one case per op and configuration: the dlflow function name (`fn`), its
arguments after the input (`args`, with dlflow's option names; tensors as fixture tensors), the
input, the output(s), the weights w of the projection (out * w).sum() and its gradient with
respect to the input (and to weight/bias tensors among the arguments).
modules.json: BatchNorm2d/3d, GroupNorm and InstanceNorm modules trained a few steps (running
statistics, num_batches_tracked), then evaluated. Tensors are {"s": shape, "d": flat row-major
data, "t": dtype}.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'pool')


def T(t):
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32):
        return {'s': list(t.shape), 'd': [int(v) for v in t.reshape(-1).tolist()], 't': 'int64'}
    return {'s': list(t.shape), 'd': [float('%.9g' % v) for v in t.float().reshape(-1).tolist()]}


def P(t):
    """A tensor argument whose gradient is recorded (in paramGrads, in argument order)."""
    return {**T(t), 'g': 1}


def write(name, obj):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
    print(f'{os.path.relpath(path)}: {os.path.getsize(path)} bytes')


CASES = []


def case(name, fn, x, args, torch_fn, params=()):
    """Record torch_fn(x, *params) and the gradients of (out * w).sum() (out: first output)."""
    x = x.clone().requires_grad_(True)
    params = [p.clone().requires_grad_(True) for p in params]
    res = torch_fn(x, *params)
    outs = list(res) if isinstance(res, tuple) else [res]
    w = torch.randn(outs[0].shape)
    (outs[0] * w).sum().backward()
    CASES.append({
        'name': name, 'fn': fn, 'args': args, 'x': T(x), 'outs': [T(o) for o in outs], 'w': T(w),
        'grad': T(x.grad), 'paramGrads': [T(p.grad) for p in params],
    })


def ties(shape):
    """Values on a coarse grid, so windows hold equal maxima (first occurrence must win)."""
    return torch.round(torch.randn(shape) * 2) / 2


def pooling_cases():
    x1, x2, x3 = torch.randn(2, 2, 11), torch.randn(2, 2, 5, 7), torch.randn(1, 2, 4, 5, 5)
    case('maxPool1d k3', 'maxPool1d', x1, [3], lambda x: F.max_pool1d(x, 3))
    case('maxPool1d k4 s2 p2 d2 ceil, indices', 'maxPool1d', x1, [4, {'stride': 2, 'padding': 2, 'dilation': 2, 'ceilMode': True, 'returnIndices': True}],
         lambda x: F.max_pool1d(x, 4, stride=2, padding=2, dilation=2, ceil_mode=True, return_indices=True))
    case('maxPool2d k2', 'maxPool2d', x2, [2, {'returnIndices': True}], lambda x: F.max_pool2d(x, 2, return_indices=True))
    case('maxPool2d k3 s2 p1 ceil', 'maxPool2d', x2, [3, {'stride': 2, 'padding': 1, 'ceilMode': True, 'returnIndices': True}],
         lambda x: F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, return_indices=True))
    case('maxPool2d k[3,2] s[1,2] d[2,1]', 'maxPool2d', x2, [[3, 2], {'stride': [1, 2], 'dilation': [2, 1], 'returnIndices': True}],
         lambda x: F.max_pool2d(x, (3, 2), stride=(1, 2), dilation=(2, 1), return_indices=True))
    case('maxPool2d ties', 'maxPool2d', ties((1, 2, 5, 5)), [2, {'stride': 1, 'returnIndices': True}], lambda x: F.max_pool2d(x, 2, stride=1, return_indices=True))
    case('maxPool2d unbatched', 'maxPool2d', torch.randn(2, 5, 5), [2, {'stride': 2, 'ceilMode': True}], lambda x: F.max_pool2d(x, 2, stride=2, ceil_mode=True))
    case('maxPool3d k2', 'maxPool3d', x3, [2, {'returnIndices': True}], lambda x: F.max_pool3d(x, 2, return_indices=True))
    case('maxPool3d k3 s2 p1 d[1,2,1] ceil', 'maxPool3d', x3, [3, {'stride': 2, 'padding': 1, 'dilation': [1, 2, 1], 'ceilMode': True, 'returnIndices': True}],
         lambda x: F.max_pool3d(x, 3, stride=2, padding=1, dilation=(1, 2, 1), ceil_mode=True, return_indices=True))
    case('avgPool1d k3 s2 p1', 'avgPool1d', x1, [3, {'stride': 2, 'padding': 1}], lambda x: F.avg_pool1d(x, 3, stride=2, padding=1))
    case('avgPool1d k3 s2 p1 ceil exclude pad', 'avgPool1d', x1, [3, {'stride': 2, 'padding': 1, 'ceilMode': True, 'countIncludePad': False}],
         lambda x: F.avg_pool1d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False))
    case('avgPool2d k2', 'avgPool2d', x2, [2], lambda x: F.avg_pool2d(x, 2))
    case('avgPool2d k3 s2 p1 ceil', 'avgPool2d', x2, [3, {'stride': 2, 'padding': 1, 'ceilMode': True}],
         lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True))
    case('avgPool2d k3 s2 p1 ceil exclude pad', 'avgPool2d', x2, [3, {'stride': 2, 'padding': 1, 'ceilMode': True, 'countIncludePad': False}],
         lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False))
    case('avgPool2d k[2,3] divisor 5', 'avgPool2d', x2, [[2, 3], {'stride': [2, 1], 'padding': [1, 1], 'divisorOverride': 5}],
         lambda x: F.avg_pool2d(x, (2, 3), stride=(2, 1), padding=(1, 1), divisor_override=5))
    case('avgPool3d k2 s[1,2,2] p1 ceil', 'avgPool3d', x3, [2, {'stride': [1, 2, 2], 'padding': 1, 'ceilMode': True}],
         lambda x: F.avg_pool3d(x, 2, stride=(1, 2, 2), padding=1, ceil_mode=True))
    case('avgPool3d k3 exclude pad', 'avgPool3d', x3, [3, {'stride': 2, 'padding': 1, 'countIncludePad': False}],
         lambda x: F.avg_pool3d(x, 3, stride=2, padding=1, count_include_pad=False))
    for k, x in ((1, x1), (2, x2), (3, x3)):
        sizes = {1: [4], 2: [3, 5], 3: [2, 3, 4]}[k]
        torch_avg = getattr(F, f'adaptive_avg_pool{k}d')
        torch_max = getattr(F, f'adaptive_max_pool{k}d')
        case(f'adaptiveAvgPool{k}d {sizes}', f'adaptiveAvgPool{k}d', x, [sizes], lambda x, s=sizes, f=torch_avg: f(x, s))
        case(f'adaptiveAvgPool{k}d 1', f'adaptiveAvgPool{k}d', x, [1], lambda x, f=torch_avg: f(x, 1))
        case(f'adaptiveMaxPool{k}d {sizes}', f'adaptiveMaxPool{k}d', x, [sizes, {'returnIndices': True}],
             lambda x, s=sizes, f=torch_max: f(x, s, return_indices=True))
    case('adaptiveAvgPool2d [null, 4] upsampling', 'adaptiveAvgPool2d', torch.randn(2, 2, 3, 3), [[None, 4]], lambda x: F.adaptive_avg_pool2d(x, (None, 4)))
    case('adaptiveMaxPool2d 5 from 3', 'adaptiveMaxPool2d', torch.randn(1, 2, 3, 3), [5], lambda x: F.adaptive_max_pool2d(x, 5))


def norm_cases():
    x2, x3, x1 = torch.randn(2, 4, 3, 5), torch.randn(2, 4, 2, 3, 3), torch.randn(2, 6, 5)
    w, b = 1 + 0.5 * torch.randn(4), 0.5 * torch.randn(4)
    case('batchNorm 4D training', 'batchNorm', x2, [None, None, {'training': True}], lambda x: F.batch_norm(x, None, None, training=True))
    case('batchNorm 5D training affine', 'batchNorm', x3, [None, None, {'training': True, 'weight': P(w), 'bias': P(b), 'eps': 1e-3}],
         lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True, eps=1e-3), params=(w, b))
    rm, rv = torch.randn(4), 0.5 + torch.rand(4)
    case('batchNorm 4D eval', 'batchNorm', x2, [T(rm), T(rv), {'weight': P(w), 'bias': P(b)}],
         lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training=False), params=(w, b))
    case('groupNorm 4D, 2 groups', 'groupNorm', x2, [2, P(w), P(b)], lambda x, w, b: F.group_norm(x, 2, w, b), params=(w, b))
    case('groupNorm 5D, 4 groups, no affine, eps', 'groupNorm', x3, [4, None, None, 1e-3], lambda x: F.group_norm(x, 4, eps=1e-3))
    w6, b6 = 1 + 0.5 * torch.randn(6), 0.5 * torch.randn(6)
    case('groupNorm 3D, 3 groups', 'groupNorm', x1, [3, P(w6), P(b6)], lambda x, w, b: F.group_norm(x, 3, w, b), params=(w6, b6))
    case('instanceNorm 3D', 'instanceNorm', x1, [{}], lambda x: F.instance_norm(x))
    case('instanceNorm 4D affine', 'instanceNorm', x2, [{'weight': P(w), 'bias': P(b), 'eps': 1e-3}],
         lambda x, w, b: F.instance_norm(x, weight=w, bias=b, eps=1e-3), params=(w, b))
    case('instanceNorm 5D eval stats', 'instanceNorm', x3, [{'runningMean': T(rm), 'runningVar': T(rv), 'useInputStats': False}],
         lambda x: F.instance_norm(x, rm, rv, use_input_stats=False))


def interpolate_cases():
    x1, x2, x3 = torch.randn(1, 2, 5), torch.randn(1, 2, 4, 5), torch.randn(1, 1, 3, 4, 3)
    case('nearest 1d size 12', 'interpolate', x1, [{'size': 12}], lambda x: F.interpolate(x, size=12))
    case('nearest 2d scale 2', 'interpolate', x2, [{'scaleFactor': 2}], lambda x: F.interpolate(x, scale_factor=2))
    case('nearest 2d size [7, 3]', 'interpolate', x2, [{'size': [7, 3]}], lambda x: F.interpolate(x, size=(7, 3)))
    case('nearest 2d scale 1.7', 'interpolate', x2, [{'scaleFactor': 1.7}], lambda x: F.interpolate(x, scale_factor=1.7))
    case('nearest 3d scale [2, 1.5, 0.7]', 'interpolate', x3, [{'scaleFactor': [2, 1.5, 0.7]}], lambda x: F.interpolate(x, scale_factor=(2, 1.5, 0.7)))
    for ac in (False, True):
        tag = 'alignCorners' if ac else 'half-pixel'
        case(f'linear 1d size 9 {tag}', 'interpolate', x1, [{'size': 9, 'mode': 'linear', 'alignCorners': ac}],
             lambda x, ac=ac: F.interpolate(x, size=9, mode='linear', align_corners=ac))
        case(f'bilinear 2d scale 2 {tag}', 'interpolate', x2, [{'scaleFactor': 2, 'mode': 'bilinear', 'alignCorners': ac}],
             lambda x, ac=ac: F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=ac))
        case(f'bilinear 2d size [7, 3] {tag}', 'interpolate', x2, [{'size': [7, 3], 'mode': 'bilinear', 'alignCorners': ac}],
             lambda x, ac=ac: F.interpolate(x, size=(7, 3), mode='bilinear', align_corners=ac))
        case(f'bilinear 2d scale 1.3 {tag}', 'interpolate', x2, [{'scaleFactor': 1.3, 'mode': 'bilinear', 'alignCorners': ac}],
             lambda x, ac=ac: F.interpolate(x, scale_factor=1.3, mode='bilinear', align_corners=ac))
        case(f'trilinear 3d size [5, 2, 4] {tag}', 'interpolate', x3, [{'size': [5, 2, 4], 'mode': 'trilinear', 'alignCorners': ac}],
             lambda x, ac=ac: F.interpolate(x, size=(5, 2, 4), mode='trilinear', align_corners=ac))
    case('bilinear to size 1', 'interpolate', x2, [{'size': [1, 1], 'mode': 'bilinear', 'alignCorners': True}],
         lambda x: F.interpolate(x, size=(1, 1), mode='bilinear', align_corners=True))


def fast_path_cases():
    """2×2 stride-2 windows (dlflow's vectorised row kernels): blocks of 16 windows and a tail,
    odd sizes, ceil mode's partial last row and column, floor mode's dropped ones."""
    x = torch.randn(1, 2, 5, 37)
    case('maxPool2d k2 odd sizes ceil, indices', 'maxPool2d', x, [2, {'ceilMode': True, 'returnIndices': True}],
         lambda x: F.max_pool2d(x, 2, ceil_mode=True, return_indices=True))
    case('maxPool2d k2 odd sizes floor, indices', 'maxPool2d', x, [2, {'returnIndices': True}], lambda x: F.max_pool2d(x, 2, return_indices=True))
    case('maxPool2d k2 ties', 'maxPool2d', ties((1, 2, 4, 40)), [2, {'returnIndices': True}], lambda x: F.max_pool2d(x, 2, return_indices=True))
    case('avgPool2d k2 odd sizes ceil', 'avgPool2d', x, [2, {'ceilMode': True}], lambda x: F.avg_pool2d(x, 2, ceil_mode=True))
    case('avgPool2d k2 ceil exclude pad', 'avgPool2d', x, [2, {'ceilMode': True, 'countIncludePad': False}],
         lambda x: F.avg_pool2d(x, 2, ceil_mode=True, count_include_pad=False))
    case('avgPool2d k2 divisor 3', 'avgPool2d', x, [2, {'divisorOverride': 3}], lambda x: F.avg_pool2d(x, 2, divisor_override=3))


def randomize(module, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        if getattr(module, 'weight', None) is not None:
            module.weight.copy_(1 + 0.5 * torch.randn(module.weight.shape, generator=g))
            module.bias.copy_(0.5 * torch.randn(module.bias.shape, generator=g))


def module_case(name, ctor, args, module, shape, steps=3):
    """Train-mode forwards on `steps` inputs (the last one backpropagated), then one eval forward."""
    randomize(module, len(MODULES))
    state0 = {k: T(v) for k, v in module.state_dict().items()}
    module.train()
    inputs = [torch.randn(shape) * (1 + i) + i for i in range(steps)]
    for x in inputs[:-1]:
        with torch.no_grad():
            module(x)
    x = inputs[-1].clone().requires_grad_(True)
    out = module(x)
    w = torch.randn(out.shape)
    (out * w).sum().backward()
    module.eval()
    x_eval = torch.randn(shape)
    with torch.no_grad():
        out_eval = module(x_eval)
    MODULES.append({
        'name': name, 'ctor': ctor, 'args': args, 'repr': repr(module), 'state0': state0,
        'inputs': [T(v) for v in inputs], 'out': T(out), 'w': T(w), 'grad': T(x.grad),
        'paramGrads': {k: T(p.grad) for k, p in module.named_parameters()},
        'state': {k: T(v) for k, v in module.state_dict().items()},
        'evalInput': T(x_eval), 'evalOut': T(out_eval),
    })


MODULES = []


def module_cases():
    module_case('BatchNorm2d', 'BatchNorm2d', [4], nn.BatchNorm2d(4), (3, 4, 3, 5))
    module_case('BatchNorm2d cumulative (momentum null)', 'BatchNorm2d', [4, {'momentum': None, 'eps': 1e-3}], nn.BatchNorm2d(4, momentum=None, eps=1e-3), (3, 4, 3, 5))
    module_case('BatchNorm3d', 'BatchNorm3d', [3, {'momentum': 0.3}], nn.BatchNorm3d(3, momentum=0.3), (2, 3, 2, 3, 4))
    module_case('BatchNorm2d no affine', 'BatchNorm2d', [4, {'affine': False}], nn.BatchNorm2d(4, affine=False), (3, 4, 3, 5))
    module_case('GroupNorm', 'GroupNorm', [2, 4], nn.GroupNorm(2, 4), (3, 4, 3, 5))
    module_case('InstanceNorm1d', 'InstanceNorm1d', [4], nn.InstanceNorm1d(4), (3, 4, 7))
    module_case('InstanceNorm2d affine tracked', 'InstanceNorm2d', [4, {'affine': True, 'trackRunningStats': True}],
                nn.InstanceNorm2d(4, affine=True, track_running_stats=True), (3, 4, 3, 5))
    module_case('InstanceNorm3d tracked', 'InstanceNorm3d', [3, {'trackRunningStats': True, 'momentum': 0.2}],
                nn.InstanceNorm3d(3, track_running_stats=True, momentum=0.2), (2, 3, 2, 3, 4))


def reprs():
    """print(module) text of layers without state, to check extraRepr."""
    mods = {
        'MaxPool2d(2)': nn.MaxPool2d(2),
        'MaxPool1d(3, stride 2, padding 1, dilation 2, ceil)': nn.MaxPool1d(3, stride=2, padding=1, dilation=2, ceil_mode=True),
        'MaxPool3d([2, 3, 2])': nn.MaxPool3d((2, 3, 2)),
        'AvgPool2d(3, stride 2, padding 1)': nn.AvgPool2d(3, stride=2, padding=1),
        'AvgPool1d(2)': nn.AvgPool1d(2),
        'AvgPool3d([2, 2, 1])': nn.AvgPool3d((2, 2, 1)),
        'AdaptiveAvgPool2d(1)': nn.AdaptiveAvgPool2d(1),
        'AdaptiveAvgPool2d([5, null])': nn.AdaptiveAvgPool2d((5, None)),
        'AdaptiveMaxPool1d(4)': nn.AdaptiveMaxPool1d(4),
        'AdaptiveMaxPool3d([2, 2, 2])': nn.AdaptiveMaxPool3d((2, 2, 2)),
        'BatchNorm2d(8)': nn.BatchNorm2d(8),
        'BatchNorm3d(8, momentum null)': nn.BatchNorm3d(8, momentum=None),
        'GroupNorm(2, 8)': nn.GroupNorm(2, 8),
        'InstanceNorm2d(8)': nn.InstanceNorm2d(8),
        'Dropout2d(0.3)': nn.Dropout2d(0.3),
        'Dropout1d()': nn.Dropout1d(),
        'Dropout3d(0.1)': nn.Dropout3d(0.1),
        'Upsample(scale 2)': nn.Upsample(scale_factor=2),
        'Upsample(size [4, 5], bilinear, alignCorners)': nn.Upsample(size=(4, 5), mode='bilinear', align_corners=True),
        'Flatten()': nn.Flatten(),
    }
    return {k: repr(v) for k, v in mods.items()}


def main():
    pooling_cases()
    norm_cases()
    interpolate_cases()
    module_cases()
    fast_path_cases()  # (last, so the cases before keep their random values)
    write('functional.json', {'torch': torch.__version__, 'cases': CASES})
    write('modules.json', {'torch': torch.__version__, 'modules': MODULES, 'reprs': reprs()})


if __name__ == '__main__':
    main()
