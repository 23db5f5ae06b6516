/** Errors of `dl.distributed`; each names the collective, the group and the rank. */

/** A distributed setup or communication failure (no launcher, Open MPI missing, an MPI call failed). */
export class DistributedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DistributedError';
  }
}

/** A collective that did not complete within the process group's timeout: a peer died, hangs or never called it. */
export class DistributedTimeoutError extends DistributedError {
  constructor(
    readonly collective: string,
    readonly rank: number,
    readonly groupSize: number,
    readonly timeoutMs: number,
  ) {
    super(`${collective} timed out on rank ${rank} of ${groupSize} after ${timeoutMs} ms: ` +
      'another rank died, is stuck, or did not call the same collective in the same order; ' +
      'the process group is unusable now (exit and restart the job)');
    this.name = 'DistributedTimeoutError';
  }
}
