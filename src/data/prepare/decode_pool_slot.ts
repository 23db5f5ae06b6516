/**
 * Where the process's decode pool (image_pool.ts) is held once started. Apart from image_pool.ts,
 * which loads the engine and sharp, so that the CLI can end a pool at exit without loading
 * either when no command started one (`dlflow schema`, `--help`: 20 ms less start-up).
 */

/** What ending a pool needs. */
export interface ClosablePool {
  close(): Promise<void>;
}

let started: ClosablePool | null = null;

/** The pool started in this process, or null. */
export function startedPool(): ClosablePool | null {
  return started;
}

/** Records the pool image_pool.ts started (null: none). */
export function setStartedPool(pool: ClosablePool | null): void {
  started = pool;
}

/** Ends the process's decode pool, if started (the next decodePool() starts a new one). */
export async function closeDecodePool(): Promise<void> {
  const pool = started;
  started = null;
  await pool?.close();
}
