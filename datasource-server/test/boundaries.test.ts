// Boundary values on every endpoint, with real ids: huge and negative numbers, NaN-like strings,
// far past and far future times, one character past every length limit. Each gets a 4xx and
// leaves every table exactly as it was. Values at the limits are accepted and stored intact.
import { sql } from 'kysely';
import { MAX_BYTES, MAX_THROUGHPUT_BPS } from '@oma-insights/contracts';
import { parseNics } from '../src/oma/rows';
import { newJobRow } from '../src/vm-contexts/new-job';
import { bearer, buildTestApp, fingerprint, TARGETS, type TestApp } from './helper';

type Who = Parameters<typeof bearer>[0];
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

const emoji = (n: number) => '🛰'.repeat(n); // four bytes in UTF-8 each
const x = (n: number) => 'x'.repeat(n);

describe.each(TARGETS)('boundary values on %s', (target) => {
  let t: TestApp;
  let ids: { vm: string; network: string; job: string; destination: string };

  beforeAll(async () => {
    t = await buildTestApp(target, { vms: 6, days: 5 });
    const { db, time } = t.store;
    const first = await db
      .selectFrom('vm_disks as d')
      .innerJoin('vm_replication_contexts as c', 'c.context_id', 'd.vm_context_id')
      .selectAll('c')
      .select('d.network_config')
      .orderBy('d.id')
      .executeTakeFirstOrThrow();
    const job = 'boundary-running-1';
    await db
      .insertInto('replication_jobs')
      .values(newJobRow(first, job, time.toDb(Date.now()), { status: 'replicating', total_bytes: 1000 }))
      .execute();
    const destination = await db.selectFrom('omi_cloudstack_networks').select('id').executeTakeFirstOrThrow();
    ids = {
      vm: first.vm_name,
      network: parseNics(first.network_config)[0].network_name!,
      job,
      destination: destination.id,
    };
  });
  afterAll(async () => t?.dispose());

  const send = (method: Method, url: string, payload: unknown, who: Who) =>
    t.app.inject({ method, url, headers: bearer(who), payload: payload as object });

  /** [name, method, url, body, token] of requests that must be refused with a 4xx. */
  const refused = (): [string, Method, string, unknown, Who][] => {
    const push = (over: Record<string, unknown>) => ({
      stage: 'Transfer',
      status: 'Streaming',
      bytes_transferred: 10,
      total_bytes: 1000,
      ...over,
    });
    const mapping = (over: Record<string, unknown>) => ({
      vm_id: ids.vm,
      source_network_name: ids.network,
      destination_network_id: ids.destination,
      ...over,
    });
    const network = (over: Record<string, unknown>) => ({ data: [{ id: 'net-1', name: 'n', ...over }] });
    const query = (range: unknown, q: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
      range,
      queries: [{ refId: 'A', queryType: 'vmContexts', ...q }],
      ...extra,
    });
    const range = { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' };
    const progress = `/api/v1/progress/${ids.job}`;
    return [
      ...['0', '-1', '1001', '1e20', 'NaN', 'Infinity', '1.5', ''].map(
        (limit): [string, Method, string, unknown, Who] => [
          `vm-contexts limit=${limit}`,
          'GET',
          `/api/v1/vm-contexts?limit=${encodeURIComponent(limit)}`,
          undefined,
          'reader',
        ],
      ),
      ['vm-contexts status not an OMA status', 'GET', '/api/v1/vm-contexts?status=NaN', undefined, 'reader'],
      ['vm-contexts vcenter 256 chars', 'GET', `/api/v1/vm-contexts?vcenter=${x(256)}`, undefined, 'reader'],
      ['vm-contexts search 256 chars', 'GET', `/api/v1/vm-contexts?search=${x(256)}`, undefined, 'reader'],
      ['vm-contexts cursor 513 chars', 'GET', `/api/v1/vm-contexts?cursor=${x(513)}`, undefined, 'reader'],
      [
        'vm-contexts cursor with a number in it',
        'GET',
        `/api/v1/vm-contexts?cursor=${Buffer.from(JSON.stringify(['v1', 1e20, ids.vm])).toString('base64url')}`,
        undefined,
        'reader',
      ],
      ['vm detail name 256 chars', 'GET', `/api/v1/vm-contexts/${x(256)}`, undefined, 'reader'],
      ['vm detail name 255 chars, unknown', 'GET', `/api/v1/vm-contexts/${x(255)}`, undefined, 'reader'],
      [
        'vm detail vcenter 256 chars',
        'GET',
        `/api/v1/vm-contexts/${ids.vm}?vcenter=${x(256)}`,
        undefined,
        'reader',
      ],
      ['progress job id 192 chars', 'GET', `/api/v1/progress/${x(192)}`, undefined, 'reader'],
      ['progress job id 191 chars, unknown', 'GET', `/api/v1/progress/${x(191)}`, undefined, 'reader'],

      ['push bytes 1e20', 'POST', progress, push({ bytes_transferred: 1e20 }), 'ingest'],
      ['push bytes 2^53', 'POST', progress, push({ bytes_transferred: 2 ** 53 }), 'ingest'],
      ['push bytes -1', 'POST', progress, push({ bytes_transferred: -1 }), 'ingest'],
      ['push bytes "NaN"', 'POST', progress, push({ bytes_transferred: 'NaN' }), 'ingest'],
      ['push bytes "10" as text', 'POST', progress, push({ bytes_transferred: '10' }), 'ingest'],
      ['push bytes fractional', 'POST', progress, push({ bytes_transferred: 10.5 }), 'ingest'],
      ['push total 1e20', 'POST', progress, push({ total_bytes: 1e20 }), 'ingest'],
      [
        'push throughput 2e14 (overflows DECIMAL(10,2) MB/s)',
        'POST',
        progress,
        push({ throughput_bps: 2e14 }),
        'ingest',
      ],
      ['push throughput -1', 'POST', progress, push({ throughput_bps: -1 }), 'ingest'],
      ['push throughput "Infinity"', 'POST', progress, push({ throughput_bps: 'Infinity' }), 'ingest'],
      ['push percent 100.01', 'POST', progress, push({ percent: 100.01 }), 'ingest'],
      ['push percent -0.1', 'POST', progress, push({ percent: -0.1 }), 'ingest'],
      ['push disk id empty', 'POST', progress, push({ disk_id: '' }), 'ingest'],
      ['push disk id 256 chars', 'POST', progress, push({ disk_id: x(256) }), 'ingest'],
      ['push error 4001 chars', 'POST', progress, push({ error_message: emoji(4001) }), 'ingest'],
      ['push unknown stage', 'POST', progress, push({ stage: 'NaN' }), 'ingest'],
      ['push to a 192-char job id', 'POST', `/api/v1/progress/${x(192)}`, push({}), 'ingest'],
      ['push to an unknown job', 'POST', `/api/v1/progress/${x(191)}`, push({}), 'ingest'],

      [
        'inventory of 10,001 networks',
        'PUT',
        '/api/v1/networks/available',
        { data: Array.from({ length: 10_001 }, (_, i) => ({ id: `n${i}`, name: 'n' })) },
        'writer',
      ],
      ['inventory id empty', 'PUT', '/api/v1/networks/available', network({ id: '' }), 'writer'],
      ['inventory id 256 chars', 'PUT', '/api/v1/networks/available', network({ id: x(256) }), 'writer'],
      [
        'inventory name 256 chars',
        'PUT',
        '/api/v1/networks/available',
        network({ name: emoji(256) }),
        'writer',
      ],
      [
        'inventory display text 1025 chars',
        'PUT',
        '/api/v1/networks/available',
        network({ display_text: x(1025) }),
        'writer',
      ],
      ['inventory cidr 65 chars', 'PUT', '/api/v1/networks/available', network({ cidr: x(65) }), 'writer'],
      [
        'inventory 33 tags',
        'PUT',
        '/api/v1/networks/available',
        network({ tags: Array.from({ length: 33 }, () => ({ key: 'k', value: 'v' })) }),
        'writer',
      ],
      [
        'inventory tag value 257 chars',
        'PUT',
        '/api/v1/networks/available',
        network({ tags: [{ key: 'k', value: x(257) }] }),
        'writer',
      ],
      [
        'inventory tag key 129 chars',
        'PUT',
        '/api/v1/networks/available',
        network({ tags: { [x(129)]: 'v' } }),
        'writer',
      ],
      [
        'inventory tag map of 33',
        'PUT',
        '/api/v1/networks/available',
        network({ tags: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])) }),
        'writer',
      ],
      [
        'inventory flag as text',
        'PUT',
        '/api/v1/networks/available',
        network({ is_default: 'true' }),
        'writer',
      ],
      [
        'inventory duplicate ids',
        'PUT',
        '/api/v1/networks/available',
        {
          data: [
            { id: 'a', name: 'a' },
            { id: 'a', name: 'b' },
          ],
        },
        'writer',
      ],

      ['mappings limit 5001', 'GET', '/api/v1/network-mappings?limit=5001', undefined, 'reader'],
      ['mappings limit -1', 'GET', '/api/v1/network-mappings?limit=-1', undefined, 'reader'],
      ['mappings limit NaN', 'GET', '/api/v1/network-mappings?limit=NaN', undefined, 'reader'],
      ['mappings vm id 256 chars', 'GET', `/api/v1/network-mappings?vm_id=${x(256)}`, undefined, 'reader'],
      [
        'mappings cursor not issued here',
        'GET',
        '/api/v1/network-mappings?cursor=WyJ2MSIsIjFlMjAiXQ',
        undefined,
        'reader',
      ],
      ['mapping vm id 256 chars', 'POST', '/api/v1/network-mappings', mapping({ vm_id: x(256) }), 'writer'],
      [
        'mapping vm id 255 chars, unknown',
        'POST',
        '/api/v1/network-mappings',
        mapping({ vm_id: x(255) }),
        'writer',
      ],
      [
        'mapping source network 256 chars',
        'POST',
        '/api/v1/network-mappings',
        mapping({ source_network_name: x(256) }),
        'writer',
      ],
      [
        'mapping source network not on the VM',
        'POST',
        '/api/v1/network-mappings',
        mapping({ source_network_name: x(255) }),
        'writer',
      ],
      [
        'mapping destination 256 chars',
        'POST',
        '/api/v1/network-mappings',
        mapping({ destination_network_id: x(256) }),
        'writer',
      ],
      [
        'mapping destination unknown',
        'POST',
        '/api/v1/network-mappings',
        mapping({ destination_network_id: x(255) }),
        'writer',
      ],
      [
        'mapping destination name 256 chars',
        'POST',
        '/api/v1/network-mappings',
        mapping({ destination_network_name: emoji(256) }),
        'writer',
      ],
      [
        'mapping strategy 51 chars',
        'POST',
        '/api/v1/network-mappings',
        mapping({ network_strategy: x(51) }),
        'writer',
      ],
      [
        'mapping test flag "NaN"',
        'POST',
        '/api/v1/network-mappings',
        mapping({ is_test_network: 'NaN' }),
        'writer',
      ],
      [
        'delete vm id 256 chars',
        'DELETE',
        `/api/v1/network-mappings?vm_id=${x(256)}&source_network_name=a`,
        undefined,
        'writer',
      ],
      [
        'delete a mapping that does not exist',
        'DELETE',
        `/api/v1/network-mappings?vm_id=${ids.vm}&source_network_name=${encodeURIComponent(ids.network)}&is_test_network=true`,
        undefined,
        'writer',
      ],

      ['query range.to 9e15', 'POST', '/api/v1/query', query({ ...range, to: 9e15 }), 'reader'],
      ['query range.from -1', 'POST', '/api/v1/query', query({ ...range, from: -1 }), 'reader'],
      ['query range.from 65 chars', 'POST', '/api/v1/query', query({ ...range, from: x(65) }), 'reader'],
      ['query intervalMs 1e20', 'POST', '/api/v1/query', query(range, {}, { intervalMs: 1e20 }), 'reader'],
      ['query maxDataPoints -1', 'POST', '/api/v1/query', query(range, {}, { maxDataPoints: -1 }), 'reader'],
      ['query refId 65 chars', 'POST', '/api/v1/query', query(range, { refId: x(65) }), 'reader'],
      [
        'query 201 queries',
        'POST',
        '/api/v1/query',
        {
          range,
          queries: Array.from({ length: 201 }, (_, i) => ({ refId: `q${i}`, queryType: 'vmContexts' })),
        },
        'reader',
      ],
    ];
  };

  /** Requests the envelope accepts but whose single query must be refused with a 4xx status. */
  const refusedQueries = (): [string, unknown, Record<string, unknown>][] => {
    const range = { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' };
    return [
      ['range.to "9999999999999999"', { ...range, to: '9999999999999999' }, {}],
      ['range.to year 99999', { ...range, to: '99999-01-01T00:00:00Z' }, {}],
      ['range.from year 1', { ...range, from: '0001-01-01T00:00:00Z' }, {}],
      ['range.from before 1970', { ...range, from: '1969-12-31T23:59:59Z' }, {}],
      ['range.from "NaN"', { ...range, from: 'NaN' }, {}],
      ['range.to "Infinity"', { ...range, to: 'Infinity' }, {}],
      ['range.to February 30th', { ...range, to: '2026-02-30T00:00:00Z' }, {}],
      ['limit 5001', range, { limit: 5001 }],
      ['limit 0', range, { limit: 0 }],
      ['search 1001 chars', range, { search: x(1001) }],
      ['jobs with an unknown filter', range, { queryType: 'jobs', status: 'NaN' }],
    ];
  };

  test('every refused request is a 4xx with a message, and no table changes', async () => {
    const before = await fingerprint(t);
    const answers: string[] = [];
    for (const [name, method, url, body, who] of refused()) {
      const res = await send(method, url, body, who);
      answers.push(`${name}: ${res.statusCode}`);
      expect({ name, status: res.statusCode >= 400 && res.statusCode < 500 }).toEqual({ name, status: true });
      expect(res.json().error.message).toEqual(expect.any(String));
    }
    for (const [name, range, q] of refusedQueries()) {
      const res = await send(
        'POST',
        '/api/v1/query',
        { range, queries: [{ refId: 'A', queryType: 'vmContexts', ...q }] },
        'reader',
      );
      expect(res.statusCode).toBe(200);
      const result = res.json().results.A;
      expect({ name, status: result.status >= 400 && result.status < 500 }).toEqual({ name, status: true });
      expect(result.error).toEqual(expect.any(String));
    }
    expect(await fingerprint(t)).toBe(before);
    expect(answers).toContain('push throughput 2e14 (overflows DECIMAL(10,2) MB/s): 400');
  });

  if (target !== 'sqlite') {
    test('a value the database column cannot hold is a 422 naming the column, and nothing is written', async () => {
      // An OMA whose column is narrower than the API's limit: the database has the last word.
      await sql`alter table network_mappings modify network_strategy varchar(8)`.execute(t.store.db);
      try {
        const before = await fingerprint(t);
        const res = await send(
          'POST',
          '/api/v1/network-mappings',
          {
            vm_id: ids.vm,
            source_network_name: ids.network,
            destination_network_id: ids.destination,
            network_strategy: 'longer-than-eight',
          },
          'writer',
        );
        expect(res.statusCode).toBe(422);
        expect(res.json().error).toEqual(
          expect.objectContaining({
            code: 'value_does_not_fit',
            message: expect.stringContaining('"network_strategy"'),
          }),
        );
        expect(await fingerprint(t)).toBe(before);
      } finally {
        await sql`alter table network_mappings modify network_strategy varchar(50)`.execute(t.store.db);
      }
    });
  }

  test('values at the limits are accepted and read back intact', async () => {
    const push = {
      stage: 'Transfer',
      status: 'Streaming',
      bytes_transferred: MAX_BYTES,
      total_bytes: MAX_BYTES,
      throughput_bps: MAX_THROUGHPUT_BPS,
      disk_id: emoji(255),
      error_message: emoji(4000),
    };
    const pushed = await send('POST', `/api/v1/progress/${ids.job}`, push, 'ingest');
    expect(pushed.statusCode).toBe(200);
    expect(pushed.json().applied).toBe(true);
    const progress = (await send('GET', `/api/v1/progress/${ids.job}`, undefined, 'reader')).json();
    expect(progress.bytes_transferred).toBe(MAX_BYTES);
    expect(progress.throughput.current_mbps).toBe(MAX_THROUGHPUT_BPS / 1e6);
    expect(progress.last_error).toBe(emoji(4000));
    expect(progress.disk_progresses.map((d: { disk_id: string }) => d.disk_id)).toContain(emoji(255));

    const tags = Array.from({ length: 32 }, (_, i) => ({ key: `${i}`.padEnd(128, '🛰'), value: emoji(256) }));
    const inventory = {
      data: [{ id: x(255), name: emoji(255), display_text: emoji(1024), cidr: x(64), tags }],
    };
    const put = await send('PUT', '/api/v1/networks/available', inventory, 'writer');
    expect(put.statusCode).toBe(200);
    const read = (await send('GET', '/api/v1/networks/available', undefined, 'reader')).json().data[0];
    expect(read).toEqual(
      expect.objectContaining({ id: x(255), name: emoji(255), display_text: emoji(1024), tags }),
    );

    const mapped = await send(
      'POST',
      '/api/v1/network-mappings',
      {
        vm_id: ids.vm,
        source_network_name: ids.network,
        destination_network_id: x(255),
        destination_network_name: emoji(255),
        network_strategy: emoji(50),
      },
      'writer',
    );
    expect(mapped.statusCode).toBe(201);
    expect(mapped.json()).toEqual(
      expect.objectContaining({ destination_network_name: emoji(255), network_strategy: emoji(50) }),
    );
  });
});
