// SPDX-License-Identifier: GPL-2.0
/*
 * stat.c - statistics and their histograms (stat.h)
 */

static int _sd_agg_buckets(const struct sd_agg *a)
{
	if (a->htype == SD_HIST_LOG)
		return SD_HIST_LOG_BUCKETS;
	if (a->htype == SD_HIST_LINEAR)
		return (int)div64_s64(a->stop - a->start, a->step) + 3;
	return 0;
}

void _sd_agg_free(struct sd_agg *a)
{
	unsigned int cpu;

	if (!a->cpu)
		return;
	for_each_possible_cpu(cpu) {
		if (a->cpu[cpu])
			_sd_map_free(&a->cpu[cpu]->map);
		kfree(a->cpu[cpu]);
	}
	kfree(a->cpu);
	a->cpu = NULL;
	_sd_map_free(&a->merged);
}

int _sd_agg_alloc(struct sd_agg *a)
{
	bool array = a->ktypes[0];
	unsigned int cpu;

	a->buckets = _sd_agg_buckets(a);
	a->ssize = sizeof(struct sd_stat) + a->buckets * sizeof(int64_t);
	a->cpu = kcalloc(nr_cpu_ids, sizeof(*a->cpu), GFP_KERNEL);
	if (!a->cpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct sd_agg_cpu *p = kzalloc_node(sizeof(*p) + (array ? 0 : a->ssize),
						    GFP_KERNEL, cpu_to_node(cpu));

		if (!p)
			goto fail;
		a->cpu[cpu] = p;
		raw_spin_lock_init(&p->lock);
		if (array) {
			p->map = (struct sd_map)SD_MAP(a->name, a->ktypes, SD_V_STAT, a->max, a->wrap);
			p->map.vsize = a->ssize;
			p->map.sized = a->sized;
			if (_sd_map_alloc(&p->map))
				goto fail;
		}
	}
	if (array) {
		a->merged = (struct sd_map)SD_MAP(a->name, a->ktypes, SD_V_STAT, a->max, false);
		a->merged.vsize = a->ssize;
		if (_sd_map_alloc(&a->merged))
			goto fail;
	}
	return 0;
fail:
	_sd_agg_free(a);
	return -ENOMEM;
}

static int _sd_hist_log_bucket(int64_t v)
{
	if (v == 0)
		return SD_HIST_LOG_ZERO;
	if (v > 0)
		return SD_HIST_LOG_ZERO + fls64((u64)v);
	return SD_HIST_LOG_ZERO - fls64(0 - (u64)v);
}

static void _sd_stat_add(const struct sd_agg *a, struct sd_stat *st, int64_t v)
{
	int64_t vs = (int64_t)((u64)v << a->shift);

	if (st->count == 0) {
		st->count = 1;
		st->sum = st->min = st->max = v;
		st->avg_s = vs;
		st->m2 = 0;
		st->var_s = 0;
	} else {
		int64_t delta = vs - st->avg_s;

		st->count++;
		st->sum += v;
		if (v > st->max)
			st->max = v;
		if (v < st->min)
			st->min = v;
		st->avg_s += div64_s64(delta, st->count);
		st->m2 += delta * (vs - st->avg_s);
		st->var_s = div64_s64(st->m2, st->count - 1);
	}
	if (a->htype == SD_HIST_LOG) {
		st->hist[_sd_hist_log_bucket(v)]++;
	} else if (a->htype == SD_HIST_LINEAR) {
		int64_t b = v < a->start ? 0 : div64_u64((u64)(v - a->start), a->step) + 1;

		if (b >= a->buckets - 1)
			b = a->buckets - 1;
		st->hist[b]++;
	}
}

/* x <<< v and a[k] <<< v: this CPU's copy only */
void _sd_agg_add(struct sd_context *c, struct sd_agg *a, const struct sd_key *key,
		 int64_t v, const char *where)
{
	struct sd_agg_cpu *p = a->cpu[smp_processor_id()];

	if (c->error)
		return;
	raw_spin_lock(&p->lock);
	if (a->ktypes[0]) {
		u32 i = _sd_map_insert(c, &p->map, key, where);

		if (i)
			_sd_stat_add(a, _sd_map_val(&p->map, i), v);
	} else {
		_sd_stat_add(a, &p->st, v);
	}
	raw_spin_unlock(&p->lock);
}

