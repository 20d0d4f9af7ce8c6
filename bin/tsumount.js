#!/usr/bin/env node
'use strict';
require('../dist/tsumount.cjs');
