/** The data source may only send query types the server answers, and must offer all of them. */
import { QUERY_TYPES } from '../../datasource-server/src/grafana/query-types';
import { KNOWN_QUERY_TYPES } from '../../plugins/migration-datasource/src/types';

test('the plugin and the server agree on the query types', () => {
  expect([...KNOWN_QUERY_TYPES].sort()).toEqual([...QUERY_TYPES].sort());
});
