/**
 * `dlflow explore [data] [--target col]`: delegates to the data layer's explore command
 * (`runExplore` in src/data/explore/cli.ts) once it is available; until then, a usage message.
 */
import * as fs from 'node:fs';
import { CliError } from '../errors.js';

export async function runExplore(argv: readonly string[]): Promise<number> {
  const cli = new URL('../../data/explore/cli.ts', import.meta.url);
  const compiled = new URL('../../data/explore/cli.js', import.meta.url);
  const target = fs.existsSync(cli) ? cli : fs.existsSync(compiled) ? compiled : null;
  if (target === null) throw new CliError('explore is not available in this build yet (the data explore command has not landed)');
  const mod = await import(target.href) as { runExplore?: (args: readonly string[]) => Promise<number | void> | number | void };
  if (typeof mod.runExplore !== 'function') throw new CliError('explore: src/data/explore/cli has no runExplore(args)');
  const code = await mod.runExplore([...argv]);
  return typeof code === 'number' ? code : 0;
}
