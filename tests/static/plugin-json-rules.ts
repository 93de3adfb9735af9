/**
 * The project's own plugin.json checker, written from Grafana's plugin.json reference page
 * (plugin-tools "Metadata (plugin.json)"). It runs on every plugin.json whether or not Grafana's
 * published schema is at hand (GRAFANA_PLUGIN_SCHEMA), and is stricter where the project wants
 * more: the `<org>-<name>-<type>` id, a path on every route, a real version and date once built.
 *
 * `checkPluginJson` checks one file; `checkPluginTree` checks a plugin folder (src/ or dist/)
 * with its nested plugins, the way an app nests data sources and panels.
 */
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';

/** `source`: src/plugin.json, whose version and date the build fills in; `dist`: the built file. */
export type PluginJsonStage = 'source' | 'dist';

export const PLUGIN_TYPES = ['app', 'datasource', 'panel', 'renderer', 'secretsmanager'] as const;
const INCLUDE_TYPES = ['dashboard', 'page', 'panel', 'datasource'];
const DEPENDENCY_PLUGIN_TYPES = ['app', 'datasource', 'panel'];
const ROLES = ['Admin', 'Editor', 'Viewer'];
const CATEGORIES = ['tsdb', 'logging', 'cloud', 'tracing', 'profiling', 'sql', 'enterprise', 'iot', 'other'];
const STATES = ['alpha', 'beta'];
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
/** The build replaces these in src/plugin.json (see plugins/.config/webpack.config.js). */
const VERSION_PLACEHOLDER = '%VERSION%';
const DATE_PLACEHOLDER = '%TODAY%';

/** Flags the reference documents as meaningful for one plugin type only. */
const FLAGS_FOR_TYPE: Record<string, string> = {
  alerting: 'datasource',
  annotations: 'datasource',
  logs: 'datasource',
  metrics: 'datasource',
  multiValueFilterOperators: 'datasource',
  streaming: 'datasource',
  tracing: 'datasource',
  autoEnabled: 'app',
  preload: 'app',
  skipDataQuery: 'panel',
};
const OTHER_TOP_LEVEL = [
  '$schema',
  'id',
  'name',
  'type',
  'info',
  'dependencies',
  'backend',
  'category',
  'enterpriseFeatures',
  'executable',
  'extensions',
  'iam',
  'includes',
  'queryOptions',
  'roles',
  'routes',
  'state',
];
const TOP_LEVEL = new Set([...OTHER_TOP_LEVEL, ...Object.keys(FLAGS_FOR_TYPE)]);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** Collects messages as `<json pointer> <what is wrong>`. */
class Findings {
  readonly errors: string[] = [];
  add(at: string, message: string) {
    this.errors.push(`${at} ${message}`);
  }
  /** Checks `value` is an object and has no keys outside `allowed`; false when it is no object. */
  object(at: string, value: unknown, allowed: readonly string[]): value is Json {
    if (!isObject(value)) {
      this.add(at, 'must be an object');
      return false;
    }
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.add(`${at}/${key}`, 'is not a plugin.json field');
    }
    return true;
  }
  optionalString(at: string, value: unknown) {
    if (value !== undefined && typeof value !== 'string') this.add(at, 'must be a string');
  }
  optionalBoolean(at: string, value: unknown) {
    if (value !== undefined && typeof value !== 'boolean') this.add(at, 'must be a boolean');
  }
  oneOf(at: string, value: unknown, allowed: readonly string[], required = false) {
    if (value === undefined && !required) return;
    if (typeof value !== 'string' || !allowed.includes(value))
      this.add(at, `must be one of ${allowed.join(', ')}`);
  }
  /** An optional array whose items are objects with only `allowed` keys, each checked by `item`. */
  list(
    at: string,
    value: unknown,
    allowed: readonly string[],
    item: (at: string, v: Json) => void = () => {},
  ) {
    if (value === undefined) return;
    if (!Array.isArray(value)) {
      this.add(at, 'must be an array');
      return;
    }
    value.forEach((v, i) => {
      if (this.object(`${at}/${i}`, v, allowed)) item(`${at}/${i}`, v);
    });
  }
}

