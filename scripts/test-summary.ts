// Prints one plain closing line for CI ("Tests: N passed, N failed") from the Vitest JSON
// reports that `npm test` writes under test-results/. Exits non-zero when a report is missing,
// a test failed, or no test ran at all.
import { readFileSync, existsSync } from 'node:fs';

const reports = ['test-results/unit.json', 'test-results/browser.json'];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of reports) {
  if (!existsSync(file)) {
    console.error(`test-summary: missing ${file} (did that test run start?)`);
    process.exit(1);
  }
  const r = JSON.parse(readFileSync(file, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
