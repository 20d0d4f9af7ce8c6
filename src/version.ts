// The package version, read once from package.json next to dist/.
import fs = require('fs');
import path = require('path');

export function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const FEATURES = ['fd-based-mount', 'namespaces', 'idmapping', 'statmount', 'loopdev', 'utab'];
