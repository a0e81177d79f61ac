#!/usr/bin/env node
// The `baton` command. Runs the TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../bot/cli.ts');
const args = process.argv.slice(2);
const code = await runCli(args);
// One-shot commands have closed their database by now; don't wait on idle pool timers. Exit once what they printed
// has been written: when standard output is a pipe (`baton contacts list --json | jq`) writes are asynchronous, and
// exiting at once cut the output at ~64 KB.
if (args[0] !== 'serve') {
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write('', resolve))));
  process.exit(code);
}
