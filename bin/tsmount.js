#!/usr/bin/env node
'use strict';
// The bundled command (one module to load); dist/ is built by `npm run build` (run by npm ci).
require('../dist/tsmount.cjs');
