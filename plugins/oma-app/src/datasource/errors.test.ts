import { describeFailure, GRAFANA_AUTH_FAILED, majorVersion } from './errors';

const read = { route: 'read' as const, serverUrl: 'http://oma:8080' };
const write = { route: 'write' as const, serverUrl: 'http://oma:8080' };

describe('describeFailure', () => {
  it.each([[502], [504], [0]])('calls HTTP %p from the proxy unreachable', (status) => {
    const f = describeFailure({ status, data: '' }, read);
    expect(f.kind).toBe('unreachable');
    expect(f.message).toContain('http://oma:8080');
  });

  it('reads Grafana’s 400 "Authentication to data source failed" as a rejected token (401)', () => {
    const f = describeFailure({ status: 400, data: GRAFANA_AUTH_FAILED }, read);
    expect(f).toEqual(expect.objectContaining({ kind: 'unauthorized', status: 401 }));
    expect(f.message).toMatch(/rejected the read token \(HTTP 401\)/);
  });

  it.each([[{ error: 'Bad Request', response: GRAFANA_AUTH_FAILED }], [{ message: GRAFANA_AUTH_FAILED }]])(
    'recognises the rewritten 401 in the wrapped body shapes of BackendSrv (%p)',
    (data) => {
      expect(describeFailure({ status: 400, data }, read).kind).toBe('unauthorized');
    },
  );

  it('keeps an ordinary 400 a bad request', () => {
    expect(
      describeFailure({ status: 400, data: { error: { code: 'bad_request', message: 'range.from' } } }, read)
        .kind,
    ).toBe('badRequest');
  });

  it('names the write token for a 401 on the write route', () => {
    expect(describeFailure({ status: 401, data: {} }, write).message).toMatch(/write token/);
  });

  it('tells a role refusal by the data proxy from a missing token scope', () => {
    const role = describeFailure(
      { status: 403, data: { message: 'plugin proxy route access denied' } },
      write,
    );
    expect(role.kind).toBe('forbiddenRole');
    expect(role.message).toMatch(/Editor role/);

    const scope = describeFailure(
      { status: 403, data: { error: { code: 'forbidden', message: 'token lacks scope read' } } },
      read,
    );
    expect(scope.kind).toBe('forbiddenScope');
    expect(scope.message).toMatch(/lacks the "read" scope.*token lacks scope read/);
  });

  it('explains a 404 and passes on the server’s message for other 4xx and 5xx', () => {
    expect(describeFailure({ status: 404, data: {} }, read).kind).toBe('notFound');
    const bad = describeFailure(
      { status: 422, data: { error: { code: 'unprocessable', message: 'no such VM' } } },
      read,
    );
    expect(bad).toEqual(expect.objectContaining({ kind: 'badRequest', status: 422 }));
    expect(bad.message).toContain('no such VM');
    const srv = describeFailure(
      { status: 500, data: { error: { code: 'internal', message: 'boom' } } },
      read,
    );
    expect(srv.kind).toBe('server');
    expect(srv.message).toContain('boom');
  });

  it('treats a 503 with our error body as a server answer, not as unreachable', () => {
    const f = describeFailure(
      { status: 503, data: { error: { code: 'db_down', message: 'database down' } } },
      read,
    );
    expect(f.kind).toBe('server');
    expect(f.message).toContain('database down');
  });
});

describe('majorVersion', () => {
  it.each([
    ['0.1.0', 0],
    ['v2.3.4', 2],
    ['10.0.0-beta.1', 10],
    ['abc', undefined],
    [undefined, undefined],
  ])('%p -> %p', (v, expected) => {
    expect(majorVersion(v)).toBe(expected);
  });
});
