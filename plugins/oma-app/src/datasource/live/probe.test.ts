import { probeSocket } from './probe';
import type { SocketLike } from './stream';

function fakeSocket() {
  const socket = {
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
    close: jest.fn(),
  } as unknown as SocketLike & { close: jest.Mock };
  return socket;
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test('the first message means the channel works; the socket is closed after', async () => {
  const socket = fakeSocket();
  const probe = probeSocket(() => socket);
  socket.onmessage?.call(socket as never, new MessageEvent('message', { data: '{}' }));
  await expect(probe).resolves.toEqual({ ok: true });
  expect(socket.close).toHaveBeenCalledWith(1000, 'probe done');
  expect(jest.getTimerCount()).toBe(0);
});

test('a close before any message (a refused upgrade) says its code', async () => {
  const socket = fakeSocket();
  const probe = probeSocket(() => socket);
  socket.onclose?.call(socket as never, new CloseEvent('close', { code: 1006 }));
  await expect(probe).resolves.toEqual({ ok: false, reason: 'the socket closed with code 1006' });
});

test('no answer in time is a failure, not a wait forever', async () => {
  const socket = fakeSocket();
  const probe = probeSocket(() => socket, 5000);
  jest.advanceTimersByTime(4999);
  expect(socket.onclose).not.toBeNull();
  jest.advanceTimersByTime(1);
  await expect(probe).resolves.toEqual({ ok: false, reason: 'no answer within 5 s' });
  expect(socket.close).toHaveBeenCalled();
});

test('an address the browser refuses to open is a failure with its message', async () => {
  const probe = probeSocket(() => {
    throw new SyntaxError("Failed to construct 'WebSocket': The URL 'x' is invalid.");
  });
  await expect(probe).resolves.toEqual({ ok: false, reason: expect.stringContaining('is invalid') });
  expect(jest.getTimerCount()).toBe(0);
});
