#!/usr/bin/python3
"""PyTorch reference results for the tensor engine (fixtures:engine).

Computes, with Debian's PyTorch (python3-torch, python3-numpy), a table of named cases: each
case draws seeded float32 inputs, evaluates an expression, and records its outputs and the
gradients of  sum_k (out_k * w_k).sum()  with respect to every input that requires grad, where
w_k is a seeded random projection shaped like the k-th floating output (also stored).
test/torch_parity.test.ts runs the same expressions with dlflow (a table keyed by the same case
names) on every backend and compares.

fixtures:engine — regenerate (one command, from the repository root):

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 scripts/make_engine_fixtures.py

(as an npm script: "fixtures:engine": "OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3
scripts/make_engine_fixtures.py", then `npm run fixtures:engine`). The output is deterministic:
every case seeds its own generators from a CRC of its name, so adding a case changes no other.

(use Debian's /usr/bin/python3, which has torch; a pyenv `python3` on PATH may not). It writes
test/fixtures/engine_torch.json. Keep shapes small: the file must stay under ~1.5 MB.

JSON layout: {"torch": version, "cases": [{"name", "inputs": [{"shape", "dtype",
"requires_grad", "data"}], "outputs": [{"shape", "dtype", "data"}], "weights": [{"shape",
"data"} | null per output], "grads": [{"shape", "data"} | null per input]}]}. Data are flat
row-major lists; floats are written with the shortest decimal that round-trips to the same
float32; NaN and infinities are the strings "NaN", "Infinity", "-Infinity"; bools are 0/1.
A gradient torch leaves as None (an input the output does not depend on) is stored as zeros.
"""
import json
import math
import os
import zlib

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join('test', 'fixtures', 'engine_torch.json')
MAX_BYTES = 1_500_000

torch.set_num_threads(1)


# ---------------------------------------------------------------------------- input specs

class Spec:
    """How to draw one input: `make(gen)` returns a tensor; `grad` whether it requires grad."""

    def __init__(self, make, grad):
        self.make = make
        self.grad = grad


def N(*shape, scale=1.0, shift=0.0, grad=True):
    """Normal samples * scale + shift."""
    return Spec(lambda g: torch.randn(shape, generator=g) * scale + shift, grad)


def U(*shape, lo=0.0, hi=1.0, grad=True):
    """Uniform samples in [lo, hi)."""
    return Spec(lambda g: torch.rand(shape, generator=g) * (hi - lo) + lo, grad)


def Q(*shape, grad=True):
    """Multiples of 0.5 in [-1.5, 1.5]: many exact ties (for maximum/minimum, comparisons)."""
    return Spec(lambda g: (torch.randint(-3, 4, shape, generator=g) * 0.5).float(), grad)


def Ix(*shape, high):
    """int64 indices in [0, high)."""
    return Spec(lambda g: torch.randint(0, high, shape, generator=g, dtype=torch.int64), False)


def Mask(*shape, p=0.5):
    """bool mask, True with probability p."""
    return Spec(lambda g: torch.rand(shape, generator=g) < p, False)


def V(values, grad=True, dtype=torch.float32):
    """Explicit values (nested list)."""
    return Spec(lambda g: torch.tensor(values, dtype=dtype), grad and dtype == torch.float32)


# ---------------------------------------------------------------------------- the cases

CASES = []


def case(name, inputs, fn):
    CASES.append((name, inputs, fn))


NEG_INF = float('-inf')
N_CONST_132 = torch.tensor([[[1.0, -2.0]], [[0.5, 3.0]], [[-1.0, 0.25]]])  # shape [3, 1, 2]; mirrored in the TS table

# -- arithmetic: tensor/tensor, broadcasting, scalars on either side, alpha
case('add', [N(3, 4), N(3, 4)], lambda a, b: a + b)
case('add_bcast_315_41', [N(3, 1, 5), N(4, 1)], lambda a, b: a + b)
case('add_bcast_row', [N(2, 3), N(3)], lambda a, b: a + b)
case('add_bcast_0d', [N(2, 3), N()], lambda a, b: a + b)
case('add_scalar', [N(3, 4)], lambda a: a + 2.5)
case('add_scalar_left', [N(3, 4)], lambda a: 2.5 + a)
case('add_alpha', [N(3, 4), N(3, 4)], lambda a, b: torch.add(a, b, alpha=2.0))
case('sub', [N(3, 4), N(3, 4)], lambda a, b: a - b)
case('sub_bcast_315_41', [N(3, 1, 5), N(4, 1)], lambda a, b: a - b)
case('sub_scalar', [N(3, 4)], lambda a: a - 1.25)
case('sub_scalar_left', [N(3, 4)], lambda a: 1.25 - a)
case('sub_alpha', [N(3, 4), N(4)], lambda a, b: torch.sub(a, b, alpha=0.5))
case('mul', [N(3, 4), N(3, 4)], lambda a, b: a * b)
case('mul_bcast_315_41', [N(3, 1, 5), N(4, 1)], lambda a, b: a * b)
case('mul_scalar', [N(3, 4)], lambda a: a * -3.0)
case('mul_scalar_left', [N(3, 4)], lambda a: -3.0 * a)
case('mul_self', [N(3, 4)], lambda a: a * a)
case('div', [N(3, 4), U(3, 4, lo=0.5, hi=2.0)], lambda a, b: a / b)
case('div_bcast_315_41', [N(3, 1, 5), U(4, 1, lo=0.5, hi=2.0)], lambda a, b: a / b)
case('div_scalar', [N(3, 4)], lambda a: a / 4.0)
case('div_scalar_left', [U(3, 4, lo=0.5, hi=2.0)], lambda a: 2.0 / a)
case('pow', [U(3, 4, lo=0.5, hi=2.0), N(3, 4)], lambda a, b: a ** b)
case('pow_bcast', [U(2, 3, lo=0.5, hi=2.0), N(3)], lambda a, b: a ** b)
case('pow_scalar_2', [N(3, 4)], lambda a: a ** 2)
case('pow_scalar_3', [N(3, 4)], lambda a: a ** 3)
case('pow_scalar_half', [U(3, 4, lo=0.5, hi=2.0)], lambda a: a ** 0.5)
case('pow_scalar_neg', [U(3, 4, lo=0.5, hi=2.0)], lambda a: a ** -1.5)
case('pow_scalar_base', [N(3, 4)], lambda a: 2.0 ** a)

