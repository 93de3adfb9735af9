import type { LiveEvent } from '../events/bus';
import { ChannelLog } from './channel-log';
import { passes } from './filters';
import { TicketStore } from './tickets';

const event = (n: number): LiveEvent => ({
  type: 'notification',
  timestamp: new Date(n * 1000).toISOString(),
  data: { severity: 'info', title: `t${n}`, message: 'm', source: 'test' },
});

describe('ChannelLog', () => {
  test('seq grows by one from 1 within the epoch', () => {
    const log = new ChannelLog('e1', 3);
    expect([1, 2, 3, 4].map((n) => log.append(event(n)).seq)).toEqual([1, 2, 3, 4]);
    expect(log.append(event(5))).toMatchObject({ type: 'notification', seq: 5, epoch: 'e1' });
  });

  test('replays exactly what was missed, in order, while it is held', () => {
    const log = new ChannelLog('e1', 3);
    for (let n = 1; n <= 5; n++) log.append(event(n));
    // Held: 3, 4, 5.
    const seqs = (since: number) => {
      const r = log.since(since, 'e1');
      return r.kind === 'replay' ? r.messages.map((m) => m.seq) : r.reason;
    };
    expect(seqs(5)).toEqual([]);
    expect(seqs(4)).toEqual([5]);
    expect(seqs(2)).toEqual([3, 4, 5]);
    expect(seqs(1)).toBe('gap_not_held');
    expect(seqs(0)).toBe('gap_not_held');
    expect(seqs(6)).toBe('seq_ahead');
    expect(log.since(5, 'other')).toEqual({ kind: 'resync', reason: 'epoch_changed' });
  });

  test('an empty log replays nothing from 0 and refuses a seq it never gave', () => {
    const log = new ChannelLog('e1', 2);
    expect(log.since(0, 'e1')).toEqual({ kind: 'replay', messages: [] });
    expect(log.since(1, 'e1')).toEqual({ kind: 'resync', reason: 'seq_ahead' });
    expect(() => new ChannelLog('e1', 0)).toThrow(RangeError);
  });

  test('keeps the numbers a shared bus gave; a new epoch or a jump starts the held history afresh', () => {
    const log = new ChannelLog('local', 4);
    const seqs = (since: number, epoch: string) => {
      const r = log.since(since, epoch);
      return r.kind === 'replay' ? r.messages.map((m) => [m.epoch, m.seq]) : r.reason;
    };
    // An instance that joins late: its first entry is seq 501 of the shared epoch.
    expect(log.append(event(1), { epoch: 'r1', seq: 501 })).toMatchObject({ epoch: 'r1', seq: 501 });
    log.append(event(2), { epoch: 'r1', seq: 502 });
    expect(seqs(500, 'r1')).toEqual([
      ['r1', 501],
      ['r1', 502],
    ]);
    expect(seqs(499, 'r1')).toBe('gap_not_held');
    expect(seqs(0, 'local')).toBe('epoch_changed');
    // Entries 503..509 never reached this instance: nothing before 510 is replayed from here.
    log.append(event(3), { epoch: 'r1', seq: 510 });
    expect(log.oldestSeq).toBe(510);
    expect(seqs(502, 'r1')).toBe('gap_not_held');
    expect(seqs(509, 'r1')).toEqual([['r1', 510]]);
    // Redis lost its data and began a new epoch.
    log.append(event(4), { epoch: 'r2', seq: 1 });
    expect(seqs(510, 'r1')).toBe('epoch_changed');
    expect(seqs(0, 'r2')).toEqual([['r2', 1]]);
    // Local numbering goes on from there.
    expect(log.append(event(5))).toMatchObject({ epoch: 'r2', seq: 2 });
  });

  test('an empty log can start where a shared bus stands; one with history cannot be moved', () => {
    const log = new ChannelLog('local', 4);
    log.startAt({ epoch: 'r1', seq: 40 });
    expect(log).toMatchObject({ epoch: 'r1', lastSeq: 40, oldestSeq: 41 });
    expect(log.since(40, 'r1')).toEqual({ kind: 'replay', messages: [] });
    expect(log.since(39, 'r1')).toEqual({ kind: 'resync', reason: 'gap_not_held' });
    log.append(event(1), { epoch: 'r1', seq: 41 });
    expect(log.since(40, 'r1')).toMatchObject({ kind: 'replay', messages: [{ seq: 41 }] });
    log.startAt({ epoch: 'r2', seq: 7 });
    expect(log).toMatchObject({ epoch: 'r1', lastSeq: 41 });
  });
});

describe('progress filters', () => {
  const progress = (job_id: string, vm_name: string, context_id: string | null) => ({
    type: 'progress_update',
    seq: 1,
    epoch: 'e',
    timestamp: '',
    data: { job_id, vm_name, context_id },
  });
  test('vm matches the name or the context id, job the job id, both must hold', () => {
    const m = progress('j1', 'web-01', 'ctx-1');
    expect(passes(m, {})).toBe(true);
    expect(passes(m, { vm: 'web-01' })).toBe(true);
    expect(passes(m, { vm: 'ctx-1' })).toBe(true);
    expect(passes(m, { vm: 'web-02' })).toBe(false);
    expect(passes(m, { job: 'j1' })).toBe(true);
    expect(passes(m, { job: 'j2' })).toBe(false);
    expect(passes(m, { job: 'j1', vm: 'web-02' })).toBe(false);
    expect(passes({ ...m, type: 'resync', data: {} }, { job: 'j2' })).toBe(true);
  });
});

describe('TicketStore', () => {
  const principal = { name: 'reader', scopes: ['read' as const] };
  test('a ticket opens once, and not after it expired', () => {
    let now = 1_000;
    const store = new TicketStore(() => now, 60_000);
    const { ticket, expiresAt } = store.issue(principal);
    expect(expiresAt).toBe(61_000);
    expect(store.redeem(ticket)).toEqual({ ok: true, principal });
    expect(store.redeem(ticket)).toEqual({ ok: false, reason: 'unknown' });
    const late = store.issue(principal).ticket;
    now += 60_000;
    expect(store.redeem(late)).toEqual({ ok: false, reason: 'expired' });
    expect(store.redeem('made-up')).toEqual({ ok: false, reason: 'unknown' });
  });

  test('expired tickets are dropped when new ones are issued', () => {
    let now = 0;
    const store = new TicketStore(() => now, 10);
    store.issue(principal);
    store.issue(principal);
    now = 10;
    store.issue(principal);
    expect(store.size).toBe(1);
  });
});
