// A small CloudStack API client: signed GET requests, CloudStack's error answers turned into
// errors that never carry the request URL (its query holds the API key and the signature).
import type { CloudStackConnection } from './connection';
import { signedQuery } from './signing';

export interface ClientOptions {
  /** Per request, body included. */
  timeoutMs: number;
  pageSize: number;
  /** Aborts every request (the server is closing). */
  signal?: AbortSignal;
}

/** A failed CloudStack call; the message is safe to show and log (no keys, no signature, no host). */
export class CloudStackError extends Error {
  override name = 'CloudStackError';
}

type JsonObject = Record<string, unknown>;

/** More than this and something is wrong (a server that ignores `page`): stop rather than loop. */
export const MAX_NETWORKS = 100_000;
const MAX_ERROR_TEXT = 300;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Replaces every secret (and its URL-encoded form) and any apikey/signature parameter. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue; // too short to be a key; replacing it would mangle the text
    for (const form of new Set([secret, encodeURIComponent(secret)]))
      out = out.split(form).join('[redacted]');
  }
  return out.replace(/\b(apikey|signature|secretkey)=[^&\s"']*/gi, '$1=[redacted]');
}

const TRANSPORT_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

export class CloudStackClient {
  private readonly endpoint: URL;

  constructor(
    private readonly connection: CloudStackConnection,
    private readonly options: ClientOptions,
  ) {
    this.endpoint = new URL(connection.url);
  }

  /** Where requests go, without query or credentials: for the log. */
  get where(): string {
    return `${this.endpoint.origin}${this.endpoint.pathname}`;
  }

  /** Every zone the caller can see. */
  async listZones(): Promise<unknown[]> {
    return itemsOf(await this.call('listZones', {}), 'zone', 'listZones');
  }

  /**
   * Every network of every zone and account the key may see: one listing without `zoneid`
   * (CloudStack then lists all zones), `listall=true` (otherwise only the caller's own
   * networks), paged until a short page or `count` is reached.
   */
  async listNetworks(): Promise<unknown[]> {
    const { pageSize } = this.options;
    const networks: unknown[] = [];
    for (let page = 1; ; page++) {
      const answer = await this.call('listNetworks', {
        listall: 'true',
        page: String(page),
        pagesize: String(pageSize),
      });
      const items = itemsOf(answer, 'network', 'listNetworks');
      for (const item of items) networks.push(item);
      const count = typeof answer.count === 'number' ? answer.count : null;
      if (items.length < pageSize || (count !== null && networks.length >= count)) return networks;
      if (networks.length >= MAX_NETWORKS) {
        throw new CloudStackError(`listNetworks: more than ${MAX_NETWORKS} networks, stopped paging`);
      }
    }
  }

  /** One signed call; resolves to the `<command>response` object. */
  async call(command: string, params: Record<string, string>): Promise<JsonObject> {
    const { apiKey, secretKey } = this.connection;
    const url = new URL(this.endpoint);
    url.search = signedQuery({ command, ...params }, apiKey, secretKey);
    const { status, text } = await this.get(command, url);
    if (status >= 300 && status < 400) {
      throw new CloudStackError(
        `${command}: HTTP ${status}, a redirect; set the URL to the API endpoint itself (e.g. https://…/client/api)`,
      );
    }

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new CloudStackError(
        status >= 400
          ? `${command}: HTTP ${status} without a CloudStack answer`
          : `${command}: malformed JSON in the answer (HTTP ${status})`,
      );
    }
    const key = `${command.toLowerCase()}response`;
    const answer = isObject(body)
      ? (body[key] ?? body.errorresponse ?? Object.entries(body).find(([k]) => k.endsWith('response'))?.[1])
      : undefined;
    if (!isObject(answer)) {
      throw new CloudStackError(
        status >= 400
          ? `${command}: HTTP ${status} without a CloudStack answer`
          : `${command}: the answer has no ${key} object`,
      );
    }
    if (status >= 400 || answer.errorcode !== undefined || answer.errortext !== undefined) {
      const code = typeof answer.errorcode === 'number' ? answer.errorcode : status;
      const detail = typeof answer.errortext === 'string' ? answer.errortext : 'failed';
      throw new CloudStackError(`${command}: ${code} ${this.redact(detail).slice(0, MAX_ERROR_TEXT)}`);
    }
    return answer;
  }

  /**
   * GETs the URL, once more when a kept-alive connection turned out to be closed (the server
   * restarted or dropped it between runs): list calls only read, so a retry is safe.
   */
  private async get(command: string, url: URL): Promise<{ status: number; text: string }> {
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(this.options.timeoutMs);
      const signal = this.options.signal ? AbortSignal.any([timeout, this.options.signal]) : timeout;
      try {
        // No redirects: following one would send the signed query (API key included) elsewhere.
        const response = await fetch(url, {
          signal,
          redirect: 'manual',
          headers: { accept: 'application/json' },
        });
        return { status: response.status, text: await response.text() };
      } catch (err) {
        const code = (err as { cause?: { code?: string } }).cause?.code;
        const staleConnection = code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
        if (attempt === 1 && staleConnection && !signal.aborted) continue;
        throw new CloudStackError(`${command}: ${this.transportCause(err)}`);
      }
    }
  }

  /** Removes this connection's keys (and any apikey/signature parameter) from a text. */
  redact(text: string): string {
    return redact(text, [this.connection.apiKey, this.connection.secretKey]);
  }

  private transportCause(err: unknown): string {
    const name = (err as { name?: string }).name;
    if (name === 'TimeoutError') return `no answer within ${this.options.timeoutMs / 1000} s`;
    if (name === 'AbortError') return 'stopped: the server is closing';
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code ?? '';
    if (TRANSPORT_CAUSES[code]) return TRANSPORT_CAUSES[code];
    if (/CERT|TLS|SSL/i.test(code)) return `TLS failed (${code})`;
    // Never the error's own text: undici may quote the address; a code is enough to act on.
    return code ? `request failed (${code})` : 'request failed';
  }
}

/** The list under `key` of a CloudStack answer; CloudStack leaves it out when there are none. */
function itemsOf(answer: JsonObject, key: string, command: string): unknown[] {
  const items = answer[key];
  if (items === undefined) return [];
  if (!Array.isArray(items)) throw new CloudStackError(`${command}: "${key}" in the answer is not a list`);
  return items;
}
