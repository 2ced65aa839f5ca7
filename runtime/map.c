// SPDX-License-Identifier: GPL-2.0
/*
 * map.c - script arrays (map.h)
 */

/* nodes back on the free list, in index order */
void _sd_map_clear(struct sd_map *m)
{
	u32 i;

	if (!m->pool)
		return;
	memset(m->heads, 0, m->nbuckets * sizeof(*m->heads));
	for (i = 1; i <= m->max; i++)
		_sd_node(m, i)->hnext = i < m->max ? i + 1 : 0;
	m->free = m->max ? 1 : 0;
	m->head = m->tail = m->count = 0;
}

int _sd_map_alloc(struct sd_map *m)
{
	u32 off = sizeof(struct sd_mnode), k;
	u32 vsize;

	for (k = 0; m->ktypes[k] && k < SD_MAX_KEYS; k++) {
		m->koff[k] = off;
		off += m->ktypes[k] == 's' ? ALIGN(MAXSTRINGLEN, 8) : 8;
	}
	m->nkeys = k;
	m->voff = off;
	vsize = m->vtype == SD_V_STR ? MAXSTRINGLEN : m->vtype == SD_V_STAT ? m->vsize : 8;
	m->nsize = ALIGN(off + vsize, 8);
	if (!m->max)
		m->max = 1;
	m->nbuckets = roundup_pow_of_two(m->max);
	m->heads = vzalloc(m->nbuckets * sizeof(*m->heads));
	m->pool = vzalloc((size_t)m->max * m->nsize);
	if (!m->heads || !m->pool) {
		vfree(m->heads);
		vfree(m->pool);
		m->heads = NULL;
		m->pool = NULL;
		return -ENOMEM;
	}
	_sd_map_clear(m);
	return 0;
}

void _sd_map_free(struct sd_map *m)
{
	vfree(m->heads);
	vfree(m->pool);
	m->heads = NULL;
	m->pool = NULL;
}

static u32 _sd_map_hash(const struct sd_map *m, const struct sd_key *key)
{
	u64 h = 0xcbf29ce484222325ULL;
	u32 k;

	for (k = 0; k < m->nkeys; k++) {
		if (m->ktypes[k] == 's') {
			const unsigned char *p = (const unsigned char *)key[k].s;
			size_t n = 0;

			for (; *p && n < MAXSTRINGLEN - 1; p++, n++)
				h = (h ^ *p) * 0x100000001b3ULL;
			h = (h ^ 0xff) * 0x100000001b3ULL;
		} else {
			h = (h ^ (u64)key[k].n) * 0x100000001b3ULL;
			h ^= h >> 29;
		}
	}
	return (u32)(h ^ (h >> 32));
}

/* the node holding key, whose hash is h, or 0 */
static u32 _sd_map_lookup(const struct sd_map *m, const struct sd_key *key, u32 h)
{
	u32 i = m->heads[h & (m->nbuckets - 1)];

	for (; i; i = _sd_node(m, i)->hnext)
		if (_sd_node(m, i)->hash == h && _sd_map_match(m, i, key, 0))
			return i;
	return 0;
}

u32 _sd_map_find(const struct sd_map *m, const struct sd_key *key)
{
	return _sd_map_lookup(m, key, _sd_map_hash(m, key));
}

/* the keys of node i, as the generated code passes them (strings in the node) */
void _sd_map_key(const struct sd_map *m, u32 i, struct sd_key *key)
{
	u32 k;

	for (k = 0; k < m->nkeys; k++) {
		key[k].n = m->ktypes[k] == 's' ? 0 : _sd_map_kn(m, i, k);
		key[k].s = m->ktypes[k] == 's' ? _sd_map_ks(m, i, k) : NULL;
	}
}

