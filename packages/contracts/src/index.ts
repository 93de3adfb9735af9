export * from './enums';
export * from './common';
export * from './vm-contexts';
export * from './progress';
export * from './networks';
export * from './health';
export * from './query-protocol';
