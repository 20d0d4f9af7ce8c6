// Linux errno numbers, their symbolic names and glibc's strerror() texts.
// Kept as a static table so that naming an error never needs koffi (start-up
// cost) and never depends on Node's incomplete os.constants.errno (no ENOTBLK,
// aliases such as ENOTSUP/EOPNOTSUPP). Messages are glibc 2.36's, which is what
// util-linux prints for "%m".

const TABLE: ReadonlyArray<readonly [number, string, string]> = [
  [1, 'EPERM', 'Operation not permitted'],
  [2, 'ENOENT', 'No such file or directory'],
  [3, 'ESRCH', 'No such process'],
  [4, 'EINTR', 'Interrupted system call'],
  [5, 'EIO', 'Input/output error'],
  [6, 'ENXIO', 'No such device or address'],
  [7, 'E2BIG', 'Argument list too long'],
  [8, 'ENOEXEC', 'Exec format error'],
  [9, 'EBADF', 'Bad file descriptor'],
  [10, 'ECHILD', 'No child processes'],
  [11, 'EAGAIN', 'Resource temporarily unavailable'],
  [12, 'ENOMEM', 'Cannot allocate memory'],
  [13, 'EACCES', 'Permission denied'],
  [14, 'EFAULT', 'Bad address'],
  [15, 'ENOTBLK', 'Block device required'],
  [16, 'EBUSY', 'Device or resource busy'],
  [17, 'EEXIST', 'File exists'],
  [18, 'EXDEV', 'Invalid cross-device link'],
  [19, 'ENODEV', 'No such device'],
  [20, 'ENOTDIR', 'Not a directory'],
  [21, 'EISDIR', 'Is a directory'],
  [22, 'EINVAL', 'Invalid argument'],
  [23, 'ENFILE', 'Too many open files in system'],
  [24, 'EMFILE', 'Too many open files'],
  [25, 'ENOTTY', 'Inappropriate ioctl for device'],
  [26, 'ETXTBSY', 'Text file busy'],
  [27, 'EFBIG', 'File too large'],
  [28, 'ENOSPC', 'No space left on device'],
  [29, 'ESPIPE', 'Illegal seek'],
  [30, 'EROFS', 'Read-only file system'],
  [31, 'EMLINK', 'Too many links'],
  [32, 'EPIPE', 'Broken pipe'],
  [33, 'EDOM', 'Numerical argument out of domain'],
  [34, 'ERANGE', 'Numerical result out of range'],
  [35, 'EDEADLK', 'Resource deadlock avoided'],
  [36, 'ENAMETOOLONG', 'File name too long'],
  [37, 'ENOLCK', 'No locks available'],
  [38, 'ENOSYS', 'Function not implemented'],
  [39, 'ENOTEMPTY', 'Directory not empty'],
  [40, 'ELOOP', 'Too many levels of symbolic links'],
  [42, 'ENOMSG', 'No message of desired type'],
  [43, 'EIDRM', 'Identifier removed'],
  [61, 'ENODATA', 'No data available'],
  [62, 'ETIME', 'Timer expired'],
  [71, 'EPROTO', 'Protocol error'],
  [74, 'EBADMSG', 'Bad message'],
  [75, 'EOVERFLOW', 'Value too large for defined data type'],
  [84, 'EILSEQ', 'Invalid or incomplete multibyte or wide character'],
  [90, 'EMSGSIZE', 'Message too long'],
  [95, 'EOPNOTSUPP', 'Operation not supported'],
  [98, 'EADDRINUSE', 'Address already in use'],
  [103, 'ECONNABORTED', 'Software caused connection abort'],
  [104, 'ECONNRESET', 'Connection reset by peer'],
  [110, 'ETIMEDOUT', 'Connection timed out'],
  [111, 'ECONNREFUSED', 'Connection refused'],
  [112, 'EHOSTDOWN', 'Host is down'],
  [113, 'EHOSTUNREACH', 'No route to host'],
  [116, 'ESTALE', 'Stale file handle'],
  [117, 'EUCLEAN', 'Structure needs cleaning'],
  [121, 'EREMOTEIO', 'Remote I/O error'],
  [122, 'EDQUOT', 'Disk quota exceeded'],
  [123, 'ENOMEDIUM', 'No medium found'],
  [124, 'EMEDIUMTYPE', 'Wrong medium type'],
  [125, 'ECANCELED', 'Operation canceled'],
  [126, 'ENOKEY', 'Required key not available'],
  [127, 'EKEYEXPIRED', 'Key has expired'],
  [128, 'EKEYREVOKED', 'Key has been revoked'],
  [129, 'EKEYREJECTED', 'Key was rejected by service'],
];

const byNumber = new Map<number, readonly [string, string]>();
const byName = new Map<string, number>();
for (const [n, name, text] of TABLE) {
  byNumber.set(n, [name, text]);
  byName.set(name, n);
}
byName.set('EWOULDBLOCK', 11);
byName.set('ENOTSUP', 95);

/** Symbolic name of an errno number, e.g. 15 → "ENOTBLK". */
export function errnoName(errno: number): string {
  return byNumber.get(errno)?.[0] ?? `E${errno}`;
}

/** glibc's strerror() text for an errno number. */
export function strerror(errno: number): string {
  return byNumber.get(errno)?.[1] ?? `Unknown error ${errno}`;
}

/** errno number for a symbolic name (Node's error.code), or undefined. */
export function errnoNumber(name: string): number | undefined {
  return byName.get(name);
}

export const E = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13,
  EFAULT: 14, ENOTBLK: 15, EBUSY: 16, EEXIST: 17, ENODEV: 19, ENOTDIR: 20, EISDIR: 21, EINVAL: 22,
  EMFILE: 24, ENOTTY: 25, ENOSPC: 28, EROFS: 30, ENAMETOOLONG: 36, ENOSYS: 38, ELOOP: 40, ENODATA: 61,
  EBADMSG: 74, EOVERFLOW: 75, EMSGSIZE: 90, EOPNOTSUPP: 95, ENOMEDIUM: 123,
} as const;
