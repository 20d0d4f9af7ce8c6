// The superblock types libblkid 2.42 knows (superblocks.c idinfos), for blkid_known_fstype():
// libmount sets up a loop device for an image file only when its type is one of these (a type
// it does not know might mount a regular file by itself).
const KNOWN = new Set(['crypto_LUKS', 'linux_raid_member', 'ddf_raid_member', 'isw_raid_member', 'lsi_mega_raid_member',
  'via_raid_member', 'silicon_medley_raid_member', 'nvidia_raid_member', 'promise_fasttrack_raid_member', 'hpt45x_raid_member',
  'hpt37x_raid_member', 'adaptec_raid_member', 'jmicron_raid_member', 'bcache', 'bcachefs', 'ceph_bluestore', 'drbd',
  'drbdmanage_control_volume', 'drbdproxy_datalog', 'LVM2_member', 'LVM1_member', 'DM_snapshot_cow', 'DM_verity_hash',
  'DM_integrity', 'VMFS_volume_member', 'ubi', 'vdo', 'stratis', 'BitLocker', 'cs_fvault2', 'vfat', 'swsuspend', 'swap',
  'xfs', 'xfs_external_log', 'exfs', 'ext4dev', 'ext4', 'ext3', 'ext2', 'jbd', 'reiserfs', 'reiser4', 'jfs', 'udf', 'iso9660',
  'zfs_member', 'hfsplus', 'hfs', 'ufs', 'hpfs', 'sysv', 'xenix', 'ntfs', 'ReFS', 'cramfs', 'romfs', 'scoutfs_meta',
  'scoutfs_data', 'minix', 'gfs', 'gfs2', 'ocfs', 'ocfs2', 'oracleasm', 'vxfs', 'squashfs', 'squashfs3', 'nss', 'btrfs',
  'ubifs', 'bfs', 'VMFS', 'befs', 'nilfs2', 'exfat', 'f2fs', 'mpool', 'apfs', 'zonefs', 'erofs']);

export function blkidKnowsType(type: string): boolean {
  return KNOWN.has(type);
}
