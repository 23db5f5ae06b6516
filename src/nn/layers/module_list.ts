/** A list of modules registered under '0', '1', ... */
import { Module } from '../module.js';

/**
 * Holds submodules in a list, registered under their indices (so their parameters are named
 * `0.weight`, `1.weight`, ...). Index with `list.at(i)` or `list[i]`; it has no `forward`.
 *
 * @example
 * const blocks = new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 4)]);
 * for (const b of blocks) x = b.forward(x);
 */
export class ModuleList extends Module implements Iterable<Module> {
  readonly [index: number]: Module;
  #items: Module[] = [];

  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }

  /** Re-register every item under its current index (after an insert or removal). */
  #renumber(previousLength: number): void {
    for (let i = 0; i < previousLength; i++) {
      this.unregisterModule(String(i));
      delete (this as unknown as Record<string, unknown>)[String(i)];
    }
    this.#items.forEach((m, i) => {
      this.registerModule(String(i), m);
      Object.defineProperty(this, String(i), { value: m, enumerable: false, configurable: true, writable: false });
    });
  }

  get length(): number {
    return this.#items.length;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): Module {
    const i = index < 0 ? index + this.#items.length : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.#items.length) {
      throw new RangeError(`index ${index} is out of range for ${this.constructor.name} of length ${this.#items.length}`);
    }
    return this.#items[i];
  }

  append(module: Module): this {
    if (!(module instanceof Module)) throw new TypeError(`${this.constructor.name}.append: ${typeof module} is not a Module subclass`);
    const i = this.#items.length;
    this.#items.push(module);
    this.registerModule(String(i), module);
    Object.defineProperty(this, String(i), { value: module, enumerable: false, configurable: true, writable: false });
    return this;
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  insert(index: number, module: Module): this {
    const n = this.#items.length;
    const i = Math.max(0, Math.min(n, index < 0 ? index + n : index));
    this.#items.splice(i, 0, module);
    this.#renumber(n);
    return this;
  }

  /** Remove and return the module at `index` (default the last). */
  pop(index = -1): Module {
    const m = this.at(index);
    const n = this.#items.length;
    this.#items.splice(this.#items.indexOf(m), 1);
    this.#renumber(n);
    return m;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.#items[Symbol.iterator]();
  }

  override isContainer(): boolean {
    return true;
  }
}
