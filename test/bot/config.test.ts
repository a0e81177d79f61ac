import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config.ts';

function problems(env: Record<string, string>) {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration from the environment', () => {
  it('has working defaults with no variables at all', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 3978,
      BATON_DATA_DIR: './data',
      LOG_LEVEL: 'info',
      BATON_BUSINESS_COUNTRY: 'GB',
      BATON_ADMIN_EMAIL: 'admin@example.com',
    });
    expect(loadConfig({}).DATABASE_URL).toBeUndefined();
  });

  it('reads and normalises given values', () => {
    const c = loadConfig({
      PORT: '8080',
      BATON_BUSINESS_COUNTRY: ' us ',
      DATABASE_URL: 'postgres://u@h/db',
      LOG_LEVEL: 'debug',
    });
    expect(c).toMatchObject({
      PORT: 8080,
      BATON_BUSINESS_COUNTRY: 'US',
      DATABASE_URL: 'postgres://u@h/db',
      LOG_LEVEL: 'debug',
    });
  });

  it.each([
    ['PORT', 'abc', /port number/],
    ['PORT', '70000', /port number/],
    ['DATABASE_URL', 'mysql://x', /postgres/],
    ['LOG_LEVEL', 'loud', /info/],
    ['BATON_BUSINESS_COUNTRY', 'Britain', /two-letter/],
    ['BATON_ADMIN_EMAIL', 'not-an-email', /email/],
    ['BATON_ADMIN_PASSWORD', 'short', /10 characters/],
  ])('names %s when it is %s', (variable, value, message) => {
    const found = problems({ [variable]: value });
    expect(found).toHaveLength(1);
    expect(found[0]?.variable).toBe(variable);
    expect(found[0]?.message).toMatch(message);
  });

  it('lists every bad variable at once, each by name in the message', () => {
    try {
      loadConfig({ PORT: '-1', LOG_LEVEL: 'x' });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toMatch(/PORT: .*\n.*LOG_LEVEL: /s);
    }
  });
});
