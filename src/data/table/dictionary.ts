/**
 * A dictionary of byte strings: maps each distinct byte sequence to a dense
 * code 0, 1, 2… without making a JS string per lookup. Distinct values are
 * copied once into an arena; strings are only decoded when asked for.
 * Open addressing with linear probing on a 32-bit FNV-1a hash.
 */
export class ByteDictionary {
  private arena: Buffer = Buffer.allocUnsafe(1 << 16);
  private arenaUsed = 0;
  private offsets: Int32Array = new Int32Array(256);
  private lengths: Int32Array = new Int32Array(256);
  private hashes: Int32Array = new Int32Array(256);
  private slots = new Int32Array(1024).fill(-1);
  private mask = 1023;
  /** Number of distinct values. */
  size = 0;

  /** Code of `buf[start, end)`, adding it when new. */
  intern(buf: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const len = end - start;
    let slot = h & this.mask;
    const arena = this.arena;
    for (;;) {
      const code = this.slots[slot];
      if (code < 0) break;
      if (this.hashes[code] === h && this.lengths[code] === len) {
        const off = this.offsets[code];
        let k = 0;
        while (k < len && arena[off + k] === buf[start + k]) k++;
        if (k === len) return code;
      }
      slot = (slot + 1) & this.mask;
    }
    return this.add(buf, start, end, h, slot);
  }

  private add(buf: Uint8Array, start: number, end: number, h: number, slot: number): number {
    const len = end - start;
    const code = this.size++;
    if (code >= this.offsets.length) {
      const n = this.offsets.length * 2;
      this.offsets = grow(this.offsets, n);
      this.lengths = grow(this.lengths, n);
      this.hashes = grow(this.hashes, n);
    }
    if (this.arenaUsed + len > this.arena.length) {
      const next = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.arenaUsed + len));
      this.arena.copy(next, 0, 0, this.arenaUsed);
      this.arena = next;
    }
    this.arena.set(buf.subarray(start, end), this.arenaUsed);
    this.offsets[code] = this.arenaUsed;
    this.lengths[code] = len;
    this.hashes[code] = h;
    this.arenaUsed += len;
    this.slots[slot] = code;
    if (this.size * 2 > this.slots.length) this.rehash();
    return code;
  }

  private rehash(): void {
    const n = this.slots.length * 2;
    this.slots = new Int32Array(n).fill(-1);
    this.mask = n - 1;
    for (let code = 0; code < this.size; code++) {
      let slot = this.hashes[code] & this.mask;
      while (this.slots[slot] >= 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = code;
    }
  }

  /** The distinct values as UTF-8-decoded strings, indexed by code. */
  values(): string[] {
    const out = new Array<string>(this.size);
    for (let c = 0; c < this.size; c++) out[c] = this.arena.toString('utf8', this.offsets[c], this.offsets[c] + this.lengths[c]);
    return out;
  }

  /** Bytes held by the dictionary's own buffers. */
  byteSize(): number {
    return this.arena.length + this.offsets.byteLength * 3 + this.slots.byteLength;
  }
}

function grow(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
