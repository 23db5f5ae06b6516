/**
 * `supportsOp`'s answers, cached per backend so the dispatch hot path asks each (kind, sub-op,
 * dtype) once: the slot of a call is computed with tables built once from the contract's
 * `OP_SIGNATURES`, with no string building and no query object per call. Backends
 * must answer `supportsOp` the same way every time (the contract says so).
 */
import type { Backend } from '../backends/backend.js';
import { OP_SIGNATURES, opQueryOf, type OpArgs, type OpKind } from '../backends/ops.js';
import { DTYPES } from '../base/dtype.js';

/** Where one kind's answers start in a backend's table, and how to read its sub-op and dtype. */
interface KindSlots {
  readonly base: number;
  readonly dtypeOf: (args: never) => string;
  readonly subOpOf: ((args: never) => string) | undefined;
  /** Sub-op name → its position among the kind's sub-ops. */
  readonly subIndex: ReadonlyMap<string, number>;
}

const DTYPE_INDEX: Readonly<Record<string, number>> = Object.fromEntries(DTYPES.map((d, i) => [d, i]));

// Maps, not objects, for the per-call lookups: measured faster here than keyed loads on objects.
function buildSlots(): { slots: ReadonlyMap<string, KindSlots>; size: number } {
  const slots = new Map<string, KindSlots>();
  let size = 0;
  for (const [kind, sig] of Object.entries(OP_SIGNATURES)) {
    const subOps: readonly string[] = sig.subOps ?? [];
    slots.set(kind, { base: size, dtypeOf: sig.dtypeOf, subOpOf: sig.subOpOf, subIndex: new Map(subOps.map((op, i) => [op, i])) });
    size += Math.max(1, subOps.length) * DTYPES.length;
  }
  return { slots, size };
}

const { slots: SLOTS, size: TABLE_SIZE } = buildSlots();

/** Answers per slot: 0 not asked yet, 1 no, 2 yes. */
const ASKED_NO = 1;
const ASKED_YES = 2;
const tables = new WeakMap<Backend, Uint8Array>();
let lastBackend: Backend | null = null;
let lastTable: Uint8Array = new Uint8Array(0);

function tableOf(backend: Backend): Uint8Array {
  let table = tables.get(backend);
  if (table === undefined) tables.set(backend, table = new Uint8Array(TABLE_SIZE));
  lastBackend = backend;
  lastTable = table;
  return table;
}

/** `backend.supportsOp` for the (kind, sub-op, dtype) of these arguments, cached. */
export function backendSupports<K extends OpKind>(backend: Backend, kind: K, args: OpArgs[K]): boolean {
  const s = SLOTS.get(kind) as KindSlots;
  const a = args as never;
  const sub = s.subOpOf === undefined ? 0 : s.subIndex.get(s.subOpOf(a)) ?? NaN;
  const slot = s.base + sub * DTYPES.length + DTYPE_INDEX[s.dtypeOf(a)];
  const table = backend === lastBackend ? lastTable : tableOf(backend);
  const answer = table[slot];
  if (answer === ASKED_YES) return true;
  if (answer === ASKED_NO) return false;
  const yes = backend.supportsOp(opQueryOf(kind, args));
  // An argument outside the contract's lists gives no slot (NaN): ask every time, cache nothing.
  if (Number.isInteger(slot)) table[slot] = yes ? ASKED_YES : ASKED_NO;
  return yes;
}
