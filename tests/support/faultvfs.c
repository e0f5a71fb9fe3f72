/* faultvfs — see faultvfs.h. Each file keeps an undo log of the bytes its writes and
 * truncations replaced since its last sync; power loss plays the undo log backwards. */
#include "faultvfs.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct undo {
    sqlite3_int64 off;
    int len;     /* bytes saved in data (0 when the region was beyond the end of file) */
    int existed; /* bytes of the region that existed before the write */
    unsigned char *data;
} undo;

typedef struct ffile {
    sqlite3_file base;
    sqlite3_file *real;
    sqlite3_int64 synced_size;
    undo *u;
    int nu, cu;
    struct ffile *next;
} ffile;

static sqlite3_vfs fvfs;
static sqlite3_vfs *rvfs;
static ffile *files;
static faultvfs_mode mode;
static int countdown, fired, ro, crash_at;

static int ff_size(ffile *f, sqlite3_int64 *sz)
{
    return f->real->pMethods->xFileSize(f->real, sz);
}

/* Saves the bytes [off, off+len) as they are now, before a write or truncation changes them. */
static int ff_save(ffile *f, sqlite3_int64 off, int len)
{
    sqlite3_int64 sz = 0;
    if (ff_size(f, &sz) != SQLITE_OK)
        return SQLITE_IOERR;
    int have = off >= sz ? 0 : (int)(sz - off < len ? sz - off : len);
    if (f->nu == f->cu) {
        int nc = f->cu ? f->cu * 2 : 64;
        undo *nu = realloc(f->u, (size_t)nc * sizeof *nu);
        if (!nu)
            return SQLITE_NOMEM;
        f->u = nu;
        f->cu = nc;
    }
    undo *u = &f->u[f->nu];
    u->off = off;
    u->len = have;
    u->existed = have;
    u->data = NULL;
    if (have > 0) {
        u->data = malloc((size_t)have);
        if (!u->data)
            return SQLITE_NOMEM;
        int rc = f->real->pMethods->xRead(f->real, u->data, have, off);
        if (rc != SQLITE_OK) {
            free(u->data);
            return rc;
        }
    }
    f->nu++;
    return SQLITE_OK;
}

static void ff_forget(ffile *f)
{
    for (int i = 0; i < f->nu; i++)
        free(f->u[i].data);
    f->nu = 0;
}

static void ff_undo_all(void)
{
    for (ffile *f = files; f; f = f->next) {
        for (int i = f->nu - 1; i >= 0; i--)
            if (f->u[i].len > 0)
                f->real->pMethods->xWrite(f->real, f->u[i].data, f->u[i].len, f->u[i].off);
        f->real->pMethods->xTruncate(f->real, f->synced_size);
        f->real->pMethods->xSync(f->real, SQLITE_SYNC_FULL);
        ff_forget(f);
    }
}

static int ff_close(sqlite3_file *p)
{
    ffile *f = (ffile *)p;
    int rc = f->real->pMethods->xClose(f->real);
    for (ffile **pp = &files; *pp; pp = &(*pp)->next)
        if (*pp == f) {
            *pp = f->next;
            break;
        }
    ff_forget(f);
    free(f->u);
    free(f->real);
    return rc;
}

static int ff_read(sqlite3_file *p, void *buf, int n, sqlite3_int64 off)
{
    ffile *f = (ffile *)p;
    return f->real->pMethods->xRead(f->real, buf, n, off);
}

static int fault_now(faultvfs_mode m)
{
    if (mode != m || fired)
        return 0;
    if (--countdown > 0)
        return 0;
    fired = 1;
    return 1;
}

static int ff_write(sqlite3_file *p, const void *buf, int n, sqlite3_int64 off)
{
    ffile *f = (ffile *)p;
    if (crash_at > 0 && --crash_at == 0) {
        ff_undo_all();
        _exit(0);
    }
    if (fault_now(FAULT_WRITE_IOERR))
        return SQLITE_IOERR_WRITE;
    if (fault_now(FAULT_WRITE_FULL))
        return SQLITE_FULL;
    int rc = ff_save(f, off, n);
    if (rc != SQLITE_OK)
        return rc;
    return f->real->pMethods->xWrite(f->real, buf, n, off);
}

static int ff_truncate(sqlite3_file *p, sqlite3_int64 size)
{
    ffile *f = (ffile *)p;
    sqlite3_int64 sz = 0;
    if (ff_size(f, &sz) != SQLITE_OK)
        return SQLITE_IOERR_TRUNCATE;
    if (sz > size) {
        int rc = ff_save(f, size, (int)(sz - size));
        if (rc != SQLITE_OK)
            return rc;
    }
    return f->real->pMethods->xTruncate(f->real, size);
}

static int ff_sync(sqlite3_file *p, int flags)
{
    ffile *f = (ffile *)p;
    if (fault_now(FAULT_SYNC_IOERR))
        return SQLITE_IOERR_FSYNC;
    int rc = f->real->pMethods->xSync(f->real, flags);
    if (rc == SQLITE_OK) {
        ff_forget(f);
        ff_size(f, &f->synced_size);
    }
    return rc;
}