# -- unary math
case('neg', [N(3, 4)], lambda a: -a)
case('abs', [N(3, 4)], lambda a: a.abs())
case('exp', [N(3, 4)], lambda a: a.exp())
case('log', [U(3, 4, lo=0.1, hi=3.0)], lambda a: a.log())
case('log1p', [U(3, 4, lo=-0.5, hi=3.0)], lambda a: a.log1p())
case('sqrt', [U(3, 4, lo=0.1, hi=3.0)], lambda a: a.sqrt())
case('rsqrt', [U(3, 4, lo=0.1, hi=3.0)], lambda a: a.rsqrt())
case('sin', [N(3, 4, scale=2.0)], lambda a: a.sin())
case('cos', [N(3, 4, scale=2.0)], lambda a: a.cos())
case('tanh', [N(3, 4, scale=2.0)], lambda a: a.tanh())
case('sigmoid', [N(3, 4, scale=3.0)], lambda a: a.sigmoid())
case('sigmoid_large', [V([-100.0, -20.0, -5.0, 0.0, 5.0, 20.0, 100.0])], lambda a: a.sigmoid())
case('relu', [N(3, 4)], lambda a: a.relu())
case('gelu', [N(3, 4, scale=2.0)], lambda a: F.gelu(a))
case('gelu_tanh', [N(3, 4, scale=2.0)], lambda a: F.gelu(a, approximate='tanh'))
case('silu', [N(3, 4, scale=2.0)], lambda a: F.silu(a))
case('softplus', [N(3, 4, scale=2.0)], lambda a: F.softplus(a))
case('softplus_large', [V([-30.0, -5.0, -0.5, 0.0, 0.5, 5.0, 19.0, 25.0, 30.0])], lambda a: F.softplus(a))
case('square', [N(3, 4)], lambda a: a.square())
case('clamp_both', [N(3, 4)], lambda a: a.clamp(-0.5, 0.5))
case('clamp_min', [N(3, 4)], lambda a: a.clamp(min=0.1))
case('clamp_max', [N(3, 4)], lambda a: a.clamp(max=-0.2))
case('unary_chain', [N(2, 3, 4)], lambda a: a.sin().exp().log1p().sqrt())

# -- where, maximum, minimum (ties: gradient split in half, as PyTorch)
case('where', [Mask(3, 4), N(3, 4), N(3, 4)], lambda c, a, b: torch.where(c, a, b))
case('where_bcast', [Mask(3, 1), N(3, 4), N(4)], lambda c, a, b: torch.where(c, a, b))
case('where_scalar_other', [Mask(3, 4), N(3, 4)], lambda c, a: torch.where(c, a, 0.0))
case('where_from_compare', [N(3, 4), N(3, 4)], lambda a, b: torch.where(a > b, a * 2, b - 1))
case('maximum', [N(3, 4), N(3, 4)], lambda a, b: torch.maximum(a, b))
case('maximum_ties', [Q(4, 5), Q(4, 5)], lambda a, b: torch.maximum(a, b))
case('maximum_bcast_ties', [Q(4, 5), Q(5)], lambda a, b: torch.maximum(a, b))
case('maximum_scalar_ties', [Q(4, 5)], lambda a: torch.maximum(a, torch.tensor(0.0)))
case('minimum', [N(3, 4), N(3, 4)], lambda a, b: torch.minimum(a, b))
case('minimum_ties', [Q(4, 5), Q(4, 5)], lambda a, b: torch.minimum(a, b))
case('minimum_scalar_ties', [Q(4, 5)], lambda a: torch.minimum(a, torch.tensor(0.5)))

