import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  test('defaults to the embedded database with the demo on', () => {
    const c = loadConfig({});
    expect(c).toEqual(
      expect.objectContaining({ port: 8080, dialect: 'sqlite', demo: true, logLevel: 'info' }),
    );
    expect(c.dbUrl).toContain('oma.sqlite');
  });

  test('own tables keep 400 days unless RETENTION_DAYS says otherwise (0: forever)', () => {
    expect(loadConfig({}).retentionDays).toBe(400);
    expect(loadConfig({ RETENTION_DAYS: '90' }).retentionDays).toBe(90);
    expect(loadConfig({ RETENTION_DAYS: '0' }).retentionDays).toBe(0);
  });

  test('the health sampler takes a sample every 5 s unless HEALTH_SAMPLE_INTERVAL_SECONDS says otherwise (0: off)', () => {
    expect(loadConfig({}).healthSampleIntervalMs).toBe(5000);
    expect(loadConfig({ HEALTH_SAMPLE_INTERVAL_SECONDS: '30' }).healthSampleIntervalMs).toBe(30_000);
    expect(loadConfig({ HEALTH_SAMPLE_INTERVAL_SECONDS: '0' }).healthSampleIntervalMs).toBe(0);
    expect(() => loadConfig({ HEALTH_SAMPLE_INTERVAL_SECONDS: '2.5' })).toThrow(
      'HEALTH_SAMPLE_INTERVAL_SECONDS must be an integer >= 0',
    );
  });

  test('the migration analytics backfill runs every 10 minutes unless PERFORMANCE_BACKFILL_MINUTES says otherwise (0: off)', () => {
    expect(loadConfig({}).performanceBackfillMinutes).toBe(10);
    expect(loadConfig({ PERFORMANCE_BACKFILL_MINUTES: '60' }).performanceBackfillMinutes).toBe(60);
    expect(loadConfig({ PERFORMANCE_BACKFILL_MINUTES: '0' }).performanceBackfillMinutes).toBe(0);
    expect(() => loadConfig({ PERFORMANCE_BACKFILL_MINUTES: '7' })).toThrow(
      'PERFORMANCE_BACKFILL_MINUTES must be 0 (off), divide an hour',
    );
    expect(() => loadConfig({ PERFORMANCE_BACKFILL_MINUTES: '-1' })).toThrow('must be an integer >= 0');
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
    [{ RETENTION_DAYS: '-1' }, 'RETENTION_DAYS must be an integer >= 0'],
    [{ RETENTION_DAYS: '30 days' }, 'RETENTION_DAYS must be an integer >= 0'],
  ])('rejects %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  describe('CloudStack sync', () => {
    const connection = {
      CLOUDSTACK_URL: ' http://cloudstack:8080/client/api ',
      CLOUDSTACK_API_KEY: 'the-api-key-0123',
      CLOUDSTACK_SECRET_KEY: 'the-secret-key-0123',
    };

    test('is off without the variables, every 5 minutes, 30 s per request, 500 per page', () => {
      expect(loadConfig({}).cloudstack).toEqual({
        enabled: true,
        connection: null,
        intervalMinutes: 5,
        timeoutMs: 30_000,
        pageSize: 500,
      });
      // Blank counts as unset.
      expect(loadConfig({ CLOUDSTACK_URL: ' ', CLOUDSTACK_API_KEY: '' }).cloudstack.connection).toBeNull();
    });

    test('takes all three connection variables together, trimmed, and the tuning ones', () => {
      const c = loadConfig({
        ...connection,
        CLOUDSTACK_SYNC_INTERVAL_MINUTES: '15',
        CLOUDSTACK_TIMEOUT_SECONDS: '10',
        CLOUDSTACK_PAGE_SIZE: '100',
      }).cloudstack;
      expect(c).toEqual({
        enabled: true,
        connection: {
          url: 'http://cloudstack:8080/client/api',
          apiKey: 'the-api-key-0123',
          secretKey: 'the-secret-key-0123',
        },
        intervalMinutes: 15,
        timeoutMs: 10_000,
        pageSize: 100,
      });
      expect(loadConfig({ CLOUDSTACK_SYNC_INTERVAL_MINUTES: '120' }).cloudstack.intervalMinutes).toBe(120);
    });

    test.each([
      [{ CLOUDSTACK_URL: connection.CLOUDSTACK_URL }, 'missing: CLOUDSTACK_API_KEY, CLOUDSTACK_SECRET_KEY'],
      [{ ...connection, CLOUDSTACK_SECRET_KEY: undefined }, 'missing: CLOUDSTACK_SECRET_KEY'],
      [{ ...connection, CLOUDSTACK_API_KEY: '  ' }, 'missing: CLOUDSTACK_API_KEY'],
      [{ ...connection, CLOUDSTACK_URL: undefined }, 'missing: CLOUDSTACK_URL'],
    ])('a partial connection is refused, naming what is missing: %j', (env, missing) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(missing);
    });

    test.each([
      ['cloudstack:8080/client/api', 'CLOUDSTACK_URL must be an http:// or https:// URL'],
      ['not a url', 'CLOUDSTACK_URL is not a URL'],
      ['ftp://cloudstack/client/api', 'CLOUDSTACK_URL must be an http:// or https:// URL'],
      [
        'http://admin:hunter2-password@cloudstack:8080/client/api',
        'CLOUDSTACK_URL must not carry credentials',
      ],
    ])('refuses the URL %s without repeating it', (url, message) => {
      const attempt = () => loadConfig({ ...connection, CLOUDSTACK_URL: url });
      expect(attempt).toThrow(message);
      expect(attempt).not.toThrow(/hunter2|admin:/);
    });

    test('no error message repeats a key', () => {
      for (const env of [
        { CLOUDSTACK_API_KEY: connection.CLOUDSTACK_API_KEY },
        { CLOUDSTACK_SECRET_KEY: connection.CLOUDSTACK_SECRET_KEY },
        { ...connection, CLOUDSTACK_URL: 'nope' },
      ]) {
        expect(() => loadConfig(env)).toThrow(ConfigError);
        expect(() => loadConfig(env)).not.toThrow(/the-api-key|the-secret-key/);
      }
    });

    test.each([
      ['0', 'CLOUDSTACK_SYNC_INTERVAL_MINUTES must be an integer >= 1'],
      ['7', 'CLOUDSTACK_SYNC_INTERVAL_MINUTES must divide an hour or be whole hours that divide a day'],
      ['90', 'must divide an hour'],
      ['five', 'CLOUDSTACK_SYNC_INTERVAL_MINUTES must be an integer'],
      ['2.5', 'CLOUDSTACK_SYNC_INTERVAL_MINUTES must be an integer'],
    ])('refuses the interval %s', (value, message) => {
      expect(() => loadConfig({ CLOUDSTACK_SYNC_INTERVAL_MINUTES: value })).toThrow(message);
    });

    test('CLOUDSTACK_SYNC turns it off, connection or not', () => {
      expect(loadConfig({ ...connection, CLOUDSTACK_SYNC: 'off' }).cloudstack).toEqual(
        expect.objectContaining({ enabled: false, connection: expect.any(Object) }),
      );
      expect(loadConfig({ CLOUDSTACK_SYNC: '0' }).cloudstack.enabled).toBe(false);
      expect(() => loadConfig({ CLOUDSTACK_SYNC: 'sometimes' })).toThrow('CLOUDSTACK_SYNC must be');
    });

    test.each([
      [{ CLOUDSTACK_TIMEOUT_SECONDS: '0' }, 'CLOUDSTACK_TIMEOUT_SECONDS must be an integer >= 1'],
      [{ CLOUDSTACK_PAGE_SIZE: '0' }, 'CLOUDSTACK_PAGE_SIZE must be an integer >= 1'],
    ])('refuses %j', (env, message) => {
      expect(() => loadConfig(env)).toThrow(message);
    });
  });

  describe('analytics rollups', () => {
    test('on every 10 minutes unless told otherwise', () => {
      expect(loadConfig({}).rollup).toEqual({ enabled: true, intervalMinutes: 10 });
      expect(loadConfig({ ROLLUP: '0', ROLLUP_INTERVAL_MINUTES: '60' }).rollup).toEqual({
        enabled: false,
        intervalMinutes: 60,
      });
    });

    test.each([
      [{ ROLLUP_INTERVAL_MINUTES: '7' }, 'ROLLUP_INTERVAL_MINUTES must divide an hour'],
      [{ ROLLUP_INTERVAL_MINUTES: '0' }, 'ROLLUP_INTERVAL_MINUTES must be an integer >= 1'],
      [{ ROLLUP: 'maybe' }, 'ROLLUP must be 1/0'],
    ])('refuses %j', (env, message) => {
      expect(() => loadConfig(env)).toThrow(message);
    });
  });

  describe('change feed and detectors', () => {
    test('the feed reads every second, the detectors run with 15 min / 5 in 10 min, unless told otherwise', () => {
      const defaults = loadConfig({});
      expect(defaults.changeFeed).toEqual({ intervalMs: 1000, settleMs: 2000 });
      expect(defaults.detectors).toEqual({
        enabled: true,
        stalledMinutes: 15,
        burstCount: 5,
        burstMinutes: 10,
      });
      const set = loadConfig({
        CHANGE_FEED_INTERVAL_MS: '0',
        CHANGE_FEED_SETTLE_MS: '500',
        DETECTORS: 'off',
        STALLED_JOB_MINUTES: '30',
        FAILURE_BURST_COUNT: '0',
        FAILURE_BURST_MINUTES: '60',
      });
      expect(set.changeFeed).toEqual({ intervalMs: 0, settleMs: 500 });
      expect(set.detectors).toEqual({ enabled: false, stalledMinutes: 30, burstCount: 0, burstMinutes: 60 });
    });

    test.each([
      [{ CHANGE_FEED_INTERVAL_MS: '50' }, 'CHANGE_FEED_INTERVAL_MS must be 0 (off) or at least 100'],
      [{ CHANGE_FEED_INTERVAL_MS: '-1' }, 'CHANGE_FEED_INTERVAL_MS must be an integer >= 0'],
      [{ CHANGE_FEED_SETTLE_MS: '1.5' }, 'CHANGE_FEED_SETTLE_MS must be an integer >= 0'],
      [{ STALLED_JOB_MINUTES: 'soon' }, 'STALLED_JOB_MINUTES must be an integer >= 0'],
      [{ FAILURE_BURST_COUNT: '1' }, 'FAILURE_BURST_COUNT must be 0 (off) or at least 2'],
      [{ FAILURE_BURST_MINUTES: '0' }, 'FAILURE_BURST_MINUTES must be an integer >= 1'],
      [{ DETECTORS: 'maybe' }, 'DETECTORS must be 1/0'],
    ])('refuses %j', (env, message) => {
      expect(() => loadConfig(env)).toThrow(message);
    });
  });

  describe('live channels', () => {
    test('no browser origin is allowed until LIVE_ALLOWED_ORIGINS names it; limits have defaults', () => {
      expect(loadConfig({}).live).toEqual({
        allowedOrigins: [],
        replayBuffer: 10_000,
        heartbeatMs: 30_000,
        maxBufferedBytes: 4 * 1024 * 1024,
        maxConnections: 5000,
        maxPayloadBytes: 4096,
      });
      const live = loadConfig({
        LIVE_ALLOWED_ORIGINS: ' https://grafana.example.com/ ,http://localhost:3000',
        LIVE_REPLAY_BUFFER: '50',
        LIVE_HEARTBEAT_SECONDS: '5',
      }).live;
      expect(live.allowedOrigins).toEqual(['https://grafana.example.com', 'http://localhost:3000']);
      expect(live).toMatchObject({ replayBuffer: 50, heartbeatMs: 5000 });
      expect(loadConfig({ LIVE_ALLOWED_ORIGINS: '*' }).live.allowedOrigins).toEqual(['*']);
    });

    test.each([
      [{ LIVE_ALLOWED_ORIGINS: 'grafana.example.com' }, 'LIVE_ALLOWED_ORIGINS takes origins like'],
      [{ LIVE_ALLOWED_ORIGINS: 'https://g.example.com/path' }, '"https://g.example.com/path"'],
      [{ LIVE_REPLAY_BUFFER: '0' }, 'LIVE_REPLAY_BUFFER must be an integer >= 1'],
      [{ LIVE_HEARTBEAT_SECONDS: '1.5' }, 'LIVE_HEARTBEAT_SECONDS must be an integer >= 1'],
      [{ LIVE_MAX_BUFFERED_BYTES: '10' }, 'LIVE_MAX_BUFFERED_BYTES must be an integer >= 1024'],
      [{ LIVE_MAX_CONNECTIONS: 'many' }, 'LIVE_MAX_CONNECTIONS must be an integer >= 1'],
    ])('refuses %j', (env, message) => {
      expect(() => loadConfig(env)).toThrow(message);
    });
  });

  describe('Redis (several instances)', () => {
    test('off without REDIS_URL; with it, keys start with REDIS_PREFIX (omi: by default)', () => {
      expect(loadConfig({}).redis).toBeNull();
      expect(loadConfig({ REDIS_URL: ' redis://redis:6379 ' }).redis).toEqual({
        url: 'redis://redis:6379',
        prefix: 'omi:',
      });
      expect(
        loadConfig({ REDIS_URL: 'rediss://:pw@cache.example.com:6380/2', REDIS_PREFIX: 'prod:oma:' }).redis,
      ).toEqual({ url: 'rediss://:pw@cache.example.com:6380/2', prefix: 'prod:oma:' });
    });

    test.each([
      [{ REDIS_URL: 'redis-host:6379' }, 'REDIS_URL takes redis://'],
      [{ REDIS_URL: 'http://redis:6379' }, 'REDIS_URL takes redis://'],
      [{ REDIS_URL: 'redis://redis:6379/cache' }, 'REDIS_URL takes redis://'],
      [{ REDIS_URL: 'redis://r:6379', REDIS_PREFIX: 'has space' }, 'REDIS_PREFIX takes up to 64'],
    ])('refuses %j', (env, message) => {
      expect(() => loadConfig(env)).toThrow(message);
    });

    test('a refused REDIS_URL is not repeated (it may hold a password)', () => {
      expect(() => loadConfig({ REDIS_URL: 'redis://:s3cret@host:6379/x' })).toThrow(
        expect.objectContaining({ message: expect.not.stringContaining('s3cret') }),
      );
    });
  });
});
