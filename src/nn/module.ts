/**
 * `nn.Module`: the base class of layers and models, with PyTorch's semantics.
 *
 * A module owns parameters (learnable leaves), buffers (state such as BatchNorm's running
 * statistics) and child modules, each under a name. Fields holding an `nn.Parameter` or a
 * `Module` are discovered by walking the object's own enumerable properties in declaration
 * order (so `this.fc = new nn.Linear(...)` registers `fc`); `registerParameter`,
 * `registerBuffer` and `registerModule` register explicitly. Arrays are not searched: use
 * `nn.ModuleList`. Names compose with dots exactly as PyTorch's (`layers.0.weight`,
 * `bn.running_mean`), so a state dict moves between dlflow and PyTorch unchanged.
 */
import { noGrad } from '../autograd/grad_mode.js';
import { keep } from '../core/scope.js';
import { Tensor } from '../core/tensor.js';
import type { DType } from '../base/dtype.js';
import { Parameter } from './parameter.js';
import { addIndent } from './repr.js';
import { summarize, type ModelSummary, type SummaryOptions } from './summary.js';
import type { FunctionalForm } from './functional/fusion.js';

/** Parameters and persistent buffers by dotted name (insertion order = PyTorch's order). */
export type StateDict = Record<string, Tensor>;

/** What `loadStateDict(dict, { strict: false })` reports. */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Argument of `module.to(...)`: a dtype, a device, or both. */
export type ToTarget = DType | 'cpu' | { dtype?: DType; device?: 'cpu' };

const torchSize = (shape: readonly number[]): string => `torch.Size([${shape.join(', ')}])`;

function checkName(kind: string, name: string): void {
  if (typeof name !== 'string' || name === '') throw new TypeError(`${kind} name must be a non-empty string, got ${JSON.stringify(name)}`);
  if (name.includes('.')) throw new Error(`${kind} name can't contain ".", got ${JSON.stringify(name)}`);
}

/**
 * Base class for all neural-network modules. Subclass it, create layers in the constructor and
 * connect them in `forward`.
 *
 * @example
 * class Net extends nn.Module {
 *   fc1 = new nn.Linear(4, 8);
 *   fc2 = new nn.Linear(8, 2);
 *   forward(x: dl.Tensor) { return this.fc2.forward(this.fc1.forward(x).relu()); }
 * }
 * const net = new Net();
 * net.namedParameters().map(([n]) => n); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 */
export class Module {
  /** Training mode (dropout active, batch statistics in BatchNorm); switch with `train()`/`eval()`. */
  training = true;
  readonly #params = new Map<string, Tensor | null>();
  readonly #buffers = new Map<string, Tensor | null>();
  readonly #nonPersistent = new Set<string>();
  readonly #modules = new Map<string, Module | null>();
  /** Names registered by field discovery (updated when the field is reassigned). */
  readonly #fromField = new Set<string>();