# -- comparisons and logical ops (forward only)
case('eq', [Q(3, 4, grad=False), Q(3, 4, grad=False)], lambda a, b: a == b)
case('ne', [Q(3, 4, grad=False), Q(3, 4, grad=False)], lambda a, b: a != b)
case('lt', [Q(3, 4, grad=False), Q(3, 4, grad=False)], lambda a, b: a < b)
case('le', [Q(3, 4, grad=False), Q(3, 4, grad=False)], lambda a, b: a <= b)
case('gt', [Q(3, 4, grad=False), Q(3, 4, grad=False)], lambda a, b: a > b)
case('ge', [Q(3, 4, grad=False), Q(3, 4, grad=False)], lambda a, b: a >= b)
case('gt_bcast', [Q(3, 1, 4, grad=False), Q(2, 1, grad=False)], lambda a, b: a > b)
case('le_scalar', [Q(3, 4, grad=False)], lambda a: a <= 0.5)
case('eq_scalar', [Q(3, 4, grad=False)], lambda a: a == 0.0)
case('logical_and', [Mask(3, 4), Mask(3, 4)], lambda a, b: torch.logical_and(a, b))
case('logical_or', [Mask(3, 4), Mask(3, 4)], lambda a, b: torch.logical_or(a, b))
case('logical_xor', [Mask(3, 4), Mask(3, 4)], lambda a, b: torch.logical_xor(a, b))
case('logical_not', [Mask(3, 4)], lambda a: torch.logical_not(a))
case('logical_and_bcast', [Mask(3, 1), Mask(4)], lambda a, b: torch.logical_and(a, b))
case('logical_and_float', [Q(3, 4, grad=False), Q(3, 4, grad=False)], lambda a, b: torch.logical_and(a, b))
case('isnan', [V([[0.0, math.nan, math.inf], [-math.inf, -1.5, math.nan]], grad=False)], lambda a: a.isnan())
case('isinf', [V([[0.0, math.nan, math.inf], [-math.inf, -1.5, 3e38]], grad=False)], lambda a: a.isinf())

# -- reductions
case('sum_all', [N(3, 4)], lambda a: a.sum())
case('sum_dim1', [N(3, 4)], lambda a: a.sum(1))
case('sum_dim0_keepdim', [N(3, 4)], lambda a: a.sum(0, keepdim=True))
case('sum_dims_02', [N(2, 3, 4)], lambda a: a.sum((0, 2)))
case('sum_neg_dim_keepdim', [N(2, 3, 4)], lambda a: a.sum(-2, keepdim=True))
case('sum_large', [N(16, 128)], lambda a: a.sum(1))
case('mean_all', [N(3, 4)], lambda a: a.mean())
case('mean_dim', [N(2, 3, 4)], lambda a: a.mean(1))
case('mean_dims_keepdim', [N(2, 3, 4)], lambda a: a.mean((0, 2), keepdim=True))
case('prod_all', [U(2, 3, lo=0.5, hi=1.5)], lambda a: a.prod())
case('prod_all_one_zero', [V([[0.5, 1.5, 0.0], [2.0, -1.0, 0.75]])], lambda a: a.prod())
case('prod_all_two_zeros', [V([[0.5, 0.0, 0.0], [2.0, -1.0, 0.75]])], lambda a: a.prod())
case('prod_dim_zeros', [V([[0.5, 1.5, 2.0, -1.0], [0.5, 0.0, 2.0, 3.0], [0.0, 1.5, 0.0, -2.0]])], lambda a: a.prod(1))
case('prod_dim0_keepdim', [V([[0.5, 1.5, 2.0, -1.0], [0.5, 0.0, 2.0, 3.0], [0.0, 1.5, 0.0, -2.0]])],
     lambda a: a.prod(0, keepdim=True))
case('max_all', [N(3, 4)], lambda a: a.max())
case('max_all_ties', [V([[1.0, 3.0, -2.0], [3.0, 0.5, 3.0]])], lambda a: a.max())
case('min_all', [N(3, 4)], lambda a: a.min())
case('min_all_ties', [V([[-2.0, 3.0, -2.0], [1.0, 0.5, 3.0]])], lambda a: a.min())
case('max_dim', [N(3, 4)], lambda a: tuple(a.max(1)))
case('max_dim0_keepdim', [N(3, 4)], lambda a: tuple(a.max(0, keepdim=True)))
case('min_dim', [N(2, 3, 4)], lambda a: tuple(a.min(1)))
case('min_neg_dim_keepdim', [N(2, 3, 4)], lambda a: tuple(a.min(-1, keepdim=True)))
case('argmax_all', [N(3, 4, grad=False)], lambda a: a.argmax())
case('argmax_dim', [N(3, 4, grad=False)], lambda a: a.argmax(1))
case('argmax_dim0_keepdim', [N(3, 4, grad=False)], lambda a: a.argmax(0, keepdim=True))
case('argmin_all', [N(2, 3, 4, grad=False)], lambda a: a.argmin())
case('argmin_dim', [N(2, 3, 4, grad=False)], lambda a: a.argmin(2))
case('var_all', [N(3, 4)], lambda a: a.var())
case('var_all_biased', [N(3, 4)], lambda a: a.var(unbiased=False))
case('var_dim', [N(3, 5)], lambda a: a.var(1))
case('var_dim0_biased_keepdim', [N(3, 5)], lambda a: a.var(0, unbiased=False, keepdim=True))
case('var_dims_02', [N(2, 3, 4)], lambda a: a.var((0, 2)))
case('var_large', [N(16, 128, shift=3.0)], lambda a: a.var(1))
case('std_all', [N(3, 4)], lambda a: a.std())
case('std_dim', [N(3, 5)], lambda a: a.std(1))
case('std_dim_biased_keepdim', [N(2, 3, 4)], lambda a: a.std(-1, unbiased=False, keepdim=True))
case('logsumexp_dim', [N(3, 4)], lambda a: a.logsumexp(1))
case('logsumexp_dim0_keepdim', [N(3, 4)], lambda a: a.logsumexp(0, keepdim=True))
case('logsumexp_dims_02', [N(2, 3, 4)], lambda a: a.logsumexp((0, 2)))
case('logsumexp_large', [V([[1e4, -1e4, 0.0, 1.0], [-1e4, -1e4, -1e4, -9999.0], [1e4, 1e4, 5.0, -1e4]])],
     lambda a: a.logsumexp(1))
