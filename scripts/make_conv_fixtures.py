#!/usr/bin/env python3
"""Writes PyTorch reference fixtures for dlflow's convolution tests (test/fixtures/conv/).

Run with Debian's torch:  OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 scripts/make_conv_fixtures.py

conv.json: per case, a module (its constructor arguments, state dict and repr) or a functional
call, the input, the output and the gradients of (out * r).sum() for a fixed random r with
respect to the input and the parameters; every convolution kind (1-3 d, stride, padding sizes,
'same', 'valid', dilation, groups, depthwise, padding modes, transposed with output padding)
and F.pad in every mode. cnn.safetensors + cnn.json: a tiny CNN's state dict as safetensors
(written here by hand: the format is an 8-byte header length, a JSON header and the raw
little-endian tensors) and its output on a fixed input. Tensors in JSON are
{"s": shape, "d": flat row-major data}.
"""
import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'conv')


def T(t):
    t = t.detach()
    return {'s': list(t.shape), 'd': [float('%.8g' % v) for v in t.float().reshape(-1).tolist()]}


def write(name, obj):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
    print(f'{os.path.relpath(path)}: {os.path.getsize(path)} bytes')


def randomize_bias(module, g):
    """Default biases are small; make them comparable to the activations."""
    with torch.no_grad():
        if getattr(module, 'bias', None) is not None:
            module.bias.copy_(torch.randn(module.bias.shape, generator=g))


def backprop(out, g):
    r = torch.randn(out.shape, generator=g)
    (out * r).sum().backward()
    return r


def module_case(name, cls, args, options, x_shape, seed):
    """options use dlflow's option names; the PyTorch names are derived."""
    g = torch.Generator().manual_seed(seed)
    torch_names = {'outputPadding': 'output_padding', 'paddingMode': 'padding_mode'}
    kwargs = {torch_names.get(k, k): tuple(v) if isinstance(v, list) else v for k, v in options.items()}
    torch.manual_seed(seed)
    m = getattr(nn, cls)(*args, **kwargs)
    randomize_bias(m, g)
    x = torch.randn(x_shape, generator=g, requires_grad=True)
    out = m(x)
    r = backprop(out, g)
    return {
        'name': name, 'module': cls, 'args': args, 'options': options, 'repr': repr(m),
        'state': {k: T(v) for k, v in m.state_dict().items()},
        'x': T(x), 'r': T(r), 'out': T(out),
        'grads': {'x': T(x.grad), **{k: T(p.grad) for k, p in m.named_parameters()}},
    }


