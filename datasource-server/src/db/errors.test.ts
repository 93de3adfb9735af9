import { shortCause } from './errors';

test.each([
  [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.5:3306' }, 'connection refused'],
  [{ code: 'ER_ACCESS_DENIED_ERROR', message: "Access denied for user 'oma'@'10.0.0.9'" }, 'access denied'],
  [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND db.internal' }, 'host not found'],
  [{ code: 'ER_BAD_DB_ERROR', message: "Unknown database 'migratekit_oma'" }, 'unknown database'],
  [
    { code: 'SQLITE_CANTOPEN', message: 'unable to open /srv/oma/.data/oma.sqlite' },
    'SQLite error SQLITE_CANTOPEN',
  ],
  [new Error("You have an error in your SQL syntax near 'select secret'"), 'query failed'],
])('%j is "%s", with nothing of the driver message', (err, cause) => {
  expect(shortCause(err)).toBe(cause);
  expect(cause).not.toMatch(/10\.0|oma'|db\.internal|migratekit|\/srv|select/);
});
