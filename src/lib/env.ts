// Where the tables live: util-linux's variables are honoured so both tools see the same files —
// for root only. libmount reads them through safe_getenv(), which ignores them when the caller is
// not root (set-uid mount run by a user): a user must not point root's table updates elsewhere.

export function isRealRoot(): boolean {
  return typeof process.getuid !== 'function' || (process.getuid() === 0 && process.geteuid?.() === 0);
}

export function defaultFstabPath(env: NodeJS.ProcessEnv = process.env, root = isRealRoot()): string {
  return (root && env.LIBMOUNT_FSTAB) || '/etc/fstab';
}
