#!/usr/bin/env node
// dlflow command-line entry. Runs the TypeScript sources through tsx (a dependency, also used to
// load model files written in TypeScript); falls back to the compiled dist/ when src/ is absent.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = `${root}src/cli/main.ts`;
const dist = `${root}dist/cli/main.js`;

let entry;
try {
  const { register } = await import('tsx/esm/api');
  register();
  entry = existsSync(src) ? src : dist;
} catch {
  entry = dist;
}
if (!existsSync(entry)) {
  process.stderr.write(`dlflow: cannot start: ${entry} is missing (run npm install, which builds dist/)\n`);
  process.exit(1);
}
const { runCli } = await import(pathToFileURL(entry).href);
await runCli();
