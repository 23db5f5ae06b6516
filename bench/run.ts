/**
 * `npm run bench [-- name ...]`: the side-by-side benchmarks named in the issues. Each prints
 * dlflow's figure, its reference measured in the same run, and their ratio.
 */
import { benchConv } from './conv.js';
import { benchDecode } from './decode.js';
import { benchDispatch } from './dispatch.js';
import { benchMatmul } from './matmul.js';
import { benchMlp } from './mlp.js';
import { benchPool } from './pool.js';
import { benchRnn } from './rnn.js';
import { benchWorkflow } from './workflow.js';
import { benchTune } from './tune.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as dl from '../src/index.js';

const BENCHES: Record<string, () => void | Promise<void>> = {
  matmul: () => benchMatmul([dl.getNumThreads(), 1]),
  dispatch: benchDispatch,
  mlp: () => benchMlp(),
  conv: benchConv,
  pool: benchPool,
  rnn: () => benchRnn(),
  workflow: benchWorkflow,
  tune: benchTune,
  decode: benchDecode,
  // Each in its own process tree: explore generates a 150 MB file and measures peak memory in a
  // child; serve starts server processes; allreduce launches mpirun.
  explore: () => {
    console.log('\n== explore a 1,000,000-row CSV vs pandas read_csv + describe');
    inChild('explore.ts');
  },
  serve: () => inChild('serve.ts'),
  allreduce: () => inChild('allreduce.ts'),
};

function inChild(file: string): void {
  spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(`./${file}`, import.meta.url))], { stdio: 'inherit' });
}

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; available: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
console.log(`dlflow bench on ${process.platform}/${process.arch}, node ${process.version}, threads ${dl.getNumThreads()}`);
for (const name of requested.length > 0 ? requested : Object.keys(BENCHES)) await BENCHES[name]();
