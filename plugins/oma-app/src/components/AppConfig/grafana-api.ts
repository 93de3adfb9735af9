// The Grafana HTTP API calls the configuration page makes as the signed-in admin.
import type { DataSourceInstanceSettings, DataSourcePluginMeta, TestDataSourceResponse } from '@grafana/data';
import { getBackendSrv, getDataSourceSrv, type FetchError } from '@grafana/runtime';
import type { Health } from '@oma-insights/contracts/health';
import { lastValueFrom } from 'rxjs';

import { DATASOURCE_TYPE, PLUGIN_ID } from '../../constants';
import { DataSource } from '../../datasource/datasource';
import { READ_ROUTE, type OmaDataSourceOptions } from '../../datasource/types';
import type { AppSettings } from '../../types';
import type { DataSourceWrite, ExistingDataSource } from './setup';

/** `GET /api/plugins/:id/dashboards` (the fields we use). */
export interface PluginDashboard {
  uid: string;
  title: string;
  path: string;
  imported: boolean;
  importedUrl?: string;
  revision?: number;
  importedRevision?: number;
}

async function request<T>(method: string, url: string, data?: unknown): Promise<T> {
  const res = await lastValueFrom(
    getBackendSrv().fetch<T>({ method, url, data, showErrorAlert: false, showSuccessAlert: false }),
  );
  return res.data;
}

/** What a failed Grafana API call says, for the page to show. */
export function apiMessage(err: unknown): string {
  const e = err as Partial<FetchError<{ message?: string }>>;
  const message =
    typeof e.data === 'object' && e.data?.message ? e.data.message : (e.statusText ?? String(err));
  return e.status ? `${message} (HTTP ${e.status})` : message;
}

export async function getDataSource(uid: string): Promise<ExistingDataSource | null> {
  try {
    return await request<ExistingDataSource>('GET', `/api/datasources/uid/${uid}`);
  } catch (err) {
    if ((err as FetchError).status === 404) return null;
    throw err;
  }
}

export async function saveDataSource(write: DataSourceWrite): Promise<ExistingDataSource> {
  const res = await request<{ datasource: ExistingDataSource }>(write.method, write.url, write.data);
  // Grafana's data source service knows the data sources of the page load until it reloads them;
  // without this the Overview would not find a data source created here. (reload() is deprecated
  // for an unstable successor that Grafana 12.3 lacks; it is still there in 13.)
  await getDataSourceSrv().reload();
  return res.datasource;
}

/** Enables the app in this org (its nested data source and panels are off until then). */
export function enableApp(jsonData: AppSettings, pinned: boolean) {
  return request('POST', `/api/plugins/${PLUGIN_ID}/settings`, { enabled: true, pinned, jsonData });
}

export function listDashboards() {
  return request<PluginDashboard[]>('GET', `/api/plugins/${PLUGIN_ID}/dashboards`);
}

export function importDashboard(path: string) {
  return request<{ importedUrl?: string }>('POST', '/api/dashboards/import', {
    pluginId: PLUGIN_ID,
    path,
    overwrite: true,
    inputs: [],
  });
}

/** The server's health through the data source's read route (a degraded server answers 503 with it). */
export async function serverHealth(uid: string): Promise<Health> {
  try {
    return await request<Health>('GET', `/api/datasources/proxy/uid/${uid}/${READ_ROUTE}/debug/health`);
  } catch (err) {
    const data = (err as FetchError<Health>).data;
    if ((err as FetchError).status === 503 && typeof data?.version === 'string') return data;
    throw err;
  }
}

/** The data source's own "Save & test": reachability, version and the read token. */
export function testDataSource(ds: ExistingDataSource): Promise<TestDataSourceResponse> {
  const settings: DataSourceInstanceSettings<OmaDataSourceOptions> = {
    id: ds.id,
    uid: ds.uid,
    type: DATASOURCE_TYPE,
    name: ds.name,
    access: 'proxy',
    url: `/api/datasources/proxy/uid/${ds.uid}`,
    jsonData: ds.jsonData ?? {},
    meta: { id: DATASOURCE_TYPE } as DataSourcePluginMeta,
    readOnly: Boolean(ds.readOnly),
  };
  return new DataSource(settings).testDatasource();
}
