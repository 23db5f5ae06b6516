/**
 * Whether an image folder's examples are held in memory or decoded on demand (`data.lazy`):
 * `true` and `false` decide; `auto` decodes on demand when the examples as float32 — the files
 * counted, at the size the first readable image header declares, three channels — would exceed
 * `data.memoryBudget` bytes (default: a quarter of the machine's memory, os.totalmem()).
 */
import { openSync, readSync, closeSync } from 'node:fs';
import { totalmem } from 'node:os';
import { imageSize } from '../image/decode.js';
import { CHANNELS } from './image_example.js';
import type { DataOptions } from './options.js';

/** Bytes of a file read for its header: enough for a PNG's and most JPEGs' size (EXIF before it included). */
const HEADER_BYTES = 1 << 17;

/** Width × height declared by the first of `files` whose header says, or null when none does. */
function firstDeclaredPixels(files: readonly string[]): number | null {
  const buffer = new Uint8Array(HEADER_BYTES);
  for (const file of files) {
    let n = 0;
    try {
      const fd = openSync(file, 'r');
      try { n = readSync(fd, buffer, 0, HEADER_BYTES, 0); } finally { closeSync(fd); }
    } catch {
      continue; // the pass names an unreadable file
    }
    const size = imageSize(buffer.subarray(0, n));
    if (size !== null) return size.width * size.height;
  }
  return null;
}

const gigabytes = (bytes: number): string => `${(bytes / 1e9).toFixed(bytes < 1e9 ? 2 : 1)} GB`;

/**
 * Why the examples of `files` are decoded on demand, as a note for the data summary, or null
 * when they are held in memory.
 *
 * @example
 * lazyReason({ ...cfg, lazy: true }, listing.files); // 'images decoded on demand, batch by batch (data.lazy: true)'
 */
export function lazyReason(cfg: Pick<DataOptions, 'lazy' | 'memoryBudget'>, files: readonly string[]): string | null {
  const lazy = cfg.lazy ?? 'auto';
  if (lazy === false) return null;
  if (lazy === true) return 'images decoded on demand, batch by batch (data.lazy: true)';
  const pixels = firstDeclaredPixels(files);
  if (pixels === null) return null;
  const bytes = files.length * CHANNELS * pixels * 4;
  const budget = cfg.memoryBudget ?? Math.floor(totalmem() / 4);
  if (bytes <= budget) return null;
  return `images decoded on demand, batch by batch (data.lazy: auto): ${files.length} examples as float32 would take ${gigabytes(bytes)}, ` +
    `over the memory budget of ${gigabytes(budget)} (data.memoryBudget${cfg.memoryBudget == null ? ': a quarter of this machine\'s memory' : ''})`;
}
