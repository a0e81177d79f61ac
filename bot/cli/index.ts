// Public entry of the `baton` command (bin/baton.mjs): serve, migrate, business, contacts, import, users, broadcast.
export { runCli } from './run-cli.ts';
