#!/usr/bin/env python3
"""Writes PyTorch reference fixtures for dlflow's nn tests (test/fixtures/nn/*.json).

Run with Debian's torch:  OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 scripts/make_nn_fixtures.py

Every layer case exports its state dict (loaded into dlflow through loadStateDict, which also
checks key names), the inputs, the output and the gradients of (out * w).sum() with respect to
the inputs and the parameters. Loss cases export values and input gradients for each
reduction and option. Tensors are {"s": shape, "d": flat row-major data, "t": dtype}.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'nn')


def T(t):
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32):
        return {'s': list(t.shape), 'd': [int(v) for v in t.reshape(-1).tolist()], 't': 'int64'}
    return {'s': list(t.shape), 'd': [float('%.9g' % v) for v in t.float().reshape(-1).tolist()]}


def write(name, obj):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
    print(f'{os.path.relpath(path)}: {os.path.getsize(path)} bytes')


def randomize(module, seed):
    """Give affine/normalisation parameters non-trivial values (ones/zeros would hide bugs)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith('weight') and isinstance(module, (nn.LayerNorm, nn.BatchNorm1d)):
                p.copy_(1 + 0.5 * torch.randn(p.shape, generator=g))
            elif name.endswith('bias') and isinstance(module, (nn.LayerNorm, nn.BatchNorm1d)):
                p.copy_(0.5 * torch.randn(p.shape, generator=g))
            elif isinstance(module, nn.PReLU):
                p.copy_(0.1 + 0.4 * torch.rand(p.shape, generator=g))


def layer_case(name, module, inputs, train=False, steps=1):
    """Forward `steps` times (the last one is recorded) and backprop (out * w).sum()."""
    module.train(train)
    state = {k: T(v) for k, v in module.state_dict().items()}
    grads_of = [x for x in inputs if x.is_floating_point()]
    for x in grads_of:
        x.requires_grad_(True)
    for _ in range(steps - 1):
        with torch.no_grad():
            module(*inputs)
    out = module(*inputs)
    w = torch.randn(out.shape)
    (out * w).sum().backward()
    case = {
        'name': name, 'train': train, 'steps': steps, 'state': state,
        'inputs': [T(x) for x in inputs], 'output': T(out), 'w': T(w),
        'inputGrads': [T(x.grad) for x in grads_of],
        'paramGrads': {k: T(p.grad) for k, p in module.named_parameters() if p.grad is not None},
        'stateAfter': {k: T(v) for k, v in module.state_dict().items()},
    }
    if isinstance(module, nn.BatchNorm1d):
        module.eval()
        with torch.no_grad():
            case['evalOutput'] = T(module(*inputs))
    return case


