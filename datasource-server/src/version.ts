// The package version, read once (the plugins compare its major with their own).
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const VERSION: string = require('../package.json').version;
export const API_VERSION = 'v1';
