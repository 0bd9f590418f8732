#!/usr/bin/env node
// `npm run restore -- --from backup.tar.gz [--force]`: build if needed, then restore (stop the gateway first).
const path = require('node:path');
const dist = require('./ensure-built')();
require(path.join(dist, 'backup', 'restore.cli.js'));
