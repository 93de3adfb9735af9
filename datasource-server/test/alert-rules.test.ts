// The Grafana alert rules in provisioning/alerting, run for real: each rule's SQL, read from the
// provisioning YAML, runs against MariaDB holding the OMA schema (the production dump when
// OMA_SCHEMA_SQL is set, and the standalone layout), as a SELECT-only user in the session zone
// Grafana's MySQL data source sets; then the rule's own reduce/threshold chain is evaluated the
// way Grafana does (grafana-alert-eval.ts). Each rule stays silent on an empty and on a healthy
// OMA, and fires on injected failures with the labels it promises.
import fs from 'node:fs';
import path from 'node:path';
import { createConnection, Types, type Connection, type FieldPacket } from 'mysql2/promise';
import { parse as parseYaml } from 'yaml';
import type { Db } from '../src/db/connect';
import type { NewReplicationJob } from '../src/db/schema';
import { newJobRow } from '../src/vm-contexts/new-job';
import {
  evaluateRule,
  EvaluationError,
  numberSet,
  type AlertRule,
  type ColumnKind,
  type Evaluation,
  type RuleGroup,
  type Table,
} from './grafana-alert-eval';
import { openTarget, TARGETS, type TestStore } from './helper';
import { MYSQL_URL } from './mysql-check';

const RULES_FILE = path.resolve(__dirname, '..', '..', 'provisioning', 'alerting', 'oma-rules.yaml');
const groups = (parseYaml(fs.readFileSync(RULES_FILE, 'utf8')) as { groups: RuleGroup[] }).groups;
const rules = new Map(groups.flatMap((g) => g.rules).map((r) => [r.uid, r]));
const rule = (uid: string): AlertRule => {
  const found = rules.get(uid);
  if (!found) throw new Error(`No rule ${uid} in ${RULES_FILE}`);
  return found;
};

// ---------------------------------------------------------------------------------------------
// The evaluation itself, on hand-made tables (no database): it must refuse what Grafana refuses.

const table = (columns: Array<[string, ColumnKind]>, rows: unknown[][]): Table => ({
  columns: columns.map(([name, kind]) => ({ name, kind })),
  rows,
});

