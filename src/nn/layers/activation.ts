/**
 * Activation layers: thin modules over `nn.functional`, each with PyTorch's `extraRepr`.
 * `inplace` is accepted for compatibility and ignored (dlflow returns new tensors).
 */
import type { Tensor } from '../../core/tensor.js';
import * as F from '../functional/activation.js';
import type { FunctionalForm } from '../functional/fusion.js';
import { constant_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyFloat, pyNumber } from '../repr.js';

const inplaceRepr = (inplace: boolean): string => (inplace ? 'inplace=True' : '');

/** max(0, x). @example new nn.ReLU().forward(x); */
export class ReLU extends Module {
  constructor(readonly inplace = false) { super(); }
  override forward(x: Tensor): Tensor { return F.relu(x); }
  override functionalForm(): FunctionalForm | null { return this.forward === ReLU.prototype.forward ? { op: 'relu' } : null; }
  override extraRepr(): string { return inplaceRepr(this.inplace); }
}

/** clamp(x, minVal, maxVal) (default −1, 1). @example new nn.Hardtanh(-2, 2).forward(x); */
export class Hardtanh extends Module {
  constructor(readonly minVal = -1, readonly maxVal = 1, readonly inplace = false) {
    super();
    if (maxVal < minVal) throw new RangeError(`Hardtanh: minVal (${minVal}) cannot be greater than maxVal (${maxVal})`);
  }
  override forward(x: Tensor): Tensor { return F.hardtanh(x, this.minVal, this.maxVal); }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** min(max(0, x), 6). @example new nn.ReLU6().forward(x); */
export class ReLU6 extends Hardtanh {
  constructor(inplace = false) { super(0, 6, inplace); }
  override extraRepr(): string { return inplaceRepr(this.inplace); }
}

/** x if x > 0 else negativeSlope·x. @example new nn.LeakyReLU(0.2).forward(x); */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01, readonly inplace = false) { super(); }
  override forward(x: Tensor): Tensor { return F.leakyRelu(x, this.negativeSlope); }
  override extraRepr(): string { return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`; }
}

/**
 * x if x > 0 else a·x with learnt a: one shared (default) or one per channel (dim 1), init 0.25.
 *
 * @example
 * new nn.PReLU(16).forward(dl.randn([8, 16]));
 */
export class PReLU extends Module {
  weight: Parameter;
  constructor(readonly numParameters = 1, readonly init = 0.25) {
    super();
    this.weight = Parameter.empty([numParameters]);
    this.resetParameters();
  }
  resetParameters(): void { constant_(this.weight, this.init); }
  override forward(x: Tensor): Tensor { return F.prelu(x, this.weight); }
  override extraRepr(): string { return `num_parameters=${this.numParameters}`; }
}

/** x if x > 0 else α(eˣ−1). @example new nn.ELU().forward(x); */
export class ELU extends Module {
  constructor(readonly alpha = 1, readonly inplace = false) { super(); }
  override forward(x: Tensor): Tensor { return F.elu(x, this.alpha); }
  override extraRepr(): string { return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`; }
}

/** scale·elu(x, α) with SELU's constants. @example new nn.SELU().forward(x); */
export class SELU extends Module {
  constructor(readonly inplace = false) { super(); }
  override forward(x: Tensor): Tensor { return F.selu(x); }
  override extraRepr(): string { return inplaceRepr(this.inplace); }
}

/** max(0,x) + min(0, α(e^{x/α}−1)). @example new nn.CELU(2).forward(x); */
export class CELU extends Module {
  constructor(readonly alpha = 1, readonly inplace = false) { super(); }
  override forward(x: Tensor): Tensor { return F.celu(x, this.alpha); }
  override extraRepr(): string { return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`; }
}

/** x·Φ(x) (exact) or its tanh approximation. @example new nn.GELU('tanh').forward(x); */
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') { super(); }
  override forward(x: Tensor): Tensor { return F.gelu(x, this.approximate); }
  override extraRepr(): string { return `approximate='${this.approximate}'`; }
}

/** x·σ(x). @example new nn.SiLU().forward(x); */
export class SiLU extends Module {
  constructor(readonly inplace = false) { super(); }
  override forward(x: Tensor): Tensor { return F.silu(x); }
  override extraRepr(): string { return inplaceRepr(this.inplace); }
}

/** x·tanh(softplus(x)). @example new nn.Mish().forward(x); */
export class Mish extends Module {
  constructor(readonly inplace = false) { super(); }
  override forward(x: Tensor): Tensor { return F.mish(x); }
  override extraRepr(): string { return inplaceRepr(this.inplace); }
}

/** x·relu6(x+3)/6. @example new nn.Hardswish().forward(x); */
export class Hardswish extends Module {
  constructor(readonly inplace = false) { super(); }
  override forward(x: Tensor): Tensor { return F.hardswish(x); }
  override extraRepr(): string { return inplaceRepr(this.inplace); }
}

/** 1/(1+e⁻ˣ). @example new nn.Sigmoid().forward(x); */
export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor { return F.sigmoid(x); }
}

/** tanh(x). @example new nn.Tanh().forward(x); */
export class Tanh extends Module {
  override forward(x: Tensor): Tensor { return F.tanh(x); }
}

/** (1/β)·log(1+e^{βx}), x where βx > threshold. @example new nn.Softplus(2).forward(x); */
export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) { super(); }
  override forward(x: Tensor): Tensor { return F.softplus(x, this.beta, this.threshold); }
  override extraRepr(): string { return `beta=${pyNumber(this.beta)}, threshold=${pyNumber(this.threshold)}`; }
}

/** x/(1+|x|). @example new nn.Softsign().forward(x); */
export class Softsign extends Module {
  override forward(x: Tensor): Tensor { return F.softsign(x); }
}

/** softmax along `dim`. @example new nn.Softmax(1).forward(logits); */
export class Softmax extends Module {
  constructor(readonly dim: number) { super(); }
  override forward(x: Tensor): Tensor { return F.softmax(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}

/** log-softmax along `dim`. @example new nn.LogSoftmax(1).forward(logits); */
export class LogSoftmax extends Module {
  constructor(readonly dim: number) { super(); }
  override forward(x: Tensor): Tensor { return F.logSoftmax(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}
