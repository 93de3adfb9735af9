import pluginJson from './plugin.json';
import datasourceJson from './datasource/plugin.json';

export const PLUGIN_ID = pluginJson.id;
export const DATASOURCE_TYPE = datasourceJson.id;

/**
 * The uid of the suite's data source: the configuration page creates it under this uid, the
 * provisioning example uses it, and the bundled dashboards refer to it.
 */
export const DATASOURCE_UID = 'oma-migration';
export const DATASOURCE_NAME = 'OMA Migration Insights';

/** Uid of the bundled Migration Operations dashboard (src/dashboards). */
export const OPERATIONS_DASHBOARD_UID = 'oma-migration-operations';
/** Uid of the bundled Live Operations dashboard (streaming queries). */
export const LIVE_DASHBOARD_UID = 'oma-live-operations';

/** Routes of the app's pages, below /a/<plugin id>/. */
export const ROUTES = { Overview: 'overview', NetworkMapping: 'network-mapping' } as const;

export const BASE_URL = `/a/${PLUGIN_ID}`;
export const prefixRoute = (route: string) => `${BASE_URL}/${route}`;
export const CONFIG_URL = `/plugins/${PLUGIN_ID}`;
