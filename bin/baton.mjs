#!/usr/bin/env node
// The `baton` command. Runs the TypeScript sources as one bundle (bin/run.mjs: no build step, no loader thread).
import { exitWhenWritten } from './exit.mjs';
import { importTypeScript } from './run.mjs';

const { runCli } = await importTypeScript('bot/cli/index.ts');
const args = process.argv.slice(2);
const code = await runCli(args);
// One-shot commands have closed their database by now; don't wait on idle pool timers, but do wait for their output.
if (args[0] !== 'serve') await exitWhenWritten(code);