describe('Grafana-style evaluation of a rule', () => {
  const failed = rule('oma-migration-failed');

  test('one instance per row: string columns are labels, the numeric column the value', () => {
    const result = evaluateRule(failed, {
      A: table(
        [
          ['vm', 'string'],
          ['error_class', 'string'],
          ['failures', 'number'],
        ],
        [
          ['db-01', 'disk', 2],
          ['web-02', 'network', '0'],
        ],
      ),
    });
    expect(result.state).toBe('Alerting');
    expect(result.firing).toEqual([
      { labels: { vm: 'db-01', error_class: 'disk', ...failed.labels }, value: 1 },
    ]);
    expect(result.normal.map((n) => n.labels.vm)).toEqual(['web-02']);
  });

  test('no rows is NoData, which noDataState OK resolves to Normal', () => {
    expect(evaluateRule(failed, { A: table([['n', 'number']], []) })).toEqual({
      state: 'Normal',
      firing: [],
      normal: [],
    });
    const strict = { ...failed, noDataState: 'Alerting' as const };
    expect(evaluateRule(strict, { A: table([['n', 'number']], []) }).state).toBe('Alerting');
  });

  test('dropNN drops a NULL value instead of comparing it', () => {
    const result = evaluateRule(failed, { A: table([['n', 'number']], [[null]]) });
    expect(result.state).toBe('Normal');
    expect(result.firing).toEqual([]);
  });

  test.each([
    [
      'two numeric columns',
      table(
        [
          ['a', 'number'],
          ['b', 'number'],
        ],
        [[1, 2]],
      ),
    ],
    [
      'a time column',
      table(
        [
          ['at', 'other'],
          ['n', 'number'],
        ],
        [['2026-01-01', 1]],
      ),
    ],
    ['no numeric column', table([['vm', 'string']], [['x']])],
    [
      'a NULL label',
      table(
        [
          ['vm', 'string'],
          ['n', 'number'],
        ],
        [[null, 1]],
      ),
    ],
    [
      'two rows with the same labels',
      table(
        [
          ['vm', 'string'],
          ['n', 'number'],
        ],
        [
          ['x', 1],
          ['x', 2],
        ],
      ),
    ],
  ])('refuses a table with %s, as Grafana does', (_what, bad) => {
    expect(() => numberSet(bad)).toThrow(EvaluationError);
  });

  test('thresholds compare as their evaluator says (lt for the success rate)', () => {
    const rate = rule('oma-success-rate-low');
    const at = (value: number) => evaluateRule(rate, { A: table([['r', 'number']], [[value]]) }).state;
    expect([at(89.9), at(90), at(100)]).toEqual(['Alerting', 'Normal', 'Normal']);
  });

  test('an expression chain that reads an unknown refId or an unknown expression type is refused', () => {
    const broken = { ...failed, data: [failed.data[0], { ...failed.data[1], model: { type: 'math' } }] };
    expect(() => evaluateRule(broken, { A: table([['n', 'number']], [[1]]) })).toThrow(EvaluationError);
    expect(() => evaluateRule({ ...failed, condition: 'Z' }, { A: table([['n', 'number']], [[1]]) })).toThrow(
      EvaluationError,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The rules' SQL on MariaDB with the OMA schema.

/** Grafana's MySQL data source: numeric types are numbers, text types strings, the rest (time…) other. */
function kindOf(field: FieldPacket): ColumnKind {
  const numeric = ['DECIMAL', 'NEWDECIMAL', 'TINY', 'SHORT', 'LONG', 'INT24', 'LONGLONG', 'FLOAT', 'DOUBLE'];
  const text = ['VARCHAR', 'VAR_STRING', 'STRING', 'TINY_BLOB', 'MEDIUM_BLOB', 'LONG_BLOB', 'BLOB', 'ENUM'];
  const name = (Types as unknown as Record<number, string>)[field.columnType ?? -1];
  if (numeric.includes(name)) return 'number';
  if (text.includes(name)) return 'string';
  return 'other';
}

const ALERT_TARGETS = TARGETS.filter((t) => t === 'mysql' || t === 'mysql-oma-dump');
const MINUTE = 60_000;

if (ALERT_TARGETS.length === 0) {
  test('the alert rules need MariaDB (see the SKIPPED warning above)', () => {
    expect(process.env.OMI_MYSQL_AVAILABLE).not.toBe('1');
  });
}

describe.each(ALERT_TARGETS)('provisioned alert rules on %s', (target) => {
  let t: TestStore;
  let reader: Connection;
  const readOnlyUser = `omi_alert_ro_${process.pid}_${target.replace(/\W/g, '')}`;
  let seq = 0;

  beforeAll(async () => {
    t = await openTarget(target);
    const database = new URL(t.url).pathname.slice(1);
    // As docker/mariadb-init creates it for Grafana: SELECT only.
    const admin = await createConnection({ uri: MYSQL_URL });
    await admin.query(`DROP USER IF EXISTS '${readOnlyUser}'@'%'`);
    await admin.query(`CREATE USER '${readOnlyUser}'@'%' IDENTIFIED BY 'alert-rules-test'`);
    await admin.query(`GRANT SELECT ON \`${database}\`.* TO '${readOnlyUser}'@'%'`);
    await admin.end();
    const server = new URL(MYSQL_URL);
    reader = await createConnection({
      host: server.hostname,
      port: Number(server.port || 3306),
      user: readOnlyUser,
      password: 'alert-rules-test',
      database,
    });
    // What the data source's "session timezone" (jsonData.timezone = DB_TIMEZONE) does.
    await reader.query('SET time_zone = ?', [t.store.time.sessionZone]);
  });

  afterAll(async () => {
    await reader?.end();
    const admin = await createConnection({ uri: MYSQL_URL });
    await admin.query(`DROP USER IF EXISTS '${readOnlyUser}'@'%'`);
    await admin.end();
    await t?.dispose();
  });

  async function evaluate(uid: string): Promise<Evaluation> {
    const r = rule(uid);
    const tables: Record<string, Table> = {};
    for (const query of r.data.filter((q) => q.datasourceUid !== '__expr__')) {
      const [rows, fields] = await reader.query({ sql: String(query.model.rawSql), rowsAsArray: true });
      tables[query.refId] = {
        columns: fields.map((f) => ({ name: f.name, kind: kindOf(f) })),
        rows: rows as unknown[][],
      };
    }
    return evaluateRule(r, tables);
  }

  const evaluateAll = async () =>
    Object.fromEntries(
      await Promise.all([...rules.keys()].map(async (uid) => [uid, await evaluate(uid)] as const)),
    );

  const at = (store: Db, minutesAgo: number) => store.time.toDb(Date.now() - minutesAgo * MINUTE);

  async function vm(name: string) {
    const row = {
      context_id: `ctx-${name}`,
      vm_name: name,
      vmware_vm_id: `uuid-${name}`,
      vm_path: `/DC1/vm/${name}`,
      vcenter_host: 'vcenter.alerts.test',
      datacenter: 'DC1',
      current_status: 'replicating' as const,
    };
    await t.store.db.insertInto('vm_replication_contexts').values(row).execute();
    return row;
  }

  /** A job of `vm` that ended or last changed `minutesAgo`. */
  async function job(
    owner: Awaited<ReturnType<typeof vm>>,
    status: string,
    minutesAgo: number,
    overrides: Partial<NewReplicationJob> = {},
  ) {
    const id = `job-${owner.vm_name}-${++seq}`;
    const when = at(t.store, minutesAgo);
    const ended = ['completed', 'failed', 'cancelled'].includes(status);
    await t.store.db
      .insertInto('replication_jobs')
      .values(
        newJobRow(owner, id, at(t.store, minutesAgo + 30), {
          status,
          started_at: at(t.store, minutesAgo + 30),
          updated_at: when,
          ...(ended ? { completed_at: when } : {}),
          ...overrides,
        }),
      )
      .execute();
    return id;
  }

  async function cbtSync(
    owner: Awaited<ReturnType<typeof vm>>,
    jobId: string,
    ok: boolean,
    minutesAgo: number,
  ) {
    await t.store.db
      .insertInto('cbt_history')
      .values({
        vm_context_id: owner.context_id,
        job_id: jobId,
        disk_id: 'disk-2000',
        change_id: `52 ${seq} ok/${minutesAgo}`,
        sync_type: 'incremental',
        blocks_changed: 10,
        bytes_transferred: 1024,
        sync_duration_seconds: 30,
        sync_success: ok ? 1 : 0,
        created_at: at(t.store, minutesAgo),
      })
      .execute();
  }

  test('every rule is silent on an empty OMA database', async () => {
    for (const [uid, result] of Object.entries(await evaluateAll())) {
      expect({ uid, state: result.state, firing: result.firing }).toEqual({
        uid,
        state: 'Normal',
        firing: [],
      });
    }
  });

  test('every rule is silent on a healthy OMA, including the cases just short of each threshold', async () => {
    const ok = await vm('ok-01');
    const busy = await vm('busy-02');
    const queued = await vm('queued-03');
    // 20 completed and 2 failed in 24 h: 90.9% success, just above the 90% line.
    for (let i = 0; i < 20; i++) await job(ok, 'completed', 60 + i * 30);
    await job(ok, 'failed', 10, { vma_error_classification: 'network' }); // before the 5-minute window
    await job(busy, 'failed', 23 * 60, { vma_error_classification: 'disk' });
    // Cancelled jobs are neither successes nor failures.
    for (let i = 0; i < 3; i++) await job(busy, 'cancelled', 30 + i);
    // Running and changing, one just under 15 minutes quiet; a pending job waits in the queue.
    const running = await job(busy, 'replicating', 1);
    await job(ok, 'snapshotting', 14);
    await job(queued, 'pending', 120);
    // CBT syncs: recent successes, a failure before the 15-minute window.
    await cbtSync(busy, running, true, 2);
    await cbtSync(busy, running, true, 1);
    await cbtSync(ok, running, false, 20);

    const results = await evaluateAll();
    for (const [uid, result] of Object.entries(results)) {
      expect({ uid, state: result.state, firing: result.firing }).toEqual({
        uid,
        state: 'Normal',
        firing: [],
      });
    }
    // Evaluated, not merely empty: the running jobs and the success rate are instances that stay Normal.
    expect(results['oma-replication-stalled'].normal.map((n) => n.labels.vm).sort()).toEqual([
      'busy-02',
      'ok-01',
    ]);
    expect(results['oma-success-rate-low'].normal).toEqual([
      expect.objectContaining({ value: 0, labels: expect.objectContaining({ source: 'oma-insights' }) }),
    ]);
  });

  test('injected failures fire each rule, one instance per VM with the labels it promises', async () => {
    const db = await vm('db-01');
    const web = await vm('web-02');
    const app = await vm('app-03');
    // Two failures of db-01 within 5 minutes (the latest is network), one unclassified of web-02.
    await job(db, 'failed', 3, { vma_error_classification: 'disk', error_message: 'disk full' });
    const latest = await job(db, 'failed', 1, {
      vma_error_classification: 'network',
      error_message: 'NBD reset',
    });
    const webFailed = await job(web, 'failed', 2, { error_message: 'unknown' });
    // A replication quiet for 20 minutes.
    const stalled = await job(app, 'replicating', 20);
    // Two failed CBT syncs of app-03 in the last 15 minutes.
    await cbtSync(app, stalled, false, 5);
    await cbtSync(app, stalled, false, 4);

    const results = await evaluateAll();

    const failed = results['oma-migration-failed'];
    expect(failed.state).toBe('Alerting');
    expect(failed.firing.map((n) => n.labels).sort((a, b) => a.vm.localeCompare(b.vm))).toEqual([
      { vm: 'db-01', error_class: 'network', job_id: latest, source: 'oma-insights', severity: 'critical' },
      {
        vm: 'web-02',
        error_class: 'unclassified',
        job_id: webFailed,
        source: 'oma-insights',
        severity: 'critical',
      },
    ]);

    const stalledResult = results['oma-replication-stalled'];
    expect(stalledResult.firing.map((n) => n.labels)).toEqual([
      expect.objectContaining({ vm: 'app-03', job_id: stalled, status: 'replicating', severity: 'warning' }),
    ]);
    // The two healthy running jobs from before are still evaluated and still Normal.
    expect(stalledResult.normal.map((n) => n.labels.vm).sort()).toEqual(['busy-02', 'ok-01']);

    expect(results['oma-cbt-sync-failures'].firing).toEqual([
      { labels: { vm: 'app-03', source: 'oma-insights', severity: 'warning' }, value: 1 },
    ]);

    // 20 completed, 2 + 3 failed in 24 h: 80% < 90%.
    expect(results['oma-success-rate-low'].state).toBe('Alerting');
    const [rate] = await reader.query({
      sql: String(rule('oma-success-rate-low').data[0].model.rawSql),
      rowsAsArray: true,
    });
    expect(Number((rate as unknown[][])[0][0])).toBeCloseTo(80, 5);
  });

  test('the read-only user Grafana uses cannot write: the rules need nothing but SELECT', async () => {
    await expect(reader.query("UPDATE replication_jobs SET status = 'completed'")).rejects.toThrow(/denied/i);
  });
});
