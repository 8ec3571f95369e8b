/* cmd_plugin_install: `certctl plugin install --home HOME BUNDLE_DIR` — a nation's signed bundle
 * into a kiosk home: verified, copied, verified again as copied, then swapped in whole.
 */
#include "cmd_plugin.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "cli.h"
#include "fileio.h"
#include "trust.h"

#define PLUGINS_DIR "plugins"
#define SEEN_FILE "plugin-versions.json"

/* Copies the file src to dst (new, mode 0600) and syncs it. Symbolic links
 * and special files are refused: a bundle holds folders and regular files. */
static CkErr
copy_file(const char *src, const char *dst, size_t *budget)
{
    char buf[65536];
    int in = -1, out = -1;
    struct stat st;
    ssize_t n;
    CkErr err = CK_OK;

    if ((in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0 || fstat(in, &st) != 0) {
        err = ck_err(CK_ERR_IO, "%s: %s", src, strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        err = ck_err(CK_ERR_TAMPERED, "%s: not a regular file", src);
        goto out;
    }
    if ((size_t)st.st_size > *budget) {
        err = ck_err(CK_ERR_TOO_LARGE, "%s: the bundle is larger than a bundle may be", src);
        goto out;
    }
    *budget -= (size_t)st.st_size;
    if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
        err = ck_err(CK_ERR_IO, "%s: %s", dst, strerror(errno));
        goto out;
    }
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) {
            err = ck_err(errno == ENOSPC ? CK_ERR_NOSPACE : CK_ERR_IO, "%s: %s", dst,
                         strerror(errno));
            goto out;
        }
    if (n < 0 || fsync(out) != 0)
        err = ck_err(CK_ERR_IO, "%s: %s", n < 0 ? src : dst, strerror(errno));
out:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return err;
}

