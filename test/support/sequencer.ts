// The order the two workers take test files in: the longest first, across the three projects, so that both workers
// finish together instead of one running a long file alone at the end. A file's length is its last duration on this
// machine (vitest's results cache, under node_modules/.vite) or, on a fresh clone that has no cache, the one
// test/durations.json records (seeded with the slowest files of the fresh-clone run of 2026-12-07; a full run then
// `node test/support/save-durations.mjs` records them all); files in neither go after, the largest first (vitest's own
// fallback). A file that failed in the last run still goes first.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** test/durations.json: milliseconds per "<project>:<file>", written by test/support/save-durations.mjs. */
function recordedDurations(root: string): Record<string, number> {
  try {
    return JSON.parse(readFileSync(path.join(root, 'test/durations.json'), 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const recorded = recordedDurations(this.ctx.config.root);
    const cache = this.ctx.cache;
    const key = (f: TestSpecification) => `${f.project.name}:${path.relative(this.ctx.config.root, f.moduleId)}`;
    const known = new Map<TestSpecification, { failed: boolean; duration: number | undefined; size: number }>();
    for (const f of files) {
      const cached = cache.getFileTestResults(key(f));
      known.set(f, {
        failed: cached?.failed ?? false,
        duration: cached?.duration ?? recorded[key(f)],
        size: statSync(f.moduleId, { throwIfNoEntry: false })?.size ?? 0,
      });
    }
    return [...files].sort((a, b) => {
      const x = known.get(a)!;
      const y = known.get(b)!;
      if (x.failed !== y.failed) return x.failed ? -1 : 1;
      if (x.duration !== undefined && y.duration !== undefined) return y.duration - x.duration;
      if (x.duration !== undefined || y.duration !== undefined) return x.duration !== undefined ? -1 : 1;
      return y.size - x.size;
    });
  }
}
