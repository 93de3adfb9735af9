// Database failures described for people who must not see the driver's own words (hosts, users,
// queries): /debug/health, which needs no token, and component states shown there.

/** What went wrong with the database, in a few words that reveal no host, user or query. */
export function shortCause(err: unknown): string {
  const code = String((err as { code?: unknown }).code ?? '');
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ETIMEDOUT' || code === 'PROTOCOL_SEQUENCE_TIMEOUT') return 'connection timed out';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'PROTOCOL_CONNECTION_LOST' || code === 'ECONNRESET') return 'connection lost';
  if (code.startsWith('ER_ACCESS_DENIED') || code === 'ER_DBACCESS_DENIED_ERROR') return 'access denied';
  if (code === 'ER_BAD_DB_ERROR') return 'unknown database';
  if (code === 'ER_CON_COUNT_ERROR') return 'too many connections';
  if (code.startsWith('SQLITE_')) return `SQLite error ${code}`;
  return 'query failed';
}