/* Copies the folder src into the new folder dst (mode 0700), depth first. */
static CkErr
copy_tree(const char *src, const char *dst, int depth, size_t *files, size_t *budget)
{
    DIR *d = NULL;
    char **names = NULL;
    size_t n = 0;
    CkErr err;

    if (depth > BUNDLE_MAX_DEPTH)
        return ck_err(CK_ERR_TOO_LARGE, "%s: folders nested too deep for a bundle", src);
    if (mkdir(dst, 0700) != 0)
        return ck_err(CK_ERR_IO, "%s: %s", dst, strerror(errno));
    if ((d = opendir(src)) == NULL)
        return ck_err(CK_ERR_IO, "%s: %s", src, strerror(errno));
    err = fileio_dir_names(d, BUNDLE_MAX_FILES + 2, &names, &n);
    closedir(d);
    for (size_t i = 0; i < n && err == CK_OK; i++) {
        char *s = fileio_join(src, names[i]), *t = fileio_join(dst, names[i]);
        struct stat st;
        if (s == NULL || t == NULL)
            err = ck_err(CK_ERR_NOMEM, "out of memory");
        else if (lstat(s, &st) != 0)
            err = ck_err(CK_ERR_IO, "%s: %s", s, strerror(errno));
        else if (++*files > BUNDLE_MAX_FILES + 2)
            err = ck_err(CK_ERR_TOO_LARGE, "%s: more files than a bundle may hold", src);
        else if (S_ISDIR(st.st_mode))
            err = copy_tree(s, t, depth + 1, files, budget);
        else
            err = copy_file(s, t, budget);
        free(s);
        free(t);
    }
    fileio_names_free(names, n);
    return err;
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Removes a folder and everything in it; a folder that is not there is fine. */
static void
remove_tree(const char *path)
{
    if (path != NULL && fileio_exists(path))
        nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The "bundle_id" and "version" a folder's manifest.json says, read WITHOUT
 * verifying it (only to find the folder a new version replaces). */
static bool
peek_manifest(const char *dir, char *id, size_t id_cap, char *version, size_t v_cap)
{
    char *path = fileio_join(dir, "manifest.json");
    json_t *m = path ? json_load_file(path, 0, NULL) : NULL;
    const char *i = json_string_value(json_object_get(m, "bundle_id"));
    const char *v = json_string_value(json_object_get(m, "version"));
    bool ok = i != NULL && v != NULL;

    if (ok) {
        snprintf(id, id_cap, "%s", i);
        snprintf(version, v_cap, "%s", v);
    }
    json_decref(m);
    free(path);
    return ok;
}

/* The folder under plugins that holds bundle id (a new string), or NULL;
 * its version goes to installed. */
static char *
find_installed(const char *plugins, const char *id, char *installed, size_t cap)
{
    DIR *d = opendir(plugins);
    char **names = NULL, *found = NULL, pid[256], pver[64];
    size_t n = 0;

    installed[0] = '\0';
    if (d == NULL)
        return NULL;
    if (fileio_dir_names(d, 4096, &names, &n) != CK_OK)
        ck_err_clear();
    closedir(d);
    for (size_t i = 0; i < n && found == NULL; i++) {
        char *path = names[i][0] == '.' ? NULL : fileio_join(plugins, names[i]);
        if (path != NULL && peek_manifest(path, pid, sizeof pid, pver, sizeof pver) &&
            strcmp(pid, id) == 0) {
            found = path;
            snprintf(installed, cap, "%s", pver);
        } else {
            free(path);
        }
    }
    fileio_names_free(names, n);
    return found;
}

/* A folder name for a bundle ID: its own characters where safe, '_' elsewhere. */
static void
folder_name(const char *id, char *out, size_t cap)
{
    size_t i;

    for (i = 0; id[i] != '\0' && i + 1 < cap; i++) {
        char c = id[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || (c == '.' && i > 0);
        out[i] = ok ? c : '_';
    }
    out[i] = '\0';
}

static CkErr
sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    CkErr err = CK_OK;

    if (fd < 0 || fsync(fd) != 0)
        err = ck_err(CK_ERR_IO, "%s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    return err;
}

int
plugin_install(int argc, char **argv)
{
    const char *home = NULL, *src;
    char *trust_path = NULL, *plugins = NULL, *seen_path = NULL, *stage = NULL, *target = NULL;
    char name[256], installed[64] = "", id[256], version[64], nation[16];
    size_t files = 0, budget = (size_t)BUNDLE_MAX_FILES * BUNDLE_MAX_FILE_BYTES;
    Trust *trust = NULL;
    BundleSeen *seen = NULL;
    Bundle *b = NULL;
    bool changed, replaced = false;
    CkErr err;
    int rc = CLI_USAGE;
    const CliOption opts[] = {{"home", 'H', .value = &home}, {NULL}};

    switch (cli_options(argc, argv, opts, NULL)) {
    case CLI_NEXT:
        break;
    case CLI_HELP:
        fputs(plugin_usage, stdout);
        return CLI_OK;
    default:
        return cli_usage_error("plugin install: unknown option (see certctl plugin --help)");
    }
    if (home == NULL || optind != argc - 1)
        return cli_usage_error("plugin install needs --home KIOSK_HOME and one BUNDLE_DIR");
    src = argv[optind];
    trust_path = fileio_join(home, "trust.jwks");
    plugins = fileio_join(home, PLUGINS_DIR);
    seen_path = fileio_join(home, SEEN_FILE);
    if (trust_path == NULL || plugins == NULL || seen_path == NULL) {
        rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
        goto out;
    }
    if (!fileio_exists(trust_path)) {
        rc = cli_fail(ck_err(CK_ERR_NOT_FOUND,
                             "%s: no trust file yet: install the kiosk's endorsement first "
                             "(certctl kiosk install-endorsement)",
                             trust_path));
        goto out;
    }
    if ((err = trust_load(trust_path, &trust)) != CK_OK ||
        (err = bundle_seen_load(seen_path, &seen)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    /* 1. The bundle as given: signature by a publisher endorsed for its
     * nation, every hash, not older than any version this kiosk has seen. */
    BundleOptions bo = {.trust = trust, .seen = seen};
    if ((err = bundle_load(src, &bo, &b)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    snprintf(id, sizeof id, "%s", bundle_id(b));
    snprintf(version, sizeof version, "%s", bundle_version(b));
    snprintf(nation, sizeof nation, "%s", bundle_nation(b));
    bundle_free(b);
    b = NULL;
    /* Nor older than what is installed (not yet loaded by the kiosk). */
    target = find_installed(plugins, id, installed, sizeof installed);
    if (target != NULL && bundle_version_compare(version, installed) < 0) {
        rc = cli_fail(ck_err(CK_ERR_ROLLBACK,
                             "%s: bundle %s %s is older than the installed %s (%s); refusing to "
                             "roll it back",
                             src, id, version, installed, target));
        goto out;
    }
    if (target == NULL) {
        folder_name(id, name, sizeof name);
        if ((target = fileio_join(plugins, name)) == NULL) {
            rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
            goto out;
        }
    }
    /* 2. Copied next to its place, under a dot name the kiosk skips. */
    if ((err = fileio_mkdir_p(plugins, 0700)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    snprintf(name, sizeof name, ".install-%ld", (long)getpid());
    if ((stage = fileio_join(plugins, name)) == NULL) {
        rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
        goto out;
    }
    remove_tree(stage);
    if ((err = copy_tree(src, stage, 0, &files, &budget)) != CK_OK ||
        (err = sync_dir(stage)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    /* 3. The copy verified again: what the kiosk will load is what was
     * checked, even if the source changed while it was copied. */
    if ((err = bundle_load(stage, &bo, &b)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    if (strcmp(bundle_id(b), id) != 0 || strcmp(bundle_version(b), version) != 0) {
        rc = cli_fail(ck_err(CK_ERR_TAMPERED, "%s changed while it was being copied", src));
        goto out;
    }
    /* 4. Swapped in whole: the kiosk sees the old bundle or the new one. */
    if (fileio_exists(target)) {
        if (renameat2(AT_FDCWD, stage, AT_FDCWD, target, RENAME_EXCHANGE) != 0) {
            rc = cli_fail(ck_err(CK_ERR_IO, "%s: %s", target, strerror(errno)));
            goto out;
        }
        replaced = true;
    } else if (rename(stage, target) != 0) {
        rc = cli_fail(ck_err(CK_ERR_IO, "%s: %s", target, strerror(errno)));
        goto out;
    }
    if ((err = sync_dir(plugins)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    /* The kiosk will refuse anything older from now on, even before it loads this one. */
    if ((err = bundle_seen_record(seen, id, version, &changed)) != CK_OK ||
        (changed && (err = bundle_seen_save(seen, seen_path)) != CK_OK)) {
        rc = cli_fail(err);
        goto out;
    }
    printf("installed bundle %s %s (%s) in %s%s%s%s\n"
           "the kiosk loads it at its next start (admin mode: Restart the kiosk; or systemctl "
           "restart certkiosk)\n",
           id, version, nation, target, replaced ? " (replacing " : "", replaced ? installed : "",
           replaced ? ")" : "");
    rc = CLI_OK;
out:
    remove_tree(stage); /* the new copy on failure, the old bundle after a swap */
    bundle_free(b);
    bundle_seen_free(seen);
    trust_free(trust);
    free(stage);
    free(target);
    free(seen_path);
    free(plugins);
    free(trust_path);
    return rc;
}
