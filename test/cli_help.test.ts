/**
 * CLI conventions: `--help` and `help <command>` for every command (options, defaults, examples),
 * `--version`, did-you-mean for commands and flags, config keys as flags in both spellings, and
 * shell completion that completes what the parser accepts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { parseArgs, parseCommandLine } from '../src/cli/args.js';
import { defaultConfig } from '../src/cli/config/defaults.js';
import { CONFIG_FLAGS, camelCase } from '../src/cli/config/overrides.js';
import { resolveConfig } from '../src/cli/config/resolve.js';
import { COMMANDS } from '../src/cli/help_commands.js';
import { ROOT, dlflow, scratch } from './cli_helpers.js';

const cwd = scratch('dlflow-help-');
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The config a command line resolves to, through the same parser the CLI uses. */
function configOf(...argv: string[]) {
  const inv = parseCommandLine(['train', ...argv], version);
  assert.ok('command' in inv);
  return resolveConfig({ flags: parseArgs(inv.argv).flags });
}

describe('help', () => {
  test('dlflow --help lists every command; bare dlflow prints it and exits 2', () => {
    const r = dlflow(cwd, '--help');
    assert.equal(r.code, 0, r.stderr);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c.name}\\b.*${c.summary.slice(0, 20).replace(/[()]/g, '.')}`, 'm'));
    const bare = dlflow(cwd);
    assert.equal(bare.code, 2);
    assert.equal(bare.stdout, r.stdout);
  });

  for (const c of COMMANDS) {
    test(`dlflow ${c.name} --help: options, defaults and examples; same as dlflow help ${c.name}`, () => {
      const r = dlflow(cwd, c.name, '--help');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Usage: dlflow ${c.name} `, 'm'));
      for (const o of c.options) assert.equal(r.stdout.includes(`--${o.name}`), o.hidden !== true, `--${o.name} in dlflow ${c.name} --help`);
      assert.match(r.stdout, /^Examples:\n {2}\$ .*dlflow /m);
      const viaHelp = dlflow(cwd, 'help', c.name);
      assert.equal(viaHelp.code, 0, viaHelp.stderr);
      assert.equal(viaHelp.stdout, r.stdout);
    });
  }

  test('config flags show both spellings, the key, what it accepts and its default', () => {
    const text = dlflow(cwd, 'train', '--help').stdout.replace(/\s+/g, ' ');
    const d = defaultConfig();
    for (const f of CONFIG_FLAGS) {
      const spellings = camelCase(f.name) === f.name ? `--${f.name}` : `--${camelCase(f.name)}, --${f.name}`;
      assert.ok(text.includes(`${spellings} `), `${spellings} in dlflow train --help`);
      assert.ok(text.includes(f.path), `${f.path} in dlflow train --help`);
    }
    assert.match(text, new RegExp(`--epochs <n> passes over the training split \\(hyperparameters\\.epochs: an integer >= 1 or 'auto'; default: ${d.hyperparameters.epochs}\\)`));
    assert.match(text, new RegExp(`--batchSize, --batch-size <n> .*default: ${d.hyperparameters.batchSize}\\)`));
    assert.match(text, /--optimizer <name> optimizer \(hyperparameters\.optimizer: one of 'sgd', 'adam',.* default: adam\)/);
    assert.match(dlflow(cwd, 'tune', '--help').stdout.replace(/\s+/g, ' '), new RegExp(`--trials <n> .*\\(default: ${d.tune.trials}\\)`));
  });

  test('--version and -v print the package version', () => {
    for (const flag of ['--version', '-v']) {
      const r = dlflow(cwd, flag);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), version);
    }
  });
});

