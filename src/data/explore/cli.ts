/**
 * `dlflow explore <path> [--target col] [--out dir]` as a function the CLI
 * calls: parses the arguments, explores, prints the summary (colours on a
 * TTY unless NO_COLOR is set). Returns the exit code: 0 done, 1 the data could
 * not be read (the message names file, line and column where known), 2 a
 * usage error.
 */
import { DataError } from '../errors.js';
import { explore } from './explore.js';
import { renderSummary } from './terminal.js';

const USAGE = 'usage: dlflow explore <path> [--target <column>] [--out <dir>]\n'
  + '  <path>     a CSV/TSV/JSON Lines file, an image or audio folder, IDX files, or NIfTI/.npy volumes\n'
  + '  --target   column to predict (tables): task, class balance, associations, recommendation\n'
  + '  --out      folder for profile.json and report.html (default ./explore-<name>/)\n';

interface Parsed { path: string; target?: string; out?: string }

function parse(args: readonly string[]): Parsed | string {
  const rest: string[] = [];
  const o: Partial<Parsed> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    if (flag === '--target' || flag === '--out') {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') return `${flag} needs a value`;
      if (flag === '--target') o.target = v; else o.out = v;
    } else if (a === '-h' || a === '--help') return '';
    else if (a.startsWith('-')) return `unknown option ${a}`;
    else rest.push(a);
  }
  if (rest.length !== 1) return rest.length === 0 ? 'missing <path>' : `expected one path, got ${rest.length}: ${rest.join(' ')}`;
  return { ...o, path: rest[0] };
}

/** Run `explore` from command-line arguments (after the word `explore`); returns the exit code. */
export async function runExplore(args: string[]): Promise<number> {
  const p = parse(args);
  if (typeof p === 'string') {
    if (p === '') { process.stdout.write(USAGE); return 0; }
    process.stderr.write(`dlflow explore: ${p}\n${USAGE}`);
    return 2;
  }
  try {
    const r = await explore(p.path, { target: p.target, out: p.out });
    process.stdout.write(renderSummary(r, { color: process.stdout.isTTY === true && process.env.NO_COLOR === undefined }));
    return 0;
  } catch (e) {
    const err = e as Error;
    if (err instanceof DataError) { process.stderr.write(`dlflow explore: ${err.message}\n`); return 1; }
    if (/^--target /.test(err.message)) { process.stderr.write(`dlflow explore: ${err.message}\n`); return 2; }
    if (/^target "/.test(err.message)) { process.stderr.write(`dlflow explore: ${err.message}\n`); return 1; }
    throw err;
  }
}
