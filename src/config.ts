// Configuration, read from the environment and validated once at boot.
// A wrong value stops start-up with one line naming the variable.
import { z } from 'zod';
import { DurationSchema } from './domain/duration.ts';

const port = z.coerce.number().int().min(0).max(65535);
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => ['true', '1', 'yes'].includes(value));

export const ConfigSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .describe('PostgreSQL connection URL; when unset, an embedded PostgreSQL runs under DATA_DIR'),
  DATA_DIR: z.string().min(1).default('.data').describe('Where the embedded PostgreSQL keeps its files'),
  PORT: port.default(3000).describe('HTTP port'),
  HOST: z.string().min(1).default('127.0.0.1').describe('HTTP interface to listen on (0.0.0.0 in containers)'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level'),
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600).describe('Requests per client IP per window'),
  RATE_LIMIT_WINDOW: DurationSchema.prefault('1m').describe('Rate-limit window'),
  CACHE_MAX_ENTRIES: z.coerce
    .number()
    .int()
    .min(0)
    .default(5000)
    .describe('Answers kept in memory per dataset version, each counted once (0 turns the cache off)'),
  INGEST_SCHEDULE: z
    .union([z.literal('off').transform(() => null), DurationSchema], {
      error: 'must be off or a duration like 30m, 6h, 1d',
    })
    .prefault('off')
    .describe("Fetch ICE's latest lists on this interval from inside the service"),
  INGEST_SOURCE_URL: z
    .string()
    .url()
    .default('https://www.ice.gov/identify-and-arrest/287g')
    .describe('The ICE page that links the current lists'),
  INGEST_USER_AGENT: z
    .string()
    .min(1)
    .default('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36')
    .describe("The User-Agent sent to ICE's site (its CDN refuses clients that do not look like a browser)"),
  INGEST_RETRY_DELAY: DurationSchema.prefault('2s').describe(
    'First back-off delay before retrying ICE (doubles each retry, with jitter)',
  ),
  INGEST_RUN_TIMEOUT: DurationSchema.prefault('10m').describe(
    'Time limit for one ingestion run against ICE, retries included',
  ),
  DRAIN_LIMIT: DurationSchema.prefault('10s').describe(
    'On SIGTERM/SIGINT, how long requests in flight may take to finish before their connections are cut',
  ),
  DB_CONNECT_TIMEOUT_S: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe('How long start-up retries a database that does not answer'),
  SEED_ON_START: flag
    .default(true)
    .describe(
      "Load the repository's seed (every list of the archive and the historical sources) when the database holds no list yet",
    ),
  TRUST_PROXY: flag.default(false).describe('Trust X-Forwarded-For (behind a reverse proxy)'),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .default('http://127.0.0.1:3000')
    .transform((url) => url.replace(/\/+$/, ''))
    .describe('The address users reach the service at: releases cite their files under it'),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates the environment; throws ConfigError with one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = ConfigSchema.safeParse(present);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  throw new ConfigError(`invalid configuration: ${variable} ${JSON.stringify(env[variable] ?? '')}: ${issue.message}`);
}
