#!/usr/bin/env node
// The `baton` command. Runs the TypeScript sources as one bundle (bin/run.mjs: no build step, no loader thread).
import { loadDotEnv } from './env.mjs';
import { exitWhenWritten } from './exit.mjs';
import { importTypeScript } from './run.mjs';

loadDotEnv(); // `.env` in the working directory, if any; the environment wins over it

const { runCli } = await importTypeScript('bot/cli/index.ts');
const args = process.argv.slice(2);
const code = await runCli(args);
// One-shot commands have closed their database by now; don't wait on idle pool timers, but do wait for their output.
// `baton serve` keeps running once started; one that could not start (a bad setting, a locked data directory) exits with its code.
if (args[0] !== 'serve' || code !== 0) await exitWhenWritten(code);
