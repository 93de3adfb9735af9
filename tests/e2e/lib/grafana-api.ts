/**
 * A stand-in for the part of Grafana's HTTP API that app plugin pages call (a test fixture): data
 * sources, plugin settings and an app's bundled dashboards, with Grafana's answers, status codes
 * and default role permissions. State lives in memory, one GrafanaState per host.
 *
 * Grafana sources it follows (grafana/grafana, pkg/...):
 * - api/api.go: which permission or role each route needs;
 * - accesscontrol middleware: the 403 body `You'll need additional permissions ... Permissions needed: <action>`;
 * - api/datasources.go, services/datasources: create (409 on a duplicate name or uid, "Datasource
 *   added"), update (non-secret fields replaced, secrets merged: a key left out is kept; optimistic
 *   lock on `version`, "Datasource updated"), `secureJsonFields` = the non-empty secrets;
 * - api/plugins.go, services/pluginsintegration/pluginsettings: plugin settings (enabled, pinned and
 *   jsonData replaced, secureJsonData merged the same way);
 * - api/app_enabled.go (checkAppEnabled), services/plugindashboards, services/dashboardimport:
 *   an app's dashboards and their import.
 *
 * Not modelled: orgs, folders, dashboards other than plugin ones, quota, custom RBAC, and the
 * automatic import of an app's dashboards when it gets enabled (Grafana's dashboard_updater.go
 * does that; here the page's own import is exercised).
 */
import fs from 'node:fs';
import path from 'node:path';

import type { DataSourceConfig, OrgRole, PluginRoute } from './route-proxy';

export interface HostUser {
  login: string;
  orgRole: OrgRole;
}

export interface BuiltPlugin {
  id: string;
  type: string;
  /** The folder of this plugin's plugin.json: Grafana serves it as /public/plugins/<id>/. */
  dir: string;
  /** The id of the plugin whose folder contains this one (a nested plugin of an app). */
  parentId?: string;
  pluginJson: Record<string, unknown> & {
    id: string;
    type: string;
    name?: string;
    autoEnabled?: boolean;
    info?: { logos?: { small?: string; large?: string } };
    includes?: Array<{ type: string; name?: string; path?: string; uid?: string; role?: string }>;
    routes?: PluginRoute[];
  };
}

/** A row of Grafana's data_source table, secrets decrypted. */
export interface StoredDataSource extends DataSourceConfig {
  id: number;
  access: string;
  url: string;
  isDefault: boolean;
  version: number;
  readOnly: boolean;
}

/** A row of Grafana's plugin_setting table (one org). */
export interface PluginSettingRow {
  enabled: boolean;
  pinned: boolean;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

export interface ApiCall {
  user: HostUser;
  method: string;
  /** Path segments after /api. */
  parts: string[];
  body: unknown;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

const ROLE_RANK: Record<OrgRole, number> = { Viewer: 1, Editor: 2, Admin: 3 };

/**
 * Grafana's default permissions for the basic roles, for the actions used here
 * (services/accesscontrol/roles.go: data source and plugin writes are Admin's, dashboards:create
 * is Editor's).
 */
const ACTION_ROLE: Record<string, OrgRole> = {
  'datasources:create': 'Admin',
  'datasources:write': 'Admin',
  'plugins:write': 'Admin',
  'dashboards:create': 'Editor',
};

function accessDenied(action: string): ApiAnswer {
  return {
    status: 403,
    body: {
      accessErrorId: 'ACE0000000001',
      message: `You'll need additional permissions to perform this action. Permissions needed: ${action}`,
      title: 'Access denied',
    },
  };
}

const message = (status: number, text: string): ApiAnswer => ({ status, body: { message: text } });

/** Keys of the secrets that are set: Grafana reports a secret only when it is non-empty. */
function secureJsonFields(secrets: Record<string, string>): Record<string, boolean> {
  return Object.fromEntries(
    Object.entries(secrets)
      .filter(([, v]) => typeof v === 'string' && v.length > 0)
      .map(([k]) => [k, true]),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown): Record<string, string> {
  return isRecord(value)
    ? Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]),
      )
    : {};
}

/** The fields both create and update take from a data source body (Grafana's command DTOs), or null when malformed. */
function dataSourceFields(body: unknown) {
  if (!isRecord(body) || typeof body.name !== 'string' || !body.name || typeof body.type !== 'string')
    return null;
  return {
    name: body.name,
    type: body.type,
    access: typeof body.access === 'string' ? body.access : 'proxy',
    url: typeof body.url === 'string' ? body.url : '',
    isDefault: body.isDefault === true,
    jsonData: isRecord(body.jsonData) ? body.jsonData : {},
  };
}

