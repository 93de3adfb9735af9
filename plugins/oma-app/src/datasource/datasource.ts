import {
  DataSourceApi,
  type AnnotationSupport,
  type CoreApp,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type LegacyMetricFindQueryOptions,
  type MetricFindValue,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getBackendSrv, getTemplateSrv, type FetchResponse } from '@grafana/runtime';
import type { WireQueryResponse } from '@oma-insights/contracts/frames';
// Type-only: erased by the build, so TypeBox (which the health schema uses) is never bundled.
import type { Health } from '@oma-insights/contracts/health';
import type { BulkMappingResult } from '@oma-insights/contracts/network-mapping';
import { catchError, lastValueFrom, map, merge, of, type Observable } from 'rxjs';

import { describeFailure, majorVersion } from './errors';
import { framesToMetricFindValues, toDataQueryResponse } from './frames';
import { channelUrl } from './live/messages';
import { probeSocket } from './live/probe';
import { liveStream, type LiveTransport } from './live/stream';
import {
  buildQueryRequest,
  interpolateQuery,
  liveModeOf,
  normalizeQuery,
  parseVariableQuery,
  pollIntervalMs,
  toServerQuery,
} from './query';
import {
  DEFAULT_QUERY,
  EXPECTED_SERVER_MAJOR,
  QUERY_TYPE_LABELS,
  READ_ROUTE,
  WRITE_ROUTE,
  isStreamingQuery,
  type BulkMappingRequest,
  type OmaDataSourceOptions,
  type OmaQuery,
  type StreamingQuery,
} from './types';

type Route = 'read' | 'write';
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

const ROUTE_PATHS: Record<Route, string> = { read: READ_ROUTE, write: WRITE_ROUTE };
const DEFAULT_VARIABLE_RANGE_MS = 7 * 24 * 3600 * 1000;

function isHealthBody(data: unknown): data is Health {
  return typeof data === 'object' && data !== null && typeof (data as Health).version === 'string';
}

/** A row of the OMA `network_mappings` table, as `POST /api/v1/network-mappings` takes it. */
export interface NetworkMappingInput {
  vm_id: string;
  source_network_name: string;
  destination_network_id: string;
  destination_network_name?: string;
  is_test_network?: boolean;
}

/**
 * Frontend-only data source: every request goes through Grafana's data proxy
 * (`<instance url>/<route path>/...`), whose plugin.json routes add the server URL and the
 * token from secureJsonData. The browser never sees a token.
 */
export class DataSource extends DataSourceApi<OmaQuery, OmaDataSourceOptions> {
  /** `/api/datasources/proxy/uid/<uid>` in Grafana. */
  readonly proxyUrl: string;
  readonly serverUrl?: string;
  readonly settings: OmaDataSourceOptions;

  override annotations: AnnotationSupport<OmaQuery> = {
    getDefaultQuery: () => ({ queryType: 'failedJobAnnotations' }),
  };

  constructor(instanceSettings: DataSourceInstanceSettings<OmaDataSourceOptions>) {
    super(instanceSettings);
    this.proxyUrl = (instanceSettings.url ?? '').replace(/\/+$/, '');
    this.serverUrl = instanceSettings.jsonData?.serverUrl;
    this.settings = instanceSettings.jsonData ?? {};
  }

  override getDefaultQuery(_app: CoreApp): Partial<OmaQuery> {
    return DEFAULT_QUERY;
  }

  override filterQuery(query: OmaQuery): boolean {
    return !query.hide;
  }

  override getQueryDisplayText(query: OmaQuery): string {
    const q = normalizeQuery(query);
    return QUERY_TYPE_LABELS[q.queryType];
  }

  applyTemplateVariables(query: OmaQuery, scopedVars: ScopedVars): OmaQuery {
    const templateSrv = getTemplateSrv();
    // Multi-value variables are sent comma separated.
    return interpolateQuery(normalizeQuery(query), (value) => templateSrv.replace(value, scopedVars, 'csv'));
  }

  override query(request: DataQueryRequest<OmaQuery>): Observable<DataQueryResponse> {
    const queries = request.targets
      .filter((q) => !q.hide)
      .map((q) => this.applyTemplateVariables(q, request.scopedVars));
    if (queries.length === 0) {
      return of({ data: [] });
    }
    const streams = queries.filter(isStreamingQuery).map((q) => this.stream(q, request));
    const rest = queries.filter((q) => !isStreamingQuery(q));
    if (rest.length === 0) {
      return streams.length === 1 ? streams[0] : merge(...streams);
    }
    return streams.length === 0
      ? this.queryServer(rest, request)
      : merge(this.queryServer(rest, request), ...streams);
  }

