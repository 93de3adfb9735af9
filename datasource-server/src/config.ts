// The one place that reads the environment. Everything else receives a typed Config.
import path from 'node:path';
import type { RollupConfig } from './analytics/rollups/maintenance';
import type { ChangeFeedConfig } from './change-feed/feed';
import type { DetectorConfig } from './detectors/detect';
import { urlProblem, type CloudStackConnection } from './cloudstack/connection';
import { SYNC_INTERVALS_MINUTES } from './cloudstack/schedule';
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
  cloudstack: CloudStackSyncConfig;
  /** Days this project's own tables keep their rows (RETENTION_DAYS); 0 keeps them forever. OMA tables are never deleted from. */
  retentionDays: number;
  /** Hourly analytics rollups: ROLLUP (on by default) and ROLLUP_INTERVAL_MINUTES (10). */
  rollup: RollupConfig;
  live: LiveConfig;
  /** The health sampler (HEALTH_SAMPLE_INTERVAL_SECONDS, default 5; 0 turns it off). */
  healthSampleIntervalMs: number;
  /** How often finished jobs missing from omi_migration_analytics are recorded (PERFORMANCE_BACKFILL_MINUTES, default 10; 0 turns it off). */
  performanceBackfillMinutes: number;
  /** The change feed over replication_jobs: CHANGE_FEED_INTERVAL_MS (1000; 0 off), CHANGE_FEED_SETTLE_MS (2000). */
  changeFeed: ChangeFeedConfig;
  /**
   * Stalled-job and failure-burst detectors, every minute: DETECTORS (on), STALLED_JOB_MINUTES
   * (15), FAILURE_BURST_COUNT (5) within FAILURE_BURST_MINUTES (10); a count of 0 turns one off.
   */
  detectors: DetectorConfig & { enabled: boolean };
  /**
   * REDIS_URL (redis://[:password@]host:port[/db]): events go through Redis Streams so that several
   * instances serve the same live channels; REDIS_PREFIX (default `omi:`) starts every key.
   */
  redis: { url: string; prefix: string } | null;
}

/** The WebSocket live channels. */
export interface LiveConfig {
  /**
   * Browser origins allowed to open a channel (LIVE_ALLOWED_ORIGINS, comma-separated; `*` for
   * any). A request without an Origin header is server-to-server and always allowed.
   */
  allowedOrigins: string[];
  /** Messages each channel keeps for resume (LIVE_REPLAY_BUFFER). */
  replayBuffer: number;
  /** Ping interval; a peer that has not answered the previous ping is ended (LIVE_HEARTBEAT_SECONDS). */
  heartbeatMs: number;
  /** Bytes queued for one client before it is closed as too slow (LIVE_MAX_BUFFERED_BYTES). */
  maxBufferedBytes: number;
  /** Open sockets across all channels (LIVE_MAX_CONNECTIONS). */
  maxConnections: number;
  /** Largest message accepted from a client (LIVE_MAX_PAYLOAD_BYTES). */
  maxPayloadBytes: number;
}

