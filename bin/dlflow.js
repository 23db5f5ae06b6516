#!/usr/bin/env node
// dlflow command-line entry: runs the compiled dist/ (built by `npm run build`, and by npm at
// install and pack time). In a checkout, a dist/ older than src/ is named on stderr rather than
// run silently.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = `${root}dist/cli/main.js`;

if (!existsSync(entry)) {
  process.stderr.write(`dlflow: cannot start: ${entry} is missing (run npm run build)\n`);
  process.exit(1);
}
if (existsSync(`${root}src/cli/main.ts`)) {
  const { staleSource } = await import('./dist_fresh.js');
  const stale = staleSource(root);
  if (stale !== null) process.stderr.write(`dlflow: warning: dist/ is older than ${stale}; running the old build (npm run build updates it)\n`);
}
const { runCli } = await import(pathToFileURL(entry).href);
await runCli();
