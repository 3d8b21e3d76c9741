/* test_npy: the .npy header parser on hand-made headers, and the writer's header read back. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "npy.h"

/* A version-v header around dict, padded to 64 bytes; returns its length. */
static size_t make_header(unsigned char *buf, int v, const char *dict)
{
    size_t start = v == 1 ? 10 : 12, len = strlen(dict);
    size_t total = start + len + 1, padded = (total + 63) / 64 * 64, hlen = padded - start;
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)v;
    buf[7] = 0;
    buf[8] = (unsigned char)(hlen & 0xff);
    buf[9] = (unsigned char)(hlen >> 8);
    if (v > 1) {
        buf[10] = (unsigned char)(hlen >> 16);
        buf[11] = (unsigned char)(hlen >> 24);
    }
    memcpy(buf + start, dict, len);
    memset(buf + start + len, ' ', padded - total);
    buf[padded - 1] = '\n';
    return padded;
}

/* Parses dict in a version-v header; returns the parser's status. */
static int parse(int v, const char *dict, npy_header *h, char *err, size_t errlen)
{
    unsigned char buf[1024];
    size_t n = make_header(buf, v, dict);
    return npy_parse_header(buf, n, h, err, errlen);
}

static void test_good_headers(void **state)
{
    (void)state;
    npy_header h;
    char err[256];
    assert_int_equal(parse(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4, 5), }", &h,
                           err, sizeof err), 0);
    assert_int_equal(h.esize, 8);
    assert_int_equal(h.ndim, 3);
    assert_int_equal(h.shape[2], 5);
    assert_int_equal(h.data_offset, 128);   /* 10 + 64-character dict + '\n', padded to 64 */
    assert_int_equal(h.data_bytes, 3 * 4 * 5 * 8);
    /* any key order, no trailing comma, double quotes, version 2 and 3 */
    assert_int_equal(parse(2, "{\"shape\": (7, 2), \"fortran_order\": True, \"descr\": \"<f4\"}", &h,
                           err, sizeof err), 0);
    assert_int_equal(h.version, 2);
    assert_int_equal(h.fortran_order, 1);
    assert_int_equal(h.esize, 4);
    assert_int_equal(h.ndim, 2);
    assert_int_equal(parse(3, "{'descr':'<f8','fortran_order':False,'shape':(1,1,1)}", &h, err,
                           sizeof err), 0);
    assert_int_equal(h.version, 3);
    /* the complex types numpy writes: 16 and 8 bytes an element */
    assert_int_equal(parse(1, "{'descr': '<c16', 'fortran_order': False, 'shape': (2, 3, 4), }", &h,
                           err, sizeof err), 0);
    assert_int_equal(h.dtype, DTYPE_C128);
    assert_int_equal(h.esize, 16);
    assert_int_equal(h.data_bytes, 2 * 3 * 4 * 16);
    assert_int_equal(parse(1, "{'descr': '<c8', 'fortran_order': True, 'shape': (5, 4), }", &h,
                           err, sizeof err), 0);
    assert_int_equal(h.dtype, DTYPE_C64);
    assert_int_equal(h.esize, 8);
}

static void test_writer_round_trip(void **state)
{
    (void)state;
    char buf[512];
    int64_t shape[3] = {11, 13, 7};
    long len = npy_format_header_f8(buf, sizeof buf, 3, shape);
    assert_true(len > 0 && len % 64 == 0);
    npy_header h;
    char err[256];
    assert_int_equal(npy_parse_header((unsigned char *)buf, (size_t)len, &h, err, sizeof err), 0);
    assert_int_equal(h.shape[0], 11);
    assert_int_equal(h.shape[1], 13);
    assert_int_equal(h.shape[2], 7);
    assert_int_equal(h.data_offset, len);
    assert_int_equal(npy_format_header_f8(buf, 10, 3, shape), -1);
}

/* npy_format_header with another descr: numpy's own dict text (as np.save
 * writes it for an int64 array; numpy pads further, to leave room for the
 * shape to grow), padded to 64; the f8 wrapper is the same call with "<f8". */
