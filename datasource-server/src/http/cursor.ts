// Opaque keyset cursors: base64url JSON of the last row's sort key. A client cannot forge a
// query through one: it is parsed, shape-checked and only ever bound as parameters.
import { ApiError } from './errors';

export function encodeCursor(key: string[]): string {
  return Buffer.from(JSON.stringify(['v1', ...key]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, parts: number): string[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (
    !Array.isArray(decoded) ||
    decoded[0] !== 'v1' ||
    decoded.length !== parts + 1 ||
    !decoded.slice(1).every((p) => typeof p === 'string')
  ) {
    throw new ApiError(
      400,
      'invalid_cursor',
      'The cursor is not one this server issued; start again without it',
    );
  }
  return decoded.slice(1) as string[];
}

/** The row id an id-keyed cursor holds (pages ordered by an auto-increment id). */
export function decodeIdCursor(cursor: string): number {
  const [id] = decodeCursor(cursor, 1);
  if (!/^\d{1,18}$/.test(id)) {
    throw new ApiError(
      400,
      'invalid_cursor',
      'The cursor is not one this server issued; start again without it',
    );
  }
  return Number(id);
}

/** Escapes LIKE wildcards so a search for "50%" means those characters. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