def layers():
    cases = []
    torch.manual_seed(0)
    r = lambda *s: torch.randn(*s)
    cases.append(layer_case('linear', nn.Linear(5, 3), [r(4, 5)]))
    cases.append(layer_case('linear_nobias', nn.Linear(5, 3, bias=False), [r(4, 5)]))
    cases.append(layer_case('linear_3d', nn.Linear(5, 3), [r(2, 4, 5)]))
    cases.append(layer_case('bilinear', nn.Bilinear(3, 4, 2), [r(5, 3), r(5, 4)]))
    cases.append(layer_case('identity', nn.Identity(), [r(2, 3)]))
    cases.append(layer_case('flatten', nn.Flatten(), [r(2, 3, 4)]))
    cases.append(layer_case('unflatten', nn.Unflatten(1, (3, 4)), [r(2, 12)]))
    for nm, m, x in [('layernorm', nn.LayerNorm(6), r(4, 6)), ('layernorm_2d', nn.LayerNorm([3, 4], eps=1e-3), r(2, 3, 4)),
                     ('layernorm_noaffine', nn.LayerNorm(6, elementwise_affine=False), r(4, 6))]:
        randomize(m, 1)
        cases.append(layer_case(nm, m, [x * 2 + 1]))
    cases.append(layer_case('embedding', nn.Embedding(10, 4), [torch.tensor([[1, 2, 0], [4, 9, 1]])]))
    cases.append(layer_case('embedding_pad', nn.Embedding(10, 4, padding_idx=0), [torch.tensor([[1, 0, 0], [4, 9, 1]])]))
    for nm, m, x, steps in [
        ('batchnorm_train', nn.BatchNorm1d(4), r(8, 4) * 3 + 1, 3),
        ('batchnorm_train_3d', nn.BatchNorm1d(3), r(4, 3, 5) * 2 - 1, 3),
        ('batchnorm_cumulative', nn.BatchNorm1d(4, momentum=None), r(8, 4) + 2, 3),
        ('batchnorm_noaffine_notrack', nn.BatchNorm1d(4, affine=False, track_running_stats=False), r(8, 4) * 2, 1),
    ]:
        randomize(m, 2)
        cases.append(layer_case(nm, m, [x], train=True, steps=steps))
    bn = nn.BatchNorm1d(4)
    randomize(bn, 3)
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(4))
        bn.running_var.copy_(torch.rand(4) + 0.5)
    cases.append(layer_case('batchnorm_eval', bn, [r(6, 4)], train=False))
    acts = [
        ('relu', nn.ReLU()), ('relu6', nn.ReLU6()), ('leaky_relu', nn.LeakyReLU(0.1)), ('prelu', nn.PReLU()),
        ('prelu_channels', nn.PReLU(7)), ('elu', nn.ELU(1.5)), ('selu', nn.SELU()), ('celu', nn.CELU(2.0)),
        ('gelu', nn.GELU()), ('gelu_tanh', nn.GELU(approximate='tanh')), ('silu', nn.SiLU()), ('mish', nn.Mish()),
        ('hardtanh', nn.Hardtanh(-0.5, 1.5)), ('hardswish', nn.Hardswish()), ('sigmoid', nn.Sigmoid()), ('tanh', nn.Tanh()),
        ('softplus', nn.Softplus()), ('softplus_beta', nn.Softplus(beta=2, threshold=5)), ('softsign', nn.Softsign()),
        ('softmax', nn.Softmax(dim=1)), ('log_softmax', nn.LogSoftmax(dim=0)),
    ]
    for nm, m in acts:
        randomize(m, 4)
        x = r(3, 7) * 3
        cases.append(layer_case(nm, m, [x]))
    return cases


def loss_case(name, fn, inputs, others, opts):
    """fn(*inputs, *others); inputs are differentiated."""
    xs = [x.clone().requires_grad_(True) for x in inputs]
    out = fn(*xs, *others)
    w = torch.randn(out.shape) if out.dim() > 0 else torch.ones(())
    (out * w).sum().backward()
    return {'name': name, 'opts': opts, 'inputs': [T(x) for x in inputs], 'others': [T(o) for o in others],
            'output': T(out), 'w': T(w), 'inputGrads': [T(x.grad) for x in xs]}


