/**
 * The npm package as a user gets it. SLOW (a few minutes): packs the checkout, installs the
 * tarball into an empty project — npm compiles the native addon there (and better-sqlite3 when no
 * prebuilt binary can be downloaded) —, trains with `npx dlflow train` on a tiny table, and
 * type-checks a user's TypeScript file that imports dlflow, without @types/node. Needs npm and a
 * C++ toolchain (as `npm ci` does); the registry is used for dlflow's dependencies.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ROOT } from './cli_helpers.js';
import { pruneDist } from './fresh_dist.js';

const work = mkdtempSync(join(tmpdir(), 'dlflow-package-'));
const project = join(work, 'user-project');
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const MINUTES = 60_000;

/**
 * The user's shell has none of the npm_config_* variables `npm test` exports from this checkout's
 * .npmrc (npm warns about the ones it does not know, such as onnxruntime-node-install).
 */
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

function run(command: string, args: string[], options: SpawnSyncOptions & { cwd: string }): { code: number; out: string; stdout: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 20 * MINUTES, env: userEnv, ...options });
  return { code: r.status ?? -1, out: `${String(r.stdout)}${String(r.stderr)}`, stdout: String(r.stdout) };
}

/** A small table with an evident target name, so `train` needs no --target. */
function tinyTable(): string {
  const rows = Array.from({ length: 60 }, (_, i) => {
    const a = (i * 37) % 60 / 60, b = (i * 11) % 60 / 60;
    return `${a.toFixed(3)},${b.toFixed(3)},${a + b > 1 ? 'yes' : 'no'}`;
  });
  return `x1,x2,label\n${rows.join('\n')}\n`;
}

/** A user's file: tensors, a Module subclass, a Trainer with a progress bar writing to a plain object. */
const USER_TS = `import * as dl from 'dlflow';

class Net extends dl.nn.Module {
  layers = new dl.nn.Sequential(new dl.nn.Linear(4, 8), new dl.nn.ReLU(), new dl.nn.Linear(8, 2));
  override forward(x: dl.Tensor): dl.Tensor {
    return this.layers.forward(x);
  }
}

const lines: string[] = [];
const bar = new dl.train.ProgressBar({ mode: 'plain', stream: { write: (s: string) => lines.push(s) } });
export const trainer = new dl.Trainer({ epochs: 1, task: 'multiclass', callbacks: [bar] });
export const y: dl.Tensor = new Net().forward(dl.randn([3, 4])).softmax(1);
export const shape: readonly number[] = y.shape;
`;

after(() => rmSync(work, { recursive: true, force: true }));

describe('the npm package (slow: packs, installs, compiles the addon)', () => {
  let tarball = '';

  test('npm pack holds what the CLI and the library need, and no tests, benches, fixtures, scripts or sources', () => {
    pruneDist(ROOT); // dist/ is fresh (cli_helpers); packing skips prepare's clean rebuild
    const r = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const [info] = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, info.filename);
    const files = info.files.map((f) => f.path);
    for (const needed of ['bin/dlflow.js', 'dist/cli/main.js', 'dist/index.js', 'dist/index.d.ts', 'binding.gyp', 'native/src/addon.cc', 'datasets/penguins.csv', 'templates/dlflow.yaml', 'templates/model.ts']) {
      assert.ok(files.includes(needed), `${needed} is in the package`);
    }
    const unwanted = files.filter((f) => /^(test|bench|scripts|src|examples|docs|native\/bench)\//.test(f) || /fixtures/.test(f) || /\.map$/.test(f) || (/\.[cm]?ts$/.test(f) && !f.endsWith('.d.ts') && !f.startsWith('templates/')));
    assert.deepEqual(unwanted, []);
  });

  test('npm install <tarball> in an empty project builds the addon, and npx dlflow train works there', { timeout: 30 * MINUTES }, () => {
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'user-project', private: true, type: 'module' }, null, 2)}\n`);
    const install = run('npm', ['install', tarball, '--no-audit', '--no-fund'], { cwd: project });
    assert.equal(install.code, 0, install.out);
    assert.ok(existsSync(join(project, 'node_modules', 'dlflow', 'build', 'Release', 'dlflow_native.node')), 'the addon was built');

    const v = run('npx', ['dlflow', '--version'], { cwd: project });
    assert.equal(v.code, 0, v.out);
    assert.equal(v.stdout.trim(), version);
    writeFileSync(join(project, 'tiny.csv'), tinyTable());
    const train = run('npx', ['dlflow', 'train', '--data', 'tiny.csv', '--epochs', '2', '--log', 'plain', '--name', 'tiny'], { cwd: project });
    assert.equal(train.code, 0, train.out);
    assert.match(train.out, /predicting 'label'/);
    assert.doesNotMatch(train.out, /reference backend/, 'the native addon runs');
    assert.ok(existsSync(join(project, 'runs', 'tiny', 'model.safetensors')));
  });

  test("a user's TypeScript file importing dlflow type-checks without @types/node", () => {
    assert.ok(!existsSync(join(project, 'node_modules', '@types', 'node')), 'installing dlflow brought in no @types/node');
    writeFileSync(join(project, 'user.ts'), USER_TS);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: [], strict: true, noImplicitOverride: true, skipLibCheck: false, noEmit: true },
      files: ['user.ts'],
    }));
    const tsc = run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { cwd: project });
    assert.equal(tsc.code, 0, tsc.out);
  });
});
