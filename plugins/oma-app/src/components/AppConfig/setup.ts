// What the configuration page sends to Grafana's HTTP API, decided from what the admin typed and
// what exists. Pure: the page (AppConfig.tsx) does the requests.
import { DATASOURCE_NAME, DATASOURCE_TYPE, DATASOURCE_UID } from '../../constants';
import type { OmaDataSourceOptions, OmaSecureJsonData } from '../../datasource/types';

export interface ServerForm {
  serverUrl: string;
  liveUrl: string;
  /** Empty: keep the stored token (or none yet). */
  readToken: string;
  writeToken: string;
  /** The stored write token was reset and no new one typed: remove it (Editors can then change nothing). */
  clearWriteToken?: boolean;
}

/** A data source as Grafana's `GET /api/datasources/uid/:uid` answers it (the fields we use). */
export interface ExistingDataSource {
  id: number;
  uid: string;
  name: string;
  type: string;
  access: string;
  url?: string;
  isDefault?: boolean;
  jsonData?: OmaDataSourceOptions;
  secureJsonFields?: Partial<Record<keyof OmaSecureJsonData, boolean>>;
  version?: number;
  readOnly?: boolean;
}

export interface DataSourceWrite {
  method: 'POST' | 'PUT';
  url: string;
  /** What Grafana reads back, minus the server's own fields, plus the secrets being set. */
  data: Pick<ExistingDataSource, 'uid' | 'name' | 'type' | 'access' | 'url' | 'isDefault' | 'version'> & {
    jsonData: OmaDataSourceOptions;
    secureJsonData?: OmaSecureJsonData;
  };
}

/** A server URL as Grafana's backend will use it, or what is wrong with it. */
export function checkServerUrl(text: string, what = 'The server URL'): { url: string } | { error: string } {
  const url = text.trim().replace(/\/+$/, '');
  if (!url) return { error: `${what} is required, for example http://oma-insights:8080` };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: `${what} "${url}" is not a URL; write it like http://oma-insights:8080` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { error: `${what} must start with http:// or https://` };
  }
  if (/\/api\/v1$/.test(parsed.pathname)) {
    return { error: `Leave out /api/v1: ${what.toLowerCase()} is the server's base, e.g. ${parsed.origin}` };
  }
  return { url };
}

/**
 * The server as browsers reach it: a URL, or a path on Grafana's own address (/oma-live) when
 * one reverse proxy serves both.
 */
export function checkLiveUrl(text: string): { url: string } | { error: string } {
  const path = text.trim();
  if (/^\/(?!\/)/.test(path)) {
    return /\/api\/v1\/*$/.test(path)
      ? { error: "Leave out /api/v1: the live URL is the server's base, e.g. /oma-live" }
      : { url: path.replace(/\/+$/, '') || '/' };
  }
  return checkServerUrl(text, 'The live URL');
}

/**
 * The request that creates or updates the suite's data source. Tokens go only into
 * secureJsonData, and only the ones typed in: an empty field keeps the stored token.
 */
export function dataSourceWrite(
  form: ServerForm,
  existing: ExistingDataSource | null,
): DataSourceWrite | { error: string } {
  const server = checkServerUrl(form.serverUrl);
  if ('error' in server) return server;
  const live = form.liveUrl.trim() ? checkLiveUrl(form.liveUrl) : { url: '' };
  if ('error' in live) return live;
  if (existing && existing.type !== DATASOURCE_TYPE) {
    return {
      error: `A data source with uid "${DATASOURCE_UID}" exists but is a ${existing.type} data source; rename or delete it first`,
    };
  }
  if (existing?.readOnly) {
    return { error: `The data source "${existing.name}" is provisioned from files: change it there` };
  }
  const secureJsonData: OmaSecureJsonData = {};
  if (form.readToken.trim()) secureJsonData.readToken = form.readToken.trim();
  if (form.writeToken.trim()) secureJsonData.writeToken = form.writeToken.trim();
  // Grafana keeps a secret that is left out and removes one sent empty.
  else if (form.clearWriteToken && existing?.secureJsonFields?.writeToken) secureJsonData.writeToken = '';
  if (!existing?.secureJsonFields?.readToken && !secureJsonData.readToken) {
    return { error: 'A read token is required: every query uses it' };
  }
  const jsonData: OmaDataSourceOptions = {
    ...(existing?.jsonData ?? {}),
    serverUrl: server.url,
    ...(live.url ? { liveUrl: live.url } : { liveUrl: undefined }),
  };
  const secrets = Object.keys(secureJsonData).length ? { secureJsonData } : {};
  if (existing) {
    return {
      method: 'PUT',
      url: `/api/datasources/uid/${existing.uid}`,
      data: {
        uid: existing.uid,
        name: existing.name,
        type: existing.type,
        access: existing.access,
        url: existing.url,
        isDefault: existing.isDefault,
        jsonData,
        ...secrets,
        version: existing.version,
      },
    };
  }
  return {
    method: 'POST',
    url: '/api/datasources',
    data: {
      uid: DATASOURCE_UID,
      name: DATASOURCE_NAME,
      type: DATASOURCE_TYPE,
      access: 'proxy',
      jsonData,
      ...secrets,
    },
  };
}

/** What the form starts with: the stored URLs, never a token. */
export function formFrom(existing: ExistingDataSource | null): ServerForm {
  return {
    serverUrl: existing?.jsonData?.serverUrl ?? '',
    liveUrl: existing?.jsonData?.liveUrl ?? '',
    readToken: '',
    writeToken: '',
  };
}
