// Pure token handling: parse API_TOKENS, generate tokens, verify in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { API_SCOPES, type ApiScope } from '@oma-insights/contracts';

export interface ApiToken {
  name: string;
  scopes: ApiScope[];
  /** SHA-256 of the secret: the secret itself is not kept after start-up. */
  digest: Buffer;
}

export interface Principal {
  name: string;
  scopes: ApiScope[];
}

const digest = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();

/** `name:scope[+scope]:secret,…` -> tokens. Throws with the offending entry (without its secret). */
export function parseApiTokens(raw: string): ApiToken[] {
  const tokens: ApiToken[] = [];
  for (const [index, entry] of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .entries()) {
    const first = entry.indexOf(':');
    const second = entry.indexOf(':', first + 1);
    if (first <= 0 || second <= first + 1 || second === entry.length - 1) {
      throw new Error(`API_TOKENS entry ${index + 1} must look like name:scope[+scope]:secret`);
    }
    const name = entry.slice(0, first);
    const scopes = entry.slice(first + 1, second).split('+');
    const secret = entry.slice(second + 1);
    const unknown = scopes.filter((s) => !(API_SCOPES as readonly string[]).includes(s));
    if (unknown.length) {
      throw new Error(
        `API_TOKENS entry "${name}" has unknown scope(s) ${unknown.join(', ')}; use ${API_SCOPES.join(', ')}`,
      );
    }
    if (secret.length < 16)
      throw new Error(`API_TOKENS entry "${name}" has a secret shorter than 16 characters`);
    if (tokens.some((t) => t.name === name))
      throw new Error(`API_TOKENS names must be unique; "${name}" repeats`);
    tokens.push({ name, scopes: scopes as ApiScope[], digest: digest(secret) });
  }
  if (!tokens.length) throw new Error('API_TOKENS is set but holds no token');
  return tokens;
}

export function generateSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** Finds the token for a presented secret. Compares digests so timing says nothing about the secret. */
export function verifySecret(tokens: ApiToken[], presented: string): Principal | undefined {
  const candidate = digest(presented);
  let match: ApiToken | undefined;
  for (const token of tokens) {
    // No early exit: every token is compared whatever the outcome.
    if (timingSafeEqual(token.digest, candidate)) match = token;
  }
  return match && { name: match.name, scopes: match.scopes };
}
