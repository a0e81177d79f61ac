// Bad or hostile input never crashes the agent or takes long.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../bot/logger.ts';
import { createAgent, extractDetails, loadFaqFile, OfflineAgent, parseFaq } from '../../../workflows/agent/index.ts';

// a small deterministic generator (mulberry32), so a failure can be replayed
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '0',
  '7',
  '1',
  ' ',
  '-',
  '.',
  '(',
  ')',
  '+',
  '@',
  'at',
  ' dot ',
  'oh',
  'one',
  'gmail',
  'com',
  'sorry',
  'no',
  ',',
  'é',
  '🙂',
  '\n',
  '[at]',
  'x',
  'ext',
  '£',
  '/',
  'mobile',
  'my wife',
];

describe('robustness', () => {
  it('extractDetails never throws and stays fast on 2,000 random replies and long inputs', () => {
    const next = random(42);
    const started = performance.now();
    for (let i = 0; i < 2000; i++) {
      const n = Math.floor(next() * 40);
      let text = '';
      for (let k = 0; k < n; k++) text += PIECES[Math.floor(next() * PIECES.length)];
      const r = extractDetails(text, { country: 'GB', knownPhone: i % 2 ? '+447911123456' : undefined });
      for (const f of [r.email, r.phone]) expect(['none', 'found', 'ambiguous', 'invalid']).toContain(f.status);
    }
    const random2000 = performance.now() - started;
    const long = [
      'a'.repeat(100_000),
      '0 '.repeat(50_000),
      'x.'.repeat(50_000) + '@',
      '@'.repeat(10_000),
      'one two three '.repeat(5000),
    ];
    for (const text of long) {
      const t = performance.now();
      expect(() => extractDetails(text, { country: 'GB' })).not.toThrow();
      expect(performance.now() - t).toBeLessThan(2500); // was 14 s before runs were cut in linear time
    }
    console.log(`robustness: 2,000 random replies in ${random2000.toFixed(0)} ms`);
    expect(random2000).toBeLessThan(5000);
  });

  it('a country the phone library does not know is read as invalid, not a crash', () => {
    expect(extractDetails('07911 123456', { country: 'ZZ' }).phone.status).not.toBe('found');
  });

  it('reply never throws on odd messages', async () => {
    const agent = new OfflineAgent({ faqMarkdown: '## Q?\n\nA.' });
    for (const m of ['', ' ', '🙂', '?'.repeat(10_000), '## heading', 'null']) {
      const r = await agent.reply(m, { businessName: 'B', country: 'GB', channel: 'webchat', history: [] });
      expect(['reply', 'handover']).toContain(r.kind);
    }
  });

  it('parses FAQ variants: Q:/A: lines, CRLF, empty answers skipped', () => {
    const faq = parseFaq(
      'Intro\r\n\r\nQ: Do you open on Sundays?\r\nA: No.\r\n\r\n## Empty\r\n\r\n## Parking?\r\nYes, behind.',
    );
    expect(faq).toEqual({
      about: 'Intro',
      entries: [
        { question: 'Do you open on Sundays?', answer: 'No.' },
        { question: 'Parking?', answer: 'Yes, behind.' },
      ],
    });
  });

  it('loadFaqFile reads the file, returns "" when none is configured, and names the variable when unreadable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-faq-'));
    writeFileSync(join(dir, 'faq.md'), '## Hours?\n\n9 to 5');
    expect(await loadFaqFile(join(dir, 'faq.md'))).toBe('## Hours?\n\n9 to 5');
    expect(await loadFaqFile(undefined)).toBe('');
    await expect(loadFaqFile(join(dir, 'missing.md'))).rejects.toThrow(/BATON_FAQ_FILE: cannot read .*\(ENOENT\)/);
  });

  it('accepts the project pino logger', () => {
    const agent = createAgent({ openaiApiKey: 'k', logger: createLogger('silent') });
    expect(agent.name).toBe('openai');
  });
});
