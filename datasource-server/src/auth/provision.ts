import fs from 'node:fs';
import path from 'node:path';
import { generateSecret, parseApiTokens, type ApiToken } from './tokens';

export interface ProvisionedTokens {
  tokens: ApiToken[];
  /** Set when the tokens came from (or were written to) a file rather than API_TOKENS. */
  file?: string;
  generated: boolean;
}

/**
 * API_TOKENS when set; otherwise tokens kept in `tokenFile` (created with random secrets on the
 * first start, mode 0600) so restarts keep working for clients that already copied them.
 */
export function provisionTokens(apiTokens: string | undefined, tokenFile: string): ProvisionedTokens {
  if (apiTokens) return { tokens: parseApiTokens(apiTokens), generated: false };
  if (fs.existsSync(tokenFile)) {
    const line = fs
      .readFileSync(tokenFile, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('API_TOKENS='));
    if (line)
      return { tokens: parseApiTokens(line.slice('API_TOKENS='.length)), file: tokenFile, generated: false };
  }
  const value = [
    `reader:read:${generateSecret()}`,
    `writer:read+write:${generateSecret()}`,
    `ingest:ingest:${generateSecret()}`,
  ].join(',');
  fs.mkdirSync(path.dirname(path.resolve(tokenFile)), { recursive: true });
  fs.writeFileSync(
    tokenFile,
    `# Generated because API_TOKENS was not set. Format: name:scope[+scope]:secret,...\nAPI_TOKENS=${value}\n`,
    { mode: 0o600 },
  );
  return { tokens: parseApiTokens(value), file: tokenFile, generated: true };
}
