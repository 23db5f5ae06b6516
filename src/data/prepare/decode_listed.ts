/**
 * The decoding pass over a listed class folder (class_folder.ts): every file decoded in listing
 * order, damaged ones recorded or named (DamagedFiles), the kept ones handed on with their labels.
 * One pass for image, audio and volume folders, synchronous or with files decoding at once.
 */
import { requireUsable, type ClassFolderListing, type DamagedFiles, type FileKind } from './class_folder.js';

/** The files a decoding pass kept, in order: their class labels and paths. */
export interface KeptRows {
  labels: Int32Array;
  files: string[];
}

/**
 * Decodes each listed file with `decode` and hands the value to `keep` with its index among the
 * kept ones and its row in the listing; a damaged file (a DataError) goes to `damaged`. Returns
 * the kept files' class labels and paths.
 * @throws DataError when no file is left.
 * @example
 * const { labels, files } = decodeListed('photos', listing, IMAGE_FILES, damaged, (f) => readImage(f), (img, k) => store(img, k));
 */
export function decodeListed<T>(
  root: string, listing: ClassFolderListing, kind: FileKind, damaged: DamagedFiles,
  decode: (file: string) => T, keep: (value: T, index: number, row: number) => void,
): KeptRows {
  const kept = new KeptFiles(listing, keep);
  listing.files.forEach((file, row) => kept.offer(row, damaged.attempt(file, () => decode(file))));
  requireUsable(root, kind, kept.count, damaged);
  return kept.rows();
}

/**
 * {@link decodeListed} with an asynchronous `decode`, `window` files decoding at once (decode
 * workers, sharp's threads); values still reach `keep` in listing order.
 */
export async function decodeListedAsync<T>(
  root: string, listing: ClassFolderListing, kind: FileKind, damaged: DamagedFiles,
  decode: (file: string) => Promise<T>, keep: (value: T, index: number, row: number) => void, window = 1,
): Promise<KeptRows> {
  const kept = new KeptFiles(listing, keep);
  const inFlight = new Map<number, Promise<T>>();
  const n = listing.files.length;
  for (let row = 0, next = 0; row < n; row++) {
    for (; next < n && next < row + window; next++) {
      const started = decode(listing.files[next]);
      started.catch(() => {}); // awaited in its turn below; a rejection is not unhandled meanwhile
      inFlight.set(next, started);
    }
    const value = await damaged.attemptAsync(listing.files[row], () => inFlight.get(row)!);
    inFlight.delete(row);
    kept.offer(row, value);
  }
  requireUsable(root, kind, kept.count, damaged);
  return kept.rows();
}

/** The kept files of a decoding pass: values handed on in order, their listing rows gathered. */
class KeptFiles<T> {
  private readonly kept: Int32Array;
  count = 0;

  constructor(private readonly listing: ClassFolderListing, private readonly keep: (value: T, index: number, row: number) => void) {
    this.kept = new Int32Array(listing.files.length);
  }

  /** Row `row`'s value, or null for a damaged file (left out). */
  offer(row: number, value: T | null): void {
    if (value === null) return;
    this.keep(value, this.count, row);
    this.kept[this.count++] = row;
  }

  rows(): KeptRows {
    const rows = this.kept.subarray(0, this.count);
    return { labels: rows.map((r) => this.listing.labels[r]), files: Array.from(rows, (r) => this.listing.files[r]) };
  }
}
