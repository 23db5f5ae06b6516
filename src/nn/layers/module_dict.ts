/** Modules registered under string keys. */
import { Module } from '../module.js';

/**
 * An ordered dictionary of submodules; parameters are named `<key>.weight`. No `forward`.
 *
 * @example
 * const heads = new nn.ModuleDict({ cls: new nn.Linear(8, 3), reg: new nn.Linear(8, 1) });
 * heads.get('cls').forward(x);
 */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> = {}) {
    super();
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }

  get(key: string): Module {
    const m = this.moduleEntries().find(([k]) => k === key);
    if (m === undefined) throw new Error(`ModuleDict has no key ${JSON.stringify(key)}; keys: ${this.keys().join(', ')}`);
    return m[1];
  }

  set(key: string, module: Module): this {
    this.registerModule(key, module);
    return this;
  }

  has(key: string): boolean {
    return this.keys().includes(key);
  }

  /** Remove and return the module under `key`. */
  pop(key: string): Module {
    const m = this.get(key);
    this.unregisterModule(key);
    return m;
  }

  keys(): string[] {
    return this.moduleEntries().map(([k]) => k);
  }

  values(): Module[] {
    return this.moduleEntries().map(([, m]) => m);
  }

  entries(): [string, Module][] {
    return this.moduleEntries();
  }

  get size(): number {
    return this.keys().length;
  }

  override isContainer(): boolean {
    return true;
  }
}