  /** One streaming query: the live channel, or polling (see live/stream.ts). */
  stream(query: StreamingQuery, request: DataQueryRequest<OmaQuery>): Observable<DataQueryResponse> {
    const spanMs = request.range.to.valueOf() - request.range.from.valueOf();
    const transport: LiveTransport = {
      ticket: () => this.liveTicket(),
      open: (url) => new WebSocket(url),
      query: async (q) => {
        // A relative range ("last 6 hours") moves on with each poll.
        const to = new Date();
        const body = buildQueryRequest([toServerQuery(q) as OmaQuery], {
          from: new Date(to.getTime() - spanMs),
          to,
        });
        let res: FetchResponse<WireQueryResponse>;
        try {
          res = await lastValueFrom(this.request<WireQueryResponse>('read', 'POST', '/query', body));
        } catch (err) {
          throw new Error(describeFailure(err, { route: 'read', serverUrl: this.serverUrl }).message);
        }
        const response = toDataQueryResponse(res.data, [q.refId]);
        if (response.errors?.length) {
          throw new Error(response.errors[0].message);
        }
        return response.data;
      },
    };
    return liveStream(
      {
        query,
        mode: liveModeOf(query, this.settings),
        liveUrl: this.settings.liveUrl,
        pollIntervalMs: pollIntervalMs(this.settings),
        pageUrl: window.location.href,
      },
      transport,
    );
  }

  /** A single-use ticket for one live channel, bought with the read token through the data proxy. */
  private async liveTicket(): Promise<string> {
    try {
      const res = await lastValueFrom(this.request<{ ticket: string }>('read', 'POST', '/ws/tickets'));
      return res.data.ticket;
    } catch (err) {
      throw new Error(describeFailure(err, { route: 'read', serverUrl: this.serverUrl }).message);
    }
  }

  /** Whether this browser can open a live channel at the live URL; null when none is set or polling is chosen. */
  private async checkLive(): Promise<{ ok: boolean; message: string } | null> {
    const liveUrl = this.settings.liveUrl?.trim();
    if (!liveUrl || this.settings.liveMode === 'polling') {
      return null;
    }
    let ticket: string;
    try {
      ticket = await this.liveTicket();
    } catch (err) {
      return { ok: false, message: `no live ticket: ${(err as Error).message}` };
    }
    const probe = await probeSocket(
      () =>
        new WebSocket(channelUrl(liveUrl, 'system-health', { ticket, cursor: null }, window.location.href)),
    );
    if (probe.ok) {
      return { ok: true, message: `Live updates over WebSocket at ${liveUrl} work.` };
    }
    return {
      ok: false,
      message: `The live URL ${liveUrl} could not be opened from this browser (${probe.reason}): check that it is the server as browsers reach it and that the server's LIVE_ALLOWED_ORIGINS includes ${window.location.origin}. ${this.settings.liveMode === 'websocket' ? 'Live panels will not update until it works.' : 'Live panels poll instead.'}`,
    };
  }

  /** Queries answered once by `POST /query`. */
  private queryServer(
    queries: OmaQuery[],
    request: DataQueryRequest<OmaQuery>,
  ): Observable<DataQueryResponse> {
    const refIds = queries.map((q) => q.refId);
    const body = buildQueryRequest(queries, {
      from: request.range.from.toDate(),
      to: request.range.to.toDate(),
      intervalMs: request.intervalMs,
      maxDataPoints: request.maxDataPoints,
    });
    return this.request<WireQueryResponse>('read', 'POST', '/query', body, request.requestId).pipe(
      map((res) => toDataQueryResponse(res.data, refIds)),
      catchError((err: unknown) => {
        const failure = describeFailure(err, { route: 'read', serverUrl: this.serverUrl });
        const errors = refIds.map((refId) => ({ refId, message: failure.message, status: failure.status }));
        return of<DataQueryResponse>({ data: [], errors, error: errors[0] });
      }),
    );
  }

  override async metricFindQuery(
    query: unknown,
    options?: LegacyMetricFindQueryOptions,
  ): Promise<MetricFindValue[]> {
    const templateSrv = getTemplateSrv();
    const parsed = interpolateQuery(parseVariableQuery(query), (value) =>
      templateSrv.replace(value, options?.scopedVars, 'csv'),
    );
    const to = options?.range?.to.toDate() ?? new Date();
    const from = options?.range?.from.toDate() ?? new Date(to.getTime() - DEFAULT_VARIABLE_RANGE_MS);
    const body = buildQueryRequest([parsed], { from, to });
    let res: FetchResponse<WireQueryResponse>;
    try {
      res = await lastValueFrom(this.request<WireQueryResponse>('read', 'POST', '/query', body));
    } catch (err) {
      throw new Error(describeFailure(err, { route: 'read', serverUrl: this.serverUrl }).message);
    }
    const response = toDataQueryResponse(res.data, [parsed.refId]);
    if (response.errors?.length) {
      throw new Error(response.errors[0].message);
    }
    return framesToMetricFindValues(response.data);
  }

