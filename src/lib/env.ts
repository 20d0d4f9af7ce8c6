// Where the tables live: util-linux's variables are honoured so both tools see the same files.

export function defaultFstabPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.LIBMOUNT_FSTAB || '/etc/fstab';
}
