/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stat.h - statistics (`x <<< v`, `a[k] <<< v`) and histograms.
 *
 * Each CPU adds into its own copy under its own lock, so `<<<` never
 * touches another CPU's cache lines; only a reader takes the CPUs' locks
 * in turn to merge the copies. A statistics array keeps one map per CPU
 * and a merged map that foreach, sorting and the exit display walk.
 *
 * Per copy: count, sum, min, max and Welford's running mean and squared
 * deviations, scaled by 2^shift (`@variance(x, shift)`); the merge
 * combines the variances with the total-variance formula, so results
 * match SystemTap's integer arithmetic. Histograms: 128 log2 buckets
 * (bucket 64 holds 0) or start..stop by step plus underflow and overflow.
 */
#ifndef _SD_STAT_H_
#define _SD_STAT_H_

#ifndef HIST_WIDTH
#define HIST_WIDTH 50
#endif
#ifndef HIST_ELISION
#define HIST_ELISION 2
#endif
#define SD_HIST_LOG_BUCKETS 128
#define SD_HIST_LOG_ZERO 64
#define SD_HIST_MAX_BUCKETS 128

enum sd_stat_op { SD_COUNT, SD_SUM, SD_MIN, SD_MAX, SD_AVG, SD_VARIANCE };
enum sd_hist_type { SD_HIST_NONE, SD_HIST_LOG, SD_HIST_LINEAR };

struct sd_stat {
	int64_t count, sum, min, max;
	int64_t avg_s;		/* mean << shift */
	int64_t m2;		/* squared deviations << 2 shift (per CPU) */
	int64_t var_s;		/* variance << 2 shift */
	int64_t hist[];
};

/* a statistics global: a scalar (ktypes "") or an array */
struct sd_agg {
	const char *name;
	const char *ktypes;
	u32 max;
	bool wrap;
	bool sized;		/* `global a[N]` */
	int shift;
	enum sd_hist_type htype;
	int64_t start, stop, step;
	/* set by _sd_agg_alloc */
	int buckets;
	size_t ssize;		/* bytes of a struct sd_stat with its buckets */
	struct sd_agg_cpu **cpu;
	struct sd_map merged;	/* arrays: all CPUs' keys */
};

struct sd_agg_cpu {
	raw_spinlock_t lock;
	struct sd_map map;	/* arrays */
	struct sd_stat st;	/* scalars; must stay last */
};

#define SD_AGG(nm, kt, mx, sz, wr, sh, ht, a, b, c) \
	{ .name = (nm), .ktypes = (kt), .max = (mx), .sized = (sz), .wrap = (wr), .shift = (sh), \
	  .htype = (ht), .start = (a), .stop = (b), .step = (c) }

/* words of a merged statistics temporary with n buckets, for frames */
#define SD_STAT_WORDS(n) (sizeof(struct sd_stat) / 8 + (n))

SD_API void _sd_agg_free(struct sd_agg *a);
SD_API int _sd_agg_alloc(struct sd_agg *a);

/* {=== adding ===} */

SD_API void _sd_agg_add(struct sd_context *c, struct sd_agg *a, const struct sd_key *key,
			int64_t v, const char *where);

/* {=== merging ===} */

/* second pass: the variance from each copy's mean and variance */
struct sd_var_acc {
	int64_t s1, s2;
};

SD_API struct sd_stat *_sd_agg_read(struct sd_agg *a, const struct sd_key *key,
				    struct sd_stat *out);
SD_API bool _sd_agg_exists(struct sd_agg *a, const struct sd_key *key, u32 wild);
SD_API bool _sd_agg_merge_all(struct sd_context *c, struct sd_agg *a, const char *where);
SD_API void _sd_agg_delete(struct sd_agg *a, const struct sd_key *key, u32 wild, bool all);

/* {=== @count, @sum, ... ===} */

SD_API int64_t _sd_stat_op(struct sd_context *c, const struct sd_agg *a, const struct sd_stat *st,
			   int op);
SD_API int64_t _sd_stat_sort_value(const struct sd_map *m, u32 i, int op);
SD_API int64_t _sd_hist_bucket(struct sd_context *c, const struct sd_agg *a, const struct sd_stat *st,
			       int64_t i);

/* {=== drawing ===} */

/* output to the handler's print buffer (c) or into a string (buf) */
struct sd_sink {
	struct sd_context *c;
	char *buf;
	size_t len, size;
};

SD_API void _sd_hist_print(struct sd_context *c, const struct sd_agg *a, const struct sd_stat *st);
SD_API char *_sd_hist_sprint(char *out, const struct sd_agg *a, const struct sd_stat *st);

#endif /* _SD_STAT_H_ */