static void _sd_map_unlink(struct sd_map *m, u32 i)
{
	struct sd_mnode *n = _sd_node(m, i);
	u32 *pp = &m->heads[n->hash & (m->nbuckets - 1)];

	while (*pp != i)
		pp = &_sd_node(m, *pp)->hnext;
	*pp = n->hnext;
	if (n->prev)
		_sd_node(m, n->prev)->next = n->next;
	else
		m->head = n->next;
	if (n->next)
		_sd_node(m, n->next)->prev = n->prev;
	else
		m->tail = n->prev;
	n->hnext = m->free;
	m->free = i;
	m->count--;
}

void _sd_map_delete(struct sd_map *m, const struct sd_key *key)
{
	u32 i = _sd_map_find(m, key);

	if (i)
		_sd_map_unlink(m, i);
}

/**
 * _sd_map_insert - the node for key, added at the tail if it is new
 * @c: the context, for the overflow error
 * @m: the array
 * @key: its keys
 * @where: "identifier 'a' at FILE:L:C", for the overflow error
 *
 * Returns 0 with an error pending when the array is full (and does not
 * wrap).
 */
u32 _sd_map_insert(struct sd_context *c, struct sd_map *m, const struct sd_key *key,
		   const char *where)
{
	u32 h = _sd_map_hash(m, key);
	u32 i = _sd_map_lookup(m, key, h);
	struct sd_mnode *n;
	u32 k;

	if (c->error)
		return 0;	/* the value failed: store nothing, as SystemTap */
	if (i)
		return i;
	if (!m->free) {
		if (!m->wrap || !m->head) {
			if (m->sized)
				_sd_error_fmt(c, "Array overflow, check size limit (%u)", m->max);
			else
				_sd_error_str(c, "Array overflow, check MAXMAPENTRIES");
			c->where = where;
			return 0;
		}
		_sd_map_unlink(m, m->head);
	}
	i = m->free;
	n = _sd_node(m, i);
	m->free = n->hnext;
	memset(n, 0, m->nsize);
	n->hash = h;
	n->hnext = m->heads[h & (m->nbuckets - 1)];
	m->heads[h & (m->nbuckets - 1)] = i;
	n->prev = m->tail;
	if (m->tail)
		_sd_node(m, m->tail)->next = i;
	else
		m->head = i;
	m->tail = i;
	m->count++;
	for (k = 0; k < m->nkeys; k++) {
		if (m->ktypes[k] == 's')
			strscpy((char *)n + m->koff[k], key[k].s, MAXSTRINGLEN);
		else
			*(int64_t *)((char *)n + m->koff[k]) = key[k].n;
	}
	return i;
}

int64_t _sd_map_get_long(const struct sd_map *m, const struct sd_key *key)
{
	u32 i = _sd_map_find(m, key);

	return i ? *(int64_t *)_sd_map_val(m, i) : 0;
}

const char *_sd_map_get_str(const struct sd_map *m, const struct sd_key *key)
{
	u32 i = _sd_map_find(m, key);

	return i ? (const char *)_sd_map_val(m, i) : "";
}

/* the long value of key, created as 0 if missing; NULL when full */
int64_t *_sd_map_lref(struct sd_context *c, struct sd_map *m, const struct sd_key *key,
		      const char *where)
{
	u32 i = _sd_map_insert(c, m, key, where);

	return i ? (int64_t *)_sd_map_val(m, i) : NULL;
}

char *_sd_map_sref(struct sd_context *c, struct sd_map *m, const struct sd_key *key,
		   const char *where)
{
	u32 i = _sd_map_insert(c, m, key, where);

	return i ? (char *)_sd_map_val(m, i) : NULL;
}

int64_t _sd_map_set_long(struct sd_context *c, struct sd_map *m, const struct sd_key *key,
			 int64_t v, const char *where)
{
	int64_t *p = _sd_map_lref(c, m, key, where);

	if (p)
		*p = v;
	return v;
}

/* the string stored, so that `x = a[k] = s` sees what a[k] holds */
const char *_sd_map_set_str(struct sd_context *c, struct sd_map *m,
			    const struct sd_key *key, const char *v, const char *where)
{
	char *p = _sd_map_sref(c, m, key, where);

	if (!p)
		return "";
	if (p != v)
		strscpy(p, v, MAXSTRINGLEN);
	return p;
}

