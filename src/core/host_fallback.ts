/**
 * The one host fallback: an op a backend refuses (`supportsOp`) or declines (`run` returns
 * false) runs on the reference kernels. On a backend whose memory is host memory
 * (`Backend.hostArray`) the kernels run on that memory directly; on any other backend the
 * views' memory is copied out with `read`, the kernel runs on host arrays, and what it wrote is
 * copied back with `write`. Which arguments are views, and which of them are read or written,
 * comes from the contract's `OP_SIGNATURES`.
 *
 * Every fallback is recorded once per (backend, kind, op, dtype) with a call count
 * (`hostFallbacks()`); for backends that are not host memory the first one of each also emits
 * a `DLFLOW_HOST_FALLBACK` warning, since there it costs two copies. On host-memory backends it
 * is zero-copy and expected (integer ops on the CPU backend), so no warning is printed.
 */
import type { Backend } from '../backends/backend.js';
import { OP_SIGNATURES, type BufferHandle, type OpArgs, type OpKind, type OpQuery, type View, type ViewRole } from '../backends/ops.js';
import { runReferenceKernel } from '../backends/reference/kernels.js';
import { newTypedArray, type AnyTypedArray, type DType } from '../base/dtype.js';

/** One (backend, kind, op, dtype) that ran through the host fallback. */
export interface HostFallback {
  readonly backend: string;
  readonly kind: OpKind;
  /** The sub-op, for kinds that have one. */
  readonly op?: string;
  /** The compute dtype the backend was asked about. */
  readonly dtype: DType;
  /** Whether the backend's memory was used in place (host memory) or copied out and back. */
  readonly zeroCopy: boolean;
  /** How many calls took the fallback so far. */
  readonly calls: number;
}

const records = new Map<string, { -readonly [F in keyof HostFallback]: HostFallback[F] }>();

/**
 * The ops that ran on the reference kernels because a backend refused or declined them, one
 * entry per (backend, kind, op, dtype) in first-seen order.
 *
 * @example
 * dl.hostFallbacks().filter((f) => !f.zeroCopy); // ops that a device backend copied to the host
 */
export function hostFallbacks(): HostFallback[] {
  return [...records.values()].map((r) => ({ ...r }));
}

function note(backend: Backend, query: OpQuery, zeroCopy: boolean): void {
  const key = `${backend.name}\0${query.kind}\0${query.op ?? ''}\0${query.dtype}`;
  const seen = records.get(key);
  if (seen !== undefined) {
    seen.calls++;
    return;
  }
  records.set(key, { backend: backend.name, kind: query.kind, op: query.op, dtype: query.dtype, zeroCopy, calls: 1 });
  if (!zeroCopy) {
    const what = query.op === undefined ? query.kind : `${query.kind} ${query.op}`;
    process.emitWarning(`dlflow: the ${backend.name} backend did not take ${what} on ${query.dtype}; it ran on the ` +
      'host reference kernels, its memory copied out and back (warned once per op and dtype; see dl.hostFallbacks()).',
    { type: 'DlflowWarning', code: 'DLFLOW_HOST_FALLBACK' });
  }
}

/** Run `kind` on the reference kernels for `backend`, which refused or declined it. */
export function runOnHost<K extends OpKind>(backend: Backend, kind: K, args: OpArgs[K], query: OpQuery): void {
  const hostArray = backend.hostArray;
  note(backend, query, hostArray !== undefined);
  if (hostArray !== undefined) {
    runReferenceKernel(kind, args, (v) => hostArray.call(backend, v.buffer, v.dtype));
  } else {
    runThroughCopies(backend, kind, args);
  }
}

/** The elements of one buffer (seen as one dtype) that the op's views touch, copied to the host. */
interface Region {
  readonly buffer: BufferHandle;
  readonly dtype: DType;
  /** First and one-past-last element touched (both 0 for the region of a size-0 view). */
  lo: number;
  hi: number;
  /** Whether the kernel may read it: anything but one dense output must be copied in. */
  read: boolean;
  written: boolean;
  /** Size-0 views get a region of their own that no other view joins. */
  readonly shared: boolean;
  array: AnyTypedArray;
}

