// Public entry of the `baton` command (bin/baton.mjs): serve, business, contacts, import.
export { runCli } from './run-cli.ts';