def pad_case(name, x_shape, pad, mode, value, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(x_shape, generator=g, requires_grad=True)
    out = F.pad(x, pad, mode=mode, value=value) if mode == 'constant' else F.pad(x, pad, mode=mode)
    r = backprop(out, g)
    return {'name': name, 'pad': pad, 'mode': mode, 'value': value, 'x': T(x), 'r': T(r), 'out': T(out), 'grads': {'x': T(x.grad)}}


def conv_cases():
    return [
        module_case('conv2d padding 1', 'Conv2d', [3, 4, 3], {'padding': 1}, [2, 3, 7, 6], 1),
        module_case('conv2d stride, dilation, rectangular kernel', 'Conv2d', [3, 5, [3, 2]],
                    {'stride': [2, 1], 'padding': [1, 0], 'dilation': [1, 2]}, [2, 3, 9, 8], 2),
        module_case('conv2d groups 2, no bias', 'Conv2d', [4, 6, 3], {'groups': 2, 'bias': False}, [2, 4, 6, 5], 3),
        module_case('conv2d depthwise same', 'Conv2d', [3, 3, 3], {'groups': 3, 'padding': 'same'}, [2, 3, 5, 5], 4),
        module_case('conv2d same, even kernel, dilation', 'Conv2d', [3, 2, [4, 2]], {'padding': 'same', 'dilation': [1, 2]}, [1, 3, 6, 7], 5),
        module_case('conv2d valid', 'Conv2d', [2, 3, 2], {'padding': 'valid'}, [2, 2, 4, 5], 6),
        module_case('conv2d reflect', 'Conv2d', [2, 3, 3], {'padding': [2, 1], 'paddingMode': 'reflect'}, [2, 2, 5, 6], 7),
        module_case('conv2d replicate stride 2', 'Conv2d', [2, 3, 3], {'padding': 1, 'stride': 2, 'paddingMode': 'replicate'}, [2, 2, 6, 5], 8),
        module_case('conv2d circular same', 'Conv2d', [2, 2, [3, 4]], {'padding': 'same', 'paddingMode': 'circular'}, [1, 2, 5, 6], 9),
        module_case('conv1d stride, padding, dilation', 'Conv1d', [2, 5, 4], {'stride': 3, 'padding': 2, 'dilation': 2}, [3, 2, 11], 10),
        module_case('conv1d unbatched', 'Conv1d', [3, 2, 3], {}, [3, 9], 11),
        module_case('conv3d', 'Conv3d', [2, 3, [2, 3, 2]], {'stride': [1, 2, 1], 'padding': [1, 0, 1]}, [2, 2, 5, 4, 6], 12),
        module_case('convTranspose2d stride 2, output padding', 'ConvTranspose2d', [4, 3, 3],
                    {'stride': 2, 'padding': 1, 'outputPadding': 1}, [2, 4, 5, 4], 13),
        module_case('convTranspose1d groups, dilation', 'ConvTranspose1d', [4, 6, 3], {'groups': 2, 'dilation': 2, 'stride': 2}, [2, 4, 7], 14),
        module_case('convTranspose3d stride 2, no bias', 'ConvTranspose3d', [2, 3, 2], {'stride': 2, 'bias': False}, [1, 2, 3, 3, 2], 15),
        module_case('convTranspose2d rectangular, dilation', 'ConvTranspose2d', [2, 2, [2, 3]],
                    {'stride': [1, 2], 'padding': [0, 1], 'dilation': [2, 1], 'outputPadding': [1, 0]}, [1, 2, 4, 3], 16),
    ]


def pad_cases():
    return [
        pad_case('pad reflect 2-d', [2, 2, 4, 5], [2, 1, 3, 0], 'reflect', 0, 20),
        pad_case('pad replicate 3 dims', [1, 2, 3, 3, 2], [1, 2, 0, 1, 2, 1], 'replicate', 0, 21),
        pad_case('pad circular', [2, 3, 4], [3, 4], 'circular', 0, 22),
        pad_case('pad constant with crop', [2, 3, 4], [1, -1, -1, 2], 'constant', 1.5, 23),
    ]


def safetensors_bytes(state):
    header, blobs, offset = {}, [], 0
    for k, v in state.items():
        data = v.detach().contiguous().float().numpy().astype('<f4').tobytes()
        header[k] = {'dtype': 'F32', 'shape': list(v.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    return struct.pack('<Q', len(text)) + text + b''.join(blobs)


def tiny_cnn():
    torch.manual_seed(30)
    net = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(),
        nn.Conv2d(4, 8, 3, stride=2), nn.ReLU(),
        nn.Conv2d(8, 8, 3, groups=8, padding='same', padding_mode='reflect'),
        nn.Flatten(), nn.Linear(72, 3))
    x = torch.randn([2, 1, 8, 8], generator=torch.Generator().manual_seed(31))
    with torch.no_grad():
        out = net(x)
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, 'cnn.safetensors')
    with open(path, 'wb') as f:
        f.write(safetensors_bytes(net.state_dict()))
    print(f'{os.path.relpath(path)}: {os.path.getsize(path)} bytes')
    write('cnn.json', {'x': T(x), 'out': T(out), 'keys': list(net.state_dict().keys()), 'repr': repr(net)})


if __name__ == '__main__':
    write('conv.json', {'torch': torch.__version__, 'modules': conv_cases(), 'pads': pad_cases()})
    tiny_cnn()
