// CloudStack's request signature (API key + secret key, "signature version 1"): the server
// rebuilds the query from the parameters it received, so we must encode exactly as it does.
import { createHmac } from 'node:crypto';

/**
 * A parameter value encoded like Java's `URLEncoder.encode(value, "UTF-8")` with `+` turned into
 * `%20`, which is what CloudStack's ApiServer does before it checks a signature. Java leaves only
 * `A-Z a-z 0-9 . - * _` as they are; encodeURIComponent also leaves `! ' ( ) ~`, so those are
 * encoded here as well. Used for the query we send too, so both sides always agree.
 */
export function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()~]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The text CloudStack signs: every parameter (`apikey` and `response` included, `signature`
 * not), sorted by lower-cased name, values encoded, joined with `&`, the whole lower-cased.
 */
export function stringToSign(params: Record<string, string>): string {
  return Object.entries(params)
    .filter(([key]) => key.toLowerCase() !== 'signature')
    .map(([key, value]) => [key.toLowerCase(), encodeValue(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&')
    .toLowerCase();
}

/** Base64 HMAC-SHA1 of the string to sign (not yet URL-encoded). */
export function signature(params: Record<string, string>, secretKey: string): string {
  return createHmac('sha1', secretKey).update(stringToSign(params)).digest('base64');
}

/**
 * The complete query string of a signed request: `params` plus `apikey`, `response=json` and
 * the URL-encoded `signature`. Parameter names must be lower case: CloudStack sorts the names as
 * it receives them, and only lower-case names sort the same on both sides.
 */
export function signedQuery(params: Record<string, string>, apiKey: string, secretKey: string): string {
  const all: Record<string, string> = { ...params, apikey: apiKey, response: 'json' };
  const mixedCase = Object.keys(all).find((key) => key !== key.toLowerCase());
  if (mixedCase) throw new Error(`CloudStack parameter names must be lower case: ${mixedCase}`);
  const query = Object.entries(all)
    .map(([key, value]) => `${key}=${encodeValue(value)}`)
    .join('&');
  return `${query}&signature=${encodeValue(signature(all, secretKey))}`;
}
