#!/usr/bin/env node
'use strict';
process.exitCode = require('../dist/cli/main.js').run('mount', process.argv);