describe('did you mean', () => {
  const fails = (args: string[], pattern: RegExp): void => {
    const r = dlflow(cwd, ...args);
    assert.equal(r.code, 2, `exit code of dlflow ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  };
  test('commands', () => {
    fails(['trian'], /^dlflow: unknown command 'trian' \(did you mean 'train'\?\)/);
    fails(['help', 'evalute'], /unknown command 'evalute' \(did you mean 'evaluate'\?\)/);
  });
  test("a command's own flags", () => {
    fails(['evaluate', 'runs/x', '--jsno'], /^dlflow evaluate: unknown option --jsno \(did you mean '--json'\?\)/);
    fails(['predict', 'runs/x', '--ot', 'p.csv'], /unknown option --ot \(did you mean '--out'\?\)/);
    fails(['evaluate', 'runs/x', '--epochs', '3'], /^dlflow evaluate: unknown option --epochs\n/);
  });
  test('config flags, short and dotted, in either spelling', () => {
    fails(['train', '--batchsize', '3'], /unknown option --batchsize \(did you mean '--batchSize'\?\)/);
    fails(['train', '--bach-size', '3'], /unknown option --bach-size \(did you mean '--batch-size'\?\)/);
    fails(['train', '--hyperparameters.earlyStoping.patience', '3'], /did you mean '--hyperparameters\.earlyStopping'\?/);
    fails(['tune', '--trails', '3'], /unknown option --trails \(did you mean '--trials'\?\)/);
  });
  test('a value missing or a required argument missing', () => {
    fails(['train', '--epochs'], /dlflow train: option '--epochs <n>' argument missing/);
    fails(['predict'], /dlflow predict: missing required argument 'run'/);
    fails(['completion', 'fish'], /dlflow completion: expected bash or zsh, got fish/);
  });
});

describe('config keys as flags', () => {
  test('the config spelling and kebab-case set the same key', () => {
    for (const argv of [['--batchSize', '128'], ['--batch-size', '128'], ['--batch-size=128'], ['--hyperparameters.batchSize', '128'], ['--hyperparameters.batch-size', '128']]) {
      assert.equal(configOf(...argv).hyperparameters.batchSize, 128, argv.join(' '));
    }
    assert.equal(configOf('--hyperparameters.early-stopping.patience', '3').hyperparameters.earlyStopping.patience, 3);
    assert.equal(configOf('--runsDir', 'out').runsDir, 'out');
    assert.equal(configOf('--batch-norm').model.batchNorm, true);
    assert.equal(configOf('--batchNorm', 'false', '--lr=3e-4').model.batchNorm, false, 'a switch takes true/false');
    assert.equal(configOf('--data.preprocessing.island', 'one_hot').data.preprocessing.island, 'one_hot');
  });

  test('the README example: a config file and flags in config spelling', () => {
    writeFileSync(join(cwd, 'config.yaml'), 'hyperparameters:\n  epochs: 1\nname: readme\n');
    const r = dlflow(cwd, 'train', 'config.yaml', '--lr', '3e-4', '--batchSize', '128', '--device', 'cpu', '--log', 'plain');
    assert.equal(r.code, 0, r.stderr);
    const resolved = parseYaml(readFileSync(join(cwd, 'runs', 'readme', 'config.resolved.yaml'), 'utf8')) as ReturnType<typeof defaultConfig>;
    assert.equal(resolved.hyperparameters.batchSize, 128);
    assert.equal(resolved.hyperparameters.lr, 3e-4);
    assert.equal(resolved.hyperparameters.epochs, 1);
    assert.equal(resolved.device, 'cpu');
  });

  test('every option a command declares is one it accepts (the declarations cannot drift from the commands)', () => {
    for (const c of COMMANDS.filter((d) => d.name === 'evaluate' || d.name === 'predict')) {
      const all = c.options.flatMap((o) => [`--${o.name}`, ...(o.value === undefined ? [] : ['x.csv'])]);
      const r = dlflow(cwd, c.name, 'no-such-run', ...all);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /no-such-run/, `dlflow ${c.name} ${all.join(' ')}`);
    }
  });
});

describe('shell completion', () => {
  const bash = dlflow(cwd, 'completion', 'bash');
  /** What bash completes for the words typed so far (the last one being completed). */
  const complete = (...words: string[]): string[] => {
    const script = `${bash.stdout}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _dlflow; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['-c', script], { cwd, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean);
  };

  test('bash: commands, flags per command, choices from the schema, files', () => {
    assert.equal(bash.code, 0, bash.stderr);
    assert.deepEqual(complete('dlflow', 'tr'), ['train']);
    assert.deepEqual(complete('dlflow', 'e'), ['explore', 'evaluate', 'export']);
    assert.deepEqual(complete('dlflow', 'train', '--batch').sort(), ['--batch-norm', '--batch-size', '--batchNorm', '--batchSize']);
    assert.ok(complete('dlflow', 'train', '--hyperparameters.sch').includes('--hyperparameters.scheduler.type'));
    assert.deepEqual(complete('dlflow', 'train', '--optimizer', 'ada').sort(), ['adadelta', 'adagrad', 'adam', 'adamax', 'adamw']);
    assert.deepEqual(complete('dlflow', 'evaluate', '--').sort(), ['--data', '--help', '--json']);
    assert.deepEqual(complete('dlflow', 'completion', ''), ['bash', 'zsh']);
    assert.deepEqual(complete('dlflow', 'train', 'datasets/pen'), ['datasets/penguins.csv']);
  });

  test('zsh: an autoloadable #compdef function (syntax-checked when zsh is installed)', (t) => {
    const zsh = dlflow(cwd, 'completion', 'zsh');
    assert.equal(zsh.code, 0, zsh.stderr);
    assert.match(zsh.stdout, /^#compdef dlflow\n/);
    assert.match(zsh.stdout, /'--batchSize:rows per training step'/);
    const check = spawnSync('zsh', ['-n'], { input: zsh.stdout, encoding: 'utf8' });
    if (check.error !== undefined) { t.skip('zsh is not installed'); return; }
    assert.equal(check.status, 0, check.stderr);
  });
});
