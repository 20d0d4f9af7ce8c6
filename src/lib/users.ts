// User and group names → numbers for uid=, gid=, X-mount.owner/group (from /etc/passwd and /etc/group).
import fs = require('fs');

function lookup(file: string, name: string): number | undefined {
  if (/^[0-9]+$/.test(name)) return Number(name);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f.length >= 3 && /^[0-9]+$/.test(f[2])) return Number(f[2]);
  }
  return undefined;
}

export function userId(name: string): number | undefined {
  return lookup('/etc/passwd', name);
}

export function groupId(name: string): number | undefined {
  return lookup('/etc/group', name);
}
