// Reads `.env` in the working directory, when there is one, into process.env before anything reads the configuration.
// A variable already set in the environment wins over the file (an operator's `PORT=4000 npm start` beats `.env`).
//
// Why not Node's `--env-file-if-exists`: the `baton` binary starts from a shebang, which passes no flags portably, and
// Node 20 prints "… not found. Continuing without it." on every start without a `.env`. `util.parseEnv` (Node ≥ 20.12)
// is Node's own parser of the same format (quotes, comments, `export` prefixes), so both commands read it alike.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Loads `file` if it exists; returns the names it set. The file is BATON_ENV_FILE when that is set (empty: none, as
 * the tests' child processes use so a developer's own `.env` never reaches them), else `.env` in the working directory.
 */
export function loadDotEnv(file = process.env.BATON_ENV_FILE ?? '.env') {
  if (file === '') return [];
  file = path.resolve(file);
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e.code === 'ENOENT' || e.code === 'EISDIR') return [];
    throw e;
  }
  const set = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (process.env[name] !== undefined) continue;
    process.env[name] = value;
    set.push(name);
  }
  return set;
}
