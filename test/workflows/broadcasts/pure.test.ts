// The pure parts of broadcasts: placeholders with fallbacks, and which replies mean STOP.
import { describe, expect, it } from 'vitest';
import { isStopReply, parseTemplate, renderBroadcast } from '../../../workflows/index.ts';

describe('broadcast placeholders', () => {
  it('fills the contact fields, uses the fallback when a field is empty, and tidies what an empty field leaves', () => {
    const t = 'Hi {{firstName|there}} {{ lastName }}, {{businessName|}} sale!';
    expect(renderBroadcast(t, { firstName: 'Ann', lastName: 'Ash', businessName: 'Acme' })).toBe(
      'Hi Ann Ash, Acme sale!',
    );
    expect(renderBroadcast(t, { firstName: null, lastName: '', businessName: null })).toBe('Hi there, sale!');
    expect(renderBroadcast('{{fullName|friend}}', { firstName: 'Ann', middleName: 'B', lastName: 'Ash' })).toBe(
      'Ann B Ash',
    );
    expect(renderBroadcast('{{fullName|friend}}', {})).toBe('friend');
    expect(renderBroadcast('Plain text, no fields.', {})).toBe('Plain text, no fields.');
  });

  it('refuses an unknown field, naming it and the message', () => {
    expect(() => parseTemplate('Hi {{nickname}}')).toThrow(/\{\{nickname\}\} is not a field/);
    try {
      parseTemplate('Hi {{ nick|x }}');
    } catch (e) {
      expect(e).toMatchObject({ code: 'VALIDATION_FAILED', field: 'message' });
    }
  });
});

describe('STOP replies', () => {
  it.each([
    'STOP',
    'stop',
    ' Stop. ',
    'Unsubscribe',
    'BAJA',
    'baja!',
    'Darme de baja',
    'no más mensajes',
    'PARAR',
    // invisible characters a keyboard or a copy-paste slips in
    '\u200bSTOP',
    'ST\u200dOP',
    '\ufeffstop',
    'S\u0000TOP\u007f',
    'stop\nall',
    'darme\tde baja',
  ])('%j opts out', (text) => expect(isStopReply(text)).toBe(true));
  it.each([
    'stop sending me the wrong size',
    'Can you stop by tomorrow?',
    'hola',
    'bajar precio',
    '',
    '\u200b',
    'sto\np',
  ])('%j is an ordinary message', (text) => expect(isStopReply(text)).toBe(false));
});
