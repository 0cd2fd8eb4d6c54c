/*
 * test_db_checkpoint.c — checkpoints leave the loops' commits (db.h:
 * db_defer_checkpoints, db_checkpoint; issue 12's comment POST tail).
 *
 * A connection that defers never copies the WAL back inside its own commits,
 * so the WAL grows past SQLite's 1000-page automatic checkpoint; one that does
 * not defer keeps it near that size. After db_checkpoint() the next commit
 * starts the WAL again from its beginning. The WAL's length is read through
 * "PRAGMA wal_checkpoint" on a second connection, which answers how many
 * frames the log holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "db/db.h"
#include "search/search.h"

#define ROWS 600          /* of 16 KiB: about 2,400 pages of 4 KiB */
#define ROW_BYTES (16 * 1024)

static char dir[64];

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/hao-unit-ckpt-XXXXXX");
    assert_non_null(mkdtemp(dir));
    buf_t err = BUF_INIT;
    db_t *db;
    assert_int_equal(db_open(dir, 1, &db, &err), 0);
    buf_free(&err);
    assert_int_equal(db_exec(db, "CREATE TABLE ckpt_t (x BLOB)"), 0);
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* n commits of one 16 KiB row each, as a busy loop's comments would be. */
static void write_rows(db_t *db, int n)
{
    static char row[ROW_BYTES + 1];
    for (int i = 0; i < n; i++) {
        memset(row, 'a' + i % 26, ROW_BYTES);
        assert_int_equal(db_begin(db), 0);
        db_stmt_t *st = db_prepare(db, "INSERT INTO ckpt_t (x) VALUES (:x)");
        assert_non_null(st);
        db_bind_textn(st, ":x", row, ROW_BYTES);
        assert_int_equal(db_step(st), DB_DONE);
        db_done(st);
        assert_int_equal(db_commit(db), 0);
    }
}

/* Frames in the WAL now, asked through a second connection. Its PASSIVE
 * checkpoint copies them too, as the background thread's would. */
static int64_t wal_frames(void)
{
    buf_t err = BUF_INIT;
    db_t *other;
    assert_int_equal(db_open(dir, 0, &other, &err), 0);
    buf_free(&err);
    db_stmt_t *st = db_prepare(other, "PRAGMA wal_checkpoint(PASSIVE)");
    assert_non_null(st);
    assert_int_equal(db_step(st), DB_ROW);
    int64_t log = db_col_int(st, 1);
    db_done(st);
    db_close(other);
    return log;
}

static void default_connection_checkpoints_in_its_commits(void **state)
{
    write_rows(*state, ROWS);
    assert_true(wal_frames() < 1500);
}

static void deferred_connection_leaves_the_wal_long(void **state)
{
    db_defer_checkpoints(*state);
    write_rows(*state, ROWS);
    assert_true(wal_frames() > 2000);
}

static void background_checkpoint_lets_the_wal_start_over(void **state)
{
    db_t *db = *state;
    db_defer_checkpoints(db);
    write_rows(db, ROWS);
    assert_int_equal(db_checkpoint(db), 0);
    write_rows(db, 1); /* the writer finds it all copied and rewinds the WAL */
    assert_true(wal_frames() < 50);
}

int main(void)
{
    search_init(); /* the SQLite store's tokenizer (db/fts_sqlite.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(default_connection_checkpoints_in_its_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(deferred_connection_leaves_the_wal_long, setup, teardown),
        cmocka_unit_test_setup_teardown(background_checkpoint_lets_the_wal_start_over, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
