// One instance at a time for scheduled work. MariaDB: its named lock (GET_LOCK, named per
// database) across servers that share the database; it is tied to a connection, so a crashed
// holder frees it at once.
// SQLite with REDIS_URL (several processes on one database file): a Redis lock. SQLite alone
// (one file, one server): the caller's in-process guard is enough.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Db } from './connect';

/** A Redis lock lapses this long after its holder stopped renewing it (crashed). */
export const REDIS_LOCK_TTL_MS = 30_000;

// Renew and release only a lock this holder still owns (the token), never a later holder's.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

interface RedisLocks {
  redis: Redis;
  prefix: string;
}

/** The newest in use is used (a process runs one server; tests run several, closed in any order). */
const inUse: RedisLocks[] = [];

/** Set when the server runs with REDIS_URL (services.ts); returns what takes it back. */
export function useRedisForLocks(target: RedisLocks): () => void {
  inUse.push(target);
  return () => {
    const at = inUse.indexOf(target);
    if (at >= 0) inUse.splice(at, 1);
  };
}

/**
 * Runs `work` holding the named lock. Returns null without running it when another instance
 * holds the lock (no waiting: the next scheduled run tries again).
 */
export async function withDatabaseLock<T>(
  store: Db,
  name: string,
  work: () => Promise<T>,
): Promise<T | null> {
  if (store.dialect !== 'mysql') {
    const redisLocks = inUse.at(-1);
    return redisLocks ? withRedisLock(redisLocks, name, work) : work();
  }
  return store.db.connection().execute(async (conn) => {
    const lock = mysqlLockName(
      (await sql<{ db: string | null }>`select database() as db`.execute(conn)).rows[0]?.db,
      name,
    );
    const { rows } = await sql<{ got: number | null }>`select get_lock(${lock}, 0) as got`.execute(conn);
    if (Number(rows[0]?.got) !== 1) return null;
    try {
      return await work();
    } finally {
      await sql`select release_lock(${lock})`.execute(conn);
    }
  });
}

/** MariaDB allows lock names of at most 64 characters. */
const MAX_LOCK_NAME = 64;

/**
 * The GET_LOCK name of `name` in `database`: MariaDB's lock names are server-wide, so the
 * database's name is part of it (one database's backfill must not hold back another's). A name
 * too long for MariaDB becomes a digest of it. Pure.
 */
export function mysqlLockName(database: string | null | undefined, name: string): string {
  const full = `${database ?? ''}.${name}`;
  return full.length <= MAX_LOCK_NAME
    ? full
    : `${name.slice(0, 23)}#${createHash('sha256').update(full).digest('hex').slice(0, 40)}`;
}

async function withRedisLock<T>(
  { redis, prefix }: RedisLocks,
  name: string,
  work: () => Promise<T>,
): Promise<T | null> {
  const key = `${prefix}lock:${name}`;
  const token = randomBytes(16).toString('hex');
  if ((await redis.set(key, token, 'PX', REDIS_LOCK_TTL_MS, 'NX')) !== 'OK') return null;
  // Renewed while the work runs, however long; a failed renewal is retried at the next tick.
  const renew = setInterval(
    () => void redis.eval(RENEW, 1, key, token, REDIS_LOCK_TTL_MS).catch(() => undefined),
    REDIS_LOCK_TTL_MS / 3,
  );
  renew.unref();
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
  }
}