  /** Creates or replaces a network mapping through the write route (Editor role, write token). */
  async createNetworkMapping(mapping: NetworkMappingInput): Promise<unknown> {
    return this.write('POST', '/network-mappings', mapping);
  }

  /**
   * Maps the NICs the selector picks by the rules (or by their top recommendation), in one
   * transaction on the server: `POST /networks/bulk-mapping` through the write route. With the
   * same idempotency key, a retried request (a double click, a lost answer) returns the first
   * result and changes nothing.
   */
  async bulkMapping(request: BulkMappingRequest, idempotencyKey?: string): Promise<BulkMappingResult> {
    const headers = idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : undefined;
    return this.write<BulkMappingResult>('POST', '/networks/bulk-mapping', request, headers);
  }

  /** Sends a change through the write route; rejects with a precise message. */
  async write<T = unknown>(
    method: Exclude<Method, 'GET'>,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T> {
    try {
      const res = await lastValueFrom(this.request<T>('write', method, path, body, undefined, headers));
      return res.data;
    } catch (err) {
      const failure = describeFailure(err, { route: 'write', serverUrl: this.serverUrl });
      throw Object.assign(new Error(failure.message), { kind: failure.kind, status: failure.status });
    }
  }

  override async testDatasource(): Promise<TestDataSourceResponse> {
    if (!this.serverUrl) {
      return { status: 'error', message: 'Set the server URL first (for example http://oma-insights:8080).' };
    }

    // 1. Reachability and version: the health endpoint needs no token.
    let health: Health;
    try {
      const res = await lastValueFrom(this.request<Health>('read', 'GET', '/debug/health'));
      health = res.data;
    } catch (err) {
      // A degraded server answers its health with 503 and the health body: it is reachable.
      const data = (err as { status?: number; data?: unknown }).data;
      if ((err as { status?: number }).status === 503 && isHealthBody(data)) {
        health = data;
      } else {
        const failure = describeFailure(err, { route: 'read', serverUrl: this.serverUrl });
        return { status: 'error', message: failure.message };
      }
    }
    const major = majorVersion(health?.version);
    if (major === undefined) {
      return {
        status: 'error',
        message: `${this.serverUrl}/api/v1/debug/health did not answer like an OMA Migration Insights server (no version).`,
      };
    }
    if (major !== EXPECTED_SERVER_MAJOR) {
      return {
        status: 'error',
        message: `Version mismatch: the server runs ${health.version}, this plugin needs a ${EXPECTED_SERVER_MAJOR}.x server. Upgrade the ${major > EXPECTED_SERVER_MAJOR ? 'plugin' : 'server'}.`,
      };
    }

    // 2. The read token: a cheap authenticated query.
    try {
      const body = buildQueryRequest([{ refId: 'health', queryType: 'variable', variable: 'vcenters' }], {
        from: new Date(Date.now() - 3600 * 1000),
        to: new Date(),
      });
      await lastValueFrom(this.request<WireQueryResponse>('read', 'POST', '/query', body));
    } catch (err) {
      const failure = describeFailure(err, { route: 'read', serverUrl: this.serverUrl });
      return { status: 'error', message: failure.message };
    }

    const where = [health.mode, health.dialect].filter(Boolean).join(', ');
    const reachable = `OMA Migration Insights server ${health.version}${where ? ` (${where})` : ''} is reachable and accepts the read token.`;
    // 3. Live updates, when a live URL is set: the browser opens a channel itself.
    const live = await this.checkLive();
    const summary = live ? `${reachable} ${live.message}` : reachable;
    if (live && !live.ok) {
      return { status: 'warning', message: summary };
    }
    if (health.status !== 'ok') {
      const reasons = health.reasons?.length ? `: ${health.reasons.join('; ')}` : '';
      return {
        status: 'warning',
        message: `${summary} The server reports status "${health.status}"${reasons}.`,
        details: { verboseMessage: JSON.stringify(health.checks ?? {}, null, 2) },
      };
    }
    return { status: 'success', message: summary };
  }

  private request<T>(
    route: Route,
    method: Method,
    path: string,
    data?: unknown,
    requestId?: string,
    headers?: Record<string, string>,
  ) {
    return getBackendSrv().fetch<T>({
      url: `${this.proxyUrl}/${ROUTE_PATHS[route]}${path}`,
      method,
      data,
      requestId,
      headers,
      showErrorAlert: false,
      showSuccessAlert: false,
    });
  }
}