static struct sd_stat *_sd_agg_copy(struct sd_agg *a, unsigned int cpu, const struct sd_key *key)
{
	struct sd_agg_cpu *p = a->cpu[cpu];
	u32 i;

	if (!a->ktypes[0])
		return &p->st;
	i = key ? _sd_map_find(&p->map, key) : 0;
	return i ? _sd_map_val(&p->map, i) : NULL;
}

/* first pass: the sums, extremes and buckets of one copy into out */
static void _sd_stat_merge(const struct sd_agg *a, struct sd_stat *out, const struct sd_stat *st)
{
	int b;

	if (!st->count)
		return;
	if (!out->count) {
		out->min = st->min;
		out->max = st->max;
	}
	out->count += st->count;
	out->sum += st->sum;
	if (st->min < out->min)
		out->min = st->min;
	if (st->max > out->max)
		out->max = st->max;
	for (b = 0; b < a->buckets; b++)
		out->hist[b] += st->hist[b];
}

static void _sd_stat_var(const struct sd_stat *out, struct sd_var_acc *acc, const struct sd_stat *st)
{
	int64_t d;

	if (!st->count)
		return;
	d = st->avg_s - out->avg_s;
	acc->s1 += st->count * d * d;
	acc->s2 += (st->count - 1) * st->var_s;
}

static void _sd_stat_var_done(const struct sd_agg *a, struct sd_stat *out, struct sd_var_acc *acc)
{
	out->var_s = out->count > 1 ? div64_s64(acc->s1 + acc->s2, out->count - 1) : 0;
}

/*
 * _sd_agg_read - the statistics of a scalar, or of one key of an array,
 * over all CPUs, into out (a->ssize bytes). Returns out; out->count is
 * 0 when nothing was added.
 */
struct sd_stat *_sd_agg_read(struct sd_agg *a, const struct sd_key *key, struct sd_stat *out)
{
	struct sd_var_acc acc = { 0, 0 };
	unsigned int cpu;

	memset(out, 0, a->ssize);
	for_each_possible_cpu(cpu) {
		struct sd_stat *st;

		raw_spin_lock(&a->cpu[cpu]->lock);
		st = _sd_agg_copy(a, cpu, key);
		if (st)
			_sd_stat_merge(a, out, st);
		raw_spin_unlock(&a->cpu[cpu]->lock);
	}
	if (!out->count)
		return out;
	out->avg_s = div64_s64((int64_t)((u64)out->sum << a->shift), out->count);
	for_each_possible_cpu(cpu) {
		struct sd_stat *st;

		raw_spin_lock(&a->cpu[cpu]->lock);
		st = _sd_agg_copy(a, cpu, key);
		if (st)
			_sd_stat_var(out, &acc, st);
		raw_spin_unlock(&a->cpu[cpu]->lock);
	}
	_sd_stat_var_done(a, out, &acc);
	return out;
}

/* [k] in a: some CPU has the key */
bool _sd_agg_exists(struct sd_agg *a, const struct sd_key *key, u32 wild)
{
	unsigned int cpu;
	bool found = false;

	for_each_possible_cpu(cpu) {
		struct sd_map *m = &a->cpu[cpu]->map;

		raw_spin_lock(&a->cpu[cpu]->lock);
		found = wild ? _sd_map_exists_slice(m, key, wild) : _sd_map_find(m, key) != 0;
		raw_spin_unlock(&a->cpu[cpu]->lock);
		if (found)
			break;
	}
	return found;
}

/*
 * _sd_agg_merge_all - every key of a statistics array, merged over the
 * CPUs into a->merged, for foreach and the exit display. Keys come in the
 * order CPU 0 added them, then CPU 1's new ones and so on. The caller
 * holds the array's global lock for writing. Returns false (with an
 * error) if the merged keys do not fit.
 */
