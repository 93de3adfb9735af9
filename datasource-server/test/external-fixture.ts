// Files that belong to other people (the OMA production schema dump, Grafana's plugin.json schema)
// never live in this repository: the suites that use them take their paths from the environment.
// Without them those suites say loudly that they were skipped; REQUIRE_FIXTURES=1 (CI) turns a
// missing variable or file into a failure. Kept free of app imports: the global setup loads it.
import fs from 'node:fs';
import path from 'node:path';

/** Path of the OMA production schema dump (a mysqldump, schema only). */
export const OMA_SCHEMA_SQL = 'OMA_SCHEMA_SQL';
/** Path of Grafana's published plugin.json JSON schema. */
export const GRAFANA_PLUGIN_SCHEMA = 'GRAFANA_PLUGIN_SCHEMA';

/**
 * The absolute path named by `variable`, or null when the variable is unset or names no file;
 * `skipped` says what does not run then.
 */
export function externalFixture(variable: string, skipped: string): string | null {
  const value = process.env[variable];
  let problem: string | null = null;
  if (!value) problem = `${variable} is not set`;
  else if (!fs.statSync(path.resolve(value), { throwIfNoEntry: false })?.isFile())
    problem = `${variable}=${value} is not a file`;
  if (!problem) return path.resolve(value!);
  if (process.env.REQUIRE_FIXTURES === '1') {
    throw new Error(`REQUIRE_FIXTURES=1 but ${problem}; it is needed for ${skipped}`);
  }
  console.warn(`\n*** ${problem}: ${skipped} SKIPPED ***\n`);
  return null;
}
