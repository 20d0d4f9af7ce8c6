'use strict';
// Loads a bundled command (dist/NAME.cjs) with V8's code cache (dist/NAME.cjs.v8cache): the
// bundle is compiled once and the compiled code reused by every later start, which is most of
// what tsmount costs beyond Node and koffi for a single mount. A missing, stale (other Node or
// other bundle) or unwritable cache only means compiling as usual.
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Module = require('module');

module.exports = function runBundle(name) {
  const file = path.join(__dirname, '..', 'dist', `${name}.cjs`);
  const cacheFile = `${file}.v8cache`;
  let cachedData;
  try {
    // V8 checks a cache against the source's length only: a rebuilt bundle of the same length would
    // run the old code. A cache older than the bundle is not used (and is written again at exit).
    if (fs.statSync(cacheFile).mtimeMs >= fs.statSync(file).mtimeMs) cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  if (!cachedData || script.cachedDataRejected) {
    // Written at exit, so that the functions this run compiled are in it too.
    process.once('exit', () => {
      try {
        fs.writeFileSync(cacheFile, script.createCachedData());
      } catch {
        /* a read-only installation: no cache */
      }
    });
  }
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
};
