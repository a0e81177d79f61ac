#!/usr/bin/env node
// The `baton` command. Runs the TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api';
import { exitWhenWritten } from './exit.mjs';

register();
const { runCli } = await import('../bot/cli.ts');
const args = process.argv.slice(2);
const code = await runCli(args);
// One-shot commands have closed their database by now; don't wait on idle pool timers, but do wait for their output.
if (args[0] !== 'serve') await exitWhenWritten(code);