case('any_all', [Mask(3, 4, p=0.1)], lambda a: a.any())
case('any_dim', [Mask(3, 4, p=0.2)], lambda a: a.any(1))
case('any_dim0_keepdim', [Mask(3, 4, p=0.2)], lambda a: a.any(0, keepdim=True))
case('all_all', [Mask(3, 4, p=0.9)], lambda a: a.all())
case('all_dim', [Mask(3, 4, p=0.8)], lambda a: a.all(1))
case('all_dim0_keepdim', [Mask(3, 4, p=0.8)], lambda a: a.all(0, keepdim=True))
case('any_float', [V([[0.0, 0.0, 1.5], [0.0, 0.0, 0.0]], grad=False)], lambda a: a.any(1))

# -- matmul and bmm
case('matmul_1d_1d', [N(5), N(5)], lambda a, b: a.matmul(b))
case('matmul_1d_2d', [N(4), N(4, 3)], lambda a, b: a.matmul(b))
case('matmul_2d_1d', [N(3, 4), N(4)], lambda a, b: a.matmul(b))
case('matmul_2d_2d', [N(3, 4), N(4, 5)], lambda a, b: a.matmul(b))
case('matmul_batched_bcast', [N(2, 1, 3, 4), N(5, 4, 2)], lambda a, b: a.matmul(b))
case('matmul_3d_2d', [N(2, 3, 4), N(4, 5)], lambda a, b: a.matmul(b))
case('matmul_1d_3d', [N(4), N(2, 4, 3)], lambda a, b: a.matmul(b))
case('matmul_t_left', [N(4, 3), N(4, 5)], lambda a, b: a.t().matmul(b))
case('matmul_t_right', [N(3, 4), N(5, 4)], lambda a, b: a.matmul(b.t()))
case('matmul_t_both', [N(4, 3), N(5, 4)], lambda a, b: a.t().matmul(b.t()))
case('matmul_mT_batched', [N(2, 4, 3), N(2, 4, 5)], lambda a, b: a.mT.matmul(b))
case('matmul_odd_large', [N(37, 65), N(65, 29)], lambda a, b: a.matmul(b))
case('bmm', [N(2, 3, 4), N(2, 4, 5)], lambda a, b: torch.bmm(a, b))
case('bmm_mT', [N(2, 3, 4), N(2, 5, 4)], lambda a, b: torch.bmm(a, b.mT))

# -- softmax / log_softmax
case('softmax_last', [N(3, 5)], lambda a: a.softmax(-1))
case('softmax_dim0', [N(3, 5)], lambda a: a.softmax(0))
case('softmax_3d_mid', [N(2, 3, 4)], lambda a: a.softmax(1))
case('softmax_large', [V([[1e4, -1e4, 0.0, 1.0], [-1e4, -1e4, -1e4, -9999.0], [1e4, 1e4, 5.0, -1e4]])],
     lambda a: a.softmax(1))
case('log_softmax_last', [N(3, 5)], lambda a: a.log_softmax(-1))
case('log_softmax_dim0', [N(3, 5)], lambda a: a.log_softmax(0))
case('log_softmax_large', [V([[1e4, -1e4, 0.0, 1.0], [-1e4, -1e4, -1e4, -9999.0], [1e4, 1e4, 5.0, -1e4]])],
     lambda a: a.log_softmax(1))
case('softmax_scaled_large', [N(3, 6, scale=1e4)], lambda a: a.softmax(-1))

# -- joining and splitting
case('cat_dim0', [N(2, 3), N(4, 3)], lambda a, b: torch.cat([a, b], 0))
case('cat_dim1_three', [N(2, 3), N(2, 1), N(2, 4)], lambda a, b, c: torch.cat([a, b, c], 1))
case('cat_neg_dim', [N(2, 3, 2), N(2, 3, 3)], lambda a, b: torch.cat([a, b], -1))
case('stack_dim0', [N(2, 3), N(2, 3)], lambda a, b: torch.stack([a, b], 0))
case('stack_dim1_three', [N(2, 3), N(2, 3), N(2, 3)], lambda a, b, c: torch.stack([a, b, c], 1))
case('stack_neg_dim', [N(2, 3), N(2, 3)], lambda a, b: torch.stack([a, b], -1))
case('split_size', [N(7, 3)], lambda a: tuple(a.split(3, 0)))
case('split_sections_dim1', [N(2, 6)], lambda a: tuple(a.split([1, 3, 2], 1)))
case('chunk', [N(7, 2)], lambda a: tuple(a.chunk(3, 0)))
case('chunk_dim1', [N(2, 6)], lambda a: tuple(a.chunk(2, 1)))

