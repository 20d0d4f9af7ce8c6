#!/usr/bin/env node
'use strict';
// The bundled command (one module to load, with V8's code cache); dist/ is built by `npm run build` (run by npm ci).
require('./run-bundle.js')('tsmount');
