#!/usr/bin/env node
// `npm start`: build if needed (see ensure-built.js), then run the gateway.
const path = require('node:path');
const dist = require('./ensure-built')();
require(path.join(dist, 'main.js'));
