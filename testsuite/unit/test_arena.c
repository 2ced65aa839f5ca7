/* test_arena.c - the arena allocator: alignment, growth, strings, vectors */
#include <stdint.h>

#include "arena.h"
#include "test.h"

int main(void)
{
	struct arena a;
	struct vec v = {0};
	char *big, *s;
	int *grown;

	arena_init(&a);
	for (int i = 1; i < 2000; i++) {
		void *p = arena_alloc(&a, (size_t)(i % 97) + 1);

		ASSERT(((uintptr_t)p & 15) == 0);
		memset(p, 0xab, (size_t)(i % 97) + 1);
	}
	big = arena_alloc(&a, 1 << 20);		/* larger than a block */
	memset(big, 1, 1 << 20);
	ASSERT(arena_calloc(&a, 4, 4) != NULL);
	ASSERT(((int *)arena_calloc(&a, 4, 4))[3] == 0);
	s = arena_strfmt(&a, "%s-%d", "x", 42);
	ASSERT_STR("x-42", s);
	ASSERT_STR("abc", arena_strndup(&a, "abcdef", 3));
	grown = arena_alloc(&a, 4 * sizeof(int));
	for (int i = 0; i < 4; i++)
		grown[i] = i;
	grown = arena_grow(&a, grown, 4 * sizeof(int), 8 * sizeof(int));
	ASSERT(grown[3] == 3);
	for (long i = 0; i < 1000; i++)
		vec_push(&a, &v, (void *)i);
	ASSERT(v.n == 1000);
	ASSERT((long)v.v[999] == 999);
	ASSERT(a.used >= (1 << 20));
	arena_free(&a);
	ASSERT(a.head == NULL);
	return test_failures ? 1 : 0;
}
