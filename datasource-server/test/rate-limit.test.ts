import { buildApp } from '../src/app';
import { parseApiTokens } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { InMemoryEventBus } from '../src/events/bus';
import { API_TOKENS, bearer, openTarget, type TestStore } from './helper';

describe('rate limiting', () => {
  let target: TestStore;
  afterAll(async () => target?.dispose());

  test('answers 429 with the uniform error body once a client exceeds its budget', async () => {
    target = await openTarget('sqlite');
    const config = loadConfig({
      DB_URL: target.url,
      API_TOKENS,
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: '3',
    });
    const app = await buildApp({
      config,
      store: target.store,
      mode: target.mode,
      bus: new InMemoryEventBus(),
      tokens: parseApiTokens(API_TOKENS),
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await app.inject({ method: 'GET', url: '/api/v1/vm-contexts', headers: bearer('reader') }))
          .statusCode,
      );
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await app.inject({
      method: 'GET',
      url: '/api/v1/vm-contexts',
      headers: bearer('reader'),
    });
    expect(limited.json().error).toEqual(
      expect.objectContaining({ code: 'rate_limited', message: expect.stringContaining('retry') }),
    );
    // Another token has its own budget.
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/vm-contexts', headers: bearer('writer') })).statusCode,
    ).toBe(200);
    await app.close();
  });
});
