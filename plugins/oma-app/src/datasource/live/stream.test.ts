import { FieldType, LoadingState, toDataFrame, type DataFrame, type DataQueryResponse } from '@grafana/data';
import type { Subscription } from 'rxjs';

import { FIXED_NOW } from '../test-utils/factory';
import type { LiveProgressQuery, StreamingQuery } from '../types';
import type { LiveMeta, LiveStreamOptions, LiveTransport, SocketLike } from './stream';
import { liveStream } from './stream';

/** A WebSocket driven by the test. */
class FakeSocket {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  closedWith: { code?: number; reason?: string } | null = null;
  constructor(readonly url: string) {}
  close(code?: number, reason?: string) {
    this.closedWith = { code, reason };
  }
  open() {
    this.onopen?.call(this as never, new Event('open'));
  }
  push(type: string, seq: number, data: unknown, epoch = 'e1') {
    const message = { type, seq, epoch, timestamp: new Date(FIXED_NOW + seq * 1000).toISOString(), data };
    this.onmessage?.call(this as never, new MessageEvent('message', { data: JSON.stringify(message) }));
  }
  drop(code = 1006, reason = '') {
    this.onclose?.call(this as never, new CloseEvent('close', { code, reason }));
  }
}

function harness(
  query: StreamingQuery,
  options: Partial<LiveStreamOptions> = {},
  prepare: (transport: { ticket: jest.Mock; query: jest.Mock }) => void = () => undefined,
) {
  const sockets: FakeSocket[] = [];
  const responses: DataQueryResponse[] = [];
  let tickets = 0;
  const transport = {
    ticket: jest.fn(async () => `ticket-${++tickets}`),
    open: jest.fn((url: string) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket as unknown as SocketLike;
    }),
    query: jest.fn(async (_q: StreamingQuery): Promise<DataFrame[]> => []),
  } satisfies LiveTransport;
  prepare(transport);
  const subscription: Subscription = liveStream(
    {
      query,
      mode: 'auto',
      liveUrl: 'http://oma.test:8080',
      pollIntervalMs: 5000,
      pageUrl: 'http://grafana.test/d/x',
      random: () => 0.5,
      // Every change answered at once, unless a test is about coalescing.
      minEmitIntervalMs: 0,
      ...options,
    },
    transport,
  ).subscribe((r) => responses.push(r));
  const last = () => responses[responses.length - 1];
  const column = (name: string) => {
    const field = last().data[0].fields.find((f: { name: string }) => f.name === name);
    return field ? Array.from(field.values) : undefined;
  };
  const live = () => last().data[0].meta.custom.live as LiveMeta;
  return { sockets, responses, transport, subscription, last, column, live };
}

const flush = () => jest.advanceTimersByTimeAsync(0);
const job = (id: string, percentage: number) => ({
  job_id: id,
  vm_name: `vm-${id}`,
  percentage,
  throughput_mbps: 1,
});
const progress = (): LiveProgressQuery => ({ refId: 'A', queryType: 'liveProgress', view: 'jobs' });
const polledJobs = (ids: string[]) =>
  toDataFrame({
    fields: [
      { name: 'job_id', type: FieldType.string, values: ids },
      { name: 'percentage', type: FieldType.number, values: ids.map(() => 50) },
    ],
  });

beforeEach(() => jest.useFakeTimers({ now: FIXED_NOW }));
afterEach(() => jest.useRealTimers());

test('streams the snapshot and each update over a ticketed socket', async () => {
  const h = harness({ ...progress(), vm: 'vm-a' });
  await flush();
  expect(h.transport.ticket).toHaveBeenCalledTimes(1);
  const url = new URL(h.sockets[0].url);
  expect(`${url.origin}${url.pathname}`).toBe('ws://oma.test:8080/api/v1/ws/progress');
  expect(Object.fromEntries(url.searchParams)).toEqual({ ticket: 'ticket-1', vm: 'vm-a' });
  h.sockets[0].open();
  // Nothing is emitted before the first data: the panel keeps loading.
  expect(h.responses).toHaveLength(0);

  h.sockets[0].push('snapshot', 0, { jobs: [job('a', 10)] });
  expect(h.last()).toMatchObject({ key: 'oma-live-A', state: LoadingState.Streaming });
  expect(h.column('percentage')).toEqual([10]);
  expect(h.live()).toEqual({ transport: 'websocket', reason: null });
  h.sockets[0].push('progress_update', 1, job('a', 20));
  expect(h.column('percentage')).toEqual([20]);
  expect(h.transport.query).not.toHaveBeenCalled();
  h.subscription.unsubscribe();
});

