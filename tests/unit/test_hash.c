/* test_hash: FNV-1a 64 against the published test vectors, whole and in pieces. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hash.h"

/* The reference values of the FNV authors' test suite (isthe.com/chongo/tech/comp/fnv). */
static void test_vectors(void **state)
{
    (void)state;
    assert_true(hash_fnv1a64(HASH_FNV1A64_INIT, "", 0) == 0xcbf29ce484222325ull);
    assert_true(hash_fnv1a64(HASH_FNV1A64_INIT, "a", 1) == 0xaf63dc4c8601ec8cull);
    assert_true(hash_fnv1a64(HASH_FNV1A64_INIT, "foobar", 6) == 0x85944171f73967e8ull);
}

/* Hashing in pieces, as the checksum does value by value, equals hashing whole. */
static void test_pieces(void **state)
{
    (void)state;
    uint64_t h = hash_fnv1a64(HASH_FNV1A64_INIT, "foo", 3);
    assert_true(hash_fnv1a64(h, "bar", 3) == 0x85944171f73967e8ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_pieces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
