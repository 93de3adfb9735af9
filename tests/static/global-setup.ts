import { ensureBuilt } from './repo';

/** The app is built once, before any check reads dist/ (checks in parallel must not build it twice). */
export default function globalSetup() {
  ensureBuilt();
}
