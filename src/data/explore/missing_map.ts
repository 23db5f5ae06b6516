/** Missing-value map: the share of missing cells per column in consecutive row blocks. */
import type { Table } from '../table/table.js';

/** `fractions[c][b]`: share of rows in block b missing in column c. */
export interface MissingMap {
  columns: string[];
  /** Row range of each block, [start, end). */
  blocks: [number, number][];
  fractions: number[][];
}

/** Map of `table` in at most `maxBlocks` row blocks. */
export function missingMap(table: Table, maxBlocks = 40): MissingMap {
  const n = table.rowCount, b = Math.max(1, Math.min(maxBlocks, n));
  const blocks: [number, number][] = Array.from({ length: b }, (_, k) => [Math.floor((k * n) / b), Math.floor(((k + 1) * n) / b)]);
  const fractions = table.columns.map((c) => {
    const st = c.storage;
    return blocks.map(([s, e]) => {
      let m = 0;
      if (st.type === 'dict') { const codes = st.codes; for (let i = s; i < e; i++) if (codes[i] < 0) m++; } else { const v = st.values; for (let i = s; i < e; i++) if (v[i] !== v[i]) m++; }
      return e > s ? m / (e - s) : 0;
    });
  });
  return { columns: table.columnNames, blocks, fractions };
}

/** Up to `max` evenly spaced (x, y) points of two numeric columns, for a line preview. */
export function preview(x: Float64Array, y: Float64Array, max = 1000): { x: number[]; y: number[] } {
  const step = Math.max(1, Math.ceil(x.length / max));
  const out = { x: [] as number[], y: [] as number[] };
  for (let i = 0; i < x.length; i += step) { out.x.push(x[i]); out.y.push(y[i]); }
  return out;
}