bool _sd_agg_merge_all(struct sd_context *c, struct sd_agg *a, const char *where)
{
	struct sd_map *m = &a->merged;
	unsigned int cpu;
	u32 i, j;

	_sd_map_clear(m);
	for_each_possible_cpu(cpu) {
		struct sd_map *pm = &a->cpu[cpu]->map;

		raw_spin_lock(&a->cpu[cpu]->lock);
		for (i = pm->head; i; i = _sd_map_next(pm, i)) {
			struct sd_key key[SD_MAX_KEYS];

			_sd_map_key(pm, i, key);
			j = _sd_map_find(m, key);
			if (!j && m->count >= m->max) {
				raw_spin_unlock(&a->cpu[cpu]->lock);
				_sd_error_fmt(c, "aggregation overflow in %s", a->name);
				c->where = where;
				return false;
			}
			if (!j)
				j = _sd_map_insert(c, m, key, where);
			_sd_stat_merge(a, _sd_map_val(m, j), _sd_map_val(pm, i));
		}
		raw_spin_unlock(&a->cpu[cpu]->lock);
	}
	for (j = m->head; j; j = _sd_map_next(m, j)) {
		struct sd_stat *out = _sd_map_val(m, j);

		out->avg_s = div64_s64((int64_t)((u64)out->sum << a->shift), out->count);
	}
	/* the variances: one more pass over every CPU's copies */
	for_each_possible_cpu(cpu) {
		struct sd_map *pm = &a->cpu[cpu]->map;

		raw_spin_lock(&a->cpu[cpu]->lock);
		for (i = pm->head; i; i = _sd_map_next(pm, i)) {
			struct sd_key key[SD_MAX_KEYS];
			struct sd_var_acc acc;
			struct sd_stat *out;

			_sd_map_key(pm, i, key);
			j = _sd_map_find(m, key);
			if (!j)
				continue;
			out = _sd_map_val(m, j);
			/* m2 of the merged copy accumulates S1 + S2 */
			acc.s1 = 0;
			acc.s2 = 0;
			_sd_stat_var(out, &acc, _sd_map_val(pm, i));
			out->m2 += acc.s1 + acc.s2;
		}
		raw_spin_unlock(&a->cpu[cpu]->lock);
	}
	for (j = m->head; j; j = _sd_map_next(m, j)) {
		struct sd_stat *out = _sd_map_val(m, j);
		struct sd_var_acc acc = { out->m2, 0 };

		_sd_stat_var_done(a, out, &acc);
	}
	return true;
}

/* delete x, delete a, delete a[k], delete a[*, k] */
void _sd_agg_delete(struct sd_agg *a, const struct sd_key *key, u32 wild, bool all)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct sd_agg_cpu *p = a->cpu[cpu];

		raw_spin_lock(&p->lock);
		if (!a->ktypes[0])
			memset(&p->st, 0, a->ssize);
		else if (all)
			_sd_map_clear(&p->map);
		else if (wild)
			_sd_map_delete_slice(&p->map, key, wild);
		else
			_sd_map_delete(&p->map, key);
		raw_spin_unlock(&p->lock);
	}
}

static int64_t _sd_stat_value(const struct sd_stat *st, int op, int shift)
{
	switch (op) {
	case SD_COUNT: return st->count;
	case SD_SUM: return st->sum;
	case SD_MIN: return st->min;
	case SD_MAX: return st->max;
	case SD_AVG: return st->count ? div64_s64(st->sum, st->count) : 0;
	default: return st->var_s >> (2 * shift);
	}
}

int64_t _sd_stat_op(struct sd_context *c, const struct sd_agg *a, const struct sd_stat *st,
		    int op)
{
	if (op >= SD_MIN && !st->count) {
		_sd_error_str(c, "empty aggregate");
		return 0;
	}
	return _sd_stat_value(st, op, a->shift);
}

/* merged arrays sort by an aggregate; the shift does not change the order */
int64_t _sd_stat_sort_value(const struct sd_map *m, u32 i, int op)
{
	return _sd_stat_value(_sd_map_val(m, i), op, 0);
}

/* @hist_log(x)[i] */
int64_t _sd_hist_bucket(struct sd_context *c, const struct sd_agg *a, const struct sd_stat *st,
			int64_t i)
{
	if (i < 0 || i >= a->buckets) {
		_sd_error_str(c, "histogram index out of range");
		return 0;
	}
	return st->hist[i];
}

static int _sd_digits(int64_t v)
{
	int n = v < 0 ? 2 : 1;
	u64 u = v < 0 ? 0 - (u64)v : (u64)v;

	while (u >= 10) {
		u /= 10;
		n++;
	}
	return n;
}

static int64_t _sd_hist_log_value(int b)
{
	if (b == SD_HIST_LOG_ZERO)
		return 0;
	if (b < SD_HIST_LOG_ZERO)
		return (int64_t)(~0ULL << (63 - b));	/* -2^(63-b) */
	return (int64_t)1 << (b - SD_HIST_LOG_ZERO - 1);
}

