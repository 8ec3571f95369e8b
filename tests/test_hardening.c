/* Tests of issue 11's hardening in the core: private folders, the store's file modes. Hostile
 * cases first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "home.h"
#include "store.h"

typedef struct Fixture {
    char dir[64];
} Fixture;

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);

    snprintf(f->dir, sizeof f->dir, "/tmp/ck-hard-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;
    char cmd[128];

    snprintf(cmd, sizeof cmd, "chmod -R u+rwx %s; rm -rf %s", f->dir, f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static mode_t
mode_of(const char *dir, const char *name)
{
    char path[256];
    struct stat st;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

static void
test_private_dir_refuses_a_folder_others_can_enter(void **state)
{
    Fixture *f = *state;
    char path[128];

    snprintf(path, sizeof path, "%s/open", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    for (mode_t m = 0701; m <= 0777; m++) {
        if ((m & 0700) != 0700)
            continue;
        assert_int_equal(chmod(path, m), 0);
        assert_int_equal(fileio_private_dir(path, "kiosk home", false), CK_ERR_PERMISSION);
        assert_non_null(strstr(ck_err_detail(), "chmod 700"));
        assert_non_null(strstr(ck_err_detail(), "kiosk home"));
    }
    assert_int_equal(chmod(path, 0755), 0);
    assert_int_equal(fileio_private_dir(path, "kiosk home", false), CK_ERR_PERMISSION);
    assert_non_null(strstr(ck_err_detail(), "mode 0755"));
}

static void
test_private_dir_refuses_another_users_folder(void **state)
{
    Fixture *f = *state;
    char path[128];

    if (geteuid() != 0)
        skip(); /* only root can give a folder away */
    snprintf(path, sizeof path, "%s/theirs", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(chown(path, 65534, 65534), 0);
    assert_int_equal(fileio_private_dir(path, "state folder", false), CK_ERR_PERMISSION);
    assert_non_null(strstr(ck_err_detail(), "belongs to user 65534"));
}

static void
test_private_dir_refuses_a_file_and_a_missing_folder(void **state)
{
    Fixture *f = *state;
    char path[128];

    snprintf(path, sizeof path, "%s/file", f->dir);
    assert_int_equal(fileio_write_atomic(path, "x", 1, 0600, false), CK_OK);
    assert_int_equal(fileio_private_dir(path, "registry folder", true), CK_ERR_PERMISSION);
    snprintf(path, sizeof path, "%s/missing", f->dir);
    assert_int_equal(fileio_private_dir(path, "registry folder", false), CK_ERR_NOT_FOUND);
}

static void
test_private_dir_makes_a_missing_folder_0700(void **state)
{
    Fixture *f = *state;
    char path[128];
    mode_t old = umask(0);

    snprintf(path, sizeof path, "%s/a/b", f->dir);
    assert_int_equal(fileio_private_dir(path, "state folder", true), CK_OK);
    umask(old);
    assert_int_equal(mode_of(f->dir, "a"), 0700);
    assert_int_equal(mode_of(f->dir, "a/b"), 0700);
    assert_int_equal(fileio_private_dir(path, "state folder", false), CK_OK);
}

/* The library alone, under a lax umask: the log, its -wal and -shm are 0600. */
static void
test_store_and_its_wal_and_shm_are_0600(void **state)
{
    Fixture *f = *state;
    char path[128];
    Store *st = NULL;
    json_t *body = json_pack("{s:s, s:s}", "type", "kiosk.started", "time", "2026-01-01T00:00:00Z");
    mode_t old = umask(022);
    SecretKey *sk = NULL;
    uint64_t index;

    snprintf(path, sizeof path, "%s/store.db", f->dir);
    assert_int_equal(key_generate(KEY_KIND_KIOSK, &sk), CK_OK);
    assert_int_equal(store_open(path, true, &st), CK_OK);
    assert_int_equal(store_begin(st, &index), CK_OK);
    assert_int_equal(store_append(st, body, &index), CK_OK);
    assert_int_equal(store_commit(st, sk, "certkiosk.example/HARD-01"), CK_OK);
    umask(old);
    key_destroy(sk);
    assert_int_equal(mode_of(f->dir, "store.db"), 0600);
    assert_int_equal(mode_of(f->dir, "store.db-wal"), 0600);
    assert_int_equal(mode_of(f->dir, "store.db-shm"), 0600);
    store_close(st);
    json_decref(body);
}

static void
test_home_files_are_0600_and_an_open_home_is_refused(void **state)
{
    Fixture *f = *state;
    char home[128];
    KioskHome kh;
    SecretKey *sk = NULL;
    Store *st = NULL;
    mode_t old = umask(022);

    snprintf(home, sizeof home, "%s/home", f->dir);
    assert_int_equal(home_create(home, "HARD-01", "op", 1700000000, &kh, NULL), CK_OK);
    umask(old);
    assert_int_equal(mode_of(home, "."), 0700);
    assert_int_equal(mode_of(home, HOME_JSON), 0600);
    assert_int_equal(mode_of(home, HOME_KEY), 0600);
    assert_int_equal(mode_of(home, HOME_JWK), 0600);
    assert_int_equal(chmod(home, 0711), 0);
    assert_int_equal(home_read(home, &kh), CK_ERR_PERMISSION);
    assert_int_equal(home_load_key(home, &sk), CK_ERR_PERMISSION);
    assert_null(sk);
    assert_int_equal(home_open_store(home, true, &st), CK_ERR_PERMISSION);
    assert_null(st);
    assert_int_equal(chmod(home, 0700), 0);
    assert_int_equal(home_read(home, &kh), CK_OK);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_private_dir_refuses_a_folder_others_can_enter, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_private_dir_refuses_another_users_folder, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_private_dir_refuses_a_file_and_a_missing_folder,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_private_dir_makes_a_missing_folder_0700, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store_and_its_wal_and_shm_are_0600, setup, teardown),
        cmocka_unit_test_setup_teardown(test_home_files_are_0600_and_an_open_home_is_refused,
                                        setup, teardown),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
