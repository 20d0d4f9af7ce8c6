'use strict';
// ava for the type-checked unit tests: its CommonJS entry exports the test function itself, while
// its CommonJS types describe an ES default export; this module gives `require` the right type.
/** @type {import('ava').TestFn} */
module.exports = /** @type {any} */ (require('ava'));
