/** A chain of modules applied in order. */
import { fusedChain } from '../functional/fusion.js';
import { Module } from '../module.js';
import { ModuleList } from './module_list.js';

/**
 * forward(x) = m_n(...m_2(m_1(x))). Children are named '0', '1', ... (or by the keys of an
 * object passed instead of a list, like PyTorch's OrderedDict form). Indexable (`seq.at(0)`,
 * `seq[0]`), appendable and sliceable. Consecutive layers whose functional forms have a fused
 * kernel (nn/functional/fusion.ts: a `Linear` then a `ReLU` runs as `F.linearRelu`) run as one
 * op: same values, same gradients, one pass less over the activations.
 *
 * @example
 * const mlp = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
 * mlp.forward(dl.randn([2, 784])).shape; // [2, 10]
 */
export class Sequential extends ModuleList {
  constructor(...modules: Module[] | [Record<string, Module>]) {
    const named = modules.length === 1 && !(modules[0] instanceof Module) ? (modules[0] as Record<string, Module>) : null;
    super(named === null ? (modules as Module[]) : []);
    if (named !== null) {
      for (const [name, m] of Object.entries(named)) this.registerModule(name, m);
    }
  }

  /** The modules in order (named or numbered). */
  #chain(): Module[] {
    return this.moduleEntries().map(([, m]) => m);
  }

  override at(index: number): Module {
    const chain = this.#chain();
    const i = index < 0 ? index + chain.length : index;
    if (!Number.isInteger(i) || i < 0 || i >= chain.length) throw new RangeError(`index ${index} is out of range for Sequential of length ${chain.length}`);
    return chain[i];
  }

  override get length(): number {
    return this.#chain().length;
  }

  /** A new Sequential sharing the modules start..end−1. */
  slice(start?: number, end?: number): Sequential {
    return new Sequential(...this.#chain().slice(start, end));
  }

  override [Symbol.iterator](): Iterator<Module> {
    return this.#chain()[Symbol.iterator]();
  }

  override forward(x: any): any {
    let out = x;
    const entries = this.moduleEntries();
    for (let i = 0; i < entries.length; i++) {
      const m = entries[i][1];
      const fused = fusedChain((k) => (i + k < entries.length ? entries[i + k][1].functionalForm() : null));
      if (fused !== null) {
        out = fused.run(out);
        i += fused.length - 1;
      } else {
        out = m.forward(out);
      }
    }
    return out;
  }
}