def losses():
    torch.manual_seed(1)
    cases = []
    N, C = 6, 5
    logits = torch.randn(N, C) * 2
    labels = torch.tensor([0, 3, 4, 1, 3, 2])
    labels_ign = torch.tensor([0, 3, -100, 1, 3, 2])
    weight = torch.rand(C) + 0.5
    probs = torch.softmax(torch.randn(N, C), 1)
    logits_k = torch.randn(2, C, 3) * 2
    labels_k = torch.tensor([[0, 4, 2], [1, 1, 3]])
    for red in ['mean', 'sum', 'none']:
        cases.append(loss_case(f'ce_{red}', lambda x, y, red=red: F.cross_entropy(x, y, reduction=red), [logits], [labels], {'reduction': red}))
        cases.append(loss_case(f'ce_weight_ignore_{red}', lambda x, y, red=red: F.cross_entropy(x, y, weight=weight, reduction=red),
                               [logits], [labels_ign], {'reduction': red, 'weight': T(weight)}))
        cases.append(loss_case(f'ce_smooth_{red}', lambda x, y, red=red: F.cross_entropy(x, y, reduction=red, label_smoothing=0.2),
                               [logits], [labels_ign], {'reduction': red, 'labelSmoothing': 0.2}))
        cases.append(loss_case(f'ce_smooth_weight_{red}', lambda x, y, red=red: F.cross_entropy(x, y, weight=weight, reduction=red, label_smoothing=0.15),
                               [logits], [labels_ign], {'reduction': red, 'labelSmoothing': 0.15, 'weight': T(weight)}))
        cases.append(loss_case(f'ce_probs_{red}', lambda x, y, red=red: F.cross_entropy(x, y, reduction=red), [logits], [probs], {'reduction': red}))
        cases.append(loss_case(f'ce_probs_weight_smooth_{red}', lambda x, y, red=red: F.cross_entropy(x, y, weight=weight, reduction=red, label_smoothing=0.1),
                               [logits], [probs], {'reduction': red, 'labelSmoothing': 0.1, 'weight': T(weight)}))
        cases.append(loss_case(f'ce_kdim_{red}', lambda x, y, red=red: F.cross_entropy(x, y, reduction=red), [logits_k], [labels_k], {'reduction': red}))
        cases.append(loss_case(f'nll_{red}', lambda x, y, red=red: F.nll_loss(x, y, weight=weight, reduction=red, ignore_index=3),
                               [torch.log_softmax(logits, 1)], [labels], {'reduction': red, 'weight': T(weight), 'ignoreIndex': 3}))
        p = torch.rand(N, C) * 0.98 + 0.01
        tb = (torch.rand(N, C) > 0.5).float()
        bw = torch.rand(N, C) + 0.5
        cases.append(loss_case(f'bce_{red}', lambda x, y, red=red: F.binary_cross_entropy(x, y, reduction=red), [p], [tb], {'reduction': red}))
        cases.append(loss_case(f'bce_weight_{red}', lambda x, y, red=red: F.binary_cross_entropy(x, y, weight=bw, reduction=red),
                               [p], [tb], {'reduction': red, 'weight': T(bw)}))
        z = torch.randn(N, C) * 4
        z[0, 0] = 40.0
        z[0, 1] = -40.0
        pw = torch.rand(C) * 3
        cases.append(loss_case(f'bcelogits_{red}', lambda x, y, red=red: F.binary_cross_entropy_with_logits(x, y, reduction=red), [z], [tb], {'reduction': red}))
        cases.append(loss_case(f'bcelogits_pos_{red}', lambda x, y, red=red: F.binary_cross_entropy_with_logits(x, y, weight=bw, pos_weight=pw, reduction=red),
                               [z], [tb], {'reduction': red, 'weight': T(bw), 'posWeight': T(pw)}))
        a = torch.randn(N, C)
        b = torch.randn(N, C)
        cases.append(loss_case(f'mse_{red}', lambda x, y, red=red: F.mse_loss(x, y, reduction=red), [a], [b], {'reduction': red}))
        cases.append(loss_case(f'l1_{red}', lambda x, y, red=red: F.l1_loss(x, y, reduction=red), [a], [b], {'reduction': red}))
        cases.append(loss_case(f'smoothl1_{red}', lambda x, y, red=red: F.smooth_l1_loss(x, y, reduction=red, beta=0.7), [a], [b], {'reduction': red, 'beta': 0.7}))
        cases.append(loss_case(f'huber_{red}', lambda x, y, red=red: F.huber_loss(x, y, reduction=red, delta=0.8), [a], [b], {'reduction': red, 'delta': 0.8}))
        lq = torch.log_softmax(torch.randn(N, C), 1)
        pt = torch.softmax(torch.randn(N, C), 1)
        pt[0, 0] = 0.0
        cases.append(loss_case(f'kl_{red}', lambda x, y, red=red: F.kl_div(x, y, reduction=red), [lq], [pt], {'reduction': red}))
        cases.append(loss_case(f'kl_logtarget_{red}', lambda x, y, red=red: F.kl_div(x, y, reduction=red, log_target=True),
                               [lq], [torch.log_softmax(torch.randn(N, C), 1)], {'reduction': red, 'logTarget': True}))
        y = torch.tensor([1.0, -1.0, 1.0, -1.0, -1.0, 1.0])
        cases.append(loss_case(f'cosine_{red}', lambda x1, x2, t, red=red: F.cosine_embedding_loss(x1, x2, t, margin=0.1, reduction=red),
                               [a, b], [y], {'reduction': red, 'margin': 0.1}))
        s1 = torch.randn(N)
        s2 = torch.randn(N)
        cases.append(loss_case(f'ranking_{red}', lambda x1, x2, t, red=red: F.margin_ranking_loss(x1, x2, t, margin=0.3, reduction=red),
                               [s1, s2], [y], {'reduction': red, 'margin': 0.3}))
    lq = torch.log_softmax(torch.randn(N, C), 1)
    pt = torch.softmax(torch.randn(N, C), 1)
    cases.append(loss_case('kl_batchmean', lambda x, y: F.kl_div(x, y, reduction='batchmean'), [lq], [pt], {'reduction': 'batchmean'}))
    return cases


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.2), nn.Linear(8, 3))
        self.bn = nn.BatchNorm1d(8)
        self.emb = nn.Embedding(10, 4, padding_idx=0)
        self.act = nn.GELU(approximate='tanh')
        self.ln = nn.LayerNorm(8)
        self.heads = nn.ModuleList([nn.Linear(3, 2), nn.Linear(3, 1, bias=False)])

    def forward(self, x):
        h = self.layers[0](x)
        h = self.ln(self.act(self.bn(h)))
        h = self.layers[3](self.layers[2](self.layers[1](h)))
        return self.heads[0](h)


