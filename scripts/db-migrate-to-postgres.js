#!/usr/bin/env node
// `npm run db:migrate-to-postgres -- --from data/app.db --to postgres://...`: build if needed, then copy.
const path = require('node:path');
const dist = require('./ensure-built')();
require(path.join(dist, 'database', 'migrate-to-postgres', 'migrate-to-postgres.cli.js'));