test('a dropped socket resumes with since/epoch; a replayed message is not applied twice', async () => {
  const h = harness({ refId: 'N', queryType: 'notifications' });
  await flush();
  // The feed reads its history once at start.
  expect(h.transport.query).toHaveBeenCalledTimes(1);
  h.sockets[0].open();
  h.sockets[0].push('snapshot', 0, {});
  h.sockets[0].push('notification', 1, { severity: 'info', title: 'one', message: '1' });
  h.sockets[0].push('notification', 2, { severity: 'info', title: 'two', message: '2' });
  h.sockets[0].drop(1006);
  expect(h.live().transport).toBe('connecting');
  expect(h.last().data[0].meta.notices).toEqual([
    { severity: 'warning', text: 'Live updates paused, reconnecting: closed with code 1006.' },
  ]);

  // Backoff: the first retry after 750 ms with random 0.5 (base 1000 ms).
  await jest.advanceTimersByTimeAsync(749);
  expect(h.sockets).toHaveLength(1);
  await jest.advanceTimersByTimeAsync(1);
  expect(h.sockets).toHaveLength(2);
  expect(Object.fromEntries(new URL(h.sockets[1].url).searchParams)).toEqual({
    ticket: 'ticket-2',
    since: '2',
    epoch: 'e1',
  });
  h.sockets[1].open();
  h.sockets[1].push('notification', 2, { severity: 'info', title: 'two', message: '2' });
  h.sockets[1].push('notification', 3, { severity: 'info', title: 'three', message: '3' });
  expect(h.column('title')).toEqual(['three', 'two', 'one']);
  // Polling never started: the socket had worked and failed once.
  expect(h.transport.query).toHaveBeenCalledTimes(1);
  h.subscription.unsubscribe();
});

test('resync: the feed reads its history again', async () => {
  const h = harness({ refId: 'N', queryType: 'notifications' });
  await flush();
  h.sockets[0].open();
  h.sockets[0].push('resync', 40, { reason: 'gap_not_held' });
  expect(h.transport.query).toHaveBeenCalledTimes(2);
  h.subscription.unsubscribe();
});

test('auto: when the socket cannot be opened it polls /query, then returns to the socket', async () => {
  const h = harness(progress(), {}, (t) => t.query.mockResolvedValue([polledJobs(['p1'])]));
  await flush();
  h.sockets[0].drop(1006);
  await flush();
  expect(h.transport.query).toHaveBeenCalledTimes(1);
  expect(h.column('job_id')).toEqual(['p1']);
  expect(h.live()).toEqual({ transport: 'polling', reason: 'closed with code 1006' });
  expect(h.last().data[0].meta.notices[0].text).toMatch(/polling every 5 s: the WebSocket is unavailable/);

  h.transport.query.mockResolvedValue([polledJobs(['p1', 'p2'])]);
  await jest.advanceTimersByTimeAsync(5000);
  expect(h.transport.query).toHaveBeenCalledTimes(2);
  expect(h.column('job_id')).toEqual(['p1', 'p2']);

  // The retry (750 ms after the failure) was refused too; the next one, 1.5 s later, opens.
  expect(h.sockets).toHaveLength(2);
  h.sockets[1].drop(1006);
  await jest.advanceTimersByTimeAsync(1500);
  expect(h.sockets).toHaveLength(3);
  h.sockets[2].open();
  h.sockets[2].push('snapshot', 7, { jobs: [job('p2', 60)] });
  expect(h.live().transport).toBe('websocket');
  expect(h.last().data[0].meta.notices).toEqual([]);
  await jest.advanceTimersByTimeAsync(60_000);
  expect(h.transport.query).toHaveBeenCalledTimes(2);
  expect(h.column('job_id')).toEqual(['p2']);
  h.subscription.unsubscribe();
});

