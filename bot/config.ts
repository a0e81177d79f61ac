// The one place that reads the environment. Every value is validated; a bad one is named.
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const configSchema = z.object({
  PORT: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'must be a port number from 0 to 65535' })
      .int('must be a whole number')
      .min(0, 'must be a port number from 0 to 65535')
      .max(65535, 'must be a port number from 0 to 65535')
      .default(3978),
  ),
  HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  BATON_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^postgres(ql)?:\/\//,
        'must be a postgres:// or postgresql:// URL (leave it unset for the embedded database)',
      )
      .optional(),
  ),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(LOG_LEVELS).default('info')),
  BATON_BUSINESS_NAME: z.preprocess(emptyToUndefined, z.string().min(1).max(200).default('My Business')),
  BATON_BUSINESS_COUNTRY: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toUpperCase() || undefined : v),
    z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be a two-letter ISO 3166 country code, like GB or US')
      .default('GB'),
  ),
  BATON_ADMIN_EMAIL: z.preprocess(emptyToUndefined, z.email('must be an email address').default('admin@example.com')),
  BATON_ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(10, 'must be at least 10 characters').optional()),
  // HTTP API and webchat: the HMAC key of tokens. Unset = a random key made once and kept in the database (ServerSecret).
  BATON_TOKEN_SECRET: z.preprocess(
    emptyToUndefined,
    z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 32`)').optional(),
  ),
  // Channels (bot/channels): Bot Framework credentials. All unset = local-only mode (Emulator, no auth).
  MicrosoftAppId: z.preprocess(emptyToUndefined, z.string().optional()),
  MicrosoftAppPassword: z.preprocess(emptyToUndefined, z.string().optional()),
  MicrosoftAppTenantId: z.preprocess(emptyToUndefined, z.string().optional()),
  MicrosoftAppType: z.preprocess(
    emptyToUndefined,
    z
      .enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], {
        error: 'must be MultiTenant, SingleTenant or UserAssignedMSI',
      })
      .default('MultiTenant'),
  ),
  BATON_WHATSAPP: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : v),
    z
      .enum(['0', '1', 'true', 'false'], { error: 'must be 1 (on) or 0 (off)' })
      .default('0')
      .transform((v) => v === '1' || v === 'true'),
  ),
  BATON_CHROMIUM_PATH: z.preprocess(emptyToUndefined, z.string().default('/usr/bin/chromium')),
  BATON_WHATSAPP_SENDS_PER_MINUTE: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'must be a number of messages per minute' })
      .int('must be a whole number')
      .min(1, 'must be from 1 to 600')
      .max(600, 'must be from 1 to 600')
      .default(20),
  ),
  BATON_WEBCHAT_MESSAGES_PER_MINUTE: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'must be a number of messages per minute' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .default(30),
  ),
  BATON_WEBCHAT_CONVERSATIONS_PER_HOUR: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'must be a number of new conversations per hour' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .default(30),
  ),
  BATON_PUBLIC_REQUESTS_PER_MINUTE: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'must be a number of requests per minute' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .default(600),
  ),
  // AI agent (workflows/agent): OpenAI when a key is set, the offline agent otherwise.
  OPENAI_API_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  OPENAI_BASE_URL: z.preprocess(
    emptyToUndefined,
    z.url({ error: 'must be the URL of an OpenAI-compatible API, like http://localhost:11434/v1' }).optional(),
  ),
  OPENAI_MODEL: z.preprocess(emptyToUndefined, z.string().min(1).default('gpt-4o-mini')),
  OPENAI_TIMEOUT_MS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'must be a number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(1000, 'must be from 1000 to 120000 milliseconds')
      .max(120_000, 'must be from 1000 to 120000 milliseconds')
      .default(15_000),
  ),
  OPENAI_MAX_RETRIES: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'must be a number of retries' })
      .int('must be a whole number')
      .min(0, 'must be from 0 to 5')
      .max(5, 'must be from 0 to 5')
      .default(1),
  ),
  BATON_FAQ_FILE: z.preprocess(emptyToUndefined, z.string().optional()),
  // Conversation runtime (workflows/runtime): how often each instance looks for due durable timers.
  BATON_TIMER_POLL_MS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'must be a number of milliseconds, like 1000' })
      .int('must be a whole number of milliseconds')
      .min(100, 'must be from 100 to 60000 milliseconds')
      .max(60_000, 'must be from 100 to 60000 milliseconds')
      .default(1000),
  ),
  BATON_IMPORT_MAX_MB: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'must be a number of megabytes, like 100' })
      .positive('must be more than 0 megabytes')
      .max(10_000, 'must be at most 10000 megabytes')
      .default(100),
  ),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment. Throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? '(environment)'),
      message: issue.message,
    })),
  );
}