const slugify = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export class GrafanaState {
  readonly datasources = new Map<string, StoredDataSource>();
  readonly pluginSettings = new Map<string, PluginSettingRow>();
  /** Imported plugin dashboards by `<pluginId>/<path>`: the revision imported and the id given. */
  readonly importedDashboards = new Map<string, { revision: number; dashboardId: number }>();
  private nextId = 1;

  constructor(
    private readonly plugins: Map<string, BuiltPlugin>,
    datasources: Array<DataSourceConfig & Partial<StoredDataSource>> = [],
    pluginSettings: Record<string, Partial<PluginSettingRow>> = {},
  ) {
    for (const ds of datasources) {
      this.datasources.set(ds.uid, {
        id: this.nextId++,
        access: 'proxy',
        url: '',
        isDefault: false,
        version: 1,
        readOnly: false,
        ...ds,
      });
    }
    for (const [id, row] of Object.entries(pluginSettings)) {
      this.pluginSettings.set(id, {
        enabled: false,
        pinned: false,
        jsonData: {},
        secureJsonData: {},
        ...row,
      });
    }
  }

  /** Answers one /api call, or undefined when the stand-in has no such route. */
  handle(call: ApiCall): ApiAnswer | undefined {
    const { method, parts } = call;
    const [a, b, c, d] = parts;
    if (a === 'datasources' && b === 'uid' && c && !d && method === 'GET') return this.getDataSource(c);
    if (a === 'datasources' && !b && method === 'POST') return this.createDataSource(call);
    if (a === 'datasources' && b === 'uid' && c && !d && method === 'PUT')
      return this.updateDataSource(call, c);
    if (a === 'plugins' && b && c === 'settings' && method === 'GET') return this.getPluginSettings(b);
    if (a === 'plugins' && b && c === 'settings' && method === 'POST')
      return this.updatePluginSettings(call, b);
    if (a === 'plugins' && b && c === 'dashboards' && method === 'GET')
      return this.listPluginDashboards(call, b);
    if (a === 'dashboards' && b === 'import' && method === 'POST') return this.importDashboard(call);
    return undefined;
  }

  private can(user: HostUser, action: string): boolean {
    return ROLE_RANK[user.orgRole] >= ROLE_RANK[ACTION_ROLE[action]];
  }

  dataSourceDto(ds: StoredDataSource) {
    const logo = this.plugins.get(ds.type)?.pluginJson.info?.logos?.small;
    return {
      id: ds.id,
      uid: ds.uid,
      orgId: 1,
      name: ds.name,
      type: ds.type,
      typeLogoUrl: logo ? `public/plugins/${ds.type}/${logo}` : '',
      access: ds.access,
      url: ds.url,
      user: '',
      database: '',
      basicAuth: false,
      basicAuthUser: '',
      withCredentials: false,
      isDefault: ds.isDefault,
      jsonData: ds.jsonData,
      secureJsonFields: secureJsonFields(ds.secureJsonData),
      version: ds.version,
      readOnly: ds.readOnly,
    };
  }

  private getDataSource(uid: string): ApiAnswer {
    const ds = this.datasources.get(uid);
    return ds ? { status: 200, body: this.dataSourceDto(ds) } : message(404, 'Data source not found');
  }

  /** POST /api/datasources (AddDataSource). */
  private createDataSource({ user, body }: ApiCall): ApiAnswer {
    if (!this.can(user, 'datasources:create')) return accessDenied('datasources:create');
    const fields = dataSourceFields(body);
    if (!isRecord(body) || !fields) return message(400, 'bad request data');
    const uid = typeof body.uid === 'string' && body.uid ? body.uid : `ds${this.nextId}`;
    const all = [...this.datasources.values()];
    if (all.some((ds) => ds.name === fields.name))
      return message(409, 'data source with the same name already exists');
    if (all.some((ds) => ds.uid === uid)) return message(409, 'data source with the same uid already exists');
    const ds: StoredDataSource = {
      id: this.nextId++,
      uid,
      ...fields,
      secureJsonData: stringRecord(body.secureJsonData),
      version: 1,
      readOnly: false,
    };
    this.datasources.set(uid, ds);
    return {
      status: 200,
      body: { datasource: this.dataSourceDto(ds), id: ds.id, message: 'Datasource added', name: ds.name },
    };
  }

  /** PUT /api/datasources/uid/:uid (UpdateDataSourceByUID). */
  private updateDataSource({ user, body }: ApiCall, uid: string): ApiAnswer {
    if (!this.can(user, 'datasources:write')) return accessDenied('datasources:write');
    const stored = this.datasources.get(uid);
    if (!stored) return message(404, 'Data source not found');
    const fields = dataSourceFields(body);
    if (!isRecord(body) || !fields) return message(400, 'bad request data');
    if (stored.readOnly) return message(403, 'Cannot update read-only data source');
    if ([...this.datasources.values()].some((ds) => ds.uid !== uid && ds.name === fields.name)) {
      return message(409, 'data source with the same name already exists');
    }
    // Optimistic lock (store.go): a non-zero version must not be older than the stored one; the
    // new version is the sent one plus one (so an update without a version restarts at 1).
    const version = typeof body.version === 'number' ? body.version : 0;
    if (version !== 0 && stored.version > version) {
      return message(409, 'Datasource has already been updated by someone else. Please reload and try again');
    }
    // fillWithSecureJSONData: a secret left out keeps its stored value; one sent as "" is stored
    // empty, so it is no longer reported in secureJsonFields.
    const secureJsonData = { ...stored.secureJsonData, ...stringRecord(body.secureJsonData) };
    const updated: StoredDataSource = {
      ...stored,
      ...fields,
      secureJsonData,
      version: version + 1,
    };
    this.datasources.set(uid, updated);
    return {
      status: 200,
      body: {
        datasource: this.dataSourceDto(updated),
        id: updated.id,
        message: 'Datasource updated',
        name: updated.name,
      },
    };
  }

  private settingsOf(plugin: BuiltPlugin): PluginSettingRow | undefined {
    return this.pluginSettings.get(plugin.id);
  }

  /** GET /api/plugins/:id/settings (GetPluginSettingByID): the plugin's meta with this org's settings. */
  pluginMeta(plugin: BuiltPlugin) {
    const row = this.settingsOf(plugin);
    const autoEnabled = plugin.type === 'app' && plugin.pluginJson.autoEnabled === true;
    const base = `public/plugins/${plugin.id}`;
    const info = plugin.pluginJson.info ?? {};
    return {
      // plugin.json as read by Grafana's loader (the DTO is a subset; the rest stands in for the
      // meta Grafana's boot data gives data source instances).
      ...plugin.pluginJson,
      // The loader rewrites logo paths to URLs below the plugin's base (assetpath.go).
      info: {
        ...info,
        logos: Object.fromEntries(Object.entries(info.logos ?? {}).map(([k, v]) => [k, `${base}/${v}`])),
      },
      baseUrl: base,
      module: `${base}/module.js`,
      enabled: row ? row.enabled : autoEnabled,
      pinned: row ? row.pinned : autoEnabled,
      autoEnabled,
      jsonData: row?.jsonData ?? {},
      secureJsonFields: secureJsonFields(row?.secureJsonData ?? {}),
    };
  }

  private getPluginSettings(id: string): ApiAnswer {
    const plugin = this.plugins.get(id);
    return plugin
      ? { status: 200, body: this.pluginMeta(plugin) }
      : message(404, 'Plugin not found, no installed plugin with that id');
  }

  /** POST /api/plugins/:id/settings (UpdatePluginSetting). */
  private updatePluginSettings({ user, body }: ApiCall, id: string): ApiAnswer {
    if (!this.can(user, 'plugins:write')) return accessDenied('plugins:write');
    const plugin = this.plugins.get(id);
    if (!plugin) return message(404, 'Plugin not installed');
    const cmd = isRecord(body) ? body : {};
    if (plugin.pluginJson.autoEnabled && cmd.enabled !== true) {
      return message(400, 'Cannot disable auto-enabled plugin');
    }
    const existing = this.settingsOf(plugin);
    this.pluginSettings.set(id, {
      enabled: cmd.enabled === true,
      pinned: cmd.pinned === true,
      jsonData: isRecord(cmd.jsonData) ? cmd.jsonData : {},
      // maps.Copy(existing.SecureJsonData, cmd.EncryptedSecureJsonData)
      secureJsonData: { ...(existing?.secureJsonData ?? {}), ...stringRecord(cmd.secureJsonData) },
    });
    return message(200, 'Plugin settings updated');
  }

  /** checkAppEnabled (api/app_enabled.go), or undefined when the app may be used. */
  private appNotEnabled(plugin: BuiltPlugin | undefined): ApiAnswer | undefined {
    if (!plugin) return message(404, 'Plugin not found');
    if (plugin.type !== 'app') return undefined;
    const row = this.settingsOf(plugin);
    if (!row) return plugin.pluginJson.autoEnabled ? undefined : message(404, 'Plugin setting not found');
    return row.enabled ? undefined : message(404, 'Plugin is not enabled');
  }

  private dashboardFile(plugin: BuiltPlugin, file: string): Record<string, unknown> | undefined {
    const include = (plugin.pluginJson.includes ?? []).find((i) => i.type === 'dashboard' && i.path === file);
    const full = path.resolve(plugin.dir, file);
    if (!include || !full.startsWith(plugin.dir + path.sep) || !fs.existsSync(full)) return undefined;
    return JSON.parse(fs.readFileSync(full, 'utf8')) as Record<string, unknown>;
  }

  /** One entry of GET /api/plugins/:id/dashboards (plugindashboards.PluginDashboard). */
  private pluginDashboard(plugin: BuiltPlugin, file: string) {
    const dashboard = this.dashboardFile(plugin, file) ?? {};
    const title = String(dashboard.title ?? '');
    const uid = String(dashboard.uid ?? '');
    const slug = slugify(title);
    const imported = this.importedDashboards.get(`${plugin.id}/${file}`);
    return {
      uid,
      pluginId: plugin.id,
      title,
      description: String(dashboard.description ?? ''),
      path: file,
      revision: typeof dashboard.revision === 'number' ? dashboard.revision : 1,
      imported: Boolean(imported),
      importedUri: imported ? `db/${slug}` : '',
      importedUrl: imported ? `/d/${uid}/${slug}` : '',
      importedRevision: imported?.revision ?? 0,
      slug: imported ? slug : '',
      dashboardId: imported?.dashboardId ?? 0,
      folderId: 0,
      folderUid: '',
      removed: false,
    };
  }

  /** GET /api/plugins/:id/dashboards (reqOrgAdmin + checkAppEnabled). */
  private listPluginDashboards({ user }: ApiCall, id: string): ApiAnswer {
    if (user.orgRole !== 'Admin') return message(403, 'Permission denied');
    const plugin = this.plugins.get(id);
    const notEnabled = this.appNotEnabled(plugin);
    if (notEnabled) return notEnabled;
    const files = (plugin!.pluginJson.includes ?? [])
      .filter((i) => i.type === 'dashboard' && typeof i.path === 'string')
      .map((i) => i.path as string);
    return { status: 200, body: files.map((file) => this.pluginDashboard(plugin!, file)) };
  }

  /** POST /api/dashboards/import with `pluginId` + `path` (dashboardimport service). */
  private importDashboard({ user, body }: ApiCall): ApiAnswer {
    if (!this.can(user, 'dashboards:create')) return accessDenied('dashboards:create');
    const cmd = isRecord(body) ? body : {};
    if (typeof cmd.pluginId !== 'string' || typeof cmd.path !== 'string') {
      return message(422, 'Dashboard must be set');
    }
    const plugin = this.plugins.get(cmd.pluginId);
    const dashboard = plugin && this.dashboardFile(plugin, cmd.path);
    if (!plugin || !dashboard)
      return message(400, `Dashboard not found in plugin ${cmd.pluginId}: ${cmd.path}`);
    // dash_template_evaluator.go: every __inputs entry needs a value in the command.
    const inputs = Array.isArray(cmd.inputs) ? (cmd.inputs as Array<{ name?: string }>) : [];
    for (const input of (dashboard.__inputs as Array<{ name: string }> | undefined) ?? []) {
      if (!inputs.some((i) => i.name === input.name)) {
        return message(400, `Dashboard input variable: ${input.name} missing from import command`);
      }
    }
    const key = `${plugin.id}/${cmd.path}`;
    const revision = typeof dashboard.revision === 'number' ? dashboard.revision : 1;
    this.importedDashboards.set(key, {
      revision,
      dashboardId: this.importedDashboards.get(key)?.dashboardId ?? this.nextId++,
    });
    return { status: 200, body: this.pluginDashboard(plugin, cmd.path) };
  }
}