static int ff_file_size(sqlite3_file *p, sqlite3_int64 *sz)
{
    return ff_size((ffile *)p, sz);
}
static int ff_lock(sqlite3_file *p, int l)
{
    ffile *f = (ffile *)p;
    return f->real->pMethods->xLock(f->real, l);
}
static int ff_unlock(sqlite3_file *p, int l)
{
    ffile *f = (ffile *)p;
    return f->real->pMethods->xUnlock(f->real, l);
}
static int ff_check(sqlite3_file *p, int *out)
{
    ffile *f = (ffile *)p;
    return f->real->pMethods->xCheckReservedLock(f->real, out);
}
static int ff_fcntl(sqlite3_file *p, int op, void *arg)
{
    ffile *f = (ffile *)p;
    return f->real->pMethods->xFileControl(f->real, op, arg);
}
static int ff_sector(sqlite3_file *p)
{
    ffile *f = (ffile *)p;
    return f->real->pMethods->xSectorSize(f->real);
}
static int ff_dev(sqlite3_file *p)
{
    ffile *f = (ffile *)p;
    /* No "safe append"/"powersafe overwrite" promises: the test wants the worst case. */
    return f->real->pMethods->xDeviceCharacteristics(f->real) &
           ~(SQLITE_IOCAP_SAFE_APPEND | SQLITE_IOCAP_POWERSAFE_OVERWRITE | SQLITE_IOCAP_SEQUENTIAL);
}
static int ff_shm_map(sqlite3_file *p, int pg, int sz, int ext, void volatile **pp)
{
    ffile *f = (ffile *)p;
    return f->real->pMethods->xShmMap(f->real, pg, sz, ext, pp);
}
static int ff_shm_lock(sqlite3_file *p, int off, int n, int flags)
{
    ffile *f = (ffile *)p;
    return f->real->pMethods->xShmLock(f->real, off, n, flags);
}
static void ff_shm_barrier(sqlite3_file *p)
{
    ffile *f = (ffile *)p;
    f->real->pMethods->xShmBarrier(f->real);
}
static int ff_shm_unmap(sqlite3_file *p, int del)
{
    ffile *f = (ffile *)p;
    return f->real->pMethods->xShmUnmap(f->real, del);
}

static const sqlite3_io_methods ff_methods = {
    2,           ff_close,       ff_read,      ff_write, ff_truncate, ff_sync, ff_file_size,
    ff_lock,     ff_unlock,      ff_check,     ff_fcntl, ff_sector,   ff_dev,  ff_shm_map,
    ff_shm_lock, ff_shm_barrier, ff_shm_unmap, NULL,     NULL,
};

static int fv_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *p, int flags, int *out)
{
    (void)vfs;
    ffile *f = (ffile *)p;
    memset(f, 0, sizeof *f);
    f->real = calloc(1, (size_t)rvfs->szOsFile);
    if (!f->real)
        return SQLITE_NOMEM;
    if (ro && (flags & SQLITE_OPEN_MAIN_DB))
        flags = (flags & ~(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_READONLY;
    int rc = rvfs->xOpen(rvfs, name, f->real, flags, out);
    if (rc != SQLITE_OK) {
        free(f->real);
        f->real = NULL;
        return rc;
    }
    f->base.pMethods = &ff_methods;
    ff_size(f, &f->synced_size);
    f->next = files;
    files = f;
    return SQLITE_OK;
}

static int fv_delete(sqlite3_vfs *v, const char *n, int s)
{
    (void)v;
    return rvfs->xDelete(rvfs, n, s);
}
static int fv_access(sqlite3_vfs *v, const char *n, int f, int *o)
{
    (void)v;
    return rvfs->xAccess(rvfs, n, f, o);
}
static int fv_full(sqlite3_vfs *v, const char *n, int l, char *o)
{
    (void)v;
    return rvfs->xFullPathname(rvfs, n, l, o);
}
static int fv_random(sqlite3_vfs *v, int n, char *o)
{
    (void)v;
    return rvfs->xRandomness(rvfs, n, o);
}
static int fv_sleep(sqlite3_vfs *v, int us)
{
    (void)v;
    return rvfs->xSleep(rvfs, us);
}
static int fv_time(sqlite3_vfs *v, double *t)
{
    (void)v;
    return rvfs->xCurrentTime(rvfs, t);
}
static int fv_err(sqlite3_vfs *v, int n, char *o)
{
    (void)v;
    return rvfs->xGetLastError(rvfs, n, o);
}

int faultvfs_register(void)
{
    if (rvfs)
        return 0;
    rvfs = sqlite3_vfs_find(NULL);
    if (!rvfs)
        return -1;
    memset(&fvfs, 0, sizeof fvfs);
    fvfs.iVersion = 1;
    fvfs.szOsFile = (int)sizeof(ffile);
    fvfs.mxPathname = rvfs->mxPathname;
    fvfs.zName = FAULTVFS_NAME;
    fvfs.xOpen = fv_open;
    fvfs.xDelete = fv_delete;
    fvfs.xAccess = fv_access;
    fvfs.xFullPathname = fv_full;
    fvfs.xRandomness = fv_random;
    fvfs.xSleep = fv_sleep;
    fvfs.xCurrentTime = fv_time;
    fvfs.xGetLastError = fv_err;
    return sqlite3_vfs_register(&fvfs, 0) == SQLITE_OK ? 0 : -1;
}

void faultvfs_arm(faultvfs_mode m, int n)
{
    mode = m;
    countdown = n;
    fired = 0;
}

int faultvfs_fired(void)
{
    return fired;
}

void faultvfs_readonly(int on)
{
    ro = on;
}

void faultvfs_power_loss(void)
{
    ff_undo_all();
}

void faultvfs_power_loss_at_write(int n)
{
    crash_at = n;
}
