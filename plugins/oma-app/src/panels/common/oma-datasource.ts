// What both network panels need from their surroundings: the suite's data source instance (for
// its Editor-only write route) and whether the signed-in user may change mappings.
import type { PanelData } from '@grafana/data';
import { config, getDataSourceSrv } from '@grafana/runtime';
import type { DataSource } from '../../datasource/datasource';
import { DATASOURCE_UID } from '../../constants';

/** The data source the panel's queries use, or the suite's provisioned one. */
export async function omaDataSource(data?: PanelData): Promise<DataSource> {
  const uid = data?.request?.targets?.find((t) => t.datasource?.uid)?.datasource?.uid ?? DATASOURCE_UID;
  return (await getDataSourceSrv().get({ uid })) as unknown as DataSource;
}

export interface EditAccess {
  allowed: boolean;
  /** Why not, in words for the user. */
  reason?: string;
}

const EDITOR_ROLES = new Set(['Editor', 'Admin']);

/** Mappings change through the data source's write route, which Grafana opens to Editors only. */
export function mappingEditAccess(user = config.bootData.user): EditAccess {
  if (user.isGrafanaAdmin || EDITOR_ROLES.has(user.orgRole)) {
    return { allowed: true };
  }
  return {
    allowed: false,
    reason: `Read-only: changing network mappings needs the Editor role (you are ${user.orgRole || 'signed out'}).`,
  };
}
