#!/usr/bin/env node
// `npm run start:dev`: compiles, then recompiles on every change (tsc --watch) and restarts the gateway when
// dist/ changes (node --watch).
const path = require('node:path');
const { spawn } = require('node:child_process');
const { build, root, tsc } = require('./build');

build();
const children = [
  spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], {
    cwd: root,
    stdio: 'inherit',
  }),
  spawn(process.execPath, ['--watch-path=dist', path.join('dist', 'main.js')], { cwd: root, stdio: 'inherit' }),
];
const stop = (signal) => {
  for (const child of children) child.kill(signal);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
for (const child of children) child.on('exit', (code) => process.exitCode ?? (process.exitCode = code ?? 0));
