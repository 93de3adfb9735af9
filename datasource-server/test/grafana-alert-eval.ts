// How Grafana evaluates the provisioned alert rules (provisioning/alerting), reproduced for tests
// (Grafana itself cannot run here): a SQL data source's table becomes one number per row when it
// has exactly one numeric column and otherwise only strings (the strings are the labels, as in
// Grafana's expr `isNumberTable`/`extractNumberSet`); then the rule's server-side expressions run in
// order — `reduce` (a number passes through; `dropNN` drops null/NaN) and `threshold` — and the
// condition's non-zero instances fire. An empty result is NoData and resolves by noDataState.
// Pure: the caller runs the SQL.

export interface RuleQuery {
  refId: string;
  datasourceUid: string;
  relativeTimeRange?: { from: number; to: number };
  model: Record<string, unknown>;
}

export interface AlertRule {
  uid: string;
  title: string;
  condition: string;
  data: RuleQuery[];
  noDataState: 'NoData' | 'Alerting' | 'OK' | 'KeepLast';
  execErrState: 'Error' | 'Alerting' | 'OK' | 'KeepLast';
  for: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroup {
  orgId: number;
  name: string;
  folder: string;
  interval: string;
  rules: AlertRule[];
}

/** What Grafana's MySQL data source makes of a column: a number, a string, or anything else (time…). */
export type ColumnKind = 'number' | 'string' | 'other';

export interface Table {
  columns: Array<{ name: string; kind: ColumnKind }>;
  rows: unknown[][];
}

export interface Instance {
  labels: Record<string, string>;
  value: number | null;
}

export interface Evaluation {
  /** The rule's state: NoData resolved through noDataState. */
  state: 'Normal' | 'Alerting' | 'NoData';
  /** Alert instances that fire, with the rule's labels merged in. */
  firing: Instance[];
  /** Instances evaluated and not firing. */
  normal: Instance[];
}

export class EvaluationError extends Error {}

const EXPR_UID = '__expr__';

/** A table as Grafana's alerting turns it into numbers; throws where Grafana would refuse it. */
export function numberSet(table: Table): Instance[] {
  const numeric = table.columns.filter((c) => c.kind === 'number');
  const other = table.columns.filter((c) => c.kind === 'other');
  if (numeric.length !== 1 || other.length > 0) {
    throw new EvaluationError(
      `A table alert needs exactly one numeric column and only string columns besides it; got ` +
        table.columns.map((c) => `${c.name}:${c.kind}`).join(', '),
    );
  }
  const valueAt = table.columns.indexOf(numeric[0]);
  const seen = new Set<string>();
  return table.rows.map((row) => {
    const labels: Record<string, string> = {};
    table.columns.forEach((column, i) => {
      if (column.kind !== 'string') return;
      if (typeof row[i] !== 'string') {
        throw new EvaluationError(
          `Label column ${column.name} is ${row[i] === null ? 'NULL' : typeof row[i]}`,
        );
      }
      labels[column.name] = row[i] as string;
    });
    const key = JSON.stringify(Object.entries(labels).sort());
    if (seen.has(key)) throw new EvaluationError(`Two rows with the same labels ${key}`);
    seen.add(key);
    const raw = row[valueAt];
    const value = raw === null || raw === undefined ? null : Number(raw);
    return { labels, value: value === null || Number.isNaN(value) ? null : value };
  });
}

function reduce(model: Record<string, unknown>, input: Instance[]): Instance[] {
  const settings = (model.settings ?? {}) as { mode?: string; replaceWithValue?: number };
  const mode = settings.mode ?? '';
  if (!['', 'dropNN', 'replaceNN'].includes(mode)) throw new EvaluationError(`Unknown reduce mode ${mode}`);
  if (typeof model.reducer !== 'string') throw new EvaluationError('reduce without a reducer');
  // A number is already reduced: any reducer passes it through (only the mode applies).
  return input.flatMap((n) => {
    if (n.value !== null) return [n];
    if (mode === 'dropNN') return [];
    if (mode === 'replaceNN') return [{ ...n, value: Number(settings.replaceWithValue) }];
    return [n];
  });
}

function threshold(model: Record<string, unknown>, input: Instance[]): Instance[] {
  const conditions = model.conditions as Array<{ evaluator: { type: string; params: number[] } }> | undefined;
  if (!conditions || conditions.length !== 1) throw new EvaluationError('threshold needs one condition');
  const { type, params } = conditions[0].evaluator;
  const test: Record<string, (v: number) => boolean> = {
    gt: (v) => v > params[0],
    lt: (v) => v < params[0],
    within_range: (v) => v > params[0] && v < params[1],
    outside_range: (v) => v < params[0] || v > params[1],
  };
  if (!test[type]) throw new EvaluationError(`Unknown threshold type ${type}`);
  return input.map((n) => ({ ...n, value: n.value === null ? null : test[type](n.value) ? 1 : 0 }));
}

/**
 * Evaluates `rule` on the tables its data source queries returned (by refId), running its
 * expressions in the order they are listed.
 */
export function evaluateRule(rule: AlertRule, tables: Record<string, Table>): Evaluation {
  const results = new Map<string, Instance[]>();
  for (const query of rule.data) {
    if (query.datasourceUid !== EXPR_UID) {
      const table = tables[query.refId];
      if (!table) throw new EvaluationError(`No result for query ${query.refId}`);
      results.set(query.refId, numberSet(table));
      continue;
    }
    const input = results.get(String(query.model.expression));
    if (!input)
      throw new EvaluationError(
        `${query.refId} reads ${String(query.model.expression)}, not evaluated before it`,
      );
    if (query.model.type === 'reduce') results.set(query.refId, reduce(query.model, input));
    else if (query.model.type === 'threshold') results.set(query.refId, threshold(query.model, input));
    else throw new EvaluationError(`Expression type ${String(query.model.type)} is not evaluated here`);
  }
  const condition = results.get(rule.condition);
  if (!condition)
    throw new EvaluationError(`The condition ${rule.condition} is not one of the rule's queries`);
  const withRuleLabels = (n: Instance) => ({ ...n, labels: { ...n.labels, ...rule.labels } });
  if (condition.length === 0) {
    const state =
      rule.noDataState === 'OK' ? 'Normal' : rule.noDataState === 'Alerting' ? 'Alerting' : 'NoData';
    const firing = state === 'Alerting' ? [withRuleLabels({ labels: {}, value: null })] : [];
    return { state, firing, normal: [] };
  }
  const firing = condition.filter((n) => n.value !== null && n.value !== 0).map(withRuleLabels);
  const normal = condition.filter((n) => n.value === null || n.value === 0).map(withRuleLabels);
  return { state: firing.length > 0 ? 'Alerting' : 'Normal', firing, normal };
}
