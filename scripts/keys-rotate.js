#!/usr/bin/env node
// `npm run keys:rotate`: build if needed, then re-encrypt every stored secret with DATA_ENCRYPTION_KEY.
const path = require('node:path');
const dist = require('./ensure-built')();
require(path.join(dist, 'secrets', 'key-rotation.cli.js'));
