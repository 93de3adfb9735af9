import { externalFixture, OMA_SCHEMA_SQL } from './external-fixture';
import { mysqlReachable } from './mysql-check';
import { redisReachable } from './redis-check';

/** Decides once per run which MariaDB targets (and Redis suites) run; test files read the answers from env. */
export default async function globalSetup() {
  const mysql = await mysqlReachable();
  process.env.OMI_MYSQL_AVAILABLE = mysql ? '1' : '0';
  const dump = externalFixture(
    OMA_SCHEMA_SQL,
    'the mysql-oma-dump target (attach mode on the real OMA schema dump)',
  );
  process.env.OMI_OMA_DUMP_FILE = mysql && dump ? dump : '';
  process.env.OMI_REDIS_AVAILABLE = (await redisReachable()) ? '1' : '0';
}
