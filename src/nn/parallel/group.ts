/** The process group DistributedDataParallel and SyncBatchNorm work over, and a blocking wait on a collective. */
import { defaultGroup, isInitialized } from '../../distributed/index.js';
import type { ProcessGroup, Work } from '../../distributed/process_group.js';

export type { ProcessGroup, Work };

/** The world group of `dl.distributed.initProcessGroup`; an error when none was created (as PyTorch's default group). */
export function defaultProcessGroup(): ProcessGroup {
  if (isInitialized()) return defaultGroup();
  throw new Error('DistributedDataParallel: the default process group has not been initialized; call dl.distributed.initProcessGroup() first or pass { processGroup }');
}

/**
 * Waits for `work` without returning to the event loop: backward is synchronous, and the
 * averaged gradients must be in `.grad` when it returns.
 */
export function waitWork(work: Work): void {
  const w = work as Work & { waitSync?: () => void };
  if (typeof w.waitSync === 'function') { w.waitSync(); return; } // the MPI group's blocking wait (with its timeout)
  while (!work.isCompleted()) { /* a Work without a blocking wait: test it until done */ }
}
