// A local HTTP server that answers like a CloudStack management server's /client/api for the
// calls the network sync makes. It checks every request's signature the way CloudStack's
// ApiServer.verifyRequest does (written from that, not from our signer) and answers 401 with
// CloudStack's error JSON when it does not match.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeZone {
  id: string;
  name: string;
}

/** A network as listNetworks returns it, plus the owning account (listall decides who sees it). */
export type FakeNetwork = Record<string, unknown> & { id?: unknown; account: string };

export interface ReceivedRequest {
  command: string;
  params: Record<string, string>;
  signatureValid: boolean;
}

/** How the server misbehaves, optionally only for one command (and page). */
export interface Misbehaviour {
  kind: 'hang' | 'malformed-json' | 'not-a-list' | 'proxy-error-page';
  command?: string;
  page?: number;
}

export const CALLER_ACCOUNT = 'admin';

/** Java's URLEncoder (UTF-8) byte by byte, with + as %20, as CloudStack rebuilds the query. */
function javaUrlEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9.\-*_]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The signature CloudStack expects for these received parameters (signature itself excluded). */
export function cloudStackSignature(params: Record<string, string>, secretKey: string): string {
  const names = Object.keys(params)
    .filter((name) => name.toLowerCase() !== 'signature')
    .sort();
  const unsigned = names
    .map((name) => `${name}=${javaUrlEncode(params[name])}`)
    .join('&')
    .toLowerCase();
  return createHmac('sha1', Buffer.from(secretKey, 'utf8')).update(unsigned, 'utf8').digest('base64');
}

export class FakeCloudStack {
  zones: FakeZone[] = [];
  networks: FakeNetwork[] = [];
  misbehaviour: Misbehaviour | null = null;
  /** CloudStack's `default.page.size`: a larger pagesize is refused (error 431). */
  maxPageSize = 500;
  readonly requests: ReceivedRequest[] = [];
  private server: http.Server | null = null;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(
    public apiKey: string,
    public secretKey: string,
  ) {}

  get listening(): boolean {
    return this.server !== null;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/client/api`;
  }

  /** Listens on loopback (again on the same port after a stop). */
  async start(): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops open connections: afterwards the port refuses connections. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname !== '/client/api') {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html>Not Found</html>');
      return;
    }
    const params = Object.fromEntries(url.searchParams);
    const command = params.command ?? '';
    const signatureValid =
      params.apikey === this.apiKey &&
      typeof params.signature === 'string' &&
      params.signature === cloudStackSignature(params, this.secretKey);
    this.requests.push({ command, params, signatureValid });

    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' }).end(JSON.stringify(body));
    const error = (status: number, errorcode: number, errortext: string) =>
      json(status, { [`${command.toLowerCase()}response`]: { uuidList: [], errorcode, errortext } });

    if (params.response !== 'json') {
      // CloudStack answers XML unless asked for JSON.
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<?xml version="1.0"?><response/>');
      return;
    }
    if (!signatureValid) {
      error(401, 401, 'unable to verify user credentials and/or request signature');
      return;
    }

    const bad = this.misbehaviour;
    if (bad && (!bad.command || bad.command === command) && (!bad.page || String(bad.page) === params.page)) {
      if (bad.kind === 'hang') return; // never answers
      if (bad.kind === 'malformed-json') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"listnetworksresponse":{"count":3,"network":[{"id":');
        return;
      }
      if (bad.kind === 'not-a-list') {
        json(200, { [`${command.toLowerCase()}response`]: { count: 1, network: { id: 'x' }, zone: 'x' } });
        return;
      }
      // A reverse proxy's error page that quotes the request, query (keys) included.
      res.writeHead(502, { 'content-type': 'text/html' }).end(`<html>Bad Gateway for ${req.url}</html>`);
      return;
    }

    if (command === 'listZones') {
      json(200, { listzonesresponse: { count: this.zones.length, zone: this.zones } });
      return;
    }
    if (command === 'listNetworks') {
      const pageSize = params.pagesize === undefined ? this.maxPageSize : Number(params.pagesize);
      if (pageSize > this.maxPageSize) {
        error(431, 431, `Page size can't exceed max allowed page size value: ${this.maxPageSize}`);
        return;
      }
      const page = params.page === undefined ? 1 : Number(params.page);
      const visible = this.networks
        .filter((n) => params.listall === 'true' || n.account === CALLER_ACCOUNT)
        .filter((n) => params.zoneid === undefined || n.zoneid === params.zoneid);
      const slice = visible.slice((page - 1) * pageSize, page * pageSize);
      // CloudStack leaves out count and the list when nothing matches.
      json(200, { listnetworksresponse: slice.length ? { count: visible.length, network: slice } : {} });
      return;
    }
    error(432, 432, 'The given command does not exist or it is not available for the user');
  }
}

/**
 * `count` guest networks over the zones, as CloudStack lists them: shared and isolated, every
 * field the sync keeps and some it does not, tags with CloudStack's extra keys. A few belong
 * to other accounts (only `listall=true` shows them).
 */
export function cloudStackNetworks(zones: FakeZone[], count: number): FakeNetwork[] {
  return Array.from({ length: count }, (_, i) => {
    const zone = zones[i % zones.length];
    const shared = i % 3 !== 0;
    const vlan = 100 + i;
    const id = `0a1b2c3d-0000-4000-8000-${String(i).padStart(12, '0')}`;
    return {
      id,
      name: `${shared ? 'PROD' : 'app'}-net-${i}${i === 5 ? ' Zürich 东京' : ''}`,
      displaytext: `Network ${i} in ${zone.name}`,
      broadcastdomaintype: 'Vlan',
      traffictype: 'Guest',
      gateway: `10.${i}.0.1`,
      netmask: '255.255.255.0',
      cidr: `10.${i}.0.0/24`,
      zoneid: zone.id,
      zonename: zone.name,
      networkofferingid: 'offering-1',
      state: i % 7 === 6 ? 'Allocated' : shared ? 'Setup' : 'Implemented',
      related: id,
      broadcasturi: `vlan://${vlan}`,
      dns1: '10.0.0.2',
      type: shared ? 'Shared' : 'Isolated',
      vlan: String(vlan),
      acltype: shared ? 'Domain' : 'Account',
      account: i % 4 === 3 ? `tenant-${i}` : CALLER_ACCOUNT,
      domainid: 'domain-1',
      domain: 'ROOT',
      isdefault: i === 0,
      issystem: false,
      canusefordeploy: i % 7 !== 6,
      ispersistent: false,
      tags:
        i % 2 === 0
          ? [
              {
                key: 'env',
                value: shared ? 'prod' : 'dev',
                resourcetype: 'Network',
                resourceid: id,
                domain: 'ROOT',
              },
            ]
          : [],
    };
  });
}