interface ViewArg {
  readonly field: string;
  /** Position in a list-valued argument (optimizer state), -1 for a single view. */
  readonly index: number;
  readonly view: View;
  readonly role: ViewRole;
}

/** Each view-valued argument with its role, lists flattened. */
function viewArgs<K extends OpKind>(kind: K, args: OpArgs[K]): ViewArg[] {
  const roles = OP_SIGNATURES[kind].views as Record<string, ViewRole>;
  const a = args as unknown as Record<string, View | readonly View[] | undefined>;
  const found: ViewArg[] = [];
  for (const field of Object.keys(roles)) {
    const value = a[field];
    if (value === undefined) continue;
    if (Array.isArray(value)) value.forEach((view: View, index) => found.push({ field, index, view, role: roles[field] }));
    else found.push({ field, index: -1, view: value as View, role: roles[field] });
  }
  return found;
}

/** [first, one past last] element a view touches (strides may be 0 or negative); null if size 0. */
function extent(v: View): [number, number] | null {
  let lo = v.offset, hi = v.offset;
  for (let d = 0; d < v.shape.length; d++) {
    if (v.shape[d] === 0) return null;
    const span = (v.shape[d] - 1) * v.strides[d];
    if (span < 0) lo += span; else hi += span;
  }
  return [lo, hi + 1];
}

/** The index of the region `arg` joins (views of one buffer and dtype share one region). */
function joinRegion(regions: Region[], { view, role }: ViewArg): number {
  const span = extent(view);
  const newRegion = (shared: boolean): number => regions.push({
    buffer: view.buffer, dtype: view.dtype, lo: span?.[0] ?? 0, hi: span?.[1] ?? 0,
    read: false, written: false, shared, array: newTypedArray(view.dtype, 0),
  }) - 1;
  if (span === null) return newRegion(false);
  let at = regions.findIndex((r) => r.shared && r.buffer === view.buffer && r.dtype === view.dtype);
  if (at < 0) {
    at = newRegion(true);
    regions[at].read = role !== 'out' || span[1] - span[0] !== view.shape.reduce((n, s) => n * s, 1);
  } else {
    const r = regions[at];
    r.lo = Math.min(r.lo, span[0]);
    r.hi = Math.max(r.hi, span[1]);
    r.read = true; // a second view may leave gaps between the two
  }
  regions[at].read ||= role !== 'out';
  regions[at].written ||= role !== 'in';
  return at;
}

/** `args` with every view rebased onto its region: buffer = region index, offset from region start. */
function hostArgsOf<K extends OpKind>(args: OpArgs[K], views: readonly ViewArg[], regionOf: readonly number[], regions: readonly Region[]): OpArgs[K] {
  const hostArgs: Record<string, unknown> = { ...args };
  for (const { field, index } of views) if (index === 0) hostArgs[field] = [...(hostArgs[field] as View[])];
  views.forEach(({ field, index, view }, k) => {
    const r = regions[regionOf[k]];
    const hostView: View = { ...view, buffer: regionOf[k], offset: r.shared ? view.offset - r.lo : 0 };
    if (index < 0) hostArgs[field] = hostView;
    else (hostArgs[field] as View[])[index] = hostView;
  });
  return hostArgs as unknown as OpArgs[K];
}

/**
 * Copy out, run, copy back. Views of one buffer share one host region, so aliasing between
 * inputs and outputs (in-place ops) behaves as on the device. A buffer seen through two dtypes
 * would get two regions; the front end never issues such a call.
 */
function runThroughCopies<K extends OpKind>(backend: Backend, kind: K, args: OpArgs[K]): void {
  const views = viewArgs(kind, args);
  const regions: Region[] = [];
  const regionOf = views.map((v) => joinRegion(regions, v));
  for (const r of regions) {
    if (r.hi > r.lo) r.array = r.read ? backend.read(r.buffer, r.dtype, r.lo, r.hi - r.lo) : newTypedArray(r.dtype, r.hi - r.lo);
  }
  runReferenceKernel(kind, hostArgsOf(args, views, regionOf, regions), (v) => regions[v.buffer].array);
  for (const r of regions) if (r.written && r.hi > r.lo) backend.write(r.buffer, r.array, r.lo);
}