function checkInfo(f: Findings, info: unknown, stage: PluginJsonStage) {
  const allowed = [
    'author',
    'build',
    'description',
    'keywords',
    'links',
    'logos',
    'screenshots',
    'updated',
    'version',
  ];
  if (!f.object('/info', info, allowed)) return;
  const { keywords, logos, version, updated } = info;
  if (!Array.isArray(keywords) || !keywords.every(isNonEmptyString))
    f.add('/info/keywords', 'must be an array of words');
  if (f.object('/info/logos', logos, ['small', 'large'])) {
    for (const size of ['small', 'large'] as const) {
      if (!isNonEmptyString(logos[size]) || !logos[size].endsWith('.svg'))
        f.add(`/info/logos/${size}`, 'must be the path of an SVG image');
    }
  }
  const placeholdersAllowed = stage === 'source';
  if (!(placeholdersAllowed && version === VERSION_PLACEHOLDER)) {
    if (typeof version !== 'string' || semver.valid(version) !== version)
      f.add(
        '/info/version',
        `must be a SemVer version${placeholdersAllowed ? ` or ${VERSION_PLACEHOLDER}` : ''}`,
      );
  }
  if (!(placeholdersAllowed && updated === DATE_PLACEHOLDER)) {
    const isDate =
      typeof updated === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(updated) &&
      new Date(`${updated}T00:00:00Z`).toISOString().startsWith(updated);
    if (!isDate)
      f.add(
        '/info/updated',
        `must be a YYYY-MM-DD date${placeholdersAllowed ? ` or ${DATE_PLACEHOLDER}` : ''}`,
      );
  }
  if (info.author !== undefined && f.object('/info/author', info.author, ['name', 'email', 'url'])) {
    for (const key of ['name', 'email', 'url']) f.optionalString(`/info/author/${key}`, info.author[key]);
  }
  f.optionalString('/info/description', info.description);
  f.list('/info/links', info.links, ['name', 'url'], (at, link) => {
    f.optionalString(`${at}/name`, link.name);
    f.optionalString(`${at}/url`, link.url);
  });
  f.list('/info/screenshots', info.screenshots, ['name', 'path'], (at, shot) => {
    f.optionalString(`${at}/name`, shot.name);
    f.optionalString(`${at}/path`, shot.path);
  });
  if (info.build !== undefined)
    f.object('/info/build', info.build, ['branch', 'hash', 'number', 'pr', 'repo', 'time']);
}

function checkDependencies(f: Findings, deps: unknown) {
  if (!f.object('/dependencies', deps, ['grafanaDependency', 'grafanaVersion', 'plugins', 'extensions']))
    return;
  const range = deps.grafanaDependency;
  // Grafana validates the range with node-semver; a range that names no version says nothing.
  if (typeof range !== 'string' || !/\d/.test(range) || semver.validRange(range) === null)
    f.add(
      '/dependencies/grafanaDependency',
      'must be a SemVer range naming a Grafana version, e.g. >=12.3.0',
    );
  f.optionalString('/dependencies/grafanaVersion', deps.grafanaVersion);
  f.list('/dependencies/plugins', deps.plugins, ['id', 'name', 'type', 'version'], (at, dep) => {
    if (!isNonEmptyString(dep.id)) f.add(`${at}/id`, 'is required');
    if (!isNonEmptyString(dep.name)) f.add(`${at}/name`, 'is required');
    f.oneOf(`${at}/type`, dep.type, DEPENDENCY_PLUGIN_TYPES, true);
    // The reference asks for a pinned version, not a range.
    if (dep.version !== undefined && (typeof dep.version !== 'string' || semver.valid(dep.version) === null))
      f.add(`${at}/version`, 'must be a pinned SemVer version');
  });
  if (
    deps.extensions !== undefined &&
    f.object('/dependencies/extensions', deps.extensions, ['exposedComponents'])
  ) {
    const exposed = deps.extensions.exposedComponents;
    if (exposed !== undefined && (!Array.isArray(exposed) || !exposed.every(isNonEmptyString)))
      f.add('/dependencies/extensions/exposedComponents', 'must be an array of component ids');
  }
}

