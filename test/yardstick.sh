#!/usr/bin/env bash
# test/yardstick.sh util-linux|conformance [ARGS...]
#
# Runs a yardstick against tsmount installed under the names `mount` and `umount` (symlinks in a
# temp dir), as users of util-linux see it: messages start with "mount:", usage hints read
# "Try 'mount --help'".
#   util-linux   util-linux 2.42.2's own mount test suite (../shared/util-linux-2.42.2/run-mount-suite.sh);
#                ARGS: test names, e.g. mount/special
#   conformance  the project's scenario set (../shared/conformance/run.sh)
# Both live in ../shared beside the repository (TSMOUNT_SHARED=DIR to point elsewhere); a clone
# without it cannot run them and says so. Both need root and run everything in private namespaces.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${TSMOUNT_SHARED:-$here/../shared}
what=${1:-}
[ $# -gt 0 ] && shift
case $what in
  util-linux) runner=$shared/util-linux-2.42.2/run-mount-suite.sh ;;
  conformance) runner=$shared/conformance/run.sh ;;
  *) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
if [ ! -f "$runner" ]; then
  echo "yardstick: $runner not found: this yardstick lives in ../shared beside the repository (set TSMOUNT_SHARED=DIR)" >&2
  exit 2
fi
[ -f "$here/dist/tsmount.cjs" ] && [ -f "$here/dist/tsumount.cjs" ] || { echo "yardstick: run 'npm run build' first" >&2; exit 2; }
dir=$(mktemp -d /tmp/tsmount-names.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
ln -s "$here/bin/tsmount.js" "$dir/mount"
ln -s "$here/bin/tsumount.js" "$dir/umount"
if [ "$what" = util-linux ]; then
  bash "$runner" "$dir/mount" "$dir/umount" "$@"
else
  MOUNT_CMD=$dir/mount UMOUNT_CMD=$dir/umount bash "$runner" "$@"
fi