# -- indexing ops
case('gather_dim1', [N(3, 4), Ix(3, 5, high=4)], lambda a, i: a.gather(1, i))
case('gather_dim0', [N(3, 4), Ix(2, 4, high=3)], lambda a, i: a.gather(0, i))
case('scatter_add_dim1', [N(3, 4), Ix(3, 6, high=4), N(3, 6)], lambda a, i, s: a.scatter_add(1, i, s))
case('scatter_add_dim0', [N(3, 4), Ix(5, 4, high=3), N(5, 4)], lambda a, i, s: a.scatter_add(0, i, s))
case('index_select_dim0', [N(4, 3), V([3, 0, 3, 1], dtype=torch.int64)], lambda a, i: a.index_select(0, i))
case('index_select_dim1', [N(2, 5), V([4, 1, 1], dtype=torch.int64)], lambda a, i: a.index_select(1, i))
case('masked_fill', [N(3, 4), Mask(3, 4)], lambda a, m: a.masked_fill(m, -2.5))
case('masked_fill_bcast', [N(3, 4), Mask(4)], lambda a, m: a.masked_fill(m, 0.0))
case('masked_fill_neg_inf_softmax', [N(3, 4), V([[False, True, False, True], [True, True, True, False],
                                                  [False, False, False, False]], dtype=torch.bool)],
     lambda a, m: a.masked_fill(m, NEG_INF).softmax(-1))
case('one_hot', [V([0, 2, 1, 2, 3], dtype=torch.int64)], lambda i: F.one_hot(i))
case('one_hot_num_classes', [V([[0, 2], [1, 1]], dtype=torch.int64)], lambda i: F.one_hot(i, 5))

# -- sorting (distinct values: PyTorch's sort is not stable by default)
case('topk', [N(3, 6)], lambda a: tuple(a.topk(3)))
case('topk_smallest_dim0', [N(5, 3)], lambda a: tuple(a.topk(2, 0, largest=False)))
case('sort', [N(3, 5)], lambda a: tuple(a.sort(-1)))
case('sort_desc_dim0', [N(4, 3)], lambda a: tuple(a.sort(0, descending=True)))
case('argsort', [N(3, 5, grad=False)], lambda a: a.argsort(-1))
case('argsort_desc_dim0', [N(4, 3, grad=False)], lambda a: a.argsort(0, descending=True))

# -- views (gradients flow back through each view)
case('reshape', [N(2, 6)], lambda a: a.reshape(3, 4) * torch.arange(4.0))
case('reshape_infer', [N(2, 3, 4)], lambda a: a.reshape(-1, 4).exp())
case('view', [N(2, 6)], lambda a: a.view(4, 3).sin())
case('transpose', [N(2, 3, 4)], lambda a: a.transpose(0, 2).exp())
case('permute', [N(2, 3, 4)], lambda a: a.permute(2, 0, 1).sin())
case('narrow', [N(5, 4)], lambda a: a.narrow(0, 1, 3).exp())
case('slice_step', [N(4, 7)], lambda a: a[:, 1::2].exp())
case('slice_step_both', [N(6, 7)], lambda a: a[1:6:2, 0:7:3] * 3.0)
case('index_mixed', [N(2, 3, 4)], lambda a: a[0, :, 1:3].exp())
case('select', [N(3, 4)], lambda a: a[1].exp())
case('expand', [N(3, 1)], lambda a: a.expand(3, 4) * torch.arange(4.0))
case('expand_new_dims', [N(3)], lambda a: a.expand(2, 4, 3).sin())
case('squeeze_all', [N(1, 3, 1, 2)], lambda a: a.squeeze().exp())
case('squeeze_dim', [N(1, 3, 1, 2)], lambda a: a.squeeze(2).exp())
case('unsqueeze', [N(3, 2)], lambda a: a.unsqueeze(1) * N_CONST_132)
case('flatten', [N(2, 3, 4)], lambda a: a.flatten().exp())
case('flatten_from1', [N(2, 3, 4)], lambda a: a.flatten(1).exp())
case('contiguous_t', [N(3, 4)], lambda a: a.t().contiguous().view(-1).exp())
case('contiguous_permute', [N(2, 3, 4)], lambda a: a.permute(1, 2, 0).contiguous().view(3, 8).sin())
case('reshape_noncontig', [N(3, 4)], lambda a: a.t().reshape(2, 6).exp())
case('add_noncontig', [N(4, 3), N(3, 4)], lambda a, b: a.t() + b)
case('sum_permuted', [N(2, 3, 4)], lambda a: a.permute(2, 0, 1).sum(1))
case('exp_slice_step', [N(5, 6)], lambda a: a[::2, 1::2].exp())
case('matmul_sliced', [N(3, 8), N(4, 5)], lambda a, b: a[:, ::2].matmul(b))
case('softmax_transposed', [N(4, 3)], lambda a: a.t().softmax(-1))
case('flatten_noncontig', [N(3, 4)], lambda a: a.t().flatten().sin())

# -- wide ranges and special values (SIMD math over its whole range: tails, subnormals, ±inf, NaN)
INF, NAN = math.inf, math.nan
case('exp_wide', [V([-104.0, -90.0, -87.3, -50.0, -10.0, -1e-3, 0.0, 1e-6, 0.5, 10.0, 50.0, 80.0, 88.0])], lambda a: a.exp())
case('log_wide', [V([0.0, 1e-38, 1e-30, 1e-10, 1e-3, 0.5, 0.999, 1.0, 1.001, 2.0, 1e3, 1e10, 1e30, 3e38])], lambda a: a.log())
case('log_special', [V([-1.0, -0.0, 1e-45, 1e-40, INF, NAN], grad=False)], lambda a: a.log())
case('log1p_wide', [V([-0.999, -0.5, -1e-4, -1e-8, 0.0, 1e-8, 1e-4, 0.5, 1.0, 10.0, 1e6, 1e30])], lambda a: a.log1p())
case('log1p_special', [V([-1.0, -2.0, INF, NAN, 1e-45], grad=False)], lambda a: a.log1p())
case('exp_special', [V([-INF, INF, NAN, 89.0, 100.0, -110.0], grad=False)], lambda a: a.exp())
case('tanh_wide', [V([-20.0, -9.5, -9.0, -5.0, -1.0, -1e-3, -1e-6, 0.0, 1e-6, 1e-3, 0.3, 0.7, 1.0, 5.0, 9.0, 20.0])],
     lambda a: a.tanh())
