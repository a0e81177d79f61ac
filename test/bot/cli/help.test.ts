// The README's "Command line" section names every command, argument and option `baton --help` shows.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { expect, it } from 'vitest';
import { buildCli } from '../../../bot/cli/run-cli.ts';
import { ROOT } from '../../support/spawn.ts';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(
  readme.indexOf('## Command line'),
  readme.indexOf('\n## ', readme.indexOf('## Command line') + 1),
);

/** Every leaf command as its path ("users create"), with its help text, arguments and long options. */
function leaves(cmd: Command, prefix: string[] = []): { path: string; help: string; flags: string[] }[] {
  if (cmd.commands.length === 0) {
    const flags = cmd.options.map((o) => o.long!).filter((f) => f !== '--help');
    return [{ path: prefix.join(' '), help: cmd.helpInformation(), flags }];
  }
  return cmd.commands.flatMap((c) => leaves(c, [...prefix, c.name()]));
}

it('documents every command and option of the CLI, as --help lists them', () => {
  const all = leaves(buildCli());
  expect(all.map((c) => c.path)).toEqual(
    expect.arrayContaining([
      'serve',
      'migrate',
      'users list',
      'users create',
      'users reset-password',
      'users deactivate',
    ]),
  );
  for (const { path: name, help, flags } of all) {
    // The README's line for the command: from `baton <name>` to the end of its list item.
    const at = section.indexOf(`\`baton ${name}`);
    expect(at, `README lists baton ${name}`).toBeGreaterThanOrEqual(0);
    const line = section.slice(at, section.indexOf('\n- ', at) === -1 ? undefined : section.indexOf('\n- ', at));
    for (const flag of flags) {
      expect(help, `${name} --help shows ${flag}`).toContain(flag);
      expect(line, `README documents baton ${name} ${flag}`).toContain(flag);
    }
  }
});
