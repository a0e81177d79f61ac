// patches/libphonenumber-js+1.13.16.patch (applied by patch-package at install): matchesEntirely() compiles each
// metadata pattern once instead of at every call (it was ~half of the import's reader time). These tests prove the
// patch is in place in every build of the library, and that it answers exactly as the original expression does.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as patched from 'libphonenumber-js/max';
import * as stock from 'libphonenumber-js-stock/max';

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

// The import benchmark's second ceiling runs libphonenumber-js as published: the devDependency libphonenumber-js-stock,
// an npm alias of the same version that patch-package leaves alone.
describe('libphonenumber-js-stock, the yardstick of the import benchmark', () => {
  it('is the same version as published, without the patch', () => {
    const stockRoot = path.dirname(require.resolve('libphonenumber-js-stock/package.json'));
    const version = (dir: string) =>
      (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    expect(version(stockRoot)).toBe(version(root));
    for (const build of builds) {
      expect(readFileSync(path.join(stockRoot, build, 'helpers', 'matchesEntirely.js'), 'utf8')).not.toContain(
        'Patched by Baton',
      );
    }
  });

  it('judges every number exactly as the patched library does (6,000 spellings, 6 countries)', () => {
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const countries = ['GB', 'US', 'DE', 'FR', 'IN', 'BR'] as const;
    const prefixes = ['', '0', '00', '+', '+44 ', '0044 ', '+1 ', '+49 ', '(0', '+33 6', '+91 9', '+55 11 9'];
    let valid = 0;
    for (let i = 0; i < 6000; i++) {
      const digits = String(Math.floor(random() * 1e12)).slice(0, 6 + Math.floor(random() * 7));
      const input = `${prefixes[i % prefixes.length]}${digits}`;
      const country = countries[i % countries.length]!;
      const judge = (lib: typeof patched) => {
        const n = lib.parsePhoneNumberFromString(input, country);
        return n ? [n.number, n.getType() ?? null, n.isValid()] : null;
      };
      const answer = judge(patched);
      expect(judge(stock as typeof patched), `${input} in ${country}`).toEqual(answer);
      if (answer?.[2]) valid++;
    }
    expect(valid).toBeGreaterThan(300); // the sample reaches valid numbers too
  });
});