case('sigmoid_special', [V([-INF, INF, NAN, -90.0, 90.0], grad=False)], lambda a: a.sigmoid())
case('sin_wide', [V([-100.0, -10.0, -3.14159, -1.0, -1e-4, 0.0, 1e-4, 1.0, 1.5707964, 3.1415927, 10.0, 100.0, 1000.0])],
     lambda a: a.sin())
case('cos_wide', [V([-100.0, -10.0, -3.14159, -1.0, -1e-4, 0.0, 1e-4, 1.0, 1.5707964, 3.1415927, 10.0, 100.0, 1000.0])],
     lambda a: a.cos())
case('gelu_wide', [V([-20.0, -10.0, -5.0, -3.0, -1.0, -0.1, 0.0, 0.1, 1.0, 3.0, 5.0, 10.0, 20.0])], lambda a: F.gelu(a))
case('gelu_tanh_wide', [V([-20.0, -10.0, -5.0, -3.0, -1.0, -0.1, 0.0, 0.1, 1.0, 3.0, 5.0, 10.0, 20.0])],
     lambda a: F.gelu(a, approximate='tanh'))
case('silu_wide', [V([-100.0, -20.0, -5.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 5.0, 20.0, 100.0])], lambda a: F.silu(a))
case('softplus_threshold', [V([-90.0, -20.0, 19.5, 19.99, 20.0, 20.01, 20.5])], lambda a: F.softplus(a))
case('sqrt_wide', [V([0.0, 1e-30, 1e-10, 0.25, 1.0, 4.0, 1e10, 1e30])], lambda a: a.sqrt())
case('rsqrt_wide', [V([1e-30, 1e-10, 0.25, 1.0, 4.0, 1e10, 1e30])], lambda a: a.rsqrt())
case('sqrt_rsqrt_special', [V([-1.0, 0.0, -0.0, INF, NAN], grad=False)], lambda a: torch.stack([a.sqrt(), a.rsqrt()]))
case('relu_abs_at_zero', [V([-1.0, 0.0, 2.0, -0.0])], lambda a: torch.stack([a.relu(), a.abs()]))
case('clamp_at_bounds', [V([-1.0, -0.5, 0.0, 0.5, 1.0])], lambda a: a.clamp(-0.5, 0.5))
case('nan_propagation', [V([NAN, 1.0, NAN, -2.0, 0.5], grad=False), V([0.0, NAN, NAN, 3.0, 0.5], grad=False)],
     lambda a, b: torch.stack([torch.maximum(a, b), torch.minimum(a, b), a.relu(), a.clamp(-1.0, 1.0), a + b]))
case('div_by_zero', [V([1.0, -1.0, 0.0, 2.0], grad=False), V([0.0, 0.0, 0.0, -0.0], grad=False)], lambda a, b: a / b)
case('pow_edge', [V([-2.0, -1.5, 0.0, 0.0, 2.0, 3.0, 0.5]), V([3.0, 2.0, 2.0, 0.0, 0.0, -1.0, 0.5])], lambda a, b: a ** b)
case('pow_scalar_at_zero', [V([-2.0, -0.5, 0.0, 0.5, 3.0])], lambda a: torch.stack([a ** 2, a ** 0, a ** 1]))
case('max_dim_nan', [V([[1.0, NAN, 3.0], [2.0, 5.0, -1.0]], grad=False)], lambda a: tuple(a.max(1)))
case('argmax_nan', [V([[1.0, NAN, 3.0], [2.0, 5.0, -1.0]], grad=False)], lambda a: a.argmax(1))
case('sum_inf', [V([[INF, -INF, 1.0], [INF, 2.0, 1.0]], grad=False)], lambda a: a.sum(1))

case('max_all_nan', [V([[1.0, NAN, 3.0], [2.0, 5.0, -1.0]], grad=False)], lambda a: torch.stack([a.max(), a.min()]))
case('sort_nan', [V([[3.0, NAN, -1.0, 2.0], [0.5, -0.5, 4.0, NAN]], grad=False)], lambda a: tuple(a.sort(1)))
case('softmax_all_neg_inf', [V([[NEG_INF, NEG_INF, NEG_INF], [0.0, NEG_INF, 1.0]], grad=False)], lambda a: a.softmax(1))
case('logsumexp_inf_rows', [V([[NEG_INF, NEG_INF, NEG_INF], [0.0, NEG_INF, 1.0], [INF, 0.0, 1.0]], grad=False)],
     lambda a: a.logsumexp(1))
case('argmax_ties', [V([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0], [-1.0, 5.0, -1.0, 5.0]], grad=False)],
     lambda a: torch.stack([a.argmax(1), a.argmin(1)]))
case('argmax_all_ties', [V([[1.0, 5.0, 3.0], [5.0, -2.0, -2.0]], grad=False)], lambda a: torch.stack([a.argmax(), a.argmin()]))
case('max_dim_ties', [V([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0], [-1.0, 5.0, -1.0, 5.0]])], lambda a: tuple(a.max(1)))
case('min_dim_ties', [V([[1.0, 0.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0], [-1.0, 5.0, -1.0, 5.0]])], lambda a: tuple(a.min(1)))

