// The Grafana query protocol (`POST /api/v1/query`) as plain lists: the server builds its
// schemas from them, the data source plugin its editor and checks. No TypeBox import here, so
// the plugin bundles only these few constants.

/** Query types the server answers. Later capabilities append theirs. */
export const QUERY_TYPES = ['vmContexts', 'jobs', 'variable', 'failedJobAnnotations'] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

/** Which replication jobs a `jobs` query returns. */
export const JOB_FILTERS = ['running', 'recent', 'failed', 'all'] as const;
export type JobFilter = (typeof JOB_FILTERS)[number];

/** What a `variable` query lists. */
export const VARIABLE_KINDS = [
  'vcenters',
  'datacenters',
  'vms',
  'sourceNetworks',
  'destinationNetworks',
] as const;
export type VariableKind = (typeof VARIABLE_KINDS)[number];

/** Rows one query may ask for. */
export const MAX_QUERY_ROWS = 5000;

/** Queries answered per request; further ones get an error each. */
export const MAX_QUERIES_PER_REQUEST = 20;
