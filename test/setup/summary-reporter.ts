import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one plain `N passed, N failed, N skipped` line at the end, which CI reads to know
 * how many tests ran (vitest's own summary is not in a format it parses).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const skippedFiles = new Map<string, number>();
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else {
          skipped += 1;
          skippedFiles.set(relative(process.cwd(), module.moduleId), (skippedFiles.get(relative(process.cwd(), module.moduleId)) ?? 0) + 1);
        }
      }
      if (module.state() === 'failed' && module.children.size === 0) failed += 1;
    }
    if (skippedFiles.size > 0) {
      // Suites skip only when a component is missing on this machine (GENFLOW_REQUIRE_ALL=1 fails instead).
      const lines = [...skippedFiles].map(([file, n]) => `  ${file} (${n})`);
      process.stdout.write(
        `\nSkipped (a component missing on this machine, or filtered out by -t):\n${lines.join('\n')}\n` +
          'Enable them all (Debian, as root: Temporal CLI and test server, SeaweedFS, schemathesis, PostgreSQL, Chromium):\n' +
          '  bash scripts/setup-machine.sh && DATABASE_URL="$(bash scripts/start-postgres.sh | tail -n1 | cut -d= -f2-)" npm test\n',
      );
    }
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