# -- 0-d tensors, stride-0 (expanded) and other non-contiguous operands
case('scalar_0d_ops', [N(), N(3)], lambda s, v: (s.exp() * v + s).sum() * s)
case('matmul_3d_1d', [N(2, 3, 4), N(4)], lambda a, b: a.matmul(b))
case('matmul_expanded_batch', [N(3, 4), N(2, 4, 5)], lambda a, b: a.expand(2, 3, 4).matmul(b))
case('cat_noncontig', [N(3, 2), N(3, 3)], lambda a, b: torch.cat([a.t(), b], 0))
case('scatter_add_noncontig_self', [N(4, 3), Ix(3, 5, high=4), N(3, 5)], lambda a, i, s: a.t().scatter_add(1, i, s))
case('masked_fill_expanded_mask', [N(2, 3, 4), Mask(3, 1)], lambda a, m: a.masked_fill(m.expand(3, 4), 1.5))
case('softmax_expanded', [N(3, 1)], lambda a: a.expand(3, 4).softmax(1))
case('sum_expanded', [N(1, 4)], lambda a: a.expand(3, 4).sum(0))

# -- empty and size-1 dims
case('sum_empty', [N(0, 3)], lambda a: a.sum(0))
case('mean_empty', [N(0, 3, grad=False)], lambda a: a.mean(0))
case('prod_empty', [N(0, 3, grad=False)], lambda a: a.prod(0))
case('cat_empty', [N(2, 0), N(2, 3)], lambda a, b: torch.cat([a, b], 1))
case('matmul_k0', [N(2, 0), N(0, 3)], lambda a, b: a.matmul(b))
case('exp_empty', [N(3, 0)], lambda a: a.exp())
case('softmax_size1', [N(3, 1)], lambda a: a.softmax(1))
case('var_size1_biased', [N(3, 1)], lambda a: a.var(1, unbiased=False))
case('sum_size1_dims', [N(1, 3, 1)], lambda a: a.sum((0, 2), keepdim=True))
case('max_size1_dim', [N(4, 1)], lambda a: tuple(a.max(1)))
case('matmul_size1', [N(1, 1, 4), N(4, 1)], lambda a, b: a.matmul(b))

# -- integer and bool dtypes (PyTorch promotion rules)
case('add_int', [V([[1, -2, 3], [4, 5, -6]], dtype=torch.int64), V([10, 20, 30], dtype=torch.int64)], lambda a, b: a + b)
case('mul_int_float_scalar', [V([1, -2, 3, 4], dtype=torch.int64)], lambda a: a * 2.5)
case('add_int_float_tensor', [V([1, -2, 3, 4], dtype=torch.int64), N(4)], lambda a, b: a + b)
case('div_int', [V([7, -7, 6, 1], dtype=torch.int64), V([2, 2, 3, 4], dtype=torch.int64)], lambda a, b: a / b)
case('sum_int', [V([[1, -2, 3], [4, 5, -6]], dtype=torch.int64)], lambda a: a.sum(1))
case('sum_bool', [Mask(3, 4)], lambda a: a.sum())
case('argmax_int', [V([[1, 7, 3], [9, 5, 9]], dtype=torch.int64)], lambda a: a.argmax(1))
case('gt_int_float_scalar', [V([1, -2, 3, 4], dtype=torch.int64)], lambda a: a > 2.5)
case('max_int_dim', [V([[1, 7, 3], [8, 5, 2]], dtype=torch.int64)], lambda a: tuple(a.max(1)))
case('sort_int', [V([[3, 1, 2], [0, -5, 9]], dtype=torch.int64)], lambda a: tuple(a.sort(1)))
case('where_int', [Mask(2, 3), V([[1, 2, 3], [4, 5, 6]], dtype=torch.int64), V([-1, -2, -3], dtype=torch.int64)],
     lambda c, a, b: torch.where(c, a, b))
case('add_bool', [Mask(3, 4), Mask(3, 4)], lambda a, b: a + b)

# -- non-contiguous inputs to reductions, softmax, index and sort ops
case('max_dim_transposed', [N(4, 3)], lambda a: tuple(a.t().max(1)))
case('var_transposed', [N(4, 3)], lambda a: a.t().var(1))
case('logsumexp_permuted', [N(2, 3, 4)], lambda a: a.permute(2, 1, 0).logsumexp(1))
case('gather_transposed', [N(4, 3), Ix(3, 2, high=4)], lambda a, i: a.t().gather(1, i))
case('index_select_sliced', [N(4, 6), V([2, 0], dtype=torch.int64)], lambda a, i: a[:, ::2].index_select(1, i))
case('sort_transposed', [N(4, 3)], lambda a: tuple(a.t().sort(1)))
case('topk_sliced', [N(3, 10)], lambda a: tuple(a[:, 1::2].topk(2)))
case('cumulative_view_chain', [N(2, 3, 4)], lambda a: a.transpose(1, 2)[:, 1:, :].reshape(2, 9).softmax(1))