/* wild: bit k set when key k is '*' */
bool _sd_map_match(const struct sd_map *m, u32 i, const struct sd_key *key, u32 wild)
{
	u32 k;

	for (k = 0; k < m->nkeys; k++) {
		if (wild & (1u << k))
			continue;
		if (m->ktypes[k] == 's') {
			if (strncmp(_sd_map_ks(m, i, k), key[k].s, MAXSTRINGLEN - 1))
				return false;
		} else if (_sd_map_kn(m, i, k) != key[k].n) {
			return false;
		}
	}
	return true;
}

bool _sd_map_exists_slice(const struct sd_map *m, const struct sd_key *key, u32 wild)
{
	u32 i;

	for (i = m->head; i; i = _sd_map_next(m, i))
		if (_sd_map_match(m, i, key, wild))
			return true;
	return false;
}

void _sd_map_delete_slice(struct sd_map *m, const struct sd_key *key, u32 wild)
{
	u32 i = m->head, next;

	for (; i; i = next) {
		next = _sd_map_next(m, i);
		if (_sd_map_match(m, i, key, wild))
			_sd_map_unlink(m, i);
	}
}

static int _sd_map_cmp(const struct sd_sort *s, u32 a, u32 b)
{
	const struct sd_map *m = s->m;
	int r;

	if (s->by == 0 && m->vtype == SD_V_STR) {
		r = strcmp(_sd_map_val(m, a), _sd_map_val(m, b));
	} else if (s->by > 0 && m->ktypes[s->by - 1] == 's') {
		r = strcmp(_sd_map_ks(m, a, s->by - 1), _sd_map_ks(m, b, s->by - 1));
	} else {
		int64_t x, y;

		if (s->by > 0) {
			x = _sd_map_kn(m, a, s->by - 1);
			y = _sd_map_kn(m, b, s->by - 1);
		} else if (m->vtype == SD_V_STAT) {
			x = _sd_stat_sort_value(m, a, s->stat_op);
			y = _sd_stat_sort_value(m, b, s->stat_op);
		} else {
			x = *(int64_t *)_sd_map_val(m, a);
			y = *(int64_t *)_sd_map_val(m, b);
		}
		r = x < y ? -1 : x > y;
	}
	return r * s->dir;
}

void _sd_map_sort(struct sd_map *m, int by, int dir, int stat_op)
{
	struct sd_sort s = { m, by, dir, stat_op };
	u32 list = m->head, width;
	u32 i, prev;

	if (m->count < 2)
		return;
	/* bottom-up: merge runs of width 1, 2, 4... through the next links */
	for (width = 1; width < m->count; width *= 2) {
		u32 out_head = 0, out_tail = 0, p = list;

		while (p) {
			u32 q = p, psize = 0, qsize = width;

			while (psize < width && q) {
				psize++;
				q = _sd_node(m, q)->next;
			}
			while (psize || (qsize && q)) {
				u32 e;

				if (!psize) {
					e = q;
					q = _sd_node(m, q)->next;
					qsize--;
				} else if (!qsize || !q || _sd_map_cmp(&s, p, q) <= 0) {
					e = p;
					p = _sd_node(m, p)->next;
					psize--;
				} else {
					e = q;
					q = _sd_node(m, q)->next;
					qsize--;
				}
				if (out_tail)
					_sd_node(m, out_tail)->next = e;
				else
					out_head = e;
				out_tail = e;
			}
			p = q;
		}
		_sd_node(m, out_tail)->next = 0;
		list = out_head;
	}
	/* the prev links and the tail follow the new order */
	m->head = list;
	for (prev = 0, i = list; i; prev = i, i = _sd_node(m, i)->next)
		_sd_node(m, i)->prev = prev;
	m->tail = prev;
}
