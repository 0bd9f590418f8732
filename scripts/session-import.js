#!/usr/bin/env node
// `npm run session:import -- --from auth_info_baileys --session default`: build if needed, then import.
const path = require('node:path');
const dist = require('./ensure-built')();
require(path.join(dist, 'whatsapp', 'import', 'session-import.cli.js'));
