/** Test factories: every one takes overrides and uses a fixed time. */
import {
  dateTime,
  type DataQueryRequest,
  type DataSourceInstanceSettings,
  type ScopedVars,
} from '@grafana/data';

import type { WireField, WireFrame } from '@oma-insights/contracts/frames';

import type { OmaDataSourceOptions, OmaQuery } from '../types';

export const FIXED_NOW = Date.parse('2026-03-01T12:00:00.000Z');
export const PROXY_URL = '/api/datasources/proxy/uid/oma-test';

export function makeInstanceSettings(
  overrides: Partial<DataSourceInstanceSettings<OmaDataSourceOptions>> = {},
): DataSourceInstanceSettings<OmaDataSourceOptions> {
  return {
    id: 1,
    uid: 'oma-test',
    type: 'oma-migration-datasource',
    name: 'OMA',
    access: 'proxy',
    url: PROXY_URL,
    readOnly: false,
    jsonData: { serverUrl: 'http://oma.test:8080' },
    meta: {} as DataSourceInstanceSettings['meta'],
    ...overrides,
  };
}

export function makeRequest(
  targets: OmaQuery[],
  overrides: Partial<DataQueryRequest<OmaQuery>> = {},
): DataQueryRequest<OmaQuery> {
  const from = dateTime(FIXED_NOW - 6 * 3600 * 1000);
  const to = dateTime(FIXED_NOW);
  return {
    requestId: 'req-1',
    interval: '1m',
    intervalMs: 60000,
    maxDataPoints: 500,
    range: { from, to, raw: { from: 'now-6h', to: 'now' } },
    scopedVars: {} as ScopedVars,
    targets,
    timezone: 'utc',
    app: 'dashboard',
    startTime: FIXED_NOW,
    ...overrides,
  };
}

export function makeWireField(overrides: Partial<WireField> = {}): WireField {
  return { name: 'vm_name', type: 'string', values: ['vm-a', 'vm-b'], config: {}, ...overrides };
}

export function makeWireFrame(overrides: Partial<WireFrame> = {}): WireFrame {
  return {
    name: 'vm_contexts',
    refId: 'A',
    fields: [
      makeWireField(),
      makeWireField({ name: 'current_status', values: ['replicating', 'failed'] }),
      makeWireField({ name: 'last_job_at', type: 'time', values: ['2026-03-01T11:00:00.000Z', FIXED_NOW] }),
      makeWireField({
        name: 'progress_percent',
        type: 'number',
        values: [42.5, null],
        config: { unit: 'percent' },
      }),
    ],
    ...overrides,
  };
}

/** A stand-in for Grafana's TemplateSrv: `$name` and `${name}`, scoped vars first, csv joins arrays. */
export function makeTemplateSrv(variables: Record<string, string | string[]>) {
  return {
    replace: jest.fn((target: string | undefined, scopedVars?: ScopedVars, format?: unknown) => {
      if (!target) {
        return '';
      }
      return target.replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced: string, bare: string) => {
        const name = braced ?? bare;
        const scoped = scopedVars?.[name]?.value;
        const value = scoped !== undefined ? scoped : variables[name];
        if (value === undefined) {
          return match;
        }
        return Array.isArray(value) ? value.join(format === 'csv' ? ',' : ' ') : String(value);
      });
    }),
    getVariables: () => [],
    containsTemplate: (t?: string) => Boolean(t && t.includes('$')),
    updateTimeRange: () => {},
  };
}
