import { adviseOn, toFlowError } from './apply-errors';

describe('toFlowError', () => {
  test("reads the data source's message, status and kind", () => {
    const err = Object.assign(
      new Error('The server refused the request (HTTP 422 UNSAFE_REGEX): too complex'),
      {
        status: 422,
        kind: 'badRequest',
      },
    );
    expect(toFlowError(err, 'apply')).toEqual({
      during: 'apply',
      message: 'The server refused the request (HTTP 422 UNSAFE_REGEX): too complex',
      status: 422,
      kind: 'badRequest',
    });
  });
  test('anything thrown becomes a message', () => {
    expect(toFlowError('boom', 'dryRun')).toEqual({
      during: 'dryRun',
      message: 'boom',
      status: undefined,
      kind: undefined,
    });
    expect(toFlowError({ message: 42 }, 'dryRun').message).toBe('[object Object]');
    expect(toFlowError(null, 'dryRun').message).toBe('null');
  });
});

describe('adviseOn', () => {
  test('a refused apply says nothing changed and what to fix; no retry', () => {
    const advice = adviseOn({ during: 'apply', message: 'x', status: 422, kind: 'badRequest' });
    expect(advice.retry).toBe(false);
    expect(advice.next).toMatch(/^Nothing was changed\. Correct what the message names/);
    expect(adviseOn({ during: 'dryRun', message: 'x', status: 400, kind: 'badRequest' }).next).toMatch(
      /^Correct/,
    );
  });

  test('no answer on apply: retry is safe because the key is reused', () => {
    const advice = adviseOn({ during: 'apply', message: 'x', kind: 'unreachable' });
    expect(advice).toMatchObject({ retry: true, title: 'Apply: the server did not answer' });
    expect(advice.next).toMatch(/same Idempotency-Key/);
    expect(adviseOn({ during: 'apply', message: 'x', status: 500, kind: 'server' })).toMatchObject({
      retry: true,
    });
    expect(adviseOn({ during: 'apply', message: 'x', status: 500, kind: 'server' }).next).toMatch(
      /cannot apply twice/,
    );
  });

  test.each([
    ['forbiddenRole', 403, /Editor role/],
    ['unauthorized', 401, /write token/],
    ['forbiddenScope', 403, /"write" scope/],
    ['notFound', 404, /upgrade the OMA Migration Insights server/],
  ])('%s: who has to do what, no retry', (kind, status, next) => {
    const advice = adviseOn({ during: 'apply', message: 'x', status, kind });
    expect(advice.retry).toBe(false);
    expect(advice.next).toMatch(next);
  });

  test('a conflict asks for a new dry run; 429 asks to wait', () => {
    expect(adviseOn({ during: 'apply', message: 'x', status: 409, kind: 'badRequest' })).toMatchObject({
      retry: false,
      next: expect.stringMatching(/run the dry run again/),
    });
    expect(adviseOn({ during: 'dryRun', message: 'x', status: 429, kind: 'badRequest' })).toMatchObject({
      retry: true,
    });
  });

  test('an unknown failure still offers a way on', () => {
    expect(adviseOn({ during: 'dryRun', message: 'x' })).toEqual({
      title: 'Dry run failed',
      next: 'Retry, or reload the dashboard.',
      retry: true,
    });
  });
});
