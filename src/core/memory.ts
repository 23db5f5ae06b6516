/** `dl.memory()`: what the front end and the current backend hold. */
import { getBackend } from '../backends/select.js';
import { storageCounters } from './storage.js';

export interface MemoryInfo {
  /** Tensor wrappers not yet disposed or collected. */
  numTensors: number;
  /** Distinct buffers behind them (views share one). */
  numBuffers: number;
  /** Bytes in those buffers. */
  numBytes: number;
  /** Bytes the backend keeps in its reuse cache. */
  cachedBytes: number;
  /** The backend reporting. */
  backend: string;
}

/**
 * Live tensors and bytes.
 *
 * @example
 * const before = dl.memory().numTensors;
 * dl.tidy(() => dl.ones([3]).add(1));
 * dl.memory().numTensors === before; // true
 */
export function memory(): MemoryInfo {
  const counters = storageCounters();
  const backend = getBackend();
  return {
    numTensors: counters.liveTensors,
    numBuffers: counters.liveStorages,
    numBytes: counters.liveBytes,
    cachedBytes: backend.memoryStats().cachedBytes,
    backend: backend.name,
  };
}
