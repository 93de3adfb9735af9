import { mappingEditAccess } from './oma-datasource';

type User = Parameters<typeof mappingEditAccess>[0];
const user = (orgRole: string, isGrafanaAdmin = false) => ({ orgRole, isGrafanaAdmin }) as unknown as User;

describe('mappingEditAccess', () => {
  test.each(['Editor', 'Admin'])('%s may change mappings', (role) => {
    expect(mappingEditAccess(user(role))).toEqual({ allowed: true });
  });

  test('a Viewer gets a reason that names the role needed', () => {
    const access = mappingEditAccess(user('Viewer'));
    expect(access.allowed).toBe(false);
    expect(access.reason).toMatch(/Editor role.*Viewer/);
  });

  test('a server admin without an org role may, a user with no role may not', () => {
    expect(mappingEditAccess(user('None', true)).allowed).toBe(true);
    expect(mappingEditAccess(user('')).reason).toMatch(/signed out/);
  });
});
