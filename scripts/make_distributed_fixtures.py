#!/usr/bin/env python3
"""Writes PyTorch references for data-parallel training (test/fixtures/distributed/, read by
test/distributed_ddp.test.ts and test/autograd_hooks.test.ts).

Run with Debian's torch:  /usr/bin/python3 scripts/make_distributed_fixtures.py

- sampler.json: torch.utils.data.DistributedSampler's index lists (every rank) with shuffle=False,
  for dataset sizes that divide evenly, need padding (the first indices repeated, also more than
  once when the dataset is smaller than the number of replicas) and drop_last.
- hooks.json: when gradient hooks fire and what .grad holds then. Torch 1.13 has no
  Tensor.register_post_accumulate_grad_hook (2.1), so the reference is what it was built from:
  a post hook on the leaf's AccumulateGrad node (the hook DDP itself used before 2.1), which runs
  once per backward after the leaf's gradients of the pass are summed into .grad.
"""
import json
import os

import torch
from torch.utils.data import DistributedSampler

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'distributed')


def sampler_cases():
    cases = []
    for n, replicas, drop_last in [(10, 2, False), (11, 2, False), (11, 2, True), (10, 3, False), (10, 3, True),
                                   (2, 4, False), (1, 3, False), (7, 4, True), (13, 5, False), (100, 8, False),
                                   (3, 4, True), (0, 2, False), (9, 3, True), (5, 8, False)]:
        ranks = [list(DistributedSampler(range(n), num_replicas=replicas, rank=r, shuffle=False, drop_last=drop_last))
                 for r in range(replicas)]
        length = len(DistributedSampler(range(n), num_replicas=replicas, rank=0, shuffle=False, drop_last=drop_last))
        cases.append({'n': n, 'numReplicas': replicas, 'dropLast': drop_last, 'length': length, 'ranks': ranks})
    return cases


def accumulate_node(p):
    return p.expand_as(p).grad_fn.next_functions[0][0]


def hook_cases():
    """Each case: the calls a hook on w saw (w.grad at each call) over a sequence of backward passes."""
    out = {}

    def watch(w):
        calls = []
        node = accumulate_node(w)
        node.register_hook(lambda *_: calls.append(w.grad.detach().clone().tolist()))
        return calls, node  # keep the node alive

    # w used twice in one graph: one call, after both contributions are summed
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    calls, _n = watch(w)
    ((w * 2).sum() + (w * w).sum()).backward()
    out['used_twice'] = calls
    # two backward passes without zeroing: one call each, .grad accumulated
    w = torch.tensor([1.0, -1.0], requires_grad=True)
    calls, _n = watch(w)
    (w * 3).sum().backward()
    (w * w).sum().backward()
    out['accumulates'] = calls
    # the hook sees every path's gradient, also through a deep chain
    w = torch.tensor([0.5, 1.5], requires_grad=True)
    calls, _n = watch(w)
    y = w
    for _ in range(5):
        y = y * 1.5 + w
    y.sum().backward()
    out['chain'] = calls
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'sampler.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': sampler_cases()}, f)
        f.write('\n')
    with open(os.path.join(OUT, 'hooks.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': hook_cases()}, f)
        f.write('\n')


if __name__ == '__main__':
    main()
