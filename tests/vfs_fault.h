/* vfs_fault: a SQLite VFS shim for tests that makes writes fail as on a full
 * disk, or fsync fail, on demand. Install it as the default VFS before the
 * store is opened. */
#ifndef CERTKIOSK_TEST_VFS_FAULT_H
#define CERTKIOSK_TEST_VFS_FAULT_H

/* Registers the shim as SQLite's default VFS (once). */
void vfs_fault_install(void);

/* From now on every write fails with SQLITE_FULL (disk full) when on. */
void vfs_fault_disk_full(int on);

/* From now on every fsync fails with SQLITE_IOERR_FSYNC when on. */
void vfs_fault_fsync(int on);

#endif