test('a refused ticket counts as a failed attempt', async () => {
  const h = harness(progress(), { mode: 'websocket' }, (t) =>
    t.ticket.mockRejectedValueOnce(new Error('The server rejected the read token (HTTP 401).')),
  );
  await flush();
  expect(h.sockets).toHaveLength(0);
  await jest.advanceTimersByTimeAsync(750);
  expect(h.transport.ticket).toHaveBeenCalledTimes(2);
  expect(h.sockets).toHaveLength(1);
  // websocket mode never polls.
  expect(h.transport.query).not.toHaveBeenCalled();
  h.subscription.unsubscribe();
});

test('polling mode never asks for a ticket; a failing poll is an error on the query, and polling goes on', async () => {
  const h = harness(progress(), { mode: 'polling', liveUrl: undefined }, (t) =>
    t.query.mockRejectedValueOnce(new Error('The server is unreachable')),
  );
  await flush();
  expect(h.last().errors).toEqual([{ refId: 'A', message: 'The server is unreachable' }]);
  expect(h.live().transport).toBe('polling');
  // Chosen, not a fallback: no notice.
  h.transport.query.mockResolvedValue([polledJobs(['x'])]);
  await jest.advanceTimersByTimeAsync(5000);
  expect(h.last().errors).toBeUndefined();
  expect(h.last().data[0].meta.notices).toEqual([]);
  expect(h.transport.ticket).not.toHaveBeenCalled();
  h.subscription.unsubscribe();
});

test('websocket mode without a live URL says what to set', async () => {
  const h = harness(progress(), { mode: 'websocket', liveUrl: '' });
  await flush();
  expect(h.last().errors?.[0].message).toMatch(/no live URL/);
  expect(h.transport.ticket).not.toHaveBeenCalled();
  h.subscription.unsubscribe();
});

test('unsubscribing closes the socket and stops every timer', async () => {
  const h = harness({ refId: 'T', queryType: 'liveProgress', view: 'throughput' });
  await flush();
  h.sockets[0].open();
  h.sockets[0].push('snapshot', 0, { jobs: [job('a', 1)] });
  await jest.advanceTimersByTimeAsync(3000);
  expect(h.column('throughput_mbps')).toEqual([1, 1, 1]);
  h.subscription.unsubscribe();
  expect(h.sockets[0].closedWith).toEqual({ code: 1000, reason: 'unsubscribed' });
  expect(jest.getTimerCount()).toBe(0);
  const count = h.responses.length;
  h.sockets[0].push('progress_update', 1, job('a', 2));
  h.sockets[0].drop();
  await jest.advanceTimersByTimeAsync(60_000);
  expect(h.responses).toHaveLength(count);
  expect(h.transport.ticket).toHaveBeenCalledTimes(1);
});

test('a burst of messages is one answer; the last state is never held back', async () => {
  const h = harness(progress(), { minEmitIntervalMs: 100 });
  await flush();
  h.sockets[0].open();
  h.sockets[0].push('snapshot', 0, { jobs: [job('a', 0)] });
  expect(h.responses).toHaveLength(1);
  for (let i = 1; i <= 50; i++) {
    h.sockets[0].push('progress_update', i, job('a', i));
  }
  // The first answer went at once; the burst waits for the interval to end.
  expect(h.responses).toHaveLength(1);
  expect(h.column('percentage')).toEqual([0]);
  await jest.advanceTimersByTimeAsync(100);
  expect(h.responses).toHaveLength(2);
  expect(h.column('percentage')).toEqual([50]);
  // Quiet since: the next change is answered at once.
  await jest.advanceTimersByTimeAsync(500);
  h.sockets[0].push('progress_update', 51, job('a', 51));
  expect(h.responses).toHaveLength(3);
  h.subscription.unsubscribe();
  expect(jest.getTimerCount()).toBe(0);
});

test('a late ticket after unsubscribing opens no socket', async () => {
  const h = harness(progress());
  h.subscription.unsubscribe();
  await flush();
  expect(h.sockets).toHaveLength(0);
});
