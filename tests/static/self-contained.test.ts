/**
 * Nothing the project builds, runs or tests needs a path outside its own root: a clone from its
 * public home has nothing beside it. Only the CI entry script (.ci/) may point at the shared
 * folder that sits beside the repository on CI machines.
 */
import { execFileSync } from 'node:child_process';

import { REPO_ROOT } from './repo';

/** The shared folder's relative path written out, or put together from path segments. Extended regex. */
const OUTSIDE_PATH = '\\.\\./shared|[\'"]\\.\\.[\'"], *[\'"]shared[\'"]';

/** Tracked files outside .ci/ that mention the outside path (git grep exits 1 when none do). */
function filesMentioningOutsidePath(): string[] {
  try {
    return execFileSync('git', ['grep', '-lE', OUTSIDE_PATH, '--', '.', ':!.ci'], { cwd: REPO_ROOT })
      .toString()
      .split('\n')
      .filter(Boolean);
  } catch (err) {
    if ((err as { status?: number }).status === 1) return [];
    throw err;
  }
}

test('no tracked file outside .ci/ points at the shared folder beside the repository', () => {
  const tracked = execFileSync('git', ['ls-files'], { cwd: REPO_ROOT }).toString().split('\n');
  expect(tracked).toContain('.ci/run');
  expect(filesMentioningOutsidePath()).toEqual([]);
});

test('the pattern catches the ways such a path gets written, and only those', () => {
  const pattern = new RegExp(OUTSIDE_PATH);
  // Built from pieces so that this file does not match itself.
  const up = '..';
  const name = 'shared';
  for (const text of [
    `see ${up}/${name}/TESTING-NOTES.md`,
    `path.resolve(__dirname, '${up}/${up}/${up}/${name}/fixtures/x.sql')`,
    `path.resolve(REPO_ROOT, '${up}', '${name}')`,
    `path.join(root, "${up}","${name}", 'fixtures')`,
  ])
    expect({ text, matches: pattern.test(text) }).toEqual({ text, matches: true });
  for (const text of ['the shared contracts', `path.join(root, '${name}')`, `'${up}', 'other'`])
    expect({ text, matches: pattern.test(text) }).toEqual({ text, matches: false });
  // .ci/run is the one place that names it, so git grep does look at tracked files.
  const ci = execFileSync('git', ['grep', '-lE', OUTSIDE_PATH, '--', '.ci'], { cwd: REPO_ROOT }).toString();
  expect(ci.trim()).toBe('.ci/run');
});
