#!/usr/bin/env node
// `npm run backup -- --to backup.tar.gz`: build if needed, then back up (the gateway may keep running).
const path = require('node:path');
const dist = require('./ensure-built')();
require(path.join(dist, 'backup', 'backup.cli.js'));
