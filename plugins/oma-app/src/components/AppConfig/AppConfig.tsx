import { css } from '@emotion/css';
import type {
  AppPluginMeta,
  GrafanaTheme2,
  PluginConfigPageProps,
  TestDataSourceResponse,
} from '@grafana/data';
import type { Health } from '@oma-insights/contracts/health';
import {
  Alert,
  Badge,
  Button,
  Field,
  FieldSet,
  Input,
  LinkButton,
  LoadingPlaceholder,
  SecretInput,
  Stack,
  Text,
  useStyles2,
} from '@grafana/ui';
import { useCallback, useEffect, useState, type FormEvent } from 'react';

import { DATASOURCE_UID, prefixRoute, ROUTES } from '../../constants';
import { majorVersion } from '../../datasource/errors';
import { EXPECTED_SERVER_MAJOR } from '../../datasource/types';
import type { AppSettings } from '../../types';
import {
  apiMessage,
  enableApp,
  getDataSource,
  importDashboard,
  listDashboards,
  saveDataSource,
  serverHealth,
  testDataSource,
  type PluginDashboard,
} from './grafana-api';
import { dataSourceWrite, formFrom, type ExistingDataSource, type ServerForm } from './setup';

type Props = PluginConfigPageProps<AppPluginMeta<AppSettings>>;
type Outcome = { severity: 'success' | 'warning' | 'error'; title: string; text?: string };

const outcomeOf = (test: TestDataSourceResponse): Outcome => ({
  severity: test.status === 'success' ? 'success' : test.status === 'warning' ? 'warning' : 'error',
  title:
    test.status === 'success'
      ? 'Connected'
      : test.status === 'warning'
        ? 'Connected, with a warning'
        : 'Not connected',
  text: test.message,
});

/**
 * The app's configuration page: the server URL and tokens become the suite's data source (created
 * or updated through Grafana's HTTP API as the signed-in admin), the app is enabled, the server's
 * health is shown, and the bundled dashboards can be imported.
 */
export function AppConfig({ plugin }: Props) {
  const styles = useStyles2(getStyles);
  const [existing, setExisting] = useState<ExistingDataSource | null | undefined>(undefined);
  const [form, setForm] = useState<ServerForm>(formFrom(null));
  const [reset, setReset] = useState({ read: false, write: false });
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [health, setHealth] = useState<Health | string | null>(null);
  const [dashboards, setDashboards] = useState<PluginDashboard[] | string | null>(null);

  const refreshDashboards = useCallback(() => {
    listDashboards().then(setDashboards, (err) => setDashboards(apiMessage(err)));
  }, []);
  const refreshHealth = useCallback((uid: string) => {
    serverHealth(uid).then(setHealth, (err) => setHealth(apiMessage(err)));
  }, []);

  useEffect(() => {
    getDataSource(DATASOURCE_UID).then(
      (ds) => {
        setExisting(ds);
        setForm(formFrom(ds));
        if (ds) refreshHealth(ds.uid);
      },
      (err) => {
        setExisting(null);
        setOutcome({ severity: 'error', title: 'Could not read the data source', text: apiMessage(err) });
      },
    );
    if (plugin.meta.enabled) refreshDashboards();
  }, [plugin.meta.enabled, refreshDashboards, refreshHealth]);

  const onSave = async (event: FormEvent) => {
    event.preventDefault();
    const stored = existing
      ? {
          ...existing,
          secureJsonFields: {
            ...existing.secureJsonFields,
            readToken: !reset.read && existing.secureJsonFields?.readToken,
          },
        }
      : null;
    const write = dataSourceWrite({ ...form, clearWriteToken: reset.write }, stored);
    if ('error' in write) {
      setOutcome({ severity: 'error', title: 'Not saved', text: write.error });
      return;
    }
    setSaving(true);
    setOutcome(null);
    try {
      const saved = await saveDataSource(write);
      await enableApp({ ...plugin.meta.jsonData, datasourceUid: saved.uid }, plugin.meta.pinned ?? true);
      setExisting(saved);
      setForm(formFrom(saved));
      setReset({ read: false, write: false });
      setOutcome(outcomeOf(await testDataSource(saved)));
      refreshHealth(saved.uid);
      refreshDashboards();
    } catch (err) {
      setOutcome({ severity: 'error', title: 'Not saved', text: apiMessage(err) });
    } finally {
      setSaving(false);
    }
  };

  if (existing === undefined) return <LoadingPlaceholder text="Reading the current configuration…" />;
  const provisioned = Boolean(existing?.readOnly);
  const set = (key: keyof ServerForm) => (e: FormEvent<HTMLInputElement>) =>
    setForm({ ...form, [key]: e.currentTarget.value });

  return (
    <div className={styles.page} data-testid="oma-app-config">
      <form onSubmit={onSave}>
        <FieldSet label="OMA Migration Insights server">
          <div className={styles.intro}>
            <Text color="secondary">
              These settings become the <b>{existing?.name ?? 'OMA Migration Insights'}</b> data source (uid{' '}
              <code>{DATASOURCE_UID}</code>). Tokens are kept encrypted by Grafana and never shown again.
            </Text>
          </div>
          {provisioned && (
            <Alert severity="info" title="Provisioned data source">
              This data source comes from provisioning files; change it there.
            </Alert>
          )}
          <Field
            label="Server URL"
            description="The server as Grafana's backend reaches it, without /api/v1"
            required
          >
            <Input
              id="oma-server-url"
              value={form.serverUrl}
              onChange={set('serverUrl')}
              placeholder="http://oma-insights:8080"
              disabled={provisioned}
              width={60}
            />
          </Field>
          <Field
            label="Live URL"
            description="The same server as browsers reach it, for live updates (optional): its address, or a path such as /oma-live on Grafana's address behind the same proxy. The server must list Grafana's address in LIVE_ALLOWED_ORIGINS."
          >
            <Input
              id="oma-live-url"
              value={form.liveUrl}
              onChange={set('liveUrl')}
              placeholder="http://localhost:8080"
              disabled={provisioned}
              width={60}
            />
          </Field>
          <Field label="Read token" description="A token with the read scope; every query uses it" required>
            <SecretInput
              id="oma-read-token"
              isConfigured={Boolean(existing?.secureJsonFields?.readToken) && !reset.read}
              value={form.readToken}
              onChange={set('readToken')}
              onReset={() => setReset({ ...reset, read: true })}
              disabled={provisioned}
              width={60}
            />
          </Field>
          <Field
            label="Write token"
            description="A token with the write scope, used only for Editors (optional)"
          >
            <SecretInput
              id="oma-write-token"
              isConfigured={Boolean(existing?.secureJsonFields?.writeToken) && !reset.write}
              value={form.writeToken}
              onChange={set('writeToken')}
              onReset={() => setReset({ ...reset, write: true })}
              disabled={provisioned}
              width={60}
            />
          </Field>
          <Button type="submit" icon={saving ? 'spinner' : 'save'} disabled={saving || provisioned}>
            {existing ? 'Save and test' : 'Create data source and test'}
          </Button>
        </FieldSet>
      </form>

      {outcome && (
        <Alert severity={outcome.severity} title={outcome.title} data-testid="oma-config-outcome">
          {outcome.text}
        </Alert>
      )}

      {existing && <ServerHealth health={health} />}

      <FieldSet label="Dashboards">
        <Dashboards dashboards={dashboards} onImported={refreshDashboards} />
      </FieldSet>

      {existing && (
        <div>
          <LinkButton variant="secondary" icon="arrow-right" href={prefixRoute(ROUTES.Overview)}>
            Open the overview
          </LinkButton>
        </div>
      )}
    </div>
  );
}

