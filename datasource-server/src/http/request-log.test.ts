import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { RequestLog } from './request-log';

const LEVEL = { 20: 'debug', 30: 'info', 40: 'warn', 50: 'error' } as Record<number, string>;

test('routine requests log at debug, refused at info, slow at warn, failed at error', async () => {
  const lines: { level: number; msg: string; url?: string; status?: number }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const app = Fastify({ logger: { level: 'debug', stream }, logController: new RequestLog(50) });
  app.get('/ok', async () => 'ok');
  app.get('/refused', async (_req, reply) => reply.code(404).send('no'));
  app.get('/slow', async () => new Promise((resolve) => setTimeout(() => resolve('late'), 80)));
  app.get('/failed', async () => {
    throw new Error('boom');
  });
  for (const url of ['/ok?token=abc', '/refused', '/slow', '/failed'])
    await app.inject({ method: 'GET', url });
  await app.close();

  const completed = lines
    .filter((l) => l.status !== undefined)
    .map((l) => `${l.url} ${l.status} ${LEVEL[l.level]} ${l.msg}`);
  expect(completed).toEqual([
    '/ok 200 debug request completed',
    '/refused 404 info request refused',
    '/slow 200 warn slow request',
    '/failed 500 error request failed',
  ]);
  // Query strings stay out of the log; arrivals are debug only.
  expect(JSON.stringify(lines)).not.toContain('token=abc');
  expect(lines.filter((l) => l.msg === 'incoming request').every((l) => l.level === 20)).toBe(true);
});
