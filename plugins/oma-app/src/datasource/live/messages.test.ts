import { advance, channelUrl, parseLiveMessage, type LiveMessage } from './messages';

const msg = (seq: number, type = 'progress_update', epoch = 'e1'): LiveMessage => ({
  type,
  seq,
  epoch,
  timestamp: '2026-03-01T12:00:00.000Z',
  data: {},
});

describe('parseLiveMessage', () => {
  test('reads a channel message', () => {
    expect(parseLiveMessage(JSON.stringify(msg(3)))).toEqual(msg(3));
  });

  test.each([
    ['not JSON', '{'],
    ['null', 'null'],
    ['no seq', JSON.stringify({ ...msg(1), seq: undefined })],
    ['fractional seq', JSON.stringify({ ...msg(1), seq: 1.5 })],
    ['no epoch', JSON.stringify({ ...msg(1), epoch: 7 })],
    ['a binary frame', new ArrayBuffer(4)],
  ])('refuses %s', (_what, text) => {
    expect(parseLiveMessage(text)).toBeNull();
  });
});

describe('advance', () => {
  test('moves past each new event; an event at or before the cursor is a repeat', () => {
    let cursor = advance(null, msg(1)).cursor;
    expect(cursor).toEqual({ seq: 1, epoch: 'e1' });
    const second = advance(cursor, msg(2));
    expect(second).toEqual({ cursor: { seq: 2, epoch: 'e1' }, fresh: true });
    cursor = second.cursor;
    expect(advance(cursor, msg(2))).toEqual({ cursor, fresh: false });
    expect(advance(cursor, msg(1))).toEqual({ cursor, fresh: false });
  });

  test('a filtered channel skips seqs: a gap is still fresh', () => {
    expect(advance({ seq: 2, epoch: 'e1' }, msg(9)).fresh).toBe(true);
  });

  test('a new epoch (server restart) starts over; snapshot and resync always set the position', () => {
    expect(advance({ seq: 50, epoch: 'e1' }, msg(1, 'progress_update', 'e2'))).toEqual({
      cursor: { seq: 1, epoch: 'e2' },
      fresh: true,
    });
    expect(advance({ seq: 50, epoch: 'e1' }, msg(10, 'resync'))).toEqual({
      cursor: { seq: 10, epoch: 'e1' },
      fresh: true,
    });
    expect(advance({ seq: 50, epoch: 'e1' }, msg(50, 'snapshot')).fresh).toBe(true);
  });
});

describe('channelUrl', () => {
  const page = 'https://grafana.example.com/d/oma-live-operations';

  test('http becomes ws and https wss, with the ticket, resume position and filters', () => {
    const url = new URL(
      channelUrl(
        'http://oma.example.com:8080/',
        'progress',
        { ticket: 't+1', cursor: { seq: 41, epoch: 'ab' }, vm: 'web 01', job: 'j-1' },
        page,
      ),
    );
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe(
      'ws://oma.example.com:8080/api/v1/ws/progress',
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      ticket: 't+1',
      since: '41',
      epoch: 'ab',
      vm: 'web 01',
      job: 'j-1',
    });
    expect(channelUrl('https://oma.example.com', 'notifications', { ticket: 't', cursor: null }, page)).toBe(
      'wss://oma.example.com/api/v1/ws/notifications?ticket=t',
    );
  });

  test('a path is on Grafana’s own address, kept below its prefix', () => {
    expect(channelUrl('/oma-live/', 'system-health', { ticket: 't', cursor: null }, page)).toBe(
      'wss://grafana.example.com/oma-live/api/v1/ws/system-health?ticket=t',
    );
  });

  test('refuses a URL that is not http(s) or ws(s)', () => {
    expect(() => channelUrl('ftp://oma', 'progress', { ticket: 't', cursor: null }, page)).toThrow(
      /must start with http/,
    );
  });
});
