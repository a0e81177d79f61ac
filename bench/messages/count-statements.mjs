// Preloaded into a Baton server by `npm run bench -- messages --profile <dir>` (node --import): counts the statements
// the server sends to PostgreSQL through `pg` (Prisma's adapter and the driver alike), by normalised text, and the
// transactions (BEGIN … COMMIT counts one; a statement outside one counts one). SIGUSR2 writes the counts so far to
// $BATON_BENCH_COUNTS and starts again from zero. Measurement only: never loaded by the product.
import { writeFileSync } from 'node:fs';
import pg from 'pg';

const counts = new Map();
let transactions = 0;
let statements = 0;
const inTx = new WeakSet();

const normalise = (text) =>
  text
    .replace(/\$\d+/g, '$')
    .replace(/\s+/g, ' ')
    .replace(/'[^']*'/g, "'…'")
    .trim()
    .slice(0, 240);

const original = pg.Client.prototype.query;
pg.Client.prototype.query = function query(config, values, callback) {
  const text = typeof config === 'string' ? config : config?.text;
  if (typeof text === 'string') {
    const key = normalise(text);
    const head = key.slice(0, 8).toUpperCase();
    statements++;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (head.startsWith('BEGIN')) {
      inTx.add(this);
      transactions++;
    } else if (head.startsWith('COMMIT') || head.startsWith('ROLLBACK')) inTx.delete(this);
    else if (!inTx.has(this)) transactions++;
  }
  return original.call(this, config, values, callback);
};

process.on('SIGUSR2', () => {
  const file = process.env.BATON_BENCH_COUNTS;
  if (file) {
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    writeFileSync(file, JSON.stringify({ statements, transactions, byStatement: top }, null, 1));
  }
  counts.clear();
  statements = 0;
  transactions = 0;
});
