export const RUN_PREFIX = 'baton_test_';

/** Where the test suite reaches PostgreSQL (the machine's server, trust auth). */
export function adminUrl(): string {
  return process.env.BATON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}