static void test_writer_descr(void **state)
{
    (void)state;
    char buf[512], f8[512];
    int64_t one[1] = {5}, two[2] = {3, 2};
    long len = npy_format_header(buf, sizeof buf, "<i8", 1, one);
    const char *dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }";
    assert_int_equal(len, 128);
    assert_memory_equal(buf, "\x93NUMPY\x01\x00\x76\x00", 10);
    assert_memory_equal(buf + 10, dict, strlen(dict));
    assert_int_equal(buf[127], '\n');
    assert_int_equal(buf[126], ' ');
    len = npy_format_header(buf, sizeof buf, "<i8", 2, two);
    dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (3, 2), }";
    assert_int_equal(len, 128);
    assert_memory_equal(buf + 10, dict, strlen(dict));
    assert_int_equal(npy_format_header(f8, sizeof f8, "<f8", 2, two),
                     npy_format_header_f8(buf, sizeof buf, 2, two));
    assert_memory_equal(buf, f8, 128);
    assert_int_equal(npy_format_header(buf, sizeof buf, "", 1, one), -1);
    assert_int_equal(npy_format_header(buf, sizeof buf, "<i8", 0, one), -1);
}

/* Each bad dict is refused with a message containing want. */
static void expect_bad(int v, const char *dict, const char *want)
{
    npy_header h;
    char err[256] = "";
    assert_int_equal(parse(v, dict, &h, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("dict %s: message '%s' lacks '%s'", dict, err, want);
}

static void test_bad_headers(void **state)
{
    (void)state;
    expect_bad(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }", "'<i8'");
    /* complex of another byte order or width: named, with what is read */
    expect_bad(1, "{'descr': '>c16', 'fortran_order': False, 'shape': (2, 2), }",
               "'>c16', big-endian, (svdrun reads '<f8', '<f4', '<c16' and '<c8')");
    expect_bad(1, "{'descr': '<c32', 'fortran_order': False, 'shape': (2, 2), }",
               "'<c32', long double");
    expect_bad(1, "{'descr': '|O', 'fortran_order': False, 'shape': (2, 2), }", "object array");
    expect_bad(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2, 2), }",
               "structured or object");
    expect_bad(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2, 2, 2), }", "4-D");
    expect_bad(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", "0-D");
    expect_bad(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 0), }", "zero");
    expect_bad(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }",
               "overflows");
    expect_bad(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 2), }",
               "tuple of integers");
    expect_bad(1, "{'descr': '<f8', 'fortran_order': 0, 'shape': (2, 2), }", "True or False");
    expect_bad(1, "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }",
               "repeated key 'descr'");
    expect_bad(1, "{'descr': '<f8', 'shape': (2, 2), }", "exactly descr");
    expect_bad(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), } junk", "exactly");
    expect_bad(1, "{'descr' '<f8', 'fortran_order': False, 'shape': (2, 2), }", "malformed");
    expect_bad(1, "['descr', '<f8']", "no dict");
    expect_bad(1, "{'de\\'scr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", "malformed");
}

static void test_bad_preamble(void **state)
{
    (void)state;
    npy_header h;
    char err[256];
    unsigned char buf[1024];
    size_t n = make_header(buf, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }");
    buf[0] = 'X';
    assert_int_equal(npy_parse_header(buf, n, &h, err, sizeof err), -1);
    assert_non_null(strstr(err, "magic"));
    n = make_header(buf, 4, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }");
    assert_int_equal(npy_parse_header(buf, n, &h, err, sizeof err), -1);
    assert_non_null(strstr(err, "version 4.0"));
    n = make_header(buf, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }");
    assert_int_equal(npy_parse_header(buf, n - 5, &h, err, sizeof err), -1);   /* cut short */
    assert_non_null(strstr(err, "truncated"));
    assert_int_equal(npy_parse_header(buf, 7, &h, err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_headers),
        cmocka_unit_test(test_writer_round_trip),
        cmocka_unit_test(test_writer_descr),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_bad_preamble),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