function checkRoutes(f: Findings, routes: unknown, type: unknown) {
  if (routes === undefined) return;
  // Grafana proxies routes for data sources and apps; a panel has no proxy.
  if (type !== 'datasource' && type !== 'app') f.add('/routes', 'are only for data source and app plugins');
  const allowed = [
    'path',
    'method',
    'url',
    'reqRole',
    'reqAction',
    'reqSignedIn',
    'headers',
    'body',
    'tokenAuth',
    'jwtTokenAuth',
  ];
  f.list('/routes', routes, allowed, (at, route) => {
    // Grafana matches a request against the route path; a route without one is never used.
    if (!isNonEmptyString(route.path)) f.add(`${at}/path`, 'is required');
    if (route.method !== undefined) {
      const methods = typeof route.method === 'string' ? route.method.split(',').map((m) => m.trim()) : [];
      if (methods.length === 0 || !methods.every((m) => HTTP_METHODS.includes(m)))
        f.add(`${at}/method`, `must be a comma-separated list of ${HTTP_METHODS.join(', ')}`);
    }
    // Optional in the reference, but a route without a url has nowhere to proxy to.
    if (!isNonEmptyString(route.url)) f.add(`${at}/url`, 'is required');
    f.oneOf(`${at}/reqRole`, route.reqRole, ROLES);
    f.optionalString(`${at}/reqAction`, route.reqAction);
    f.optionalBoolean(`${at}/reqSignedIn`, route.reqSignedIn);
    f.list(`${at}/headers`, route.headers, ['name', 'content'], (hat, header) => {
      if (!isNonEmptyString(header.name)) f.add(`${hat}/name`, 'is required');
      if (typeof header.content !== 'string') f.add(`${hat}/content`, 'must be a string');
    });
    for (const auth of ['tokenAuth', 'jwtTokenAuth']) {
      if (route[auth] !== undefined) f.object(`${at}/${auth}`, route[auth], ['url', 'scopes', 'params']);
    }
  });
}

function checkIncludes(f: Findings, includes: unknown, type: unknown) {
  if (includes === undefined) return;
  const allowed = [
    'action',
    'addToNav',
    'component',
    'defaultNav',
    'icon',
    'name',
    'path',
    'role',
    'type',
    'uid',
  ];
  let defaults = 0;
  f.list('/includes', includes, allowed, (at, include) => {
    f.oneOf(`${at}/type`, include.type, INCLUDE_TYPES, true);
    f.oneOf(`${at}/role`, include.role, ROLES);
    f.optionalBoolean(`${at}/addToNav`, include.addToNav);
    f.optionalBoolean(`${at}/defaultNav`, include.defaultNav);
    for (const key of ['action', 'component', 'icon', 'name', 'path', 'uid'])
      f.optionalString(`${at}/${key}`, include[key]);
    if (include.type === 'page') {
      // Pages belong to apps and show up in Grafana's navigation by name at their path.
      if (type !== 'app') f.add(`${at}/type`, 'page includes are only for app plugins');
      if (!isNonEmptyString(include.name)) f.add(`${at}/name`, 'is required for a page');
      if (!isNonEmptyString(include.path)) f.add(`${at}/path`, 'is required for a page');
    }
    if (include.type === 'dashboard' && !isNonEmptyString(include.path))
      f.add(`${at}/path`, 'is required for a dashboard (the JSON file to import)');
    if (include.type === 'panel' || include.type === 'datasource') {
      if (!isNonEmptyString(include.name)) f.add(`${at}/name`, `is required for a ${include.type}`);
    }
    if (include.defaultNav === true) defaults += 1;
  });
  if (defaults > 1) f.add('/includes', 'may have only one defaultNav include');
}

