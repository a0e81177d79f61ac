// patches/libphonenumber-js+1.13.16.patch (applied by patch-package at install): matchesEntirely() compiles each
// metadata pattern once instead of at every call (it was ~half of the import's reader time). These tests prove the
// patch is in place in every build of the library, and that it answers exactly as the original expression does.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = path.dirname(require.resolve('libphonenumber-js/package.json'));
const builds = ['es6', 'es6-modern', 'build', 'source'];
type MatchesEntirely = (text: string, pattern: string) => boolean;

async function load(build: string): Promise<MatchesEntirely> {
  const mod = (await import(pathToFileURL(path.join(root, build, 'helpers', 'matchesEntirely.js')).href)) as {
    default: MatchesEntirely | { default: MatchesEntirely };
  };
  return typeof mod.default === 'function' ? mod.default : mod.default.default;
}

/** The original: a new RegExp at every call. */
const original: MatchesEntirely = (text, pattern) => new RegExp('^(?:' + pattern + ')$').test(text || '');

/** Every string of the max metadata that compiles as a regular expression (patterns, and many that are not). */
function metadataPatterns(): string[] {
  const metadata = JSON.parse(readFileSync(path.join(root, 'metadata.max.json'), 'utf8')) as {
    countries: Record<string, unknown>;
    nonGeographic: Record<string, unknown>;
  };
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(metadata.countries);
  walk(metadata.nonGeographic);
  return [...out].filter((p) => {
    try {
      new RegExp(p);
      return true;
    } catch {
      return false;
    }
  });
}

describe('libphonenumber-js patch (matchesEntirely compiles each pattern once)', () => {
  it.each(builds)('is applied to the %s build', (build) => {
    const text = readFileSync(path.join(root, build, 'helpers', 'matchesEntirely.js'), 'utf8');
    expect(text).toContain('Patched by Baton');
    expect(text).toContain('compiled.get(regularExpressionText)');
  });

  it('answers exactly as a new RegExp at every call, on every pattern of the max metadata, called twice', async () => {
    const patterns = metadataPatterns();
    expect(patterns.length).toBeGreaterThan(2000);
    const texts = [
      '',
      '7911123456',
      '2079460958',
      '2015550123',
      '612345678',
      '15112345678',
      '9876543210',
      '11987654321',
      '8031234567',
      '44',
      '0',
      '1234567890123',
      '44 (0)20',
    ];
    const es6 = await load('es6');
    const cjs = await load('build');
    let matched = 0;
    for (const p of patterns) {
      for (const t of texts) {
        const expected = original(t, p);
        if (expected) matched++;
        // Twice: a cached expression must keep no state between calls.
        expect([es6(t, p), es6(t, p), cjs(t, p)], `${JSON.stringify(t)} against /${p}/`).toEqual([
          expected,
          expected,
          expected,
        ]);
      }
    }
    expect(matched).toBeGreaterThan(50); // the sample reaches both answers
  });
});