static __printf(2, 3) void _sd_sink_printf(struct sd_sink *o, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(tmp))
		n = sizeof(tmp) - 1;
	if (o->c) {
		_sd_print_n(o->c, tmp, n);
	} else if (o->len + 1 < o->size) {
		size_t k = min_t(size_t, n, o->size - 1 - o->len);

		memcpy(o->buf + o->len, tmp, k);
		o->len += k;
		o->buf[o->len] = '\0';
	}
}

static void _sd_sink_repeat(struct sd_sink *o, char ch, int n)
{
	char tmp[64];

	memset(tmp, ch, sizeof(tmp));
	while (n > 0) {
		int k = min(n, (int)sizeof(tmp));

		_sd_sink_printf(o, "%.*s", k, tmp);
		n -= k;
	}
}

/*
 * The value rows from the first to the last bucket with data, widened by
 * up to two empty rows each side (a log histogram only goes below 0 when
 * it holds negative values; a linear one shows underflow and overflow
 * only when they hold something), runs of empty rows elided to one "~".
 */
static void _sd_hist_draw(struct sd_sink *o, const struct sd_agg *a, const struct sd_stat *st)
{
	int lo = -1, hi = 0, i, k, vspace, cspace, nb = a->buckets;
	int64_t top = 0, scale;
	bool linear = a->htype == SD_HIST_LINEAR, eliding = false;

	if (a->htype == SD_HIST_NONE)
		return;
	for (i = 0; i < nb; i++) {
		if (st->hist[i] > 0) {
			if (lo < 0)
				lo = i;
			hi = i;
		}
		if (st->hist[i] > top)
			top = st->hist[i];
	}
	for (k = 0; k < 2; k++) {
		if (linear ? lo > 0 : lo > 0 && lo != SD_HIST_LOG_ZERO)
			lo--;
		if (hi < nb - 1)
			hi++;
	}
	if (linear) {
		if (lo == 0 && st->hist[0] == 0)
			lo++;
		if (hi == nb - 1 && st->hist[hi] == 0)
			hi--;
	}
	scale = top <= HIST_WIDTH ? 1 : div64_s64(top + HIST_WIDTH - 1, HIST_WIDTH);
	cspace = _sd_digits(top);
	if (linear)
		vspace = max(_sd_digits(a->start) + (lo == 0),
			     _sd_digits(a->start + a->step * hi) + (hi == nb - 1));
	else
		vspace = max(_sd_digits(_sd_hist_log_value(hi)), _sd_digits(_sd_hist_log_value(lo)));
	vspace = max(vspace, 5);
	_sd_sink_printf(o, "%*s |", vspace, "value");
	_sd_sink_repeat(o, '-', HIST_WIDTH);
	_sd_sink_printf(o, " count\n");
	for (i = lo; i <= hi; i++) {
		int from = max(lo, i - HIST_ELISION), to = min(hi, i + HIST_ELISION);
		const char *mark = "";
		bool empty = true;
		int64_t val, bar;

		for (k = from; k <= to; k++)
			if (st->hist[k])
				empty = false;
		if (empty) {
			eliding = true;
			continue;
		}
		if (eliding) {
			_sd_sink_printf(o, "%*s ~\n", vspace, "");
			eliding = false;
		}
		if (!linear) {
			val = _sd_hist_log_value(i);
		} else if (i == 0) {
			val = a->start;
			mark = "<";
		} else if (i == nb - 1) {
			val = a->start + (int64_t)(i - 2) * a->step;
			mark = ">";
		} else {
			val = a->start + (int64_t)(i - 1) * a->step;
		}
		_sd_sink_printf(o, "%*s%lld |", vspace - _sd_digits(val), mark, (long long)val);
		bar = div64_s64(st->hist[i], scale);
		_sd_sink_repeat(o, '@', (int)bar);
		_sd_sink_printf(o, "%*lld\n", (int)(HIST_WIDTH - bar + 1 + cspace),
				(long long)st->hist[i]);
	}
	_sd_sink_printf(o, "\n");
}

void _sd_hist_print(struct sd_context *c, const struct sd_agg *a, const struct sd_stat *st)
{
	struct sd_sink o = { .c = c };

	_sd_hist_draw(&o, a, st);
}

char *_sd_hist_sprint(char *out, const struct sd_agg *a, const struct sd_stat *st)
{
	struct sd_sink o = { .buf = out, .size = MAXSTRINGLEN };

	out[0] = '\0';
	_sd_hist_draw(&o, a, st);
	return out;
}
