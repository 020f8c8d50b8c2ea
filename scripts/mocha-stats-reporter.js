// A mocha reporter for CI: the usual spec output on the console, plus the run's counts written as JSON
// to the file named by env XL_MOCHA_STATS ({ passes, failures, pending, tests, failed: [titles] }).
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_TEST_FAIL } = Mocha.Runner.constants;

class StatsReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failed = [];
    runner.on(EVENT_TEST_FAIL, (test) => failed.push(test.fullTitle()));
    runner.once(EVENT_RUN_END, () => {
      const out = process.env.XL_MOCHA_STATS;
      if (!out) return;
      const s = runner.stats;
      const stats = { passes: s.passes, failures: s.failures, pending: s.pending, tests: s.tests, failed };
      fs.writeFileSync(out + '.tmp', JSON.stringify(stats, null, 1));
      fs.renameSync(out + '.tmp', out);
    });
  }
}

module.exports = StatsReporter;
