import { mysqlReachable } from './mysql-check';

/** Decides once per run whether the MariaDB targets run; test files read the answer from env. */
export default async function globalSetup() {
  process.env.OMI_MYSQL_AVAILABLE = (await mysqlReachable()) ? '1' : '0';
}
