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

  test('DB_TIMEZONE defaults to UTC and takes offsets and IANA zones', () => {
    expect(loadConfig({}).dbTimeZone).toBe('UTC');
    expect(loadConfig({ DB_TIMEZONE: '+05:30' }).dbTimeZone).toBe('+05:30');
    expect(loadConfig({ DB_TIMEZONE: ' Europe/Berlin ' }).dbTimeZone).toBe('Europe/Berlin');
  });

  test('logs are pretty on a terminal unless LOG_FORMAT says json, and JSON elsewhere', () => {
    expect(loadConfig({}, true).logPretty).toBe(true);
    expect(loadConfig({}, false).logPretty).toBe(false);
    expect(loadConfig({ LOG_FORMAT: 'json' }, true).logPretty).toBe(false);
    expect(loadConfig({ LOG_FORMAT: 'pretty' }, false).logPretty).toBe(true);
  });

  test.each([
    [{ DB_TIMEZONE: 'Mars/Olympus' }, 'DB_TIMEZONE must be UTC, an offset like +02:00'],
    [{ DB_TIMEZONE: '+25:00' }, 'DB_TIMEZONE must be'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT must be pretty or json'],
    [{ PORT: 'eighty' }, 'PORT must be an integer'],
    [{ DEMO: 'maybe' }, 'DEMO must be'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ DEMO_VMS: '0' }, 'DEMO_VMS must be an integer >= 1'],
  ])('rejects %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
