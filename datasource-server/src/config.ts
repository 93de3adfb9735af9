// The one place that reads the environment. Everything else receives a typed Config.
import path from 'node:path';
import { dbTimeIn, TimeZoneError } from './db/time';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  /** A SQLite file path or a mysql:// URL. */
  dbUrl: string;
  dialect: 'sqlite' | 'mysql';
  /** Zone of the database's DATETIME values (DB_TIMEZONE): UTC, an offset like +02:00, or an IANA name. */
  dbTimeZone: string;
  /** Raw `API_TOKENS` (`name:scope[+scope]:secret,…`); undefined means generate tokens. */
  apiTokens: string | undefined;
  /** Where generated tokens are written when API_TOKENS is not set. */
  tokenFile: string;
  /** Run the live simulator (and seed an empty embedded database on first start). */
  demo: boolean;
  /** Size of the world seeded on first start of an empty embedded database. */
  demoSeed: { vms: number; days: number; seed: number };
  logLevel: LogLevel;
  /** Human-readable log lines (pino-pretty) instead of JSON: LOG_FORMAT, by default when stdout is a terminal. */
  logPretty: boolean;
  /** Requests per minute per client before 429. */
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

function boolFrom(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be 1/0, true/false, yes/no or on/off, got "${env[name]}"`);
}

export function dialectOf(dbUrl: string): 'sqlite' | 'mysql' {
  return /^(mysql|mariadb):\/\//i.test(dbUrl) ? 'mysql' : 'sqlite';
}

function timeZoneFrom(env: NodeJS.ProcessEnv): string {
  const zone = env.DB_TIMEZONE?.trim() || 'UTC';
  try {
    dbTimeIn(zone);
  } catch (err) {
    if (err instanceof TimeZoneError) throw new ConfigError(err.message);
    throw err;
  }
  return zone;
}

function logFormatFrom(env: NodeJS.ProcessEnv, isTerminal: boolean): boolean {
  const raw = env.LOG_FORMAT?.trim().toLowerCase();
  if (!raw) return isTerminal;
  if (raw === 'pretty' || raw === 'json') return raw === 'pretty';
  throw new ConfigError(`LOG_FORMAT must be pretty or json, got "${env.LOG_FORMAT}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, isTerminal = false): Config {
  const dbUrl = env.DB_URL?.trim() || path.join('.data', 'oma.sqlite');
  const dialect = dialectOf(dbUrl);
  const logLevel = (env.LOG_LEVEL?.trim().toLowerCase() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  return {
    port: intFrom(env, 'PORT', 8080),
    host: env.HOST?.trim() || '0.0.0.0',
    dbUrl,
    dialect,
    dbTimeZone: timeZoneFrom(env),
    apiTokens: env.API_TOKENS?.trim() || undefined,
    tokenFile: env.TOKEN_FILE?.trim() || path.join('.data', 'api-tokens.txt'),
    // The demo is on by default only for the embedded database: a MySQL URL is usually a real OMA.
    demo: boolFrom(env, 'DEMO', dialect === 'sqlite'),
    demoSeed: {
      vms: intFrom(env, 'DEMO_VMS', 300, 1),
      days: intFrom(env, 'DEMO_DAYS', 120, 1),
      seed: intFrom(env, 'DEMO_SEED', 42),
    },
    logLevel,
    logPretty: logFormatFrom(env, isTerminal),
    rateLimitPerMinute: intFrom(env, 'RATE_LIMIT_PER_MINUTE', 1200, 1),
    bodyLimitBytes: intFrom(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024),
  };
}