function ServerHealth({ health }: { health: Health | string | null }) {
  const styles = useStyles2(getStyles);
  if (health === null) return <LoadingPlaceholder text="Asking the server for its health…" />;
  if (typeof health === 'string') {
    return (
      <Alert severity="error" title="The server's health could not be read">
        {health}
      </Alert>
    );
  }
  const major = majorVersion(health.version);
  const compatible = major === EXPECTED_SERVER_MAJOR;
  return (
    <FieldSet label="Server">
      <dl className={styles.facts} data-testid="oma-server-health">
        <dt>Status</dt>
        <dd>
          <Badge text={health.status} color={health.status === 'ok' ? 'green' : 'orange'} />
          {health.reasons.length > 0 && <Text color="secondary"> {health.reasons.join('; ')}</Text>}
        </dd>
        <dt>Version</dt>
        <dd>
          {health.version} (API {health.api_version}){' '}
          <Badge
            text={compatible ? 'compatible' : `incompatible: this app needs ${EXPECTED_SERVER_MAJOR}.x`}
            color={compatible ? 'green' : 'red'}
          />
        </dd>
        <dt>Database</dt>
        <dd>
          {health.dialect}, {health.mode} mode, times in {health.db_timezone}
        </dd>
        <dt>Uptime</dt>
        <dd>{Math.round(health.uptime_s / 60)} min</dd>
      </dl>
    </FieldSet>
  );
}

function Dashboards({
  dashboards,
  onImported,
}: {
  dashboards: PluginDashboard[] | string | null;
  onImported: () => void;
}) {
  const styles = useStyles2(getStyles);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (dashboards === null) {
    return <Text color="secondary">Enable the app (save the settings above) to import its dashboards.</Text>;
  }
  if (typeof dashboards === 'string') {
    return (
      <Alert severity="error" title="The app's dashboards could not be listed">
        {dashboards}
      </Alert>
    );
  }
  const run = async (list: PluginDashboard[]) => {
    setError(null);
    for (const d of list) {
      setBusy(d.path);
      try {
        await importDashboard(d.path);
      } catch (err) {
        setError(`${d.title}: ${apiMessage(err)}`);
        break;
      }
    }
    setBusy(null);
    onImported();
  };
  return (
    <Stack direction="column" gap={1}>
      <table className={styles.dashboards} data-testid="oma-dashboards">
        <tbody>
          {dashboards.map((d) => (
            <tr key={d.path}>
              <td>{d.title}</td>
              <td>
                {d.imported ? (
                  <Badge text={`imported (revision ${d.importedRevision ?? '?'})`} color="green" />
                ) : (
                  <Badge text="not imported" color="orange" />
                )}
              </td>
              <td>
                <Button size="sm" variant="secondary" disabled={busy !== null} onClick={() => run([d])}>
                  {d.imported ? 'Re-import' : 'Import'}
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {dashboards.some((d) => !d.imported) && (
        <div>
          <Button
            icon="import"
            disabled={busy !== null}
            onClick={() => run(dashboards.filter((d) => !d.imported))}
          >
            Import all dashboards
          </Button>
        </div>
      )}
      {error && (
        <Alert severity="error" title="Import failed">
          {error}
        </Alert>
      )}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2), maxWidth: 900 }),
  intro: css({ marginBottom: theme.spacing(2) }),
  dashboards: css({
    alignSelf: 'flex-start',
    borderCollapse: 'collapse',
    td: { padding: theme.spacing(0.5, 3, 0.5, 0), verticalAlign: 'middle' },
  }),
  facts: css({
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: theme.spacing(1, 2),
    margin: 0,
    dt: { color: theme.colors.text.secondary },
    dd: { margin: 0 },
  }),
});
