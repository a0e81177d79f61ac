// Writes test/durations.json from vitest's results cache (node_modules/.vite/vitest/…/results.json) after a full
// `npm test`: the duration of each test file per project, which test/support/sequencer.ts uses to start the longest
// files first on a fresh clone (where there is no cache). Files the cache lacks keep their recorded duration.
//   node test/support/save-durations.mjs
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(root, 'test/durations.json');
const cacheDir = path.join(root, 'node_modules/.vite/vitest');
const durations = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : {};
for (const hash of existsSync(cacheDir) ? readdirSync(cacheDir) : []) {
  const file = path.join(cacheDir, hash, 'results.json');
  if (!existsSync(file)) continue;
  for (const [key, result] of JSON.parse(readFileSync(file, 'utf8')).results) {
    if (result?.duration && !result.failed) durations[key] = Math.round(result.duration);
  }
}
// Only files that still exist, longest first.
const kept = Object.entries(durations)
  .filter(([key]) => existsSync(path.join(root, key.slice(key.indexOf(':') + 1))))
  .sort((a, b) => b[1] - a[1]);
writeFileSync(out, JSON.stringify(Object.fromEntries(kept), null, 2) + '\n');
console.log(`test/durations.json: ${kept.length} files`);