def module_api():
    torch.manual_seed(2)
    net = Net()
    randomize(net.bn, 5)
    randomize(net.ln, 6)
    net.eval()
    x = torch.randn(5, 4)
    mlp = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    return {
        'stateKeys': list(net.state_dict().keys()),
        'parameterNames': [n for n, _ in net.named_parameters()],
        'bufferNames': [n for n, _ in net.named_buffers()],
        'moduleNames': [n for n, _ in net.named_modules()],
        'repr': repr(net),
        'state': {k: T(v) for k, v in net.state_dict().items()},
        'input': T(x),
        'evalOutput': T(net(x)),
        'totalParams': sum(p.numel() for p in net.parameters()),
        'mlpRepr': repr(mlp),
        'mlpParams': [p.numel() for p in mlp.parameters()],
        'mlpTotal': sum(p.numel() for p in mlp.parameters()),
        'reprs': {
            'bn_none': repr(nn.BatchNorm1d(3, momentum=None, affine=False)),
            'emb': repr(nn.Embedding(5, 2, padding_idx=-1, max_norm=1.0)),
            'flatten': repr(nn.Flatten()), 'unflatten': repr(nn.Unflatten(1, (2, 3))),
            'lrelu': repr(nn.LeakyReLU()), 'elu': repr(nn.ELU()), 'hardtanh': repr(nn.Hardtanh()),
            'softplus': repr(nn.Softplus()), 'prelu': repr(nn.PReLU(3)), 'relu6': repr(nn.ReLU6()),
            'bilinear': repr(nn.Bilinear(2, 3, 4)), 'softmax': repr(nn.Softmax(dim=-1)),
            'ln': repr(nn.LayerNorm([3, 4])), 'ce': repr(nn.CrossEntropyLoss()), 'dropout': repr(nn.Dropout()),
            'moduledict': repr(nn.ModuleDict({'a': nn.ReLU(), 'b': nn.Tanh()})),
        },
    }


def dropout_stats():
    torch.manual_seed(3)
    x = torch.ones(200000)
    out = {}
    for p in [0.1, 0.5, 0.8]:
        y = F.dropout(x, p, training=True)
        out[f'dropout_{p}'] = {'p': p, 'mean': y.mean().item(), 'zeros': (y == 0).float().mean().item(), 'max': y.max().item()}
    z = torch.randn(200000)
    for p in [0.2, 0.5]:
        y = F.alpha_dropout(z, p, training=True)
        out[f'alpha_{p}'] = {'p': p, 'mean': y.mean().item(), 'std': y.std().item()}
    return out


if __name__ == '__main__':
    write('layers.json', layers())
    write('losses.json', losses())
    write('module.json', module_api())
    write('dropout.json', dropout_stats())
