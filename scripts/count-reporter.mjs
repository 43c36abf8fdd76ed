// A node:test custom reporter that only counts results. scripts/run-tests.mjs
// points its --test-reporter-destination at a temporary file, reads the JSON
// this reporter emits once the run is over, and prints the closing
// "N passed, N failed" line itself, so that line comes after everything else
// (including the PostgreSQL shutdown).
//
// What counts as a test: every leaf, i.e. a `test:pass`/`test:fail` event that
// is not a suite (`details.type === 'suite'`) and had no subtests reported
// under it. Skipped and todo tests are counted as skipped, never as failures.
//
// Three edge cases keep the count honest:
// - a parent test or a suite that fails while none of its subtests failed
//   (its own body or a hook threw) is counted as one failure, otherwise a red
//   run could report "0 failed";
// - a test file that fails outside any test (it does not import, or it throws
//   after its tests ran) is reported by the runner as a test named after the
//   file; it has no subtests, so it is counted as a failure like any leaf;
// - a file with no tests at all is reported as a passing test named after the
//   file; that is not a test, so it is not counted.

export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  // Per file, per nesting level: whether results were reported at that level
  // since the enclosing test started, and whether a failure was counted among
  // them. Events of one file arrive in order and a test's subtests are
  // reported before the test itself, so this is enough to tell leaves apart.
  const files = new Map();

  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data;
    const failedEvent = event.type === 'test:fail';
    const key = data.file ?? '';
    let levels = files.get(key);
    if (!levels) files.set(key, (levels = []));

    const depth = data.nesting ?? 0;
    const children = levels[depth + 1];
    levels.length = depth + 1; // forget the finished subtree
    const hasChildren = Boolean(children?.seen);
    const failureBelow = Boolean(children?.failed);

    const isSuite = data.details?.type === 'suite';
    const isFileWrapper = depth === 0 && data.file !== undefined && data.name === data.file;
    const isSkipped = Boolean(data.skip || data.todo);

    let countedFailure = false;
    if (isSkipped) {
      if (!hasChildren && !isSuite) counts.skipped += 1;
    } else if (failedEvent) {
      if (!failureBelow) {
        counts.failed += 1;
        countedFailure = true;
      }
    } else if (!hasChildren && !isSuite && !isFileWrapper) {
      counts.passed += 1;
    }

    const here = (levels[depth] ??= { seen: false, failed: false });
    here.seen = true;
    here.failed ||= countedFailure || failureBelow;
  }

  yield `${JSON.stringify(counts)}\n`;
}