/** The sync of CloudStack's networks into the destination inventory. */
export interface CloudStackSyncConfig {
  /** CLOUDSTACK_SYNC=0 turns the sync off however it is configured (e.g. on all but one instance). */
  enabled: boolean;
  /**
   * From CLOUDSTACK_URL, CLOUDSTACK_API_KEY and CLOUDSTACK_SECRET_KEY. Null: in attach mode the
   * OMA's active ossea_configs row is read at every run; otherwise nothing is synced.
   */
  connection: CloudStackConnection | null;
  intervalMinutes: number;
  /** Per request, body included. */
  timeoutMs: number;
  /** listNetworks page size; CloudStack refuses more than its `default.page.size` (500 unless changed). */
  pageSize: number;
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

const CLOUDSTACK_CONNECTION_VARIABLES = [
  'CLOUDSTACK_URL',
  'CLOUDSTACK_API_KEY',
  'CLOUDSTACK_SECRET_KEY',
] as const;

function cloudStackFrom(env: NodeJS.ProcessEnv): CloudStackSyncConfig {
  const [url, apiKey, secretKey] = CLOUDSTACK_CONNECTION_VARIABLES.map(
    (name) => env[name]?.trim() || undefined,
  );
  const given = [url, apiKey, secretKey].filter((v) => v !== undefined).length;
  if (given > 0 && given < 3) {
    const missing = CLOUDSTACK_CONNECTION_VARIABLES.filter((name) => !env[name]?.trim());
    throw new ConfigError(
      `The CloudStack sync needs ${CLOUDSTACK_CONNECTION_VARIABLES.join(', ')} together (or none of them); missing: ${missing.join(', ')}`,
    );
  }
  const problem = url === undefined ? null : urlProblem(url);
  if (problem) {
    throw new ConfigError(`CLOUDSTACK_URL ${problem}, e.g. http://cloudstack:8080/client/api`);
  }
  const intervalMinutes = intFrom(env, 'CLOUDSTACK_SYNC_INTERVAL_MINUTES', 5, 1);
  if (!(SYNC_INTERVALS_MINUTES as readonly number[]).includes(intervalMinutes)) {
    throw new ConfigError(
      `CLOUDSTACK_SYNC_INTERVAL_MINUTES must divide an hour or be whole hours that divide a day (${SYNC_INTERVALS_MINUTES.join(', ')}), got "${env.CLOUDSTACK_SYNC_INTERVAL_MINUTES}"`,
    );
  }
  return {
    enabled: boolFrom(env, 'CLOUDSTACK_SYNC', true),
    connection: url && apiKey && secretKey ? { url, apiKey, secretKey } : null,
    intervalMinutes,
    timeoutMs: intFrom(env, 'CLOUDSTACK_TIMEOUT_SECONDS', 30, 1) * 1000,
    pageSize: intFrom(env, 'CLOUDSTACK_PAGE_SIZE', 500, 1),
  };
}

function rollupFrom(env: NodeJS.ProcessEnv): RollupConfig {
  const intervalMinutes = intFrom(env, 'ROLLUP_INTERVAL_MINUTES', 10, 1);
  if (!(SYNC_INTERVALS_MINUTES as readonly number[]).includes(intervalMinutes)) {
    throw new ConfigError(
      `ROLLUP_INTERVAL_MINUTES must divide an hour or be whole hours that divide a day (${SYNC_INTERVALS_MINUTES.join(', ')}), got "${env.ROLLUP_INTERVAL_MINUTES}"`,
    );
  }
  return { enabled: boolFrom(env, 'ROLLUP', true), intervalMinutes };
}

function redisFrom(env: NodeJS.ProcessEnv): Config['redis'] {
  const url = env.REDIS_URL?.trim();
  if (!url) return null;
  if (!/^rediss?:\/\/[^/\s]+(\/\d+)?$/i.test(url)) {
    throw new ConfigError(
      'REDIS_URL takes redis://[:password@]host:port[/db] (or rediss:// for TLS), e.g. redis://redis:6379',
    );
  }
  const prefix = env.REDIS_PREFIX?.trim() || 'omi:';
  if (!/^[\w:.-]{1,64}$/.test(prefix)) {
    throw new ConfigError(
      `REDIS_PREFIX takes up to 64 letters, digits and _ : . -, got "${env.REDIS_PREFIX}"`,
    );
  }
  return { url, prefix };
}

function liveFrom(env: NodeJS.ProcessEnv): LiveConfig {
  const allowedOrigins = (env.LIVE_ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/$/, ''))
    .filter(Boolean);
  for (const origin of allowedOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/i.test(origin)) {
      throw new ConfigError(
        `LIVE_ALLOWED_ORIGINS takes origins like https://grafana.example.com (scheme and host, no path) or *, got "${origin}"`,
      );
    }
  }
  return {
    allowedOrigins,
    replayBuffer: intFrom(env, 'LIVE_REPLAY_BUFFER', 10_000, 1),
    heartbeatMs: intFrom(env, 'LIVE_HEARTBEAT_SECONDS', 30, 1) * 1000,
    maxBufferedBytes: intFrom(env, 'LIVE_MAX_BUFFERED_BYTES', 4 * 1024 * 1024, 1024),
    maxConnections: intFrom(env, 'LIVE_MAX_CONNECTIONS', 5000, 1),
    maxPayloadBytes: intFrom(env, 'LIVE_MAX_PAYLOAD_BYTES', 4096, 64),
  };
}

function backfillMinutesFrom(env: NodeJS.ProcessEnv): number {
  const minutes = intFrom(env, 'PERFORMANCE_BACKFILL_MINUTES', 10, 0);
  if (minutes !== 0 && !(SYNC_INTERVALS_MINUTES as readonly number[]).includes(minutes)) {
    throw new ConfigError(
      `PERFORMANCE_BACKFILL_MINUTES must be 0 (off), divide an hour or be whole hours that divide a day (${SYNC_INTERVALS_MINUTES.join(', ')}), got "${env.PERFORMANCE_BACKFILL_MINUTES}"`,
    );
  }
  return minutes;
}

function changeFeedFrom(env: NodeJS.ProcessEnv): ChangeFeedConfig {
  const intervalMs = intFrom(env, 'CHANGE_FEED_INTERVAL_MS', 1000);
  if (intervalMs > 0 && intervalMs < 100) {
    throw new ConfigError(
      `CHANGE_FEED_INTERVAL_MS must be 0 (off) or at least 100, got "${env.CHANGE_FEED_INTERVAL_MS}"`,
    );
  }
  return { intervalMs, settleMs: intFrom(env, 'CHANGE_FEED_SETTLE_MS', 2000) };
}

function detectorsFrom(env: NodeJS.ProcessEnv): Config['detectors'] {
  const burstCount = intFrom(env, 'FAILURE_BURST_COUNT', 5);
  if (burstCount === 1) {
    throw new ConfigError('FAILURE_BURST_COUNT must be 0 (off) or at least 2: one failure is not a burst');
  }
  return {
    enabled: boolFrom(env, 'DETECTORS', true),
    stalledMinutes: intFrom(env, 'STALLED_JOB_MINUTES', 15),
    burstCount,
    burstMinutes: intFrom(env, 'FAILURE_BURST_MINUTES', 10, 1),
  };
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
    cloudstack: cloudStackFrom(env),
    retentionDays: intFrom(env, 'RETENTION_DAYS', 400, 0),
    rollup: rollupFrom(env),
    live: liveFrom(env),
    healthSampleIntervalMs: intFrom(env, 'HEALTH_SAMPLE_INTERVAL_SECONDS', 5, 0) * 1000,
    performanceBackfillMinutes: backfillMinutesFrom(env),
    changeFeed: changeFeedFrom(env),
    detectors: detectorsFrom(env),
    redis: redisFrom(env),
  };
}