# -- longer rows (vector bodies and tails) and sizes that engage the thread pool
case('softmax_long_row', [N(2, 300, scale=3.0)], lambda a: a.softmax(-1))
case('log_softmax_long_row', [N(2, 300, scale=3.0)], lambda a: a.log_softmax(-1))
case('logsumexp_long_row', [N(2, 300, scale=3.0)], lambda a: a.logsumexp(-1))
case('max_long_row', [N(3, 100)], lambda a: tuple(a.max(1)))
case('argmin_long_row', [N(3, 100, grad=False)], lambda a: a.argmin(1))
case('sort_long_row', [N(2, 100)], lambda a: tuple(a.sort(1)))
case('gelu_long', [N(5, 67, scale=3.0)], lambda a: F.gelu(a))
case('sin_threaded', [N(64, 80, scale=3.0)], lambda a: a.sin())
case('matmul_threaded', [N(48, 80), N(80, 64)], lambda a, b: a.matmul(b))

# -- composites
case('mlp_relu_square_mean', [N(4, 6, grad=False), N(6, 5)], lambda x, w: x.matmul(w).relu().square().mean())
case('mlp_two_layers', [N(4, 6, grad=False), N(6, 5), N(5), N(5, 3)],
     lambda x, w1, b1, w2: (x.matmul(w1) + b1).tanh().matmul(w2).sigmoid().sum())
case('cross_entropy', [N(4, 5, scale=2.0), V([1, 0, 4, 2], dtype=torch.int64)],
     lambda z, t: -z.log_softmax(1).gather(1, t.unsqueeze(1)).mean())
case('cross_entropy_large', [N(4, 5, scale=1e3), V([1, 0, 4, 2], dtype=torch.int64)],
     lambda z, t: -z.log_softmax(1).gather(1, t.unsqueeze(1)).mean())
case('layer_norm', [N(3, 6, shift=1.0), N(6), N(6)],
     lambda x, g, b: (x - x.mean(-1, keepdim=True)) / (x.var(-1, unbiased=False, keepdim=True) + 1e-5).sqrt() * g + b)
case('attention', [N(2, 3, 4), N(2, 3, 4), N(2, 3, 4)],
     lambda q, k, v: (q.matmul(k.mT) / 2.0).softmax(-1).matmul(v))
case('mse', [N(4, 3), N(4, 3, grad=False)], lambda p, y: (p - y).pow(2).mean())


# ---------------------------------------------------------------------------- encoding

def f32(v):
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Infinity' if v > 0 else '-Infinity'
    # shortest decimal that round-trips to the same float32
    return float(str(np.float32(v)))


def encode(t):
    t = t.detach().contiguous()
    if t.dtype == torch.float32:
        data = [f32(v) for v in t.reshape(-1).tolist()]
    elif t.dtype == torch.bool:
        data = [int(v) for v in t.reshape(-1).tolist()]
    elif t.dtype in (torch.int64, torch.int32):
        data = [int(v) for v in t.reshape(-1).tolist()]
    else:
        raise TypeError(f'unexpected dtype {t.dtype}')
    return {'shape': list(t.shape), 'dtype': str(t.dtype).replace('torch.', ''), 'data': data}


def seed_of(name, salt):
    return zlib.crc32(f'{name}/{salt}'.encode())


def run_case(name, specs, fn):
    g = torch.Generator().manual_seed(seed_of(name, 'inputs'))
    inputs = []
    for spec in specs:
        x = spec.make(g)
        if x.dtype == torch.float64:
            x = x.float()
        x = x.detach().clone()
        if spec.grad:
            x.requires_grad_(True)
        inputs.append(x)
    out = fn(*inputs)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    gw = torch.Generator().manual_seed(seed_of(name, 'weights'))
    weights = []
    loss = None
    for o in outs:
        if o.dtype == torch.float32 and o.requires_grad:
            w = torch.randn(o.shape, generator=gw)
            weights.append(w)
            term = (o * w).sum()
            loss = term if loss is None else loss + term
        else:
            weights.append(None)
    grads = [None] * len(inputs)
    if loss is not None:
        leaves = [x for x in inputs if x.requires_grad]
        got = torch.autograd.grad(loss, leaves, allow_unused=True)
        it = iter(got)
        for i, x in enumerate(inputs):
            if x.requires_grad:
                gr = next(it)
                grads[i] = torch.zeros_like(x) if gr is None else gr
    for o in outs:
        assert o.dtype in (torch.float32, torch.int64, torch.bool), (name, o.dtype)
    enc_in = []
    for x in inputs:
        e = encode(x)
        e['requires_grad'] = bool(x.requires_grad)
        enc_in.append(e)
    return {
        'name': name,
        'inputs': enc_in,
        'outputs': [encode(o) for o in outs],
        'weights': [None if w is None else {'shape': list(w.shape), 'data': encode(w)['data']} for w in weights],
        'grads': [None if gr is None else {'shape': list(gr.shape), 'data': encode(gr)['data']} for gr in grads],
    }


def main():
    names = [c[0] for c in CASES]
    dupes = {n for n in names if names.count(n) > 1}
    assert not dupes, f'duplicate case names: {sorted(dupes)}'
    doc = {
        'generator': 'scripts/make_engine_fixtures.py',
        'torch': torch.__version__,
        'loss': 'sum_k (out_k * weights_k).sum() over floating outputs that require grad',
        'cases': [run_case(*c) for c in CASES],
    }
    text = json.dumps(doc, separators=(',', ':'), allow_nan=False)
    assert len(text) < MAX_BYTES, f'{OUT} would be {len(text)} bytes; use smaller shapes'
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        f.write(text)
        f.write('\n')
    print(f'wrote {OUT}: {len(CASES)} cases, {len(text)} bytes (torch {torch.__version__})')


if __name__ == '__main__':
    main()
