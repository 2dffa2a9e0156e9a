#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so `npx hubwatch` works right after `npm ci` with no build.
require('tsx/cjs');
// `hubwatch tickets list | head`: the reader closed the pipe. Stop quietly, as Unix tools do, not with a stack trace.
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(0);
  throw err;
});
let cli;
try {
  cli = require('../cli/main.ts');
} catch (err) {
  console.error(err && err.stack ? err.stack.split('\n').slice(0, 8).join('\n') : err);
  process.exit(1);
}
cli.main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
