/* SPDX-License-Identifier: GPL-2.0 */
/*
 * map.h - associative arrays: up to SD_MAX_KEYS keys, each a long or a
 * string, and a long, string or statistics value.
 *
 * Every node is preallocated when the module loads (the array's maximum
 * size, MAXMAPENTRIES unless the script says `global a[N]`), so a probe
 * never allocates. Nodes hang in a hash chain and in one list that keeps
 * insertion order: unsorted foreach walks that list, sorting reorders it
 * in place (a stable merge sort, as SystemTap does), and a wrapping
 * array (`global a%`) reuses its head, the oldest node, when full.
 *
 * Nodes are addressed by index + 1 so that 0 means none. A node is a
 * struct sd_mnode followed by the keys (8 bytes for a long, MAXSTRINGLEN
 * for a string) and the value. Callers hold the array's lock (lock.h).
 */
#ifndef _SD_MAP_H_
#define _SD_MAP_H_

#include <linux/vmalloc.h>

#ifndef MAXMAPENTRIES
#define MAXMAPENTRIES 2048
#endif
#define SD_MAX_KEYS 9

enum sd_vtype { SD_V_LONG, SD_V_STR, SD_V_STAT };

/* one key as the generated code passes it: n for a long, s for a string */
struct sd_key {
	int64_t n;
	const char *s;
};

struct sd_mnode {
	u32 hnext;		/* hash chain */
	u32 prev, next;		/* insertion (or sorted) order */
	u32 hash;
};

struct sd_map {
	/* set by the generated code */
	const char *name;
	const char *ktypes;	/* one 'n' or 's' per key */
	enum sd_vtype vtype;
	u32 max;		/* nodes */
	bool wrap;
	u32 vsize;		/* bytes of a statistics value */
	bool sized;		/* `global a[N]`: N, not MAXMAPENTRIES */
	/* set by _sd_map_alloc */
	u32 nkeys;
	u32 koff[SD_MAX_KEYS];
	u32 voff, nsize, nbuckets;
	u32 *heads;
	char *pool;
	u32 free;		/* free list through hnext */
	u32 head, tail, count;
};

#define SD_MAP(nm, kt, vt, mx, wr) \
	{ .name = (nm), .ktypes = (kt), .vtype = (vt), .max = (mx), .wrap = (wr) }
#define SD_MAP_SIZED(nm, kt, vt, mx, wr) \
	{ .name = (nm), .ktypes = (kt), .vtype = (vt), .max = (mx), .wrap = (wr), .sized = true }

static inline struct sd_mnode *_sd_node(const struct sd_map *m, u32 i)
{
	return (struct sd_mnode *)(m->pool + (size_t)(i - 1) * m->nsize);
}

static inline int64_t _sd_map_kn(const struct sd_map *m, u32 i, int k)
{
	return *(int64_t *)((char *)_sd_node(m, i) + m->koff[k]);
}

static inline const char *_sd_map_ks(const struct sd_map *m, u32 i, int k)
{
	return (char *)_sd_node(m, i) + m->koff[k];
}

static inline void *_sd_map_val(const struct sd_map *m, u32 i)
{
	return (char *)_sd_node(m, i) + m->voff;
}

static inline u32 _sd_map_next(const struct sd_map *m, u32 i)
{
	return _sd_node(m, i)->next;
}

SD_API void _sd_map_clear(struct sd_map *m);
SD_API int _sd_map_alloc(struct sd_map *m);
SD_API void _sd_map_free(struct sd_map *m);
SD_API u32 _sd_map_find(const struct sd_map *m, const struct sd_key *key);
SD_API void _sd_map_key(const struct sd_map *m, u32 i, struct sd_key *key);
SD_API void _sd_map_delete(struct sd_map *m, const struct sd_key *key);
SD_API u32 _sd_map_insert(struct sd_context *c, struct sd_map *m, const struct sd_key *key,
			  const char *where);

/* {=== values ===} */

SD_API int64_t _sd_map_get_long(const struct sd_map *m, const struct sd_key *key);
SD_API const char *_sd_map_get_str(const struct sd_map *m, const struct sd_key *key);
SD_API int64_t *_sd_map_lref(struct sd_context *c, struct sd_map *m, const struct sd_key *key,
			     const char *where);
SD_API char *_sd_map_sref(struct sd_context *c, struct sd_map *m, const struct sd_key *key,
			  const char *where);
SD_API int64_t _sd_map_set_long(struct sd_context *c, struct sd_map *m, const struct sd_key *key,
				int64_t v, const char *where);
SD_API const char *_sd_map_set_str(struct sd_context *c, struct sd_map *m,
				   const struct sd_key *key, const char *v, const char *where);

/* {=== slices: '*' keys match anything ===} */

SD_API bool _sd_map_match(const struct sd_map *m, u32 i, const struct sd_key *key, u32 wild);
SD_API bool _sd_map_exists_slice(const struct sd_map *m, const struct sd_key *key, u32 wild);
SD_API void _sd_map_delete_slice(struct sd_map *m, const struct sd_key *key, u32 wild);

/* {=== sorting: a stable merge sort of the order list, in place ===} */

/*
 * by: 0 the value, k + 1 key k; dir: 1 ascending, -1 descending.
 * statistics values sort by the aggregate stat_op (stat.h).
 */
struct sd_sort {
	const struct sd_map *m;
	int by;
	int dir;
	int stat_op;
};

SD_API int64_t _sd_stat_sort_value(const struct sd_map *m, u32 i, int op);

SD_API void _sd_map_sort(struct sd_map *m, int by, int dir, int stat_op);

#endif /* _SD_MAP_H_ */
