import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger.ts';
import { redactText } from '../../bot/redact.ts';

describe('redaction of phones and emails', () => {
  it.each([
    ['call +44 7911 123456 now', 'call +44*******456 now'],
    ['07911123456', '********456'],
    ['write to Jane.Doe@Example.co.uk', 'write to Ja***@Ex***.uk'],
  ])('%s → %s', (input, output) => {
    expect(redactText(input)).toBe(output);
  });

  it('leaves ids, timestamps, migration names and small numbers alone', () => {
    const text =
      'id 3f1c2b7e-1111-4222-8333-123456789012 at 2026-11-25T09:00:00.000Z, 20261125090147_init, port 3978, 12 rows';
    expect(redactText(text)).toBe(text);
  });

  it('the logger never writes a full phone or email, in messages or nested fields', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger('info', sink);
    log.info(
      { contact: { phone: '+447911123456', emails: ['jane@example.com'] } },
      'saved details of jane@example.com',
    );
    log.error({ err: new Error('IDENTIFIER_TAKEN +447911123456') }, 'failed');
    const out = lines.join('');
    expect(out).not.toContain('447911123456');
    expect(out).not.toContain('jane@example.com');
    expect(out).toContain('+44*******456');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ msg: 'saved details of ja***@ex***.com' });
  });
});
