/**
 * Every `dlflow` command in the README's shell examples is accepted by the CLI as written (the
 * command, every flag and every config key), and the ones that finish in seconds on the bundled
 * data run for real, in order, in a scratch folder: init, explore, train on a config with flags,
 * resume, evaluate, predict, summary, help and completion. Examples that need data the checkout
 * does not hold (photo or sound folders, a database, several processes) are checked by the parser
 * only, so the README cannot drift from the CLI.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseCommandLine } from '../src/cli/args.js';
import { dlflow, ROOT, scratch } from './cli_helpers.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The words after `dlflow` of each command line in the README's sh blocks (comments and `)` of `<(...)` dropped). */
function shellCommands(): string[][] {
  const blocks = [...readme.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.flatMap((b) => b.split('\n'))
    .map((line) => /(?:^|\s)dlflow\s+(.*)$/.exec(line.replace(/\s+#\s.*$/, ''))?.[1])
    .filter((rest): rest is string => rest !== undefined)
    .map((rest) => rest.replace(/\)\s*$/, '').trim().split(/\s+/));
}

/** Commands that run for real here when their words name only files this test makes. */
const RUNNABLE = new Set(['init', 'explore', 'train', 'evaluate', 'predict', 'summary', 'completion']);
const MADE_HERE = /^(datasets\/penguins\.csv|my-project|config\.yaml|runs\/<name>|new\.csv|preds\.csv|species|bash|zsh|cpu)$/;

const dir = scratch('dlflow-readme-sh-');
after(() => rmSync(dir, { recursive: true, force: true }));

describe('README shell examples', () => {
  const commands = shellCommands();
  let run: string | undefined;

  it('has dlflow commands', () => assert.ok(commands.length >= 10, `${commands.length} commands found`));

  for (const words of commands) {
    const text = `dlflow ${words.join(' ')}`;
    const values = words.slice(1).filter((w) => !w.startsWith('-'));
    const runnable = RUNNABLE.has(words[0]) && values.every((w) => MADE_HERE.test(w) || /^[\d.e+-]+$/.test(w)) && !words.includes('--data') || (words[0] === 'predict' && words.includes('new.csv'));
    it(`${text}${runnable ? '' : ' (parsed only)'}`, () => {
      if (words.includes('--help') || words.includes('--version') || words.includes('-h')) {
        const r = dlflow(dir, ...words);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, words.includes('--version') ? /^\d+\.\d+\.\d+/ : /Usage: dlflow/);
        return;
      }
      const parsed = parseCommandLine(words, '0.0.0');
      assert.ok(!('exitCode' in parsed), `${text} is a command`);
      assert.equal(parsed.command, words[0]);
      if (!runnable) return;
      if (words.includes('runs/<name>')) assert.ok(run !== undefined, 'an earlier example trained a run');
      if (words[0] === 'train' && words.includes('config.yaml') && !existsSync(join(dir, 'config.yaml'))) {
        copyFileSync(join(dir, 'my-project', 'dlflow.yaml'), join(dir, 'config.yaml'));
        copyFileSync(join(dir, 'my-project', 'model.ts'), join(dir, 'model.ts')); // the config's model file
      }
      if (words.includes('new.csv')) copyFileSync(join(ROOT, 'datasets', 'penguins.csv'), join(dir, 'new.csv'));
      const args = words.map((w) => w.replace('runs/<name>', run ?? 'runs/<name>'));
      // Trained runs are kept short; the flags as written are still parsed and applied.
      if (args[0] === 'train') args.push(...(args.includes('--resume') ? [] : ['--epochs', '2']), '--log', 'plain');
      const r = dlflow(dir, ...args);
      assert.equal(r.code, 0, `${text}\n${r.stdout}\n${r.stderr}`);
      const saved = /saved (runs\/[^/\s]+)\//.exec(r.stdout)?.[1];
      if (args[0] === 'train' && saved !== undefined) run = saved;
    });
  }
});
