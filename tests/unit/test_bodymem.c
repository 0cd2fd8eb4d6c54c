/*
 * test_bodymem.c — unit tests for src/http/bodymem.c on a real h2o event
 * loop: a socket pair, one end read by h2o into its input buffer (which
 * turns file-backed past a small mmap threshold), the loop swept after each
 * round as server.c does. What must hold: releasing pages never changes a
 * byte h2o has received (across the buffer's remaps), heap buffers are left
 * alone, a pool job's own view of the body reads the same bytes before and
 * after releasing, and a closed socket leaves the watch list.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "http/bodymem.h"

static unsigned char pattern(size_t i)
{
    return (unsigned char)((i * 2654435761u) >> 13);
}

static void on_read(h2o_socket_t *sock, const char *err)
{
    (void)sock;
    (void)err; /* keep everything in sock->input, as h2o does with a body */
}

static void on_close_flag(void *p)
{
    *(int *)p = 1;
}

/* Send n pattern bytes into the peer end, running the loop (and sweeping)
 * until h2o has read them all. */
static void pump(h2o_evloop_t *loop, bodymem_t *bm, h2o_socket_t *sock, int peer, size_t n)
{
    size_t sent = 0, start = sock->input->bytes ? sock->input->size : 0;
    unsigned char chunk[65536];
    while (sent < n || sock->input->size < start + n) {
        if (sent < n) {
            size_t k = n - sent < sizeof chunk ? n - sent : sizeof chunk;
            for (size_t i = 0; i < k; i++)
                chunk[i] = pattern(start + sent + i);
            ssize_t w = write(peer, chunk, k);
            if (w > 0)
                sent += (size_t)w;
            else
                assert_true(w < 0 && errno == EAGAIN); /* full: let h2o read */
        }
        h2o_evloop_run(loop, 10);
        bodymem_sweep(bm, loop);
    }
}

static void check_pattern(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] != pattern(i))
            fail_msg("byte %zu changed", i);
}

static void test_sweep_keeps_bytes(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/hao-bodymem-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    snprintf(h2o_socket_buffer_mmap_settings.fn_template, sizeof h2o_socket_buffer_mmap_settings.fn_template,
             "%s/h2o.b.XXXXXX", tmpl);
    h2o_socket_buffer_mmap_settings.threshold = 256 << 10;

    h2o_evloop_t *loop = h2o_evloop_create();
    bodymem_t *bm = bodymem_create();
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    h2o_socket_t *sock = h2o_evloop_socket_create(loop, sv[0], 0);
    int closed = 0;
    sock->on_close.cb = on_close_flag; /* a callback already there is kept */
    sock->on_close.data = &closed;
    bodymem_watch(bm, sock);
    h2o_socket_read_start(sock, on_read);

    /* Below the threshold: a heap buffer, which must never be released. */
    pump(loop, bm, sock, sv[1], 60 << 10);
    assert_int_equal(sock->input->_fd, -1);
    usleep(2000);
    h2o_evloop_run(loop, 1);
    bodymem_sweep(bm, loop);
    check_pattern(sock->input->bytes, sock->input->size);

    /* Past it: file-backed, remapped as it doubles; swept all along. */
    size_t total = (60 << 10) + (9 << 20) + 12345;
    pump(loop, bm, sock, sv[1], total - (60 << 10));
    assert_int_not_equal(sock->input->_fd, -1);
    assert_int_equal(sock->input->size, total);
    usleep(2000);
    h2o_evloop_run(loop, 1);
    bodymem_sweep(bm, loop);
    assert_true(fcntl(sock->input->_fd, F_GETFD) & FD_CLOEXEC); /* not inherited by programs started */
    check_pattern(sock->input->bytes, sock->input->size);

    /* A "request body" in the middle of it, as a pool job reads it. */
    const char *data = sock->input->bytes + 1000;
    size_t len = total - 5000;
    bodymem_body_t body;
    bodymem_take(bm, data, len, &body);
    assert_int_equal(body.file, 1);
    const char *view = bodymem_map(&body);
    assert_non_null(view);
    assert_ptr_not_equal(view, data); /* the job's own mapping */
    assert_memory_equal(view, data, len);
    bodymem_release(&body, view, view + len / 2);
    bodymem_release(&body, view + 3, view + len); /* overlapping, unaligned: fine */
    assert_memory_equal(view, data, len);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)view[i] != pattern(1000 + i))
            fail_msg("view byte %zu differs", i);
    bodymem_close(&body);
    bodymem_close(&body); /* idempotent */
    assert_int_equal(body.file, 0);

    /* Not in a watched buffer, or small: read in place. */
    static const char elsewhere[2 << 20];
    bodymem_take(bm, elsewhere, sizeof elsewhere, &body);
    assert_int_equal(body.file, 0);
    assert_ptr_equal(bodymem_map(&body), elsewhere);
    bodymem_release(&body, elsewhere, elsewhere + sizeof elsewhere); /* no-op */
    bodymem_close(&body);
    bodymem_take(bm, sock->input->bytes, 4096, &body);
    assert_int_equal(body.file, 0);
    /* A body that was not taken owns no descriptor, whatever fd says. */
    bodymem_body_t zero = {0};
    zero.fd = sv[1];
    bodymem_close(&zero);
    assert_int_not_equal(fcntl(sv[1], F_GETFD), -1);

    /* Closing: h2o frees the buffer, the watch goes, the earlier callback
     * still runs; sweeping afterwards touches nothing freed (ASan). */
    h2o_socket_close(sock);
    assert_int_equal(closed, 1);
    for (int i = 0; i < 3; i++) {
        usleep(1500);
        h2o_evloop_run(loop, 1);
        bodymem_sweep(bm, loop);
    }
    bodymem_destroy(bm);
    h2o_evloop_destroy(loop);
    close(sv[1]);
    rmdir(tmpl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep_keeps_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
