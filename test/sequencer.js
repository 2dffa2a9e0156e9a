// Orders test files so that the slowest start first, also on a clean clone.
//
// Jest's own order runs the files it has timings for by duration (longest first), but keeps those timings in its
// cache directory (/tmp/jest_*), outside the checkout: on a fresh CI machine it has none and orders by file size, so
// a short file that runs for minutes (demo-cli: one `hubwatch demo reset`) started near the end and ran alone while
// the other workers had finished — the run's tail. test/durations.json holds the seconds each file took in a full
// run (refresh it with `node test/sequencer.js --write`, after `npm test`, from jest's cache of that run); it is
// used only for files jest has no timing of its own for.
const fs = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const ROOT = path.resolve(__dirname, '..');
const DURATIONS_FILE = path.join(__dirname, 'durations.json');

function recordedDurations() {
  try {
    return JSON.parse(fs.readFileSync(DURATIONS_FILE, 'utf8'));
  } catch {
    return {};
  }
}

class SlowestFirst extends Sequencer {
  sort(tests) {
    const recorded = recordedDurations();
    const seconds = (test) => {
      const cached = this.time(test); // milliseconds, from jest's cache
      if (cached != null) return cached / 1000;
      return recorded[path.relative(ROOT, test.path).split(path.sep).join('/')];
    };
    const size = (test) => test.context.hasteFS.getSize(test.path) ?? 0;
    const keyed = tests.map((test) => ({ test, failed: this.hasFailed(test), seconds: seconds(test), size: size(test) }));
    keyed.sort(
      (a, b) =>
        // Last run's failures first (as jest does), then by time, longest first; files never timed after the rest,
        // biggest first.
        Number(b.failed) - Number(a.failed) ||
        Number(b.seconds != null) - Number(a.seconds != null) ||
        (b.seconds ?? 0) - (a.seconds ?? 0) ||
        b.size - a.size,
    );
    return keyed.map((k) => k.test);
  }
}

module.exports = SlowestFirst;

// `node test/sequencer.js --write`: test/durations.json from jest's cached timings of this checkout's last run
// (every project's), in seconds, rounded; files under a second are left out (their order hardly matters).
if (require.main === module && process.argv.includes('--write')) {
  const cacheDir = path.join(require('node:os').tmpdir(), `jest_${(process.getuid?.() ?? 0).toString(36)}`);
  const out = {};
  for (const name of fs.readdirSync(cacheDir).filter((n) => n.startsWith('perf-cache-'))) {
    const cache = JSON.parse(fs.readFileSync(path.join(cacheDir, name), 'utf8'));
    for (const [file, [, ms]] of Object.entries(cache)) {
      if (!file.startsWith(ROOT + path.sep) || ms < 1000) continue;
      out[path.relative(ROOT, file).split(path.sep).join('/')] = Math.round(ms / 100) / 10;
    }
  }
  const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
  fs.writeFileSync(DURATIONS_FILE, JSON.stringify(sorted, null, 2) + '\n');
  console.log(`${Object.keys(sorted).length} files written to ${path.relative(ROOT, DURATIONS_FILE)}`);
}
