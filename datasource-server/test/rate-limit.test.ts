// Rate limiting counts every request: valid tokens each have a budget, and everything else
// (no token, a wrong token, token guessing with a new guess every time) counts against the
// client address, so guessing is limited too.
import { buildApp, INGEST_RATE_FACTOR, type App } from '../src/app';
import { parseApiTokens } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { InMemoryEventBus } from '../src/events/bus';
import { API_TOKENS, bearer, openTarget, type TestStore } from './helper';

const BUDGET = 3;

describe('rate limiting', () => {
  let target: TestStore;
  let app: App;
  const get = (headers: Record<string, string>, url = '/api/v1/vm-contexts', remoteAddress = '10.0.0.1') =>
    app.inject({ method: 'GET', url, headers, remoteAddress });

  beforeEach(async () => {
    target ??= await openTarget('sqlite');
    const config = loadConfig({
      DB_URL: target.url,
      API_TOKENS,
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: String(BUDGET),
    });
    app = await buildApp({
      config,
      store: target.store,
      mode: target.mode,
      bus: new InMemoryEventBus(),
      tokens: parseApiTokens(API_TOKENS),
    });
  });
  afterEach(async () => app.close());
  afterAll(async () => target?.dispose());

  test('a valid token gets 429 with the uniform error body once over its budget; another token has its own', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < BUDGET + 2; i++) statuses.push((await get(bearer('reader'))).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await get(bearer('reader'));
    expect(limited.json().error).toEqual(
      expect.objectContaining({ code: 'rate_limited', message: expect.stringContaining('retry') }),
    );
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get(bearer('writer'))).statusCode).toBe(200);
  });

  test('guessing with a new bogus token every time is limited by address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < BUDGET + 3; i++) {
      statuses.push((await get({ authorization: `Bearer guess-${i}-${Math.random()}` })).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    // The same address without any token, or with a malformed header, is in the same bucket.
    expect((await get({})).statusCode).toBe(429);
    expect((await get({ authorization: 'Basic abc' })).statusCode).toBe(429);
    // Another address still gets its 401s, and a valid token from the blocked address still works.
    expect((await get({ authorization: 'Bearer nope' }, '/api/v1/vm-contexts', '10.0.0.2')).statusCode).toBe(
      401,
    );
    expect((await get(bearer('reader'))).statusCode).toBe(200);
  });

  test('refused requests count against a valid token too (403s are not free)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < BUDGET + 1; i++) {
      const res = await app.inject({
        method: 'PUT',
        url: '/api/v1/networks/available',
        headers: bearer('reader'),
        payload: { data: [] },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([403, 403, 403, 429]);
  });

  test('unauthenticated health checks are counted by address as well', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < BUDGET + 1; i++) statuses.push((await get({}, '/api/v1/debug/live')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  test(`a token with the ingest scope has ${INGEST_RATE_FACTOR} times the budget`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < BUDGET * INGEST_RATE_FACTOR + 1; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/progress/no-such-job',
        headers: bearer('ingest'),
        payload: { stage: 'Transfer', status: 'Streaming', bytes_transferred: 1, total_bytes: 2 },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, -1).every((s) => s === 404)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});
