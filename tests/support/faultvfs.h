/* faultvfs — test support: an SQLite VFS over the default one that can (a) simulate power
 * loss, undoing every write not yet followed by a sync of its file, (b) fail the N-th write or
 * sync with an I/O error or "disk full", and (c) present the database as read-only. Modelled
 * on SQLite's own crash-test VFS. Test-only: its state is global to the process. */
#ifndef CC_TEST_FAULTVFS_H
#define CC_TEST_FAULTVFS_H

#define FAULTVFS_NAME "caucus-fault"

typedef enum faultvfs_mode {
    FAULT_NONE = 0,
    FAULT_WRITE_IOERR, /* the countdown-th write fails with SQLITE_IOERR_WRITE */
    FAULT_WRITE_FULL,  /* ... with SQLITE_FULL (disk full) */
    FAULT_SYNC_IOERR   /* the countdown-th sync fails with SQLITE_IOERR_FSYNC */
} faultvfs_mode;

/* Registers the VFS (idempotent); 0 ok. */
int faultvfs_register(void);
/* Arms a fault: mode happens at the countdown-th matching call from now (1 = the next). */
void faultvfs_arm(faultvfs_mode mode, int countdown);
/* 1 once the armed fault has fired. */
int faultvfs_fired(void);
/* Opens every file read-only from now on when on is 1. */
void faultvfs_readonly(int on);
/* Power loss: restores every open file to its content at its last sync. The caller must then
 * _exit() without closing SQLite (the process "lost power"). */
void faultvfs_power_loss(void);
/* Power loss at the n-th write from now (inside that write, before it happens), then _exit(0). */
void faultvfs_power_loss_at_write(int n);

#endif
