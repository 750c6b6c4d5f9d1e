// Prints each skipped test by name, then "N passed, N failed[, N skipped]" from a vitest JSON report; exits non-zero when the report is missing.
import { readFileSync } from 'node:fs';

const path = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(path, 'utf8'));
} catch (error) {
  console.log(`0 passed, 1 failed`);
  console.error(`no vitest report at ${path}: ${error.message}`);
  process.exit(1);
}
const failed = report.numFailedTests + (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
const skipped = report.numPendingTests + report.numTodoTests;
// A skipped test is named, never silent: each on its own line, before the count.
for (const file of report.testResults ?? []) {
  for (const test of file.assertionResults ?? []) {
    if (test.status === 'pending' || test.status === 'skipped' || test.status === 'todo')
      console.log(`skipped: ${test.fullName} (${file.name})`);
  }
}
console.log(`${report.numPassedTests} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