  /** The computation. Subclasses override it; call it as `module.forward(x)`. */
  forward(..._inputs: any[]): any {
    throw new Error(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  /**
   * What `forward` computes as a functional call, for fusing it with its neighbours in a
   * container (nn/functional/fusion.ts); null (the default) never fuses. A layer returns its
   * form only while `forward` is its own class's, so a subclass or a replaced `forward` is
   * run as written.
   */
  functionalForm(): FunctionalForm | null {
    return null;
  }

  /** Extra text inside the parentheses of `toString()` (PyTorch's `extra_repr`). */
  extraRepr(): string {
    return '';
  }

  /** @internal Containers (Sequential, ModuleList, ModuleDict) are skipped by `summary`. */
  isContainer(): boolean {
    return false;
  }

  // ---------------------------------------------------------------- registration

  /** Pick up Parameter and Module fields assigned since the last look. */
  #sync(): void {
    for (const key of Object.keys(this)) {
      const value = (this as unknown as Record<string, unknown>)[key];
      if (value instanceof Parameter) {
        if (this.#buffers.has(key) || (this.#modules.has(key) && !this.#fromField.has(key))) continue;
        this.#modules.delete(key);
        this.#params.set(key, value);
        this.#fromField.add(key);
      } else if (value instanceof Module) {
        if (this.#buffers.has(key) || (this.#params.has(key) && !this.#fromField.has(key))) continue;
        this.#params.delete(key);
        this.#modules.set(key, value);
        this.#fromField.add(key);
      } else if (this.#fromField.has(key)) {
        if (value === null || value === undefined) {
          if (this.#params.has(key)) this.#params.set(key, null);
          if (this.#modules.has(key)) this.#modules.set(key, null);
        }
      } else if (value instanceof Tensor && this.#buffers.has(key) && this.#buffers.get(key) !== value) {
        this.#buffers.set(key, keep(value));
      }
    }
  }

  /**
   * Register a parameter under `name` (a Parameter, or any float tensor; null reserves the name).
   *
   * @example
   * this.registerParameter('scale', new nn.Parameter(dl.ones([1])));
   */
  registerParameter(name: string, param: Tensor | null): void {
    checkName('parameter', name);
    this.#sync();
    if (this.#buffers.has(name) || this.#modules.has(name)) throw new Error(`registerParameter: attribute "${name}" already exists as a ${this.#buffers.has(name) ? 'buffer' : 'module'}`);
    if (param !== null && !(param instanceof Tensor)) throw new TypeError(`registerParameter: cannot assign ${typeof param} as parameter "${name}" (a Tensor or null is required)`);
    if (param !== null && !param.isLeaf) throw new Error(`registerParameter: cannot assign non-leaf tensor as parameter "${name}"; detach it first`);
    this.#params.set(name, param === null ? null : keep(param));
  }

  /**
   * Register a buffer: state saved in the state dict (unless `persistent` is false) but not learnt.
   *
   * @example
   * this.registerBuffer('running_mean', dl.zeros([4]));
   */
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    checkName('buffer', name);
    this.#sync();
    if (this.#params.has(name) || this.#modules.has(name)) throw new Error(`registerBuffer: attribute "${name}" already exists as a ${this.#params.has(name) ? 'parameter' : 'module'}`);
    if (tensor !== null && !(tensor instanceof Tensor)) throw new TypeError(`registerBuffer: cannot assign ${typeof tensor} as buffer "${name}" (a Tensor or null is required)`);
    this.#buffers.set(name, tensor === null ? null : keep(tensor));
    if (persistent) this.#nonPersistent.delete(name);
    else this.#nonPersistent.add(name);
  }

  /**
   * Register a child module under `name` (what a field assignment does implicitly).
   *
   * @example
   * this.registerModule('head', new nn.Linear(8, 2));
   */
  registerModule(name: string, module: Module | null): void {
    checkName('module', name);
    this.#sync();
    if (this.#params.has(name) || this.#buffers.has(name)) throw new Error(`registerModule: attribute "${name}" already exists as a ${this.#params.has(name) ? 'parameter' : 'buffer'}`);
    if (module !== null && !(module instanceof Module)) throw new TypeError(`registerModule: ${typeof module} is not a Module subclass`);
    this.#modules.set(name, module);
    this.#fromField.delete(name);
  }

  /** Alias of `registerModule` (PyTorch's `add_module`). */
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  /** The buffer registered under `name` (null if registered as null); throws if unknown. */
  getBuffer(name: string): Tensor | null {
    const [owner, leaf] = this.#resolve(name, 'buffer');
    if (!owner.#buffers.has(leaf)) throw new Error(`${owner.constructor.name} has no buffer "${leaf}"`);
    return owner.#buffers.get(leaf)!;
  }

  /** The parameter with this dotted name (`'layers.0.weight'`); throws if unknown. */
  getParameter(name: string): Tensor | null {
    const [owner, leaf] = this.#resolve(name, 'parameter');
    owner.#sync();
    if (!owner.#params.has(leaf)) throw new Error(`${owner.constructor.name} has no parameter "${leaf}"`);
    return owner.#params.get(leaf)!;
  }

  /** The submodule with this dotted name (`'layers.0'`; `''` is this module). */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    return target.split('.').reduce<Module>((mod, part) => {
      mod.#sync();
      const next = mod.#modules.get(part);
      if (next === undefined || next === null) throw new Error(`${mod.constructor.name} has no submodule "${part}" (looking up "${target}")`);
      return next;
    }, this);
  }

  #resolve(name: string, _what: string): [Module, string] {
    const dot = name.lastIndexOf('.');
    return dot < 0 ? [this, name] : [this.getSubmodule(name.slice(0, dot)), name.slice(dot + 1)];
  }

  /** @internal Registered children in order, without de-duplication (a Sequential may repeat one). */
  protected moduleEntries(): [string, Module][] {
    this.#sync();
    return [...this.#modules].filter((e): e is [string, Module] => e[1] !== null);
  }

  /** @internal Remove a child module registration (containers use it to renumber). */
  protected unregisterModule(name: string): void {
    this.#modules.delete(name);
    this.#fromField.delete(name);
  }

  /** @internal Replace a registered buffer's tensor (the old one is disposed unless `dispose` is false). */
  protected setBuffer(name: string, tensor: Tensor, dispose = true): void {
    const old = this.#buffers.get(name);
    if (old === undefined) throw new Error(`${this.constructor.name} has no buffer "${name}"`);
    this.#buffers.set(name, keep(tensor));
    if (dispose && old !== null && old !== tensor) old.dispose();
  }

  // ---------------------------------------------------------------- traversal

  /** Direct children with their names, each once. */
  namedChildren(): [string, Module][] {
    this.#sync();
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    for (const [name, m] of this.#modules) {
      if (m === null || seen.has(m)) continue;
      seen.add(m);
      out.push([name, m]);
    }
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and all descendants, pre-order, each once; this module's name is `prefix` (''). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (m: Module, name: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [child, sub] of m.namedChildren()) visit(sub, name === '' ? child : `${name}.${child}`);
    };
    visit(this, prefix);
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  #namedMembers(kind: 'params' | 'buffers', prefix: string, recurse: boolean): [string, Tensor][] {
    const mods: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    for (const [modName, m] of mods) {
      m.#sync();
      for (const [name, t] of kind === 'params' ? m.#params : m.#buffers) {
        if (t === null || seen.has(t)) continue;
        seen.add(t);
        out.push([modName === '' ? name : `${modName}.${name}`, t]);
      }
    }
    return out;
  }

  /**
   * Parameters with dotted names, in PyTorch's order (own first, then each child's), shared ones once.
   *
   * @example
   * new nn.Linear(3, 2).namedParameters().map(([n, p]) => [n, p.shape]); // [['weight', [2, 3]], ['bias', [2]]]
   */
  namedParameters(prefix = '', recurse = true): [string, Tensor][] {
    return this.#namedMembers('params', prefix, recurse);
  }

  /** All parameters (what an optimizer takes). */
  parameters(recurse = true): Tensor[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    return this.#namedMembers('buffers', prefix, recurse);
  }

  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  // ---------------------------------------------------------------- modes and bulk operations

  /** Set training mode here and in every descendant (each child's own `train` is called). */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError('train: training mode is expected to be boolean');
    this.training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Clear the gradients of every parameter: set to null (disposing them), or zero them in place
   * when `setToNone` is false.
   */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (setToNone) p.grad = null;
      else noGrad(() => p.grad!.zero_());
    }
  }

  /**
   * Call `fn` on every descendant (children first) and then on this module.
   *
   * @example
   * model.apply((m) => { if (m instanceof nn.Linear) nn.init.zeros_(m.bias!); });
   */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** Set `requiresGrad` on every parameter (freeze with `false`). */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Move/cast parameters and buffers. Only device 'cpu' and dtype float32 exist, so this checks
   * the request and returns `this` (PyTorch casts floating tensors only; integer buffers keep
   * their dtype).
   */
  to(target: ToTarget): this {
    const spec = typeof target === 'string' ? (target === 'cpu' ? { device: 'cpu' } : { dtype: target }) : target;
    const { dtype, device } = spec as { dtype?: string; device?: string };
    if (device !== undefined && device !== 'cpu') throw new Error(`Module.to: unknown device ${JSON.stringify(device)}; available: 'cpu'`);
    if (dtype !== undefined && dtype !== 'float32') {
      throw new TypeError(`Module.to: nn.Module.to only accepts floating point dtypes, but got desired dtype=${dtype}`);
    }
    return this;
  }

  /** Free every parameter and buffer of this module and its descendants. The module is unusable afterwards. */
  dispose(): void {
    for (const m of this.modules()) {
      for (const t of m.#params.values()) t?.dispose();
      for (const t of m.#buffers.values()) t?.dispose();
    }
  }

  // ---------------------------------------------------------------- state dict

  #collectState(dest: StateDict, prefix: string, keepVars: boolean): void {
    this.#sync();
    for (const [name, p] of this.#params) if (p !== null) dest[prefix + name] = keepVars ? p : p.detach();
    for (const [name, b] of this.#buffers) {
      if (b !== null && !this.#nonPersistent.has(name)) dest[prefix + name] = keepVars ? b : b.detach();
    }
    for (const [name, m] of this.#modules) if (m !== null) m.#collectState(dest, `${prefix}${name}.`, keepVars);
  }

  /**
   * Parameters and persistent buffers by PyTorch's key names. Values are detached views sharing
   * the module's memory (dispose them, or call inside `dl.tidy`); `keepVars` returns the
   * module's own tensors instead.
   *
   * @example
   * Object.keys(new nn.BatchNorm1d(4).stateDict());
   * // ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
   */
  stateDict(options: { keepVars?: boolean; prefix?: string } = {}): StateDict {
    const dest: StateDict = {};
    this.#collectState(dest, options.prefix ?? '', options.keepVars ?? false);
    return dest;
  }

  /**
   * Copy values from `dict` into the parameters and buffers with the same names. With `strict`
   * (default) missing and unexpected keys are an error; shape mismatches always are. All
   * problems are reported in one error, as PyTorch does, and nothing is copied unless all pass.
   *
   * @example
   * const copy = new Net();
   * copy.loadStateDict(net.stateDict());
   */
  loadStateDict(dict: StateDict, options: { strict?: boolean } = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    if (dict === null || typeof dict !== 'object') throw new TypeError('loadStateDict: expected an object mapping names to tensors');
    const own = this.stateDict({ keepVars: true });
    const missingKeys = Object.keys(own).filter((k) => !(k in dict));
    const unexpectedKeys = Object.keys(dict).filter((k) => !(k in own));
    const errors: string[] = [];
    if (strict && unexpectedKeys.length > 0) errors.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
    if (strict && missingKeys.length > 0) errors.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
    const pairs: [Tensor, Tensor][] = [];
    for (const [key, target] of Object.entries(own)) {
      if (!(key in dict)) continue;
      const src = dict[key];
      if (!(src instanceof Tensor)) {
        errors.push(`While copying the parameter named "${key}", expected a Tensor from checkpoint but received ${typeof src}`);
      } else if (src.shape.join() !== target.shape.join()) {
        errors.push(`size mismatch for ${key}: copying a param with shape ${torchSize(src.shape)} from checkpoint, the shape in current model is ${torchSize(target.shape)}.`);
      } else {
        pairs.push([target, src]);
      }
    }
    if (errors.length > 0) throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`);
    noGrad(() => {
      for (const [target, src] of pairs) target.copy_(src);
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---------------------------------------------------------------- printing and summary

  /**
   * The module tree as PyTorch's `print(model)` shows it.
   *
   * @example
   * String(new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU()));
   * // Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n)
   */
  toString(): string {
    this.#sync();
    const extra = this.extraRepr();
    const extraLines = extra === '' ? [] : extra.split('\n');
    const childLines = [...this.#modules].map(([name, m]) => `(${name}): ${addIndent(m === null ? 'None' : m.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let text = `${this.constructor.name}(`;
    if (lines.length > 0) {
      text += extraLines.length === 1 && childLines.length === 0 ? extraLines[0] : `\n  ${lines.join('\n  ')}\n`;
    }
    return `${text})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /**
   * Run a forward pass on zeros of `inputShape` (in eval mode, without grad) and tabulate each
   * layer's output shape and parameter counts, the totals and the model size in bytes.
   *
   * @example
   * console.log(model.summary([1, 784]).toString());
   */
  summary(inputShape: readonly number[], options: SummaryOptions = {}): ModelSummary {
    return summarize(this, inputShape, options);
  }
}
