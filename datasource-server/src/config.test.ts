import { loadConfig } from './config';

describe('loadConfig', () => {
  test('defaults to the embedded database with the demo on', () => {
    const c = loadConfig({});
    expect(c).toEqual(
      expect.objectContaining({ port: 8080, dialect: 'sqlite', demo: true, logLevel: 'info' }),
    );
    expect(c.dbUrl).toContain('oma.sqlite');
  });

  test('a MySQL URL turns the demo off unless DEMO says otherwise', () => {
    expect(loadConfig({ DB_URL: 'mysql://u:p@db:3306/migratekit_oma' })).toEqual(
      expect.objectContaining({ dialect: 'mysql', demo: false }),
    );
    expect(loadConfig({ DB_URL: 'mysql://u:p@db:3306/oma', DEMO: '1' }).demo).toBe(true);
  });

  test.each([
    [{ PORT: 'eighty' }, 'PORT must be an integer'],
    [{ DEMO: 'maybe' }, 'DEMO must be'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ DEMO_VMS: '0' }, 'DEMO_VMS must be an integer >= 1'],
  ])('rejects %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