/** Every problem with one plugin.json, as `<json pointer> <message>`; empty when it is fine. */
export function checkPluginJson(json: unknown, stage: PluginJsonStage): string[] {
  const f = new Findings();
  if (!isObject(json)) {
    f.add('/', 'must be an object');
    return f.errors;
  }
  for (const key of Object.keys(json)) {
    if (!TOP_LEVEL.has(key)) f.add(`/${key}`, 'is not a plugin.json field');
  }
  const { id, type, name } = json;
  f.oneOf('/type', type, PLUGIN_TYPES, true);
  // Grafana's naming convention: <org>-<name>-<type>, lowercase letters and digits, type as suffix.
  const idMatch = typeof id === 'string' ? /^[a-z0-9]+-[a-z0-9]+-([a-z0-9]+)$/.exec(id) : null;
  if (!idMatch) f.add('/id', 'must be <org>-<name>-<type> in lowercase letters and digits');
  else if (idMatch[1] !== type) f.add('/id', `must end with the plugin type (-${String(type)})`);
  if (!isNonEmptyString(name)) f.add('/name', 'is required');
  checkInfo(f, json.info, stage);
  checkDependencies(f, json.dependencies);

  for (const [flag, onlyFor] of Object.entries(FLAGS_FOR_TYPE)) {
    f.optionalBoolean(`/${flag}`, json[flag]);
    if (json[flag] !== undefined && type !== onlyFor) f.add(`/${flag}`, `is only for ${onlyFor} plugins`);
  }
  f.optionalBoolean('/backend', json.backend);
  if (json.alerting === true && json.backend !== true) f.add('/alerting', 'needs backend: true');
  if (json.executable !== undefined) {
    f.optionalString('/executable', json.executable);
    if (json.backend !== true) f.add('/executable', 'needs backend: true');
  }
  if (json.category !== undefined) {
    f.oneOf('/category', json.category, CATEGORIES);
    if (type !== 'datasource') f.add('/category', 'is only for datasource plugins');
  }
  f.oneOf('/state', json.state, STATES);
  f.optionalString('/$schema', json.$schema);
  if (json.queryOptions !== undefined)
    f.object('/queryOptions', json.queryOptions, ['cacheTimeout', 'maxDataPoints', 'minInterval']);
  checkRoutes(f, json.routes, type);
  checkIncludes(f, json.includes, type);
  return f.errors;
}

/** Every plugin.json under `dir`, as paths relative to it (`plugin.json` first). */
export function findPluginJsonFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(child);
      else if (entry.name === 'plugin.json') found.push(child);
    }
  };
  walk('');
  return found.sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
}

/**
 * A plugin folder (src/ or dist/): one plugin.json at its root, nested plugins only under an app
 * and never apps themselves, ids unique, a module beside every plugin.json (module.ts or .tsx in
 * src/, module.js in dist/), and one version for the whole suite once built.
 */
export function checkPluginTree(dir: string, stage: PluginJsonStage): string[] {
  const errors: string[] = [];
  const files = findPluginJsonFiles(dir);
  if (files[0] !== 'plugin.json') return [`plugin.json is missing at the root of ${dir}`];
  const plugins = files.map((file) => {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    } catch (err) {
      errors.push(`${file}: not JSON (${(err as Error).message})`);
    }
    return { file, json: (json ?? {}) as Json };
  });
  const [root, ...nested] = plugins;
  const modules = stage === 'source' ? ['module.ts', 'module.tsx'] : ['module.js'];
  const ids = new Map<unknown, string>();
  for (const { file, json } of plugins) {
    errors.push(...checkPluginJson(json, stage).map((e) => `${file}: ${e}`));
    const folder = path.dirname(path.join(dir, file));
    if (!modules.some((m) => fs.existsSync(path.join(folder, m))))
      errors.push(`${file}: no ${modules.join(' or ')} beside it`);
    if (ids.has(json.id)) errors.push(`${file}: id ${String(json.id)} is also used by ${ids.get(json.id)}`);
    ids.set(json.id, file);
  }
  if (nested.length > 0 && root.json.type !== 'app')
    errors.push(`plugin.json: only an app can nest plugins (${nested.map((p) => p.file).join(', ')})`);
  for (const { file, json } of nested) {
    if (json.type === 'app') errors.push(`${file}: a nested plugin cannot be an app`);
    if (
      stage === 'dist' &&
      (json.info as Json | undefined)?.version !== (root.json.info as Json | undefined)?.version
    )
      errors.push(`${file}: info.version differs from the app's`);
  }
  return errors;
}
