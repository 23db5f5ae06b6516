/** Device selection: dlflow computes on the CPU today; `auto` says so, `cuda` is refused clearly. */

export interface DeviceChoice {
  device: 'cpu';
  /** One line saying what was chosen and why. */
  note: string;
}

export class DeviceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceError';
  }
}

/**
 * Resolves `auto | cpu | cuda | cuda:N`.
 *
 * @example
 * resolveDevice('auto').note; // 'device: auto -> cpu (no GPU backend in this build)'
 */
export function resolveDevice(requested = 'auto'): DeviceChoice {
  if (requested === 'cpu') return { device: 'cpu', note: 'device: cpu' };
  if (requested === 'auto') return { device: 'cpu', note: 'device: auto -> cpu (no GPU backend in this build of dlflow)' };
  if (/^cuda(:\d+)?$/.test(requested)) {
    throw new DeviceError(`device '${requested}': dlflow has no CUDA backend yet; use --device cpu (or auto)`);
  }
  throw new DeviceError(`device '${requested}': expected auto, cpu, cuda or cuda:N`);
}
