/* Optional native core of reviewtools.duplicates: ASCII text normalising (squeeze, at the end) and the
 * near-duplicate join's candidate generation and verification (an exact prefix-filtering set-similarity join, AllPairs / PPJoin style).
 *
 * reviewtools/duplicates.py keeps a pure numpy path (_candidates + _overlaps) that gives the same pairs; the
 * tests compare the two. Nothing here changes WHICH pairs are near duplicates: both paths return every pair of
 * texts whose sets of shared shingles give a Jaccard of at least t, with its exact overlap.
 *
 * join(rank, off, n_prefix, size, order, last, rest, t, eps) -> bytes of int64 triples (u, v, overlap), u < v
 *   rank      uint32[E]   each text's shared shingles as global ranks, ascending, text by text
 *   off       int64[n+1]  text x's ranks are rank[off[x]:off[x+1]]
 *   n_prefix  int64[n]    how many of them lie in x's prefix (0: x cannot have a partner)
 *   size      int64[n]    x's distinct shingles (shared and private)
 *   order     int64[n]    the texts by size (a stable argsort of size)
 *   last      int64[n]    the rank of the last shared shingle of x's prefix
 *   rest      int64[n]    size - prefix length (shingles past the prefix)
 * Texts are probed in size order (probe prefix: the numpy path's prefix) against an inverted index of the
 * texts before them, which holds only each text's shorter INDEX prefix (AllPairs, Bayardo et al. 2007: a
 * partner probed later is at least as large, so a near pair needs at least ceil(2t / (1 + t) * |y|) common
 * shingles of the indexed y). The size filter (t * |big| <= |small|, as floor(|small| / t + eps)), the
 * prefix-count bound (with the index prefix on the indexed side) and the float Jaccard test
 * (overlap / (|x| + |y| - overlap) >= t) are the numpy path's; each candidate is counted in one array per probe
 * (no pair occurrences stored or sorted) and merged only if the bound allows and the bucket bound (bucket_bound:
 * the rows' ranks counted by rank % 16, kept in each text's record) does too.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX2_PATH 1
#endif
#ifdef __linux__
#include <sys/mman.h>
#include <sys/prctl.h>
#endif

/* Memory for a table read at random (the token and word tables, the join's index and its per-text facts),
   zeroed. From 4 MiB on it is put in transparent huge pages where Linux allows: one TLB entry per 2 MiB instead
   of per 4 KiB, so the random reads (prefetched, but each 4 KiB page a page walk) stop waiting on the TLB. The
   check runs with transparent huge pages off for the process (duplicates.py: THP_DISABLE, so that numpy's big
   arrays, read in order, are not zeroed 2 MiB at a time): the flag is lifted only while this memory is touched
   (a memset: its pages are faulted in here, huge, and stay so), then set again. free() releases it. */
#define HUGE_MIN ((size_t)4 << 20)
#define HUGE_PAGE ((size_t)2 << 20)
static void *table_alloc(size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE) && defined(PR_SET_THP_DISABLE)
    if (bytes >= HUGE_MIN) {
        size_t sz = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
        void *p = aligned_alloc(HUGE_PAGE, sz);
        if (!p) return NULL;
        madvise(p, sz, MADV_HUGEPAGE); /* (advice: nothing to do if refused) */
        int off = prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1;
        if (off) prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0);
        memset(p, 0, sz);
        if (off) prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
        return p;
    }
#endif
    size_t sz = (bytes + 63) & ~(size_t)63; /* (64-byte aligned either way: a Word is one cache line) */
    void *p = aligned_alloc(64, sz ? sz : 64);
    if (p) memset(p, 0, sz);
    return p;
}

typedef struct { /* a text's facts as a candidate, by its position in size order (32 bytes, two to a cache line:
                   one line read per candidate) */
    uint64_t sig;              /* its shared ranks counted by rank % 16, a nibble each (15: 15 or more) */
    uint32_t off, index_last;  /* (rank has fewer than 2^32 entries; a text is a candidate only if it has index entries) */
    int32_t id, len, size, index_rest;
} Text;

typedef struct { /* a text's facts as a probe, by its position in size order (read in order) */
    int64_t rest, last, n_index, n_probe;
} Probe;

/* The probe loop works in blocks of texts in size order, about BLOCK_ENTRIES probe entries each (at least one
   text; median probe prefix 15 entries at 1M), in three passes: (A) the block's probe ranks copied one after
   another; (B) each entry's span read (asked for PREFETCH_SPAN entries on) as the probe of its text will find
   it, the text's index entries appended to their lists as its entries are passed, and the list's head asked
   for; (C) text by text, the size filter's skip from each list's head and the counting, then the bounds and
   the merges as before. The chain rank -> span -> list head -> count no longer waits link by link: pass B's
   reads do not depend on each other, and pass C finds the block's spans and list heads (a line each per
   entry, ~32 KB each) in cache. Pass C's skip starts from the span as pass B read it: an earlier text of the block may
   have moved that list's head on since, past entries below its own (smaller or equal) size bound, so the skip
   from the older head gives the same place. */
#ifndef BLOCK_ENTRIES
#define BLOCK_ENTRIES 512
#endif
/* how far ahead pass B asks for spans */
#ifndef PREFETCH_SPAN
#define PREFETCH_SPAN 8
#endif
#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)0)
#endif
/* how many texts ahead pass A asks for a text's row of ranks */
#ifndef ROW_AHEAD
#define ROW_AHEAD 2
#endif
/* how far ahead the shingle table prefetches slots, and text_ranks the ranks of tokens */
#define TABLE_AHEAD 32
#define RANK_AHEAD 24
/* pair sizes whose needed overlap is looked up (larger ones are computed) */
#define NEED_TABLE ((int64_t)1 << 22)

typedef struct { /* one posting list's entries still in reach of the size filter: lists[lo:end] (8 bytes: the
                   spans are read at random, one per probe; join refuses 2^32 or more entries) */
    uint32_t lo, end;
} Span;

typedef struct {
    int64_t *data;
    size_t len, cap;
} Out;

/* a candidate pair that passed the prefix-count bound, waiting for its merge: the probe loop keeps MERGE_AHEAD
   of them in a ring and merges the oldest as it adds one, so both rows are fetched while others are worked on
   (a probe rarely has more than one survivor: the prefetch within one probe's candidates came too late). At 1M
   2.63M pairs pass the prefix-count bound, 1.57M of them are dropped by the bucket bound, and of the 1.06M
   queued about 0.8M give up in the merge. */
#define MERGE_AHEAD 16
typedef struct {
    const uint32_t *a, *b;
    int64_t na, nb, tot, x, y;
} Pending;

static int out_push(Out *o, int64_t u, int64_t v, int64_t ov) {
    if (o->len + 3 > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 3 * 4096;
        int64_t *d = (int64_t *)realloc(o->data, cap * sizeof(int64_t));
        if (!d) return -1;
        o->data = d;
        o->cap = cap;
    }
    o->data[o->len++] = u;
    o->data[o->len++] = v;
    o->data[o->len++] = ov;
    return 0;
}

/* the set bits of a 4-bit mask (__builtin_popcount is a library call without -mpopcnt) */
static const uint8_t POP4[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};

/* |a & b| for two ascending rank rows (each without repeats), giving up (returning -1) once `need` cannot be
   reached (what is left of the shorter row cannot make it up). */
static int64_t merge_count(const uint32_t *a, int64_t na, const uint32_t *b, int64_t nb, int64_t need) {
    int64_t i = 0, j = 0, c = 0;
#ifdef __SSE2__
    /* blocks of 4 against 4 (SSE2, in every x86-64): each a-value is compared with the 4 b-values of the block
       (b rotated 4 ways), and the block whose last value is smaller moves on (both when equal). A common value v
       lies in one block of each row, and that pair of blocks is always met (a block moves on only past values
       below the other block's last one), so v is counted exactly once. */
    while (i + 4 <= na && j + 4 <= nb) {
        int64_t left = (na - i) < (nb - j) ? (na - i) : (nb - j);
        if (c + left < need) return -1;
        __m128i va = _mm_loadu_si128((const __m128i *)(a + i)), vb = _mm_loadu_si128((const __m128i *)(b + j));
        __m128i eq = _mm_cmpeq_epi32(va, vb);
        eq = _mm_or_si128(eq, _mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, _MM_SHUFFLE(0, 3, 2, 1))));
        eq = _mm_or_si128(eq, _mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, _MM_SHUFFLE(1, 0, 3, 2))));
        eq = _mm_or_si128(eq, _mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, _MM_SHUFFLE(2, 1, 0, 3))));
        c += POP4[_mm_movemask_ps(_mm_castsi128_ps(eq))];
        uint32_t amax = a[i + 3], bmax = b[j + 3];
        i += amax <= bmax ? 4 : 0;
        j += bmax <= amax ? 4 : 0;
    }
#endif
    while (i < na && j < nb) { /* branch-free steps: the comparisons are unpredictable */
        int64_t left = (na - i) < (nb - j) ? (na - i) : (nb - j);
        if (c + left < need) return -1;
        uint32_t x = a[i], y = b[j];
        c += x == y;
        i += x <= y;
        j += y <= x;
    }
    return c;
}

/* The bucket bound: an upper bound on |x & y| from the two texts' signatures (their shared ranks counted by
   rank % 16, 4 bits a bucket, 15 meaning 15 or more). A common rank lies in the same bucket of both rows, so a
   bucket holds at most min(cx, cy) of the common ranks; a saturated count is at least the other's when the other
   is not saturated, so min of the nibbles is still a bound; where both are saturated there is none (INT64_MAX).
   Exact: a pair it rejects has overlap < need, which the merge would reject too. */
static int64_t bucket_bound(uint64_t sx, uint64_t sy) {
#ifdef __SSE2__
    const __m128i low = _mm_set1_epi8(15);
    __m128i a = _mm_cvtsi64_si128((long long)sx), b = _mm_cvtsi64_si128((long long)sy);
    a = _mm_and_si128(_mm_unpacklo_epi8(a, _mm_srli_epi16(a, 4)), low); /* nibbles to bytes (order irrelevant) */
    b = _mm_and_si128(_mm_unpacklo_epi8(b, _mm_srli_epi16(b, 4)), low);
    __m128i m = _mm_min_epu8(a, b);
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(m, low))) return INT64_MAX;
    __m128i s = _mm_sad_epu8(m, _mm_setzero_si128());
    return (int64_t)_mm_cvtsi128_si32(s) + (int64_t)_mm_cvtsi128_si32(_mm_srli_si128(s, 8));
#else
    int64_t s = 0;
    for (int b = 0; b < 16; b++) {
        uint64_t cx = (sx >> (4 * b)) & 15, cy = (sy >> (4 * b)) & 15, m = cx < cy ? cx : cy;
        if (m == 15) return INT64_MAX;
        s += (int64_t)m;
    }
    return s;
#endif
}

/* a row's signature for bucket_bound */
static uint64_t bucket_sig(const uint32_t *r, int64_t len) {
    uint32_t cnt[16] = {0};
    for (int64_t e = 0; e < len; e++) cnt[r[e] & 15]++;
    uint64_t sig = 0;
    for (int b = 0; b < 16; b++) sig |= (uint64_t)(cnt[b] < 15 ? cnt[b] : 15) << (4 * b);
    return sig;
}

static int check(Py_buffer *b, Py_ssize_t itemsize, Py_ssize_t n, const char *name) {
    if (b->len != itemsize * n) {
        PyErr_Format(PyExc_ValueError, "_dupcore.join: %s has %zd bytes, expected %zd", name, b->len, itemsize * n);
        return -1;
    }
    return 0;
}

/* a queued pair's merge, the numpy path's float Jaccard test, and its triple (u < v) out if near; -1: no memory */
static int merge_pending(const Pending *p, double t, const int32_t *need_of, int64_t n_need, double need_f, double eps,
                         Out *out) {
    int64_t need = p->tot < n_need ? (int64_t)need_of[p->tot] : (int64_t)ceil(need_f * (double)p->tot - eps);
    int64_t ov = merge_count(p->a, p->na, p->b, p->nb, need);
    if (ov < 0) return 0;
    double jac = (double)ov / (double)(p->tot - ov); /* the numpy path's float test */
    if (!(jac >= t)) return 0;
    return out_push(out, p->x < p->y ? p->x : p->y, p->x < p->y ? p->y : p->x, ov);
}

static PyObject *join(PyObject *self, PyObject *args) {
    Py_buffer b_rank, b_off, b_npre, b_size, b_order, b_last, b_rest;
    double t, eps;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*dd", &b_rank, &b_off, &b_npre, &b_size, &b_order, &b_last,
                          &b_rest, &t, &eps))
        return NULL;
    PyObject *result = NULL;
    Py_buffer *bufs[7] = {&b_rank, &b_off, &b_npre, &b_size, &b_order, &b_last, &b_rest};
    Py_ssize_t n = b_size.len / 8;
    Py_ssize_t n_entries = b_rank.len / 4;
    if (check(&b_off, 8, n + 1, "off") || check(&b_npre, 8, n, "n_prefix") || check(&b_order, 8, n, "order") ||
        check(&b_last, 8, n, "last") || check(&b_rest, 8, n, "rest") || check(&b_rank, 4, n_entries, "rank"))
        goto done;
    if (n >= INT32_MAX || n_entries >= (Py_ssize_t)UINT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "_dupcore.join: too many texts or shingle entries");
        goto done;
    }
    const uint32_t *rank = (const uint32_t *)b_rank.buf;
    const int64_t *off = (const int64_t *)b_off.buf, *npre = (const int64_t *)b_npre.buf;
    const int64_t *size = (const int64_t *)b_size.buf, *order = (const int64_t *)b_order.buf;
    const int64_t *last = (const int64_t *)b_last.buf, *rest = (const int64_t *)b_rest.buf;
    for (Py_ssize_t x = 0; x < n; x++) { /* the rows must lie inside rank[] (no reads out of bounds) */
        if (off[x] < 0 || off[x] > off[x + 1] || off[x + 1] > n_entries || npre[x] < 0 ||
            npre[x] > off[x + 1] - off[x] || order[x] < 0 || order[x] >= n || size[x] < 0 || size[x] >= INT32_MAX ||
            off[x + 1] - off[x] > size[x]) {
            PyErr_SetString(PyExc_ValueError, "_dupcore.join: inconsistent offsets, prefixes or order");
            goto done;
        }
    }
    Out out = {NULL, 0, 0};
    int failed = 0;
    Py_BEGIN_ALLOW_THREADS
    uint32_t n_tok = 0;
    size_t total = 0;
    /* each text's index prefix: a partner y probed later is at least as large, so the overlap a near pair needs,
       ceil(t / (1 + t) * (|x| + |y|)), is at least ceil(2t / (1 + t) * |x|), and the first common shingle lies in
       the first |x| - ceil(2t / (1 + t) * |x|) + 1 shingles of x (fewer than its probe prefix: fewer entries).
       Private shingles come first in the order and are never common: only the shared part is indexed. */
    const double index_f = 2.0 * t / (1.0 + t);
    int64_t *nidx = (int64_t *)malloc(((size_t)n + 1) * sizeof(int64_t));
    uint64_t *sig_of = (uint64_t *)malloc(((size_t)n + 1) * sizeof(uint64_t));
    if (nidx && sig_of) {
        for (Py_ssize_t x = 0; x < n; x++) {
            int64_t n_i = 0;
            if (npre[x] > 0) {
                int64_t len = off[x + 1] - off[x];
                n_i = size[x] - (int64_t)ceil(index_f * (double)size[x] - eps) + 1 - (size[x] - len);
                n_i = n_i < 0 ? 0 : (n_i > npre[x] ? npre[x] : n_i);
            }
            nidx[x] = n_i;
            sig_of[x] = npre[x] ? bucket_sig(rank + off[x], off[x + 1] - off[x]) : 0; /* (rank read in order) */
            for (int64_t k = 0; k < npre[x]; k++) {
                uint32_t r = rank[off[x] + k];
                if (r + 1 > n_tok) n_tok = r + 1;
            }
            total += (size_t)n_i;
        }
    }
    /* the inverted index of index-prefix shingles: one list per rank, filled in size order as texts are probed;
       entries are positions in size order */
    Span *span = (Span *)table_alloc(((size_t)n_tok + 1) * sizeof(Span)); /* each list's live part */
    int64_t max_size = 0;
    for (Py_ssize_t x = 0; x < n; x++) max_size = size[x] > max_size ? size[x] : max_size;
    int64_t n_need = 2 * max_size + 1 < NEED_TABLE ? 2 * max_size + 1 : NEED_TABLE;
    int32_t *need_of = (int32_t *)malloc((size_t)n_need * sizeof(int32_t));
    const double need_f = t / (1.0 + t);
#define NEED(tot) ((tot) < n_need ? (int64_t)need_of[tot] : (int64_t)ceil(need_f * (double)(tot) - eps))
    int32_t *lists = (int32_t *)table_alloc((total ? total : 1) * sizeof(int32_t));
    int32_t *count = (int32_t *)table_alloc(((size_t)n + 1) * sizeof(int32_t));
    int32_t *touched = (int32_t *)malloc(((size_t)n + 1) * sizeof(int32_t));
    char *texts_mem = (char *)table_alloc(((size_t)n + 1) * sizeof(Text) + 64);
    Text *texts = texts_mem ? (Text *)(texts_mem + (64 - (uintptr_t)texts_mem % 64)) : NULL;
    Probe *probe = (Probe *)malloc(((size_t)n + 1) * sizeof(Probe));
    int64_t max_probe = 0;
    for (Py_ssize_t x = 0; x < n; x++) max_probe = npre[x] > max_probe ? npre[x] : max_probe;
    size_t e_cap = (size_t)max_probe > BLOCK_ENTRIES ? (size_t)max_probe : BLOCK_ENTRIES;
    uint32_t *e_rank = (uint32_t *)malloc(e_cap * sizeof(uint32_t)), *e_lo = (uint32_t *)malloc(e_cap * sizeof(uint32_t));
    uint32_t *e_end = (uint32_t *)malloc(e_cap * sizeof(uint32_t));
    if (!need_of || !nidx || !sig_of || !span || !lists || !count || !touched || !texts || !probe || !e_rank || !e_lo || !e_end) {
        failed = 1;
    } else {
        for (Py_ssize_t x = 0; x < n; x++)
            for (int64_t k = 0; k < nidx[x]; k++) span[rank[off[x] + k] + 1].end++; /* list sizes */
        for (uint32_t r = 0; r < n_tok; r++) span[r + 1].end += span[r].end; /* list starts */
        for (uint32_t r = 0; r <= n_tok; r++) span[r].lo = span[r].end;
        /* each text's facts by its position in size order (one cache line per candidate) */
        for (Py_ssize_t i = 0; i < n; i++) {
            int64_t x = order[i];
            texts[i].id = (int32_t)x;
            texts[i].off = (uint32_t)off[x];
            texts[i].sig = sig_of[x];
            texts[i].len = (int32_t)(off[x + 1] - off[x]);
            texts[i].size = (int32_t)size[x];
            probe[i].rest = rest[x];
            probe[i].last = last[x];
            probe[i].n_index = nidx[x];
            probe[i].n_probe = npre[x];
            texts[i].index_rest = (int32_t)(off[x + 1] - off[x] - nidx[x]); /* size - index prefix (its private part + nidx) */
            texts[i].index_last = nidx[x] ? rank[off[x] + nidx[x] - 1] : 0; /* (0: never read, not indexed) */
        }
        /* the overlap a pair of tot shingles in all needs, ceil(t / (1 + t) * tot - eps), as in the numpy path's
           bound; from a table up to the largest pair */
        for (int64_t tot = 0; tot < n_need; tot++) need_of[tot] = (int32_t)ceil(need_f * (double)tot - eps);
        Pending ring[MERGE_AHEAD];
        uint64_t n_pending = 0; /* survivors queued so far; the last min(n_pending, MERGE_AHEAD) are in the ring */
        Py_ssize_t min_pos = 0; /* the first position whose size the size filter allows beside the current x */
        for (Py_ssize_t i0 = 0, i1; i0 < n && !failed; i0 = i1) {
            /* pass A: a block of texts [i0, i1), their probe entries' ranks one after another (at least one text) */
            size_t ne = 0;
            for (i1 = i0; i1 < n && (i1 == i0 || ne + (size_t)probe[i1].n_probe <= BLOCK_ENTRIES); i1++) {
                if (i1 + ROW_AHEAD < n) PREFETCH(rank + texts[i1 + ROW_AHEAD].off);
                const uint32_t *px = rank + texts[i1].off;
                for (int64_t k = 0; k < probe[i1].n_probe; k++) e_rank[ne++] = px[k];
            }
            for (size_t e = 0; e < ne && e < PREFETCH_SPAN; e++) PREFETCH(&span[e_rank[e]]);
            /* pass B: each entry's list as the probe of its text finds it, the texts before it indexed (a text's
               index entries are appended as its entries are passed), and the list's head asked for */
            size_t e = 0;
            for (Py_ssize_t i = i0; i < i1; i++) {
                int64_t np_x = probe[i].n_probe, ni_x = probe[i].n_index;
                for (int64_t k = 0; k < np_x; k++, e++) {
                    if (e + PREFETCH_SPAN < ne) PREFETCH(&span[e_rank[e + PREFETCH_SPAN]]);
                    Span *sp = &span[e_rank[e]];
                    e_lo[e] = sp->lo;
                    e_end[e] = sp->end;
                    PREFETCH(&lists[sp->lo]);
                    if (k < ni_x) lists[sp->end++] = (int32_t)i;
                }
            }
            e = 0; /* pass C: the probes */
            for (Py_ssize_t i = i0; i < i1 && !failed; i++) {
                const Text *tx = &texts[i];
                const Probe *tp = &probe[i];
                int64_t x = tx->id;
                int64_t np_x = tp->n_probe;
                if (np_x == 0) continue;
                int64_t sx = tx->size;
                /* earlier texts too small for x: t * sx > sy, i.e. sx > floor(sy / t + eps); sizes only grow */
                while (min_pos < i && (double)sx > floor((double)texts[min_pos].size / t + eps)) min_pos++;
                const uint32_t *px = rank + tx->off;
                Py_ssize_t n_touched = 0;
                for (int64_t k = 0; k < np_x; k++, e++) {
                    size_t j = e_lo[e], end = e_end[e];
                    while (j < end && lists[j] < min_pos) j++;
                    if (j > e_lo[e]) span[e_rank[e]].lo = (uint32_t)j;
                    for (; j < end; j++) {
                        int32_t y = lists[j];
                        if (count[y]++ == 0) { /* a new candidate: its record is read in the bound below */
                            touched[n_touched++] = y;
                            PREFETCH(&texts[y]);
                        }
                    }
                }
                Py_ssize_t n_left = 0; /* the candidates that pass the prefix-count bound, in touched[:n_left] */
                for (Py_ssize_t q = 0; q < n_touched; q++) {
                    if (q + PREFETCH_SPAN < n_touched) PREFETCH(&texts[touched[q + PREFETCH_SPAN]]);
                    int32_t yi = touched[q];
                    int64_t c = count[yi];
                    count[yi] = 0;
                    const Text *ty = &texts[yi];
                    /* the prefix-count bound: common shingles past the prefix that ends first */
                    int64_t r_x = tp->rest, r_y = ty->index_rest, l_x = tp->last, l_y = ty->index_last;
                    int64_t more = l_x < l_y ? r_x : (l_y < l_x ? r_y : (r_x < r_y ? r_x : r_y));
                    int64_t need = NEED(sx + ty->size);
                    /* and the bucket bound (most pairs past the first bound fall short in the merge) */
                    if (c + more >= need && bucket_bound(tx->sig, ty->sig) >= need) touched[n_left++] = yi;
                }
                for (Py_ssize_t q = 0; q < n_left && !failed; q++) { /* the survivors, queued for their merges */
                    const Text *ty = &texts[touched[q]];
                    Pending *pd = &ring[n_pending % MERGE_AHEAD];
                    if (n_pending >= MERGE_AHEAD && merge_pending(pd, t, need_of, n_need, need_f, eps, &out)) failed = 1;
                    pd->a = px;
                    pd->na = tx->len;
                    pd->b = rank + ty->off;
                    pd->nb = ty->len;
                    pd->tot = sx + ty->size;
                    pd->x = x;
                    pd->y = ty->id;
                    PREFETCH(pd->b); /* the candidate's row (x's was just read; most merges give up in its first line) */
                    n_pending++;
                }
            }
        }
        /* the merges still queued, oldest first */
        uint64_t first = n_pending > MERGE_AHEAD ? n_pending - MERGE_AHEAD : 0;
        for (uint64_t q = first; q < n_pending && !failed; q++)
            if (merge_pending(&ring[q % MERGE_AHEAD], t, need_of, n_need, need_f, eps, &out)) failed = 1;
    }
    free(nidx);
    free(sig_of);
    free(need_of);
    free(span);
    free(lists);
    free(count);
    free(touched);
    free(texts_mem);
    free(probe);
    free(e_rank);
    free(e_lo);
    free(e_end);
    Py_END_ALLOW_THREADS
    if (failed) {
        free(out.data);
        PyErr_NoMemory();
        goto done;
    }
    result = PyBytes_FromStringAndSize((const char *)out.data, (Py_ssize_t)(out.len * sizeof(int64_t)));
    free(out.data);
done:
    for (int i = 0; i < 7; i++) PyBuffer_Release(bufs[i]);
    return result;
}

/* ---------------------------------------------------------------------------------------------- normalise
 * squeeze(data, offsets, lut, out, out_offsets, n_words, not_ascii) -> bytes used in out
 *   data        the texts' bytes (a large_string array's data buffer)
 *   offsets     int64[n+1]: text i is data[offsets[i]:offsets[i+1]] (absolute, non-decreasing)
 *   lut         uint8[256]: each ASCII byte's normalised form (lower case for a word character), 32 for a
 *               separator (duplicates._ASCII_WORD_LUT)
 *   out         writable uint8[>= offsets[n] - offsets[0]]: the normalised texts, back to back
 *   out_offsets writable int64[n+1], n_words writable int64[n], not_ascii writable uint8[n]
 * An ASCII text becomes its words (maximal runs of non-separators, mapped through lut) joined by single spaces.
 * A text with a byte >= 128 is normalised as Python's " ".join(re.findall(r"\w+", s.lower())): decoded, lowered
 * as str.lower does, its maximal runs of word characters (what re's \w matches in a str pattern:
 * Py_UNICODE_ISALNUM or '_') joined by single spaces, encoded back to UTF-8 (squeeze_utf8 in C, without the GIL;
 * squeeze_unicode with str.lower itself for the texts squeeze_utf8 leaves). Only where that text does not decode
 * or its words would not fit in out (lower case can take more bytes) is it left empty and flagged in not_ascii,
 * for the caller to normalise. The numpy path (duplicates._squeeze_ascii) gives the same bytes on ASCII texts.
 */

/* text (UTF-8, with a byte >= 128) normalised into out[0:cap]: the bytes written, its words in *nw; -1 when it
   does not decode or does not fit (the caller's Python does it). Needs the GIL. */
static int64_t squeeze_unicode(const uint8_t *p, int64_t len, uint8_t *out, int64_t cap, int64_t *nw) {
    PyObject *s = PyUnicode_DecodeUTF8((const char *)p, (Py_ssize_t)len, "strict");
    if (!s) {
        PyErr_Clear();
        return -1;
    }
    PyObject *low = PyObject_CallMethod(s, "lower", NULL);
    Py_DECREF(s);
    if (!low) {
        PyErr_Clear();
        return -1;
    }
    int kind = PyUnicode_KIND(low);
    const void *d = PyUnicode_DATA(low);
    Py_ssize_t n = PyUnicode_GET_LENGTH(low);
    int64_t o = 0, words = 0, in_word = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, d, i);
        /* (an ASCII character by its class here: Py_UNICODE_ISALNUM is several calls, and most characters of
           these texts are ASCII; for them it is exactly A-Z, a-z, 0-9) */
        int is_word = ch < 128 ? ((ch | 0x20) - 'a' < 26u || ch - '0' < 10u || ch == '_')
                               : Py_UNICODE_ISALNUM(ch);
        if (is_word) {
            if (!in_word) {
                if (words && o < cap) out[o++] = 32; /* (a full out is caught below) */
                words++;
            }
            uint8_t u[4];
            int m;
            if (ch < 0x80) {
                u[0] = (uint8_t)ch;
                m = 1;
            } else if (ch < 0x800) {
                u[0] = (uint8_t)(0xC0 | (ch >> 6));
                u[1] = (uint8_t)(0x80 | (ch & 0x3F));
                m = 2;
            } else if (ch < 0x10000) {
                if (ch >= 0xD800 && ch <= 0xDFFF) { /* a surrogate: not from valid UTF-8, leave it to Python */
                    Py_DECREF(low);
                    return -1;
                }
                u[0] = (uint8_t)(0xE0 | (ch >> 12));
                u[1] = (uint8_t)(0x80 | ((ch >> 6) & 0x3F));
                u[2] = (uint8_t)(0x80 | (ch & 0x3F));
                m = 3;
            } else {
                u[0] = (uint8_t)(0xF0 | (ch >> 18));
                u[1] = (uint8_t)(0x80 | ((ch >> 12) & 0x3F));
                u[2] = (uint8_t)(0x80 | ((ch >> 6) & 0x3F));
                u[3] = (uint8_t)(0x80 | (ch & 0x3F));
                m = 4;
            }
            if (o + m > cap) {
                Py_DECREF(low);
                return -1;
            }
            memcpy(out + o, u, (size_t)m);
            o += m;
        }
        in_word = is_word;
    }
    Py_DECREF(low);
    *nw = words;
    return o;
}
/* the same as squeeze_unicode without Python objects (so without the GIL): the text decoded here (well-formed
   UTF-8 only: what Python's strict decoder accepts), each character lowered by Py_UNICODE_TOLOWER (the simple
   mapping, which is str.lower's for every character but U+0130, whose full lower case is two characters, and
   U+03A3, which str.lower maps by its context: a text with either is left to squeeze_unicode), its words kept
   as there. -2 where it leaves the text to squeeze_unicode (those two characters, bytes that are not well-formed
   UTF-8, or words that would not fit in cap). */
/* the character whose UTF-8 encoding starts at p (a byte >= 0x80) into *ch: its length in bytes, or 0 where it is
   not well-formed (what Python's strict decoder refuses: a bad lead or continuation byte, an overlong form, a
   surrogate, past U+10FFFF, or cut off by end) */
static inline int64_t utf8_char(const uint8_t *p, const uint8_t *end, uint32_t *ch) {
    uint32_t c0 = *p, c1, c2, c3;
    int64_t left = end - p;
    if (c0 >= 0xC2 && c0 <= 0xDF) {
        if (left < 2 || ((c1 = p[1]) & 0xC0) != 0x80) return 0;
        *ch = ((c0 & 0x1F) << 6) | (c1 & 0x3F);
        return 2;
    }
    if (c0 >= 0xE0 && c0 <= 0xEF) {
        if (left < 3 || ((c1 = p[1]) & 0xC0) != 0x80 || ((c2 = p[2]) & 0xC0) != 0x80) return 0;
        if ((c0 == 0xE0 && c1 < 0xA0) || (c0 == 0xED && c1 > 0x9F)) return 0; /* overlong; surrogate */
        *ch = ((c0 & 0x0F) << 12) | ((c1 & 0x3F) << 6) | (c2 & 0x3F);
        return 3;
    }
    if (c0 >= 0xF0 && c0 <= 0xF4) {
        if (left < 4 || ((c1 = p[1]) & 0xC0) != 0x80 || ((c2 = p[2]) & 0xC0) != 0x80 || ((c3 = p[3]) & 0xC0) != 0x80)
            return 0;
        if ((c0 == 0xF0 && c1 < 0x90) || (c0 == 0xF4 && c1 > 0x8F)) return 0; /* overlong; past U+10FFFF */
        *ch = ((c0 & 0x07) << 18) | ((c1 & 0x3F) << 12) | ((c2 & 0x3F) << 6) | (c3 & 0x3F);
        return 4;
    }
    return 0;
}

static int64_t squeeze_utf8(const uint8_t *p, int64_t len, uint8_t *out, int64_t cap, int64_t *nw) {
    const uint8_t *end = p + len;
    int64_t o = 0, words = 0, in_word = 0;
    while (p < end) {
        uint32_t ch = *p;
        if (ch < 0x80) {
            p++;
        } else {
            int64_t n = utf8_char(p, end, &ch);
            if (!n) return -2;
            p += n;
        }
        int is_word;
        if (ch < 128) {
            ch |= (ch - 'A' < 26u) << 5;
            is_word = ch - 'a' < 26u || ch - '0' < 10u || ch == '_';
        } else {
            if (ch == 0x130 || ch == 0x3A3) return -2;
            ch = (uint32_t)Py_UNICODE_TOLOWER((Py_UCS4)ch);
            is_word = Py_UNICODE_ISALNUM((Py_UCS4)ch);
        }
        if (is_word) {
            if (!in_word) {
                if (words) {
                    if (o >= cap) return -2;
                    out[o++] = 32;
                }
                words++;
            }
            if (ch < 0x80) {
                if (o + 1 > cap) return -2;
                out[o++] = (uint8_t)ch;
            } else if (ch < 0x800) {
                if (o + 2 > cap) return -2;
                out[o++] = (uint8_t)(0xC0 | (ch >> 6));
                out[o++] = (uint8_t)(0x80 | (ch & 0x3F));
            } else if (ch < 0x10000) {
                if (o + 3 > cap || (ch >= 0xD800 && ch <= 0xDFFF)) return -2;
                out[o++] = (uint8_t)(0xE0 | (ch >> 12));
                out[o++] = (uint8_t)(0x80 | ((ch >> 6) & 0x3F));
                out[o++] = (uint8_t)(0x80 | (ch & 0x3F));
            } else {
                if (o + 4 > cap) return -2;
                out[o++] = (uint8_t)(0xF0 | (ch >> 18));
                out[o++] = (uint8_t)(0x80 | ((ch >> 12) & 0x3F));
                out[o++] = (uint8_t)(0x80 | ((ch >> 6) & 0x3F));
                out[o++] = (uint8_t)(0x80 | (ch & 0x3F));
            }
        }
        in_word = is_word;
    }
    *nw = words;
    return o;
}

/* the set bits of a 16-bit mask (no popcnt instruction in the baseline x86-64 build) */
static inline int64_t pop16(uint32_t x) {
    x = x - ((x >> 1) & 0x5555);
    x = (x & 0x3333) + ((x >> 2) & 0x3333);
    x = (x + (x >> 4)) & 0x0F0F;
    return (int64_t)((x + (x >> 8)) & 0x1F);
}

/* whether lut is duplicates._ASCII_WORD_LUT on ASCII (A-Z lowered; a-z, 0-9 and _ kept; any other byte below 128
   a separator, 32): then squeeze may take 16 bytes at a time (squeeze_block) */
static int lut_is_ascii_words(const uint8_t *lut) {
    for (int c = 0; c < 128; c++) {
        int want = c >= 'A' && c <= 'Z' ? c + 32 : ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') ? c
                                                                                                                 : 32;
        if (lut[c] != want) return 0;
    }
    return 1;
}

#ifdef __SSE2__
/* the ASCII loop of squeeze (below) 16 bytes at a time, for the standard lut: the same bytes written, words
   counted and in_word carried as the byte loop, while 16 more bytes remain and all are ASCII (the byte loop
   then takes over where it stopped). A block is mapped by comparisons (SSE2); its kept bytes (word bytes and
   the first separator after a word) are stored at once when all are kept, else each 8-byte half with its
   dropped bytes taken out by shifts (a dropped byte is a separator after a separator: one or two per block
   where punctuation meets a space). Writes stay inside what the input has consumed (16 bytes per 16). */
static inline const uint8_t *squeeze_block(const uint8_t *q, const uint8_t *q_end, uint8_t **wp, int64_t *nw,
                                           int64_t *in_word) {
    uint8_t *w = *wp;
    uint32_t carry = (uint32_t)*in_word;
    int64_t words = 0;
    const __m128i sp = _mm_set1_epi8(32);
    while (q_end - q >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)q);
        if (_mm_movemask_epi8(v)) break; /* a byte >= 128 */
        __m128i up = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
        __m128i lo = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('z' + 1)));
        __m128i dg = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
        __m128i wd = _mm_or_si128(_mm_or_si128(up, lo), _mm_or_si128(dg, _mm_cmpeq_epi8(v, _mm_set1_epi8('_'))));
        __m128i m = _mm_or_si128(_mm_and_si128(wd, _mm_or_si128(v, _mm_and_si128(up, sp))), _mm_andnot_si128(wd, sp));
        uint32_t wm = (uint32_t)_mm_movemask_epi8(wd);
        uint32_t prev = ((wm << 1) | carry) & 0xFFFF; /* bit i: byte i - 1 is a word byte */
        uint32_t keep = wm | prev;
        words += pop16(wm & ~prev);
        carry = wm >> 15;
        if (keep == 0xFFFF) {
            _mm_storeu_si128((__m128i *)w, m);
            w += 16;
        } else {
            uint64_t half[2];
            _mm_storeu_si128((__m128i *)half, m);
            for (int k = 0; k < 2; k++) {
                uint32_t drop = (~keep >> (8 * k)) & 0xFF;
                uint64_t x = half[k];
                int64_t kept = 8 - pop16(drop);
                while (drop) { /* the highest dropped byte out first: the lower ones keep their places */
                    int d = 31 - __builtin_clz(drop);
                    uint64_t below = d ? ~0ULL >> (64 - 8 * d) : 0;
                    x = (x & below) | ((x >> 8) & ~below);
                    drop &= ~(1u << d);
                }
                memcpy(w, &x, 8);
                w += kept;
            }
        }
        q += 16;
    }
    *wp = w;
    *nw += words;
    *in_word = carry;
    return q;
}
#endif

#if defined(HAVE_AVX2_PATH) && defined(__SSE2__)
#define HAVE_SQUEEZE_SSSE3 1
/* squeeze_block with SSSE3 and POPCNT (where the CPU has them, as nearly every x86-64 does): the same bytes
   written, words counted and in_word carried, but each 8-byte half's kept bytes are moved together by one
   shuffle (SQUEEZE_SHUF: for each 8-bit keep mask, the kept bytes' places in order, then 0x80s that give zeros)
   instead of shifting out each dropped byte, and both halves are stored every time: no branch on the bytes (a
   quarter of the blocks drop a byte where punctuation meets a space, at random) */
static uint8_t SQUEEZE_SHUF[256][8];

static void squeeze_shuf_init(void) {
    for (int k = 0; k < 256; k++) {
        int n = 0;
        for (int b = 0; b < 8; b++)
            if (k >> b & 1) SQUEEZE_SHUF[k][n++] = (uint8_t)b;
        while (n < 8) SQUEEZE_SHUF[k][n++] = 0x80;
    }
}

__attribute__((target("ssse3,popcnt"))) static const uint8_t *squeeze_block_ssse3(const uint8_t *q,
                                                                                    const uint8_t *q_end,
                                                                                    uint8_t **wp, int64_t *nw,
                                                                                    int64_t *in_word) {
    uint8_t *w = *wp;
    uint32_t carry = (uint32_t)*in_word;
    int64_t words = 0;
    const __m128i sp = _mm_set1_epi8(32), eight = _mm_set_epi64x(0x0808080808080808LL, 0);
    while (q_end - q >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)q);
        if (_mm_movemask_epi8(v)) break; /* a byte >= 128 */
        __m128i up = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
        __m128i lo = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('z' + 1)));
        __m128i dg = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
        __m128i wd = _mm_or_si128(_mm_or_si128(up, lo), _mm_or_si128(dg, _mm_cmpeq_epi8(v, _mm_set1_epi8('_'))));
        __m128i m = _mm_or_si128(_mm_and_si128(wd, _mm_or_si128(v, _mm_and_si128(up, sp))), _mm_andnot_si128(wd, sp));
        uint32_t wm = (uint32_t)_mm_movemask_epi8(wd);
        uint32_t prev = ((wm << 1) | carry) & 0xFFFF; /* bit i: byte i - 1 is a word byte */
        uint32_t keep = wm | prev, klo = keep & 0xFF, khi = keep >> 8;
        words += _mm_popcnt_u32(wm & ~prev);
        carry = wm >> 15;
        __m128i sh = _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)SQUEEZE_SHUF[klo]),
                                        _mm_loadl_epi64((const __m128i *)SQUEEZE_SHUF[khi]));
        __m128i c = _mm_shuffle_epi8(m, _mm_add_epi8(sh, eight)); /* (0x80 + 8 is still a zero) */
        _mm_storel_epi64((__m128i *)w, c);
        w += _mm_popcnt_u32(klo);
        _mm_storel_epi64((__m128i *)w, _mm_unpackhi_epi64(c, c));
        w += _mm_popcnt_u32(khi);
        q += 16;
    }
    *wp = w;
    *nw += words;
    *in_word = carry;
    return q;
}
#endif

/* one non-ASCII character at *qp (a byte >= 128) the way the ASCII loop of squeeze (below) takes a byte, and as
   squeeze_utf8 reads it: decoded, lowered by Py_UNICODE_TOLOWER; a word character (Py_UNICODE_ISALNUM) has its
   lower case written in UTF-8, any other the one space that ends a word. So a text with a few non-ASCII
   characters stays in the ASCII loop instead of going again from its start through squeeze_utf8 byte by byte.
   The output must stay behind the input (out0 + k for the input in0 + k read; the ASCII loop's stores rely on it
   and out has no more room): a character whose lower case takes more bytes than it does there is not taken.
   0, or -1 (nothing written) where the character is not taken: not well-formed, U+0130 or U+03A3 (see
   squeeze_utf8), no room, or a surrogate after lowering; the text then goes the slow way from its start. */
static inline int squeeze_char(const uint8_t **qp, const uint8_t *q_end, uint8_t **wp, int64_t *nw,
                               int64_t *in_word, const uint8_t *in0, const uint8_t *out0) {
    uint32_t ch;
    int64_t n = utf8_char(*qp, q_end, &ch);
    if (!n || ch == 0x130 || ch == 0x3A3) return -1;
    ch = (uint32_t)Py_UNICODE_TOLOWER((Py_UCS4)ch);
    int word = Py_UNICODE_ISALNUM((Py_UCS4)ch) != 0;
    int64_t len = !word ? *in_word != 0 : ch < 0x80 ? 1 : ch < 0x800 ? 2 : ch < 0x10000 ? 3 : 4;
    uint8_t *w = *wp;
    if ((w - out0) + len > (*qp + n) - in0 || (ch >= 0xD800 && ch <= 0xDFFF)) return -1;
    if (!word) {
        if (len) *w++ = 32;
    } else if (len == 1) {
        *w++ = (uint8_t)ch;
    } else if (len == 2) {
        *w++ = (uint8_t)(0xC0 | (ch >> 6));
        *w++ = (uint8_t)(0x80 | (ch & 0x3F));
    } else if (len == 3) {
        *w++ = (uint8_t)(0xE0 | (ch >> 12));
        *w++ = (uint8_t)(0x80 | ((ch >> 6) & 0x3F));
        *w++ = (uint8_t)(0x80 | (ch & 0x3F));
    } else {
        *w++ = (uint8_t)(0xF0 | (ch >> 18));
        *w++ = (uint8_t)(0x80 | ((ch >> 12) & 0x3F));
        *w++ = (uint8_t)(0x80 | ((ch >> 6) & 0x3F));
        *w++ = (uint8_t)(0x80 | (ch & 0x3F));
    }
    *nw += word && !*in_word;
    *in_word = word;
    *wp = w;
    *qp += n;
    return 0;
}

static PyObject *squeeze(PyObject *self, PyObject *args) {
    Py_buffer b_data, b_off, b_lut, b_out, b_new, b_nw, b_na;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*y*w*w*w*w*", &b_data, &b_off, &b_lut, &b_out, &b_new, &b_nw, &b_na)) return NULL;
    PyObject *result = NULL;
    Py_buffer *bufs[7] = {&b_data, &b_off, &b_lut, &b_out, &b_new, &b_nw, &b_na};
    Py_ssize_t n = b_off.len / 8 - 1;
    if (n < 0 || b_lut.len != 256 || check(&b_new, 8, n + 1, "out_offsets") || check(&b_nw, 8, n, "n_words") ||
        check(&b_na, 1, n, "not_ascii"))
        goto done;
    const int64_t *off = (const int64_t *)b_off.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (off[i] < 0 || off[i] > off[i + 1] || off[i + 1] > b_data.len) {
            PyErr_SetString(PyExc_ValueError, "_dupcore.squeeze: offsets outside the data");
            goto done;
        }
    }
    if (n > 0 && b_out.len < off[n] - off[0]) {
        PyErr_SetString(PyExc_ValueError, "_dupcore.squeeze: out is too small");
        goto done;
    }
    const uint8_t *data = (const uint8_t *)b_data.buf, *lut = (const uint8_t *)b_lut.buf;
    uint8_t *out = (uint8_t *)b_out.buf, *not_ascii = (uint8_t *)b_na.buf;
    int64_t *new_off = (int64_t *)b_new.buf, *n_words = (int64_t *)b_nw.buf;
    int64_t o = 0;
    int blocks = lut_is_ascii_words(lut);
#ifdef HAVE_SQUEEZE_SSSE3
    __builtin_cpu_init();
    if (blocks && __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("popcnt")) blocks = 2;
#endif
    Py_BEGIN_ALLOW_THREADS
    new_off[0] = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t start = o, nw = 0;
        int64_t in_word = 0, bad = 0;
        /* branch-free but for the rare non-ASCII byte: every word byte is written, and the first separator after a
           word (lut gives 32, a space, for every separator); a text's trailing space is taken back below. One store
           and one add on o per byte (o's chain does not wait on the byte's class) */
        const uint8_t *q = data + off[i], *q_end = data + off[i + 1];
        uint8_t *w = out + o;
        for (;;) {
#ifdef __SSE2__
#ifdef HAVE_SQUEEZE_SSSE3
            if (blocks == 2) q = squeeze_block_ssse3(q, q_end, &w, &nw, &in_word);
            else
#endif
                if (blocks) q = squeeze_block(q, q_end, &w, &nw, &in_word);
#endif
            for (; q < q_end; q++) {
                uint8_t c = *q;
                if (c >= 128) {
                    bad = 1;
                    break;
                }
                uint8_t m = lut[c];
                int64_t is_word = m != 32;
                *w = m;
                w += is_word | in_word;
                nw += is_word & !in_word;
                in_word = is_word;
            }
            /* a non-ASCII character, under the standard lut: taken in place (squeeze_char), else the whole text
               the slow way below */
            if (!bad || !blocks || squeeze_char(&q, q_end, &w, &nw, &in_word, data + off[0], out)) break;
            bad = 0;
        }
        o = w - out;
        if (o > start && out[o - 1] == 32) o--; /* (a word byte is never 32) */
        if (bad) { /* Python's own lower case and \\w, in at most the input bytes read so far: the output never
                      gets ahead of the input, so the ASCII loop's writes stay inside out */
            int64_t used = squeeze_utf8(data + off[i], off[i + 1] - off[i], out + start,
                                        off[i + 1] - off[0] - start, &nw);
            if (used == -2) {
                Py_BLOCK_THREADS
                used = squeeze_unicode(data + off[i], off[i + 1] - off[i], out + start,
                                       off[i + 1] - off[0] - start, &nw);
                Py_UNBLOCK_THREADS
            }
            if (used < 0) {
                o = start;
                nw = 0;
            } else {
                o = start + used;
                bad = 0;
            }
        }
        not_ascii[i] = (uint8_t)bad;
        n_words[i] = nw;
        new_off[i + 1] = o;
    }
    Py_END_ALLOW_THREADS
    result = PyLong_FromLongLong((long long)o);
done:
    for (int i = 0; i < 7; i++) PyBuffer_Release(bufs[i]);
    return result;
}

/* ------------------------------------------------------------------------------------------ shingle table
 * table(h, n_sh, slot_of, size, private) -> (hashes, df)
 *   h        uint64[N]  shingle hashes, text by text (n_sh[x] of text x)
 *   slot_of  writable int32[N]: each occurrence's token (dense ids in order of first appearance), -1 for a repeat
 *            of a shingle earlier in the same text
 *   size     writable int64[n]: distinct shingles per text; private: those no other text has
 *   returns the tokens' hashes (bytes of uint64) and document frequencies (bytes of int32)
 * The same grouping as duplicates._token_runs + the document-frequency step (equal full 64-bit hashes are one
 * token), by an open-addressing hash table instead of a sort. tokens() (below) builds the same table straight
 * from the texts, without the hashes array.
 */
typedef struct { /* a token: its hash, dense id, the texts that hold it (df 0: an empty slot; 16 bytes: the document
                   frequency is counted in the cache line the probe has just fetched) */
    uint64_t hash;
    int32_t id, df;
} Slot;

typedef struct { /* the token table, and the tokens seen in the current text (repeats inside a text count once) */
    Slot *slots;
    int bits;
    int64_t n_tok;
    uint64_t *seen; /* (text + 1) << 32 | token: an entry of another text is free (no clearing between texts) */
    int seen_bits;
    int32_t *first; /* by id: the text the token first appeared in (written in id order; room for the table's
                       3/4 + 2 tokens) */
} Tab;

static inline size_t slot_index(uint64_t h, int bits) { return (size_t)((h * 0x9E3779B97F4A7C15ULL) >> (64 - bits)); }

/* max_count: the most occurrences one text has (sizes the set of the current text's tokens); total: all the
   occurrences. The table starts with room for total / TAB_START_SHARE tokens (at most 3/4 full), so that it
   rarely grows (each growth rehashes every token at random and memsets a new table: at 1M, 61.6M occurrences
   and 2.9M tokens, it started at 2^16 slots and grew six times to 2^22; the numbering does not depend on it) */
#define TAB_START_SHARE 32
static int tab_init(Tab *t, int64_t max_count, int64_t total) {
    t->bits = 16;
    while (t->bits < 30 && 3 * ((int64_t)1 << t->bits) / 4 < total / TAB_START_SHARE) t->bits++;
    t->n_tok = 0;
    t->seen_bits = 6;
    while (((int64_t)1 << t->seen_bits) < 2 * max_count + 2) t->seen_bits++;
    t->slots = (Slot *)table_alloc(((size_t)1 << t->bits) * sizeof(Slot));
    t->seen = (uint64_t *)calloc((size_t)1 << t->seen_bits, sizeof(uint64_t));
    t->first = (int32_t *)malloc((3 * ((size_t)1 << t->bits) / 4 + 2) * sizeof(int32_t));
    if (!t->slots || !t->seen || !t->first) return -1;
    return 0;
}

static void tab_free(Tab *t) {
    free(t->slots);
    free(t->seen);
    free(t->first);
    t->slots = NULL;
    t->seen = NULL;
    t->first = NULL;
}

static int tab_grow(Tab *t) {
    int nb = t->bits + 1;
    size_t cap = (size_t)1 << nb, mask = cap - 1, old = (size_t)1 << t->bits;
    Slot *ns = (Slot *)table_alloc(cap * sizeof(Slot));
    if (!ns) return -1;
    int32_t *nf = (int32_t *)realloc(t->first, (3 * cap / 4 + 2) * sizeof(int32_t));
    if (!nf) {
        free(ns);
        return -1;
    }
    t->first = nf;
    for (size_t k = 0; k < old; k++) {
        if (t->slots[k].df == 0) continue;
        size_t j = slot_index(t->slots[k].hash, nb);
        while (ns[j].df) j = (j + 1) & mask;
        ns[j] = t->slots[k];
    }
    free(t->slots);
    t->slots = ns;
    t->bits = nb;
    return 0;
}

static inline void tab_prefetch(const Tab *t, uint64_t hv) { PREFETCH(&t->slots[slot_index(hv, t->bits)]); }

/* whether token id was seen in text x already (else it is noted): a small open-addressing set, in cache */
static inline int seen_before(Tab *t, int32_t id, int32_t x) {
    uint64_t stamp = (uint64_t)(uint32_t)(x + 1) << 32, key = stamp | (uint32_t)id;
    size_t mask = ((size_t)1 << t->seen_bits) - 1;
    size_t j = (size_t)(((uint64_t)(uint32_t)id * 0x9E3779B97F4A7C15ULL) >> (64 - t->seen_bits));
    for (;;) {
        uint64_t v = t->seen[j];
        if (v == key) return 1;
        if ((v & 0xFFFFFFFF00000000ULL) != stamp) { /* free: another text's entry, or never used */
            t->seen[j] = key;
            return 0;
        }
        j = (j + 1) & mask;
    }
}

/* occurrence of hv in text x: its token id, or -1 for a repeat inside text x; -2 when out of memory. The
   occurrences of a text must come together (its set of seen tokens is forgotten at the next text), and a text
   must not have more occurrences than tab_init's max_count. */
static inline int32_t tab_add(Tab *t, uint64_t hv, int32_t x) {
    size_t mask = ((size_t)1 << t->bits) - 1, j = slot_index(hv, t->bits);
    while (t->slots[j].df && t->slots[j].hash != hv) j = (j + 1) & mask;
    Slot *sl = &t->slots[j];
    if (sl->df) {
        if (seen_before(t, sl->id, x)) return -1; /* a repeat inside this text */
        sl->df++;
        return sl->id;
    }
    int32_t id = (int32_t)t->n_tok++; /* a new token */
    sl->hash = hv;
    sl->id = id;
    sl->df = 1;
    t->first[id] = x;
    seen_before(t, id, x);
    /* at most 3/4 full (linear probing: ~1.6 slots read per hit, in one or two cache lines; a smaller table has
       fewer cache and TLB misses than a sparser one) */
    if (4 * (size_t)t->n_tok > 3 * ((size_t)1 << t->bits) && tab_grow(t)) return -2;
    return id;
}

/* the table's result: (hashes by id as bytes of uint64, df by id as bytes of int32); the private shingles per
   text (priv[0:n]): a token only one text holds is in the text it first appeared in, so they are counted over
   the tokens (one pass in id order) instead of over every occurrence. The caller has counted size (each text's
   distinct shingles: its occurrences that got an id). Frees the table. NULL (an exception set) when out of
   memory. */
static PyObject *tab_finish(Tab *t, Py_ssize_t n, int64_t *priv) {
    PyObject *hb = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(t->n_tok * 8));
    PyObject *db = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(t->n_tok * 4));
    PyObject *result = NULL;
    /* the tokens' hashes and frequencies are written by id, at random: both in table_alloc memory first (huge
       pages), copied into the bytes at the end */
    uint64_t *hashes = hb && db ? (uint64_t *)table_alloc((size_t)t->n_tok * 8) : NULL;
    int32_t *df = hashes ? (int32_t *)table_alloc((size_t)t->n_tok * 4) : NULL;
    if (hb && db && !df) PyErr_NoMemory();
    if (df) {
        for (size_t k = 0; k < ((size_t)1 << t->bits); k++) {
            if (t->slots[k].df == 0) continue;
            int32_t id = t->slots[k].id;
            hashes[id] = t->slots[k].hash;
            df[id] = t->slots[k].df;
        }
        free(t->slots);
        t->slots = NULL;
        Py_BEGIN_ALLOW_THREADS
        memset(priv, 0, (size_t)n * sizeof(int64_t));
        for (int64_t id = 0; id < t->n_tok; id++) priv[t->first[id]] += df[id] == 1;
        memcpy(PyBytes_AS_STRING(hb), hashes, (size_t)t->n_tok * 8);
        memcpy(PyBytes_AS_STRING(db), df, (size_t)t->n_tok * 4);
        Py_END_ALLOW_THREADS
        result = PyTuple_Pack(2, hb, db);
    }
    free(hashes);
    free(df);
    Py_XDECREF(hb);
    Py_XDECREF(db);
    tab_free(t);
    return result;
}

static PyObject *table(PyObject *self, PyObject *args) {
    Py_buffer b_h, b_nsh, b_slot, b_size, b_priv;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*w*w*w*", &b_h, &b_nsh, &b_slot, &b_size, &b_priv)) return NULL;
    PyObject *result = NULL;
    Py_buffer *bufs[5] = {&b_h, &b_nsh, &b_slot, &b_size, &b_priv};
    Py_ssize_t N = b_h.len / 8, n = b_nsh.len / 8;
    if (check(&b_slot, 4, N, "slot_of") || check(&b_size, 8, n, "size") || check(&b_priv, 8, n, "private"))
        goto done;
    const uint64_t *h = (const uint64_t *)b_h.buf;
    const int64_t *n_sh = (const int64_t *)b_nsh.buf;
    int64_t total = 0;
    for (Py_ssize_t x = 0; x < n; x++) {
        if (n_sh[x] < 0) break;
        total += n_sh[x];
    }
    if (total != N || N >= INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "_dupcore.table: shingle counts do not add up to the hashes (or too many)");
        goto done;
    }
    int32_t *slot_of = (int32_t *)b_slot.buf;
    int failed = 0;
    int64_t max_count = 0;
    for (Py_ssize_t x = 0; x < n; x++) max_count = n_sh[x] > max_count ? n_sh[x] : max_count;
    Tab t;
    if (tab_init(&t, max_count, N)) {
        tab_free(&t);
        PyErr_NoMemory();
        goto done;
    }
    int64_t *size = (int64_t *)b_size.buf;
    Py_BEGIN_ALLOW_THREADS
    int64_t e = 0;
    for (Py_ssize_t x = 0; x < n && !failed; x++) {
        int64_t sz = 0;
        for (int64_t q = 0; q < n_sh[x]; q++, e++) {
            if (e + TABLE_AHEAD < N) tab_prefetch(&t, h[e + TABLE_AHEAD]);
            int32_t id = tab_add(&t, h[e], (int32_t)x);
            if (id == -2) {
                failed = 1;
                break;
            }
            slot_of[e] = id;
            sz += id >= 0;
        }
        size[x] = sz;
    }
    Py_END_ALLOW_THREADS
    if (failed) {
        tab_free(&t);
        PyErr_NoMemory();
        goto done;
    }
    result = tab_finish(&t, n, (int64_t *)b_priv.buf);
done:
    for (int i = 0; i < 5; i++) PyBuffer_Release(bufs[i]);
    return result;
}

/* A set of ranks below 2**30 as three levels of bitmaps (bit r of level 0, bit r >> 6 of level 1, bit r >> 12
   of level 2): a text's distinct ranks are put in and read back in ascending order, each level's set words found
   from the level above (about one word per rank at each level; no comparisons, so nothing to mispredict, where a
   comparison sort of a text's ~80 ranks mispredicted or waited on its previous step at every one). Reading
   clears the words it visits, so the set is empty again for the next text. */
typedef struct {
    uint64_t *l0, *l1, *l2;
    int64_t n2;
} RankSet;

static int rankset_init(RankSet *s, int64_t n_ranks) {
    int64_t n0 = (n_ranks >> 6) + 1, n1 = (n0 >> 6) + 1;
    s->n2 = (n1 >> 6) + 1;
    s->l0 = (uint64_t *)calloc((size_t)n0, sizeof(uint64_t));
    s->l1 = (uint64_t *)calloc((size_t)n1, sizeof(uint64_t));
    s->l2 = (uint64_t *)calloc((size_t)s->n2, sizeof(uint64_t));
    return s->l0 && s->l1 && s->l2 ? 0 : -1;
}

static void rankset_free(RankSet *s) {
    free(s->l0);
    free(s->l1);
    free(s->l2);
}

static inline void rankset_add(RankSet *s, uint32_t r) {
    s->l0[r >> 6] |= (uint64_t)1 << (r & 63);
    s->l1[r >> 12] |= (uint64_t)1 << ((r >> 6) & 63);
    s->l2[r >> 18] |= (uint64_t)1 << ((r >> 12) & 63);
}

/* the set's ranks into out, ascending; the set is left empty. Returns how many. */
static int64_t rankset_take(RankSet *s, uint32_t *out) {
    int64_t w = 0;
    for (int64_t i2 = 0; i2 < s->n2; i2++) {
        uint64_t m2 = s->l2[i2];
        if (!m2) continue;
        s->l2[i2] = 0;
        while (m2) {
            int64_t i1 = (i2 << 6) | __builtin_ctzll(m2);
            m2 &= m2 - 1;
            uint64_t m1 = s->l1[i1];
            s->l1[i1] = 0;
            while (m1) {
                int64_t i0 = (i1 << 6) | __builtin_ctzll(m1);
                m1 &= m1 - 1;
                uint64_t m0 = s->l0[i0];
                s->l0[i0] = 0;
                while (m0) {
                    out[w++] = (uint32_t)((i0 << 6) | __builtin_ctzll(m0));
                    m0 &= m0 - 1;
                }
            }
        }
    }
    return w;
}

/* A short row (SMALL_SPAN ranks or fewer) is sorted by counting instead of through the RankSet: each rank's
   place is the number of the row's ranks below it (the ranks are distinct), counted for 32 ranks at once with
   AVX2 compares (n * n / 8 compares a row, no branches; about a third of the RankSet's time on rows of ~70 ranks,
   while the RankSet's walk does not depend on the row's length and wins on long rows). Where the CPU has no
   AVX2 (or SMALL_SPAN is 0) every row goes through the RankSet. */
#define SMALL_SPAN 128
#ifdef HAVE_AVX2_PATH
/* a[0:n] distinct ranks below 2^30 (a.len >= n rounded up to a multiple of 32; the lanes past n are compared
   but neither counted nor written): each written to out[its place]. Returns the sum of the places,
   n (n - 1) / 2 exactly when the ranks are distinct (an equal pair shares a place: the sum is smaller). */
__attribute__((target("avx2"))) static int64_t count_sort_avx2(const int32_t *a, int64_t n, uint32_t *out) {
    int64_t total = 0;
    for (int64_t ib = 0; ib < n; ib += 32) {
        __m256i v0 = _mm256_loadu_si256((const __m256i *)(a + ib));
        __m256i v1 = _mm256_loadu_si256((const __m256i *)(a + ib + 8));
        __m256i v2 = _mm256_loadu_si256((const __m256i *)(a + ib + 16));
        __m256i v3 = _mm256_loadu_si256((const __m256i *)(a + ib + 24));
        __m256i c0 = _mm256_setzero_si256(), c1 = c0, c2 = c0, c3 = c0;
        for (int64_t j = 0; j < n; j++) {
            __m256i b = _mm256_set1_epi32(a[j]);
            c0 = _mm256_sub_epi32(c0, _mm256_cmpgt_epi32(v0, b));
            c1 = _mm256_sub_epi32(c1, _mm256_cmpgt_epi32(v1, b));
            c2 = _mm256_sub_epi32(c2, _mm256_cmpgt_epi32(v2, b));
            c3 = _mm256_sub_epi32(c3, _mm256_cmpgt_epi32(v3, b));
        }
        int32_t place[32];
        _mm256_storeu_si256((__m256i *)place, c0);
        _mm256_storeu_si256((__m256i *)(place + 8), c1);
        _mm256_storeu_si256((__m256i *)(place + 16), c2);
        _mm256_storeu_si256((__m256i *)(place + 24), c3);
        int64_t m = n - ib < 32 ? n - ib : 32;
        for (int64_t k = 0; k < m; k++) {
            out[place[k]] = (uint32_t)a[ib + k];
            total += place[k];
        }
    }
    return total;
}
#endif

/* text_ranks(slot_of, n_sh, rank_of, off, t_rank): each text's shared tokens' ranks (rank_of[token] >= 0),
 * ascending (read back from a RankSet), into t_rank[off[x]:off[x + 1]]; a text whose span is empty is skipped
 * (not live). t_rank may be the memory of slot_of itself (written in place: a text's span never starts after its
 * first occurrence, and its ranks are written once all its occurrences are read). A token at or past rank_of's
 * end raises ValueError where it is read, before rank_of is (the texts before it are written by then; the
 * occurrences of a text with an empty span are not read): no pass over all of slot_of first (246 MB at 1M). */
static PyObject *text_ranks(PyObject *self, PyObject *args) {
    Py_buffer b_slot, b_nsh, b_rank_of, b_off, b_out;
    Py_ssize_t small = SMALL_SPAN; /* (optional: rows this long or shorter are sorted by counting; 0: none) */
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*y*y*w*|n", &b_slot, &b_nsh, &b_rank_of, &b_off, &b_out, &small)) return NULL;
    PyObject *result = NULL;
    Py_buffer *bufs[5] = {&b_slot, &b_nsh, &b_rank_of, &b_off, &b_out};
#ifdef HAVE_AVX2_PATH
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2")) small = 0;
#else
    small = 0;
    (void)small;
#endif
    if (small < 0) small = 0;
    if (small > SMALL_SPAN) small = SMALL_SPAN;
    Py_ssize_t N = b_slot.len / 4, n = b_nsh.len / 8, n_tok = b_rank_of.len / 4, E = b_out.len / 4;
    if (check(&b_off, 8, n + 1, "off")) goto done;
    const int32_t *slot_of = (const int32_t *)b_slot.buf, *rank_of = (const int32_t *)b_rank_of.buf;
    const int64_t *n_sh = (const int64_t *)b_nsh.buf, *off = (const int64_t *)b_off.buf;
    uint32_t *out = (uint32_t *)b_out.buf;
    int64_t total = 0;
    for (Py_ssize_t x = 0; x < n; x++) total += n_sh[x] > 0 ? n_sh[x] : 0;
    if (total != N || off[0] != 0 || off[n] != E) {
        PyErr_SetString(PyExc_ValueError, "_dupcore.text_ranks: inconsistent counts or offsets");
        goto done;
    }
    int64_t first = 0; /* each text's first occurrence */
    for (Py_ssize_t x = 0; x < n; x++) {
        if (off[x] > off[x + 1] || (off[x] < off[x + 1] && off[x] > first)) {
            PyErr_SetString(PyExc_ValueError, "_dupcore.text_ranks: a span starts after its text's shingles");
            goto done;
        }
        first += n_sh[x];
    }
    /* out and slot_of: the same memory or apart (a partial overlap could overwrite unread occurrences) */
    const char *o0 = (const char *)b_out.buf, *s0 = (const char *)b_slot.buf;
    if (o0 != s0 && o0 < s0 + b_slot.len && s0 < o0 + b_out.len) {
        PyErr_SetString(PyExc_ValueError, "_dupcore.text_ranks: t_rank overlaps slot_of but does not start with it");
        goto done;
    }
    int64_t n_ranks = 0;
    for (Py_ssize_t k = 0; k < n_tok; k++) n_ranks = rank_of[k] >= n_ranks ? (int64_t)rank_of[k] + 1 : n_ranks;
    if (n_ranks >= ((int64_t)1 << 30)) {
        PyErr_SetString(PyExc_ValueError, "_dupcore.text_ranks: ranks too large");
        goto done;
    }
    RankSet set;
    /* rank_of is read at random (once per occurrence): a copy in table_alloc memory (huge pages) */
    int32_t *rank_copy = (int32_t *)table_alloc((size_t)n_tok * 4);
    if (rankset_init(&set, n_ranks) || !rank_copy) {
        rankset_free(&set);
        free(rank_copy);
        PyErr_NoMemory();
        goto done;
    }
    memcpy(rank_copy, rank_of, (size_t)n_tok * 4);
    rank_of = rank_copy;
    int bad = 0;
    Py_BEGIN_ALLOW_THREADS
    int64_t e = 0;
    for (Py_ssize_t x = 0; x < n && !bad; x++) {
        int64_t lo = off[x], hi = off[x + 1], w = lo;
        if (hi == lo) {
            e += n_sh[x];
            continue;
        }
#ifdef HAVE_AVX2_PATH
        if (hi - lo <= small) { /* a short row: its ranks gathered, then sorted by counting */
            int32_t buf[SMALL_SPAN + 32];
            int64_t k = 0;
            for (int64_t q = 0; q < n_sh[x]; q++, e++) {
                if (e + RANK_AHEAD < N && slot_of[e + RANK_AHEAD] >= 0) PREFETCH(&rank_of[slot_of[e + RANK_AHEAD]]);
                int32_t id = slot_of[e];
                if (id < 0) continue;
                if (id >= n_tok) {
                    bad = 2;
                    break;
                }
                int32_t r = rank_of[id];
                if (r < 0) continue;
                if (k < hi - lo) buf[k] = r;
                k++;
            }
            if (bad || k != hi - lo) {
                bad = bad ? bad : 1;
                break;
            }
            for (int64_t p = k; p < ((k + 31) & ~(int64_t)31); p++) buf[p] = INT32_MAX;
            if (count_sort_avx2(buf, k, out + lo) != k * (k - 1) / 2) bad = 1; /* (a rank twice) */
            continue;
        }
#endif
        for (int64_t q = 0; q < n_sh[x]; q++, e++) {
            /* rank_of is read at random (tokens are numbered by first appearance): fetched early. slot_of[e +
               RANK_AHEAD] is not written yet (writes stay at or before the occurrence being read) */
            if (e + RANK_AHEAD < N && slot_of[e + RANK_AHEAD] >= 0) PREFETCH(&rank_of[slot_of[e + RANK_AHEAD]]);
            int32_t id = slot_of[e];
            if (id < 0) continue;
            if (id >= n_tok) {
                bad = 2;
                break;
            }
            int32_t r = rank_of[id];
            if (r < 0) continue;
            rankset_add(&set, (uint32_t)r); /* (a text's tokens are distinct, so are their ranks) */
            w++;
        }
        if (bad || w != hi) { /* a token outside rank_of, or not the span's size: this text's ranks are not
                                 written (the set is dropped with the error) */
            bad = bad ? bad : 1;
            break;
        }
        /* the ranks back in ascending order, over the occurrences just read (hi <= the next text's first) */
        if (rankset_take(&set, out + lo) != hi - lo) bad = 1; /* (a rank twice: out of order input) */
    }
    Py_END_ALLOW_THREADS
    rankset_free(&set);
    free(rank_copy);
    if (bad == 2) PyErr_SetString(PyExc_ValueError, "_dupcore.text_ranks: token outside rank_of");
    else if (bad) PyErr_SetString(PyExc_ValueError, "_dupcore.text_ranks: a text's shared tokens do not fill its span");
    else {
        Py_INCREF(Py_None);
        result = Py_None;
    }
done:
    for (int i = 0; i < 5; i++) PyBuffer_Release(bufs[i]);
    return result;
}

/* -------------------------------------------------------------------------------------------- shingles
 * shingles(data, offsets, k, mult, word_hash, out, counts) -> None
 *   data, offsets  normalised texts (a large_string array's data buffer, int64[n+1] absolute offsets)
 *   k, mult        words per shingle (SHINGLE_WORDS) and the odd 64-bit multiplier combining word hashes
 *   word_hash      a Python callable: the UTF-8 bytes of a word -> its stable 64-bit hash (BLAKE2b); called once
 *                  per distinct word of the call (a table of the words seen keeps their hashes); None: that
 *                  hash, duplicates._word_hash_bytes, computed here (blake2b_64)
 *   out            writable uint64[sum(counts)]: each text's shingle hashes, text by text
 *   counts         int64[n]: each text's expected shingle count, max(pieces - k + 1, 1)
 * A text's pieces are its bytes split at every space (str.split(" ")); each run of k consecutive pieces gives
 * ((w0 * mult + w1) * mult + w2 ...) mod 2**64, a text of fewer than k pieces one shingle of all of them padded
 * with zeros: exactly duplicates._shingles_of_words over duplicates._word_hash.
 *
 * tokens(chunks, rows, k, mult, word_hash, counts, slot_of, size, private) -> (hashes, df)
 *   chunks   a list of (data, offsets) pairs, as for group(); rows int64[n] ascending positions in them
 *   the texts rows[0], rows[1], ... shingled as by shingles() and their hashes grouped as by table(): the same
 *   slot_of, size, private, hashes and df as table(shingles(...)), without the array of every shingle hash.
 */
#define WORD_INLINE 32
typedef struct {
    uint64_t key;       /* a hash of the word's bytes (this table's own) */
    const uint8_t *ptr; /* the word's first occurrence */
    int64_t len;        /* -1: an empty slot */
    uint64_t hash;      /* word_hash(word) */
    uint8_t bytes[WORD_INLINE]; /* a short word's bytes (compared here, not at its first occurrence far away);
                                   with them a Word is one 64-byte cache line */
} Word;

typedef struct { /* a piece of the current text: where it is, its table key, its first 8 bytes (zero-padded) */
    const uint8_t *p;
    int64_t n;
    uint64_t key, first8;
    uint64_t short_key; /* a short word's bytes (short_word: the short table's key), else 0 */
} Piece;

/* a word of 1-8 bytes none of them 0 (94 % of the words at 1M, 36k of the 38k distinct ones): its zero-padded
   first 8 bytes are the word (the length is where the zero bytes start), so a 16-byte entry of those bytes and
   the word hash is all the short table needs: a quarter of a Word, and the words read most stay in the caches
   near the core (the Word table of 2^17 lines was mostly read from L3). 0 for any other piece. */
static inline uint64_t short_word(int64_t n, uint64_t first8) {
    if ((uint64_t)(n - 1) >= 8) return 0;
    uint64_t low = n == 8 ? ~0ULL : (~0ULL >> (64 - 8 * n));
    /* a zero byte among the first n: the lowest zero byte is flagged exactly (no borrow reaches past a byte that
       is not 0) */
    uint64_t z = (first8 - 0x0101010101010101ULL) & ~first8 & 0x8080808080808080ULL & low;
    return z ? 0 : first8;
}

typedef struct { /* an entry of the short words' table: bytes 0 for an empty slot */
    uint64_t bytes, hash;
} ShortWord;

typedef struct { /* the state of one shingling call: the distinct words seen, the window of the last k pieces */
    Word *tab;
    int bits;
    size_t n_words;
    uint64_t *win;
    Py_ssize_t k;
    uint64_t mult;
    PyObject *word_hash;
    Piece *pieces; /* the current text's pieces (grown as needed) */
    int64_t cap;
    ShortWord *stab; /* the short words (short_word), at most half full */
    int sbits;
    size_t n_short;
} Shingler;

static inline size_t short_index(uint64_t x, int bits) { return (size_t)((x * 0x9E3779B97F4A7C15ULL) >> (64 - bits)); }

static int shorts_grow(Shingler *s) {
    int nb = s->sbits + 1;
    size_t cap = (size_t)1 << nb, mask = cap - 1, old = (size_t)1 << s->sbits;
    ShortWord *nt = (ShortWord *)table_alloc(cap * sizeof(ShortWord));
    if (!nt) return -1;
    for (size_t i = 0; i < old; i++) {
        if (!s->stab[i].bytes) continue;
        size_t j = short_index(s->stab[i].bytes, nb);
        while (nt[j].bytes) j = (j + 1) & mask;
        nt[j] = s->stab[i];
    }
    free(s->stab);
    s->stab = nt;
    s->sbits = nb;
    return 0;
}

static inline uint64_t load8(const uint8_t *p, const uint8_t *lim) { /* 8 bytes at p, zeros past lim */
    uint64_t x = 0;
    if (lim - p >= 8) memcpy(&x, p, 8);
    else memcpy(&x, p, (size_t)(lim - p));
    return x;
}

/* the piece starting at p (up to the next space or end): its length, and its table key in *key. Eight bytes at
   a time: the first space is the lowest zero byte of x ^ 0x20..20 (exact for the lowest one). */
static inline int64_t piece(const uint8_t *p, const uint8_t *end, const uint8_t *lim, uint64_t *key,
                            uint64_t *first8) {
    uint64_t h = 0x9E3779B97F4A7C15ULL, first = 0;
    const uint8_t *q = p;
    for (;;) {
        uint64_t x = load8(q, lim);
        uint64_t t = x ^ 0x2020202020202020ULL;
        uint64_t z = (t - 0x0101010101010101ULL) & ~t & 0x8080808080808080ULL;
        int64_t nb = z ? (int64_t)(__builtin_ctzll(z) >> 3) : 8;
        if (nb > end - q) nb = end - q;
        if (nb < 8) {
            x = nb ? x & (~0ULL >> (64 - 8 * nb)) : 0;
            h = (h ^ x ^ (uint64_t)nb) * 0xff51afd7ed558ccdULL;
            h ^= h >> 32;
            *key = h;
            *first8 = q == p ? x : first; /* a word of up to 8 bytes: its bytes, zero-padded */
            return (q - p) + nb;
        }
        if (q == p) first = x;
        h = (h ^ x) * 0xc4ceb9fe1a85ec53ULL;
        h ^= h >> 29;
        q += 8;
    }
}

/* piece()'s key and first 8 bytes for the piece p[0:n] whose length is known (bytes up to lim may be read) */
static inline uint64_t piece_key(const uint8_t *p, int64_t n, const uint8_t *lim, uint64_t *first8) {
    uint64_t h = 0x9E3779B97F4A7C15ULL, first = 0, x;
    const uint8_t *q = p;
    int64_t r = n;
    while (r >= 8) {
        memcpy(&x, q, 8);
        if (q == p) first = x;
        h = (h ^ x) * 0xc4ceb9fe1a85ec53ULL;
        h ^= h >> 29;
        q += 8;
        r -= 8;
    }
    x = r ? load8(q, lim) & (~0ULL >> (64 - 8 * r)) : 0;
    h = (h ^ x ^ (uint64_t)r) * 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
    *first8 = n < 8 ? x : first;
    return h;
}

static inline int word_is(const Word *w, uint64_t key, const uint8_t *p, int64_t n, uint64_t first8) {
    if (w->key != key || w->len != n) return 0;
    if (n <= 8) { /* one comparison of the zero-padded bytes */
        uint64_t a;
        memcpy(&a, w->bytes, 8);
        return a == first8;
    }
    return memcmp(n <= WORD_INLINE ? w->bytes : w->ptr, p, (size_t)n) == 0;
}

static int words_grow(Shingler *s) {
    int nb = s->bits + 1;
    size_t cap = (size_t)1 << nb, mask = cap - 1, old = (size_t)1 << s->bits;
    Word *nt = (Word *)table_alloc(cap * sizeof(Word));
    if (!nt) return -1;
    for (size_t i = 0; i < cap; i++) nt[i].len = -1;
    for (size_t i = 0; i < old; i++) {
        if (s->tab[i].len < 0) continue;
        size_t j = (size_t)(s->tab[i].key >> (64 - nb)) & mask;
        while (nt[j].len >= 0) j = (j + 1) & mask;
        nt[j] = s->tab[i];
    }
    free(s->tab);
    s->tab = nt;
    s->bits = nb;
    return 0;
}

static int shingler_init(Shingler *s, Py_ssize_t k, uint64_t mult, PyObject *word_hash) {
    s->bits = 12;
    s->n_words = 0;
    s->k = k;
    s->mult = mult;
    s->word_hash = word_hash;
    s->pieces = NULL;
    s->cap = 0;
    s->tab = (Word *)table_alloc(((size_t)1 << s->bits) * sizeof(Word));
    s->win = (uint64_t *)malloc((size_t)k * sizeof(uint64_t));
    s->sbits = 12;
    s->n_short = 0;
    s->stab = (ShortWord *)table_alloc(((size_t)1 << s->sbits) * sizeof(ShortWord)); /* (zeroed: all empty) */
    if (!s->tab || !s->win || !s->stab) return -1;
    for (size_t i = 0; i < ((size_t)1 << s->bits); i++) s->tab[i].len = -1;
    return 0;
}

static void shingler_free(Shingler *s) {
    free(s->stab);
    free(s->tab);
    free(s->win);
    free(s->pieces);
}

/* BLAKE2b with an 8-byte digest and no key (RFC 7693): what hashlib.blake2b(word, digest_size=8) gives, read as
   a little-endian integer (duplicates._word_hash_bytes). word_of calls it for each new word when tokens() or
   shingles() get word_hash=None, instead of calling back into Python (a frame, a blake2b object and an int per
   distinct word: ~3.5 us each, 38k words at 1M). */
static const uint64_t B2_IV[8] = {0x6A09E667F3BCC908ULL, 0xBB67AE8584CAA73BULL, 0x3C6EF372FE94F82BULL,
                                  0xA54FF53A5F1D36F1ULL, 0x510E527FADE682D1ULL, 0x9B05688C2B3E6C1FULL,
                                  0x1F83D9ABFB41BD6BULL, 0x5BE0CD19137E2179ULL};
static const uint8_t B2_SIGMA[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3}};
#define B2_ROTR(x, n) (((x) >> (n)) | ((x) << (64 - (n))))
#define B2_G(a, b, c, d, x, y)                                                                                         \
    do {                                                                                                               \
        v[a] = v[a] + v[b] + (x);                                                                                      \
        v[d] = B2_ROTR(v[d] ^ v[a], 32);                                                                               \
        v[c] = v[c] + v[d];                                                                                            \
        v[b] = B2_ROTR(v[b] ^ v[c], 24);                                                                               \
        v[a] = v[a] + v[b] + (y);                                                                                      \
        v[d] = B2_ROTR(v[d] ^ v[a], 16);                                                                               \
        v[c] = v[c] + v[d];                                                                                            \
        v[b] = B2_ROTR(v[b] ^ v[c], 63);                                                                               \
    } while (0)

static void b2_compress(uint64_t h[8], const uint8_t block[128], uint64_t t, int last) {
    uint64_t v[16], m[16];
    for (int i = 0; i < 16; i++) { /* little-endian words, whatever the host */
        uint64_t x = 0;
        for (int j = 7; j >= 0; j--) x = (x << 8) | block[8 * i + j];
        m[i] = x;
    }
    for (int i = 0; i < 8; i++) {
        v[i] = h[i];
        v[i + 8] = B2_IV[i];
    }
    v[12] ^= t; /* (the counter's high word stays 0: a word is shorter than 2^64 bytes) */
    if (last) v[14] = ~v[14];
    for (int r = 0; r < 12; r++) {
        const uint8_t *sg = B2_SIGMA[r];
        B2_G(0, 4, 8, 12, m[sg[0]], m[sg[1]]);
        B2_G(1, 5, 9, 13, m[sg[2]], m[sg[3]]);
        B2_G(2, 6, 10, 14, m[sg[4]], m[sg[5]]);
        B2_G(3, 7, 11, 15, m[sg[6]], m[sg[7]]);
        B2_G(0, 5, 10, 15, m[sg[8]], m[sg[9]]);
        B2_G(1, 6, 11, 12, m[sg[10]], m[sg[11]]);
        B2_G(2, 7, 8, 13, m[sg[12]], m[sg[13]]);
        B2_G(3, 4, 9, 14, m[sg[14]], m[sg[15]]);
    }
    for (int i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
}

static uint64_t blake2b_64(const uint8_t *p, int64_t n) {
    uint64_t h[8];
    uint8_t block[128];
    for (int i = 0; i < 8; i++) h[i] = B2_IV[i];
    h[0] ^= 0x01010000ULL ^ 8; /* fanout 1, depth 1, no key, digest 8 bytes */
    uint64_t t = 0;
    while (n > 128) {
        t += 128;
        b2_compress(h, p, t, 0);
        p += 128;
        n -= 128;
    }
    memset(block, 0, sizeof(block));
    if (n > 0) memcpy(block, p, (size_t)n);
    t += (uint64_t)n;
    b2_compress(h, block, t, 1);
    return h[0]; /* the digest's 8 bytes, little-endian */
}

/* a new word's hash: BLAKE2b in C, or word_hash (Python) called with its bytes; -1 with an exception set */
static int new_word_hash(Shingler *s, const uint8_t *p, int64_t n, uint64_t *wh) {
    if (s->word_hash == Py_None) {
        *wh = blake2b_64(p, n);
        return 0;
    }
    PyObject *r = PyObject_CallFunction(s->word_hash, "y#", (const char *)p, (Py_ssize_t)n);
    if (!r) return -1;
    unsigned long long wv = PyLong_AsUnsignedLongLong(r);
    Py_DECREF(r);
    if (wv == (unsigned long long)-1 && PyErr_Occurred()) return -1;
    *wh = (uint64_t)wv;
    return 0;
}

/* word_of for a short word (x = short_word(n, its first 8 bytes), not 0) */
static inline int short_word_of(Shingler *s, const uint8_t *p, int64_t n, uint64_t x, uint64_t *wh) {
    size_t mask = ((size_t)1 << s->sbits) - 1, j = short_index(x, s->sbits);
    while (s->stab[j].bytes && s->stab[j].bytes != x) j = (j + 1) & mask;
    if (s->stab[j].bytes) {
        *wh = s->stab[j].hash;
        return 0;
    }
    if (new_word_hash(s, p, n, wh)) return -1;
    s->stab[j].bytes = x;
    s->stab[j].hash = *wh;
    if (2 * ++s->n_short > ((size_t)1 << s->sbits) && shorts_grow(s)) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* the word hash of the piece p[0:n] (a new word: asked of Python once); -1 with an exception set on failure */
static inline int word_of(Shingler *s, const uint8_t *p, int64_t n, uint64_t key, uint64_t first8, uint64_t *wh) {
    size_t mask = ((size_t)1 << s->bits) - 1, j = (size_t)(key >> (64 - s->bits)) & mask;
    while (s->tab[j].len >= 0 && !word_is(&s->tab[j], key, p, n, first8)) j = (j + 1) & mask;
    if (s->tab[j].len >= 0) {
        *wh = s->tab[j].hash;
        return 0;
    }
    uint64_t wv;
    if (new_word_hash(s, p, n, &wv)) return -1;
    Word *w = &s->tab[j];
    w->key = key;
    w->ptr = p;
    w->len = n;
    w->hash = wv;
    memset(w->bytes, 0, WORD_INLINE);
    if (n <= WORD_INLINE) memcpy(w->bytes, p, (size_t)n);
    *wh = wv;
    if (2 * ++s->n_words > ((size_t)1 << s->bits) && words_grow(s)) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* the piece p[0:n] into *pc, its table slot asked for early: a short word (short_word) by its bytes alone (no
   piece_key: the short table hashes the 8 bytes), any other piece by piece_key and the Word table */
static inline void piece_at(Piece *pc, const uint8_t *p, int64_t n, const uint8_t *lim, const ShortWord *stab,
                            int sbits, const Word *wtab, int wshift, size_t wmask) {
    pc->p = p;
    pc->n = n;
    if ((uint64_t)(n - 1) < 8) {
        uint64_t x = load8(p, lim) & (n == 8 ? ~0ULL : (~0ULL >> (64 - 8 * n)));
        pc->short_key = short_word(n, x);
        if (pc->short_key) {
            PREFETCH(&stab[short_index(pc->short_key, sbits)]);
            return;
        }
    } else {
        pc->short_key = 0;
    }
    pc->key = piece_key(p, n, lim, &pc->first8);
    PREFETCH(&wtab[(size_t)(pc->key >> wshift) & wmask]);
}

/* the shingle hashes of the text p[0:end - p] into out (count of them expected); lim: the end of the buffer
   (bytes up to it may be read). 0, or -1 with an exception set. */
static int shingle_text(Shingler *s, const uint8_t *p, const uint8_t *end, const uint8_t *lim, int64_t count,
                        uint64_t *out) {
    Py_ssize_t k = s->k;
    uint64_t *win = s->win, mult = s->mult;
    int64_t pieces = 0, o = 0;
    /* first every piece's bounds and key, asking for its word's table slot early (the table is larger than the
       caches near the core: one lookup waited for memory at every word) */
    int64_t n_p = 0;
    if (s->cap < (end - p) + 1) { /* at most one piece per byte, plus one */
        size_t cap = s->cap ? 2 * (size_t)s->cap : 256;
        while ((int64_t)cap < (end - p) + 1) cap *= 2;
        Piece *np = (Piece *)realloc(s->pieces, cap * sizeof(Piece));
        if (!np) {
            PyErr_NoMemory();
            return -1;
        }
        s->pieces = np;
        s->cap = (int64_t)cap;
    }
    Piece *pcs = s->pieces;
    const size_t wmask = ((size_t)1 << s->bits) - 1;
    const int wshift = 64 - s->bits;
    const Word *wtab = s->tab;
    const ShortWord *stab = s->stab;
    const int sbits = s->sbits;
#ifdef __SSE2__
    /* the spaces found 16 bytes at a time, each piece between two of them: the bounds of one piece no longer wait
       on the bytes of the one before it (piece() found a piece's end from its own loads, one after another) */
    {
        const __m128i sp = _mm_set1_epi8(' ');
        const uint8_t *start = p;
        for (const uint8_t *b = p; b < end; b += 16) {
            __m128i v;
            if (lim - b >= 16) {
                v = _mm_loadu_si128((const __m128i *)b);
            } else {
                uint8_t tmp[16] = {0};
                memcpy(tmp, b, (size_t)(lim - b));
                v = _mm_loadu_si128((const __m128i *)tmp);
            }
            uint32_t m = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, sp));
            if (end - b < 16) m &= (1u << (end - b)) - 1;
            while (m) {
                const uint8_t *e_ = b + __builtin_ctz(m);
                m &= m - 1;
                piece_at(&pcs[n_p++], start, e_ - start, lim, stab, sbits, wtab, wshift, wmask);
                start = e_ + 1;
            }
        }
        piece_at(&pcs[n_p++], start, end - start, lim, stab, sbits, wtab, wshift, wmask);
    }
#else
    for (;;) {
        Piece *pc = &pcs[n_p++];
        int64_t n = piece(p, end, lim, &pc->key, &pc->first8);
        pc->p = p;
        pc->n = n;
        pc->short_key = short_word(n, pc->first8);
        if (pc->short_key) PREFETCH(&stab[short_index(pc->short_key, sbits)]);
        else PREFETCH(&wtab[(size_t)(pc->key >> wshift) & wmask]);
        if (p + n >= end) break;
        p += n + 1;
    }
#endif
    /* the window's hash rolls: with the last k word hashes w0..w(k-1) in a ring, h = sum wi * mult^(k-1-i)
       (mod 2**64, exact), and the next is (h - w0 * mult^(k-1)) * mult + w(k): no pass over the window per
       shingle, the same value as the window's polynomial */
    uint64_t top = 1, h = 0;
    Py_ssize_t slot = 0; /* where the next word hash goes in the ring (the oldest one once it is full) */
    for (Py_ssize_t w = 1; w < k; w++) top *= mult;
    for (int64_t q = 0; q < n_p; q++) {
        const Piece *pc = &s->pieces[q];
        uint64_t wh;
        if (pc->short_key ? short_word_of(s, pc->p, pc->n, pc->short_key, &wh)
                          : word_of(s, pc->p, pc->n, pc->key, pc->first8, &wh))
            return -1;
        if (pieces < k) {
            h = h * mult + wh;
        } else {
            h = (h - win[slot] * top) * mult + wh;
        }
        win[slot] = wh;
        if (++slot == k) slot = 0;
        pieces++;
        if (pieces >= k && o < count) out[o++] = h; /* (more than counted: reported below) */
    }
    if (pieces < k) { /* a short text: one shingle of all its pieces, zero-padded (count >= 1); the ring has not
                         wrapped, so win[0:pieces] are its pieces in order */
        uint64_t hs = 0;
        for (Py_ssize_t w = 0; w < k; w++) hs = hs * mult + (w < pieces ? win[w] : 0);
        out[o++] = hs;
    }
    if ((pieces >= k ? pieces - k + 1 : 1) != count) {
        PyErr_SetString(PyExc_RuntimeError, "duplicates: shingle counts disagree with the texts' spaces");
        return -1;
    }
    return 0;
}

static PyObject *shingles(PyObject *self, PyObject *args) {
    Py_buffer b_data, b_off, b_out, b_cnt;
    Py_ssize_t k;
    unsigned long long mult;
    PyObject *word_hash;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*nKOw*y*", &b_data, &b_off, &k, &mult, &word_hash, &b_out, &b_cnt)) return NULL;
    PyObject *result = NULL;
    Py_buffer *bufs[4] = {&b_data, &b_off, &b_out, &b_cnt};
    Shingler s = {NULL, 0, 0, NULL, 0, 0, NULL, NULL, 0, NULL, 0, 0};
    Py_ssize_t n = b_off.len / 8 - 1;
    if (n < 0 || k < 1 || (word_hash != Py_None && !PyCallable_Check(word_hash)) || check(&b_cnt, 8, n, "counts")) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "_dupcore.shingles: bad arguments");
        goto done;
    }
    const int64_t *off = (const int64_t *)b_off.buf, *counts = (const int64_t *)b_cnt.buf;
    int64_t total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (off[i] < 0 || off[i] > off[i + 1] || off[i + 1] > b_data.len || counts[i] < 1) {
            PyErr_SetString(PyExc_ValueError, "_dupcore.shingles: offsets outside the data or bad counts");
            goto done;
        }
        total += counts[i];
    }
    if (check(&b_out, 8, total, "out")) goto done;
    const uint8_t *data = (const uint8_t *)b_data.buf, *lim = data + b_data.len;
    uint64_t *out = (uint64_t *)b_out.buf;
    if (shingler_init(&s, k, (uint64_t)mult, word_hash)) {
        PyErr_NoMemory();
        goto done;
    }
    int64_t o = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (shingle_text(&s, data + off[i], data + off[i + 1], lim, counts[i], out + o)) goto done;
        o += counts[i];
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    shingler_free(&s);
    for (int i = 0; i < 4; i++) PyBuffer_Release(bufs[i]);
    return result;
}

/* shingle hashes buffered (with their texts) before they go into the token table: the table's slots are fetched
   TABLE_AHEAD hashes early across text boundaries */
#define TOKEN_BATCH 4096

static PyObject *tokens(PyObject *self, PyObject *args) {
    PyObject *chunks, *word_hash;
    Py_buffer b_rows, b_cnt, b_slot, b_size, b_priv;
    Py_ssize_t k;
    unsigned long long mult;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!y*nKOy*w*w*w*", &PyList_Type, &chunks, &b_rows, &k, &mult, &word_hash, &b_cnt,
                          &b_slot, &b_size, &b_priv))
        return NULL;
    PyObject *result = NULL;
    Py_buffer *bufs[5] = {&b_rows, &b_cnt, &b_slot, &b_size, &b_priv};
    Py_ssize_t nc = PyList_GET_SIZE(chunks), got = 0, n = b_rows.len / 8;
    Py_buffer *cb = (Py_buffer *)calloc((size_t)(2 * nc + 1), sizeof(Py_buffer));
    int64_t *base = (int64_t *)calloc((size_t)nc + 1, sizeof(int64_t));
    uint64_t *hs = NULL;
    int32_t *hx = NULL;
    Shingler s = {NULL, 0, 0, NULL, 0, 0, NULL, NULL, 0, NULL, 0, 0};
    Tab t = {NULL, 0, 0, NULL, 0, NULL};
    if (!cb || !base) {
        PyErr_NoMemory();
        goto done;
    }
    if (k < 1 || (word_hash != Py_None && !PyCallable_Check(word_hash))) {
        PyErr_SetString(PyExc_ValueError, "_dupcore.tokens: bad arguments");
        goto done;
    }
    if (check(&b_cnt, 8, n, "counts") || check(&b_size, 8, n, "size") || check(&b_priv, 8, n, "private")) goto done;
    for (Py_ssize_t c = 0; c < nc; c++) {
        PyObject *pair = PyList_GET_ITEM(chunks, c);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            PyErr_SetString(PyExc_TypeError, "_dupcore.tokens: chunks must be (data, offsets) pairs");
            goto done;
        }
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(pair, 0), &cb[2 * c], PyBUF_SIMPLE)) goto done;
        got = 2 * c + 1;
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(pair, 1), &cb[2 * c + 1], PyBUF_SIMPLE)) goto done;
        got = 2 * c + 2;
        Py_ssize_t len = cb[2 * c + 1].len / 8 - 1;
        const int64_t *off = (const int64_t *)cb[2 * c + 1].buf;
        if (len < 0 || off[0] < 0 || off[len] > cb[2 * c].len) {
            PyErr_SetString(PyExc_ValueError, "_dupcore.tokens: offsets outside the data");
            goto done;
        }
        for (Py_ssize_t i = 0; i < len; i++) {
            if (off[i] > off[i + 1]) {
                PyErr_SetString(PyExc_ValueError, "_dupcore.tokens: offsets not ascending");
                goto done;
            }
        }
        base[c + 1] = base[c] + len;
    }
    const int64_t *rows = (const int64_t *)b_rows.buf, *counts = (const int64_t *)b_cnt.buf;
    int64_t total = 0, max_count = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (rows[i] < 0 || rows[i] >= base[nc] || (i && rows[i] <= rows[i - 1]) || counts[i] < 1) {
            PyErr_SetString(PyExc_ValueError, "_dupcore.tokens: rows must be ascending positions in the chunks, "
                                              "counts positive");
            goto done;
        }
        total += counts[i];
        max_count = counts[i] > max_count ? counts[i] : max_count;
    }
    if (check(&b_slot, 4, total, "slot_of")) goto done;
    if (total >= INT32_MAX || n >= INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "_dupcore.tokens: too many shingles");
        goto done;
    }
    int32_t *slot_of = (int32_t *)b_slot.buf;
    size_t cap = (size_t)(max_count > TOKEN_BATCH ? max_count : TOKEN_BATCH);
    hs = (uint64_t *)malloc(cap * sizeof(uint64_t));
    hx = (int32_t *)malloc(cap * sizeof(int32_t));
    if (!hs || !hx || shingler_init(&s, k, (uint64_t)mult, word_hash) || tab_init(&t, max_count, total)) {
        PyErr_NoMemory();
        goto done;
    }
    int64_t e = 0, *size = (int64_t *)b_size.buf;
    memset(size, 0, (size_t)n * sizeof(int64_t));
    Py_ssize_t c = 0, i = 0;
    while (i < n) {
        size_t m = 0; /* a batch of whole texts' hashes */
        while (i < n && m + (size_t)counts[i] <= cap) {
            int64_t r = rows[i];
            while (r >= base[c + 1]) c++;
            const int64_t *off = (const int64_t *)cb[2 * c + 1].buf;
            const uint8_t *data = (const uint8_t *)cb[2 * c].buf;
            int64_t local = r - base[c];
            if (shingle_text(&s, data + off[local], data + off[local + 1], data + cb[2 * c].len, counts[i], hs + m))
                goto done;
            for (int64_t q = 0; q < counts[i]; q++) hx[m + (size_t)q] = (int32_t)i;
            m += (size_t)counts[i];
            i++;
        }
        for (size_t q = 0; q < m; q++, e++) {
            if (q + TABLE_AHEAD < m) tab_prefetch(&t, hs[q + TABLE_AHEAD]);
            int32_t id = tab_add(&t, hs[q], hx[q]);
            if (id == -2) {
                PyErr_NoMemory();
                goto done;
            }
            slot_of[e] = id;
            size[hx[q]] += id >= 0;
        }
    }
    free(hs);
    free(hx);
    hs = NULL;
    hx = NULL;
    result = tab_finish(&t, n, (int64_t *)b_priv.buf);
done:
    free(hs);
    free(hx);
    tab_free(&t);
    shingler_free(&s);
    for (Py_ssize_t q = 0; q < got; q++) PyBuffer_Release(&cb[q]);
    free(cb);
    free(base);
    for (int q = 0; q < 5; q++) PyBuffer_Release(bufs[q]);
    return result;
}

/* ---------------------------------------------------------------------------------------------- groups
 * group(chunks, rows, code, rep, want_texts) -> (number of distinct texts, data, offsets)
 *   chunks  a list of (data, offsets) pairs: the normalised texts as the chunks of a large_string column
 *           (offsets int64[len + 1], absolute in data); rows count on across the chunks
 *   rows    int64[m]: the rows to group, ascending
 *   code    writable int64[m]: each row's text, numbered in order of first appearance among the rows
 *   rep     writable int64[m]: rep[c] is the first row of text c (the first n_distinct entries are set)
 *   want_texts  also return the distinct texts back to back in code order (bytes, and int64 offsets as bytes);
 *           else (n, None, None)
 * Equal texts (byte for byte) share a code: what duplicates' dictionary encoding + renumbering gave.
 */
#define GROUP_AHEAD 16
static inline uint64_t bytes_hash(const uint8_t *p, int64_t n) {
    /* four independent lanes over 32 bytes at a time (one multiply chain waited on the one before at every 8
       bytes), then 8 at a time, then the last 1-8 bytes: equal bytes, equal hash (all group needs) */
    uint64_t h0 = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n, h1 = 0xC2B2AE3D27D4EB4FULL, h2 = 0x165667B19E3779F9ULL,
             h3 = 0x27D4EB2F165667C5ULL, x, y, z, w;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        memcpy(&x, p + i, 8);
        memcpy(&y, p + i + 8, 8);
        memcpy(&z, p + i + 16, 8);
        memcpy(&w, p + i + 24, 8);
        h0 = (h0 ^ x) * 0xff51afd7ed558ccdULL;
        h1 = (h1 ^ y) * 0xff51afd7ed558ccdULL;
        h2 = (h2 ^ z) * 0xff51afd7ed558ccdULL;
        h3 = (h3 ^ w) * 0xff51afd7ed558ccdULL;
        h0 ^= h0 >> 29;
        h1 ^= h1 >> 29;
        h2 ^= h2 >> 29;
        h3 ^= h3 >> 29;
    }
    for (; i + 8 <= n; i += 8) {
        memcpy(&x, p + i, 8);
        h1 = (h1 ^ x) * 0xc4ceb9fe1a85ec53ULL;
        h1 ^= h1 >> 29;
    }
    x = 0;
    if (i < n) {
        if (n >= 8) {
            memcpy(&x, p + n - 8, 8); /* (the last 8 bytes, some hashed already) */
        } else {
            for (int64_t j = 0; j < n; j++) x |= (uint64_t)p[j] << (8 * j);
        }
    }
    uint64_t h = h0 ^ ((h1 << 17) | (h1 >> 47)) ^ ((h2 << 31) | (h2 >> 33)) ^ ((h3 << 47) | (h3 >> 17));
    h = (h ^ x) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 32;
    return h;
}

typedef struct {
    uint64_t hash;
    int64_t code1; /* the text's code + 1 (0: an empty slot, as table_alloc leaves it) */
    const uint8_t *ptr;
    int64_t len;
} TextSlot;

static PyObject *group(PyObject *self, PyObject *args) {
    PyObject *chunks;
    Py_buffer b_rows, b_code, b_rep;
    (void)self;
    int want_texts;
    if (!PyArg_ParseTuple(args, "O!y*w*w*p", &PyList_Type, &chunks, &b_rows, &b_code, &b_rep, &want_texts))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t nc = PyList_GET_SIZE(chunks), got = 0, m = b_rows.len / 8;
    Py_buffer *cb = (Py_buffer *)calloc((size_t)(2 * nc + 1), sizeof(Py_buffer));
    int64_t *base = (int64_t *)calloc((size_t)nc + 1, sizeof(int64_t));
    TextSlot *tab = NULL;
    if (!cb || !base) {
        PyErr_NoMemory();
        goto done;
    }
    if (check(&b_code, 8, m, "code") || check(&b_rep, 8, m, "rep")) goto done;
    for (Py_ssize_t c = 0; c < nc; c++) {
        PyObject *pair = PyList_GET_ITEM(chunks, c);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            PyErr_SetString(PyExc_TypeError, "_dupcore.group: chunks must be (data, offsets) pairs");
            goto done;
        }
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(pair, 0), &cb[2 * c], PyBUF_SIMPLE)) goto done;
        got = 2 * c + 1;
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(pair, 1), &cb[2 * c + 1], PyBUF_SIMPLE)) goto done;
        got = 2 * c + 2;
        Py_ssize_t len = cb[2 * c + 1].len / 8 - 1;
        const int64_t *off = (const int64_t *)cb[2 * c + 1].buf;
        if (len < 0 || off[0] < 0 || off[len] > cb[2 * c].len) {
            PyErr_SetString(PyExc_ValueError, "_dupcore.group: offsets outside the data");
            goto done;
        }
        for (Py_ssize_t i = 0; i < len; i++) {
            if (off[i] > off[i + 1]) {
                PyErr_SetString(PyExc_ValueError, "_dupcore.group: offsets not ascending");
                goto done;
            }
        }
        base[c + 1] = base[c] + len;
    }
    const int64_t *rows = (const int64_t *)b_rows.buf;
    for (Py_ssize_t i = 0; i < m; i++) {
        if (rows[i] < 0 || rows[i] >= base[nc] || (i && rows[i] <= rows[i - 1])) {
            PyErr_SetString(PyExc_ValueError, "_dupcore.group: rows must be ascending positions in the chunks");
            goto done;
        }
    }
    int bits = 4;
    while (((size_t)1 << bits) < 2 * (size_t)m + 2) bits++;
    size_t cap = (size_t)1 << bits, mask = cap - 1;
    tab = (TextSlot *)table_alloc(cap * sizeof(TextSlot));
    if (!tab) {
        PyErr_NoMemory();
        goto done;
    }
    int64_t *code = (int64_t *)b_code.buf, *rep = (int64_t *)b_rep.buf;
    int64_t n_codes = 0;
    Py_ssize_t c = 0;
    Py_BEGIN_ALLOW_THREADS
    c = 0;
    /* GROUP_AHEAD rows at a time: their texts hashed and their slots asked for first (the table is read at
       random: each probe waited on memory), then looked up in row order (the same codes) */
    const uint8_t *g_p[GROUP_AHEAD];
    int64_t g_len[GROUP_AHEAD];
    uint64_t g_hv[GROUP_AHEAD];
    for (Py_ssize_t i0 = 0; i0 < m; i0 += GROUP_AHEAD) {
        Py_ssize_t nb = m - i0 < GROUP_AHEAD ? m - i0 : GROUP_AHEAD;
        for (Py_ssize_t q = 0; q < nb; q++) {
            int64_t r = rows[i0 + q];
            while (r >= base[c + 1]) c++;
            const int64_t *off = (const int64_t *)cb[2 * c + 1].buf;
            int64_t local = r - base[c];
            g_p[q] = (const uint8_t *)cb[2 * c].buf + off[local];
            g_len[q] = off[local + 1] - off[local];
            g_hv[q] = bytes_hash(g_p[q], g_len[q]);
            PREFETCH(&tab[(size_t)(g_hv[q] >> (64 - bits)) & mask]);
        }
        for (Py_ssize_t q = 0; q < nb; q++) {
            Py_ssize_t i = i0 + q;
            int64_t r = rows[i];
            const uint8_t *p = g_p[q];
            int64_t len = g_len[q];
            uint64_t hv = g_hv[q];
            size_t j = (size_t)(hv >> (64 - bits)) & mask;
            while (tab[j].code1 &&
                   !(tab[j].hash == hv && tab[j].len == len && memcmp(tab[j].ptr, p, (size_t)len) == 0))
                j = (j + 1) & mask;
            if (!tab[j].code1) {
                tab[j].hash = hv;
                tab[j].code1 = n_codes + 1;
                tab[j].ptr = p;
                tab[j].len = len;
                rep[n_codes++] = r;
            }
            code[i] = tab[j].code1 - 1;
        }
    }
    Py_END_ALLOW_THREADS
    if (!want_texts) {
        result = Py_BuildValue("(LOO)", (long long)n_codes, Py_None, Py_None);
        goto done;
    }
    { /* the distinct texts back to back, in code order (their first rows ascend) */
        int64_t total = 0;
        c = 0;
        for (int64_t k = 0; k < n_codes; k++) {
            while (rep[k] >= base[c + 1]) c++;
            const int64_t *off = (const int64_t *)cb[2 * c + 1].buf;
            total += off[rep[k] - base[c] + 1] - off[rep[k] - base[c]];
        }
        PyObject *data = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)total);
        PyObject *offs = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)((n_codes + 1) * 8));
        if (!data || !offs) {
            Py_XDECREF(data);
            Py_XDECREF(offs);
            goto done;
        }
        uint8_t *dst = (uint8_t *)PyBytes_AS_STRING(data);
        int64_t *new_off = (int64_t *)PyBytes_AS_STRING(offs), o = 0;
        c = 0;
        new_off[0] = 0;
        for (int64_t k = 0; k < n_codes; k++) {
            while (rep[k] >= base[c + 1]) c++;
            const int64_t *off = (const int64_t *)cb[2 * c + 1].buf;
            int64_t local = rep[k] - base[c], len = off[local + 1] - off[local];
            memcpy(dst + o, (const uint8_t *)cb[2 * c].buf + off[local], (size_t)len);
            o += len;
            new_off[k + 1] = o;
        }
        result = Py_BuildValue("(LNN)", (long long)n_codes, data, offs);
    }
done:
    free(tab);
    for (Py_ssize_t k = 0; k < got; k++) PyBuffer_Release(&cb[k]);
    free(cb);
    free(base);
    PyBuffer_Release(&b_rows);
    PyBuffer_Release(&b_code);
    PyBuffer_Release(&b_rep);
    return result;
}

/* take(chunks, rows) -> (data, offsets, n_chars, plain): the texts at rows (positions over all the chunks, any
 * order, repeats allowed) back to back in that order, as one large_string array's data and int64[m + 1] offsets
 * (one copy: Arrow's take from each chunk, concat and take into the order copied them three times), each text's
 * length in characters (its bytes that do not continue a UTF-8 sequence: utf8_length of well-formed UTF-8, which
 * Arrow's strings are) as int64[m], and whether it is non-empty and starts and ends with a printable non-space
 * ASCII byte (then str.strip leaves it alone) as uint8[m]. chunks as for group().
 *
 * take_stripped(chunks, rows) -> (data, offsets, start, end): the same texts each without its surrounding
 * whitespace, as Python's str.strip() (the characters Py_UNICODE_ISSPACE calls whitespace, decoded from UTF-8;
 * a byte that does not start a well-formed character ends the stripping there), and where that part lies in the
 * text, in characters: start = len(s) - len(s.lstrip()) and end = len(s.rstrip()) as int64[m] (a text of
 * whitespace only: start = its length, end = 0). Only a text that does not start and end with a printable
 * non-space ASCII byte is looked at character by character. */
#define TAKE_AHEAD 16
/* the bytes [*a, *b) of p[0:len] left by str.strip() (see take_stripped) */
static void strip_span(const uint8_t *p, int64_t len, int64_t *a_out, int64_t *b_out) {
    int64_t a = 0, b = len;
    while (a < len) {
        uint32_t ch = p[a];
        int64_t k = 1;
        if (ch >= 0x80 && !(k = utf8_char(p + a, p + len, &ch))) break;
        if (!Py_UNICODE_ISSPACE((Py_UCS4)ch)) break;
        a += k;
    }
    while (b > a) {
        int64_t s = b - 1; /* the start of the character that ends at b: back over at most 3 continuation bytes */
        while (s > a && (p[s] & 0xC0) == 0x80 && b - s < 4) s--;
        uint32_t ch = p[s];
        int64_t k = 1;
        if (ch >= 0x80 && !(k = utf8_char(p + s, p + b, &ch))) break;
        if (s + k != b || !Py_UNICODE_ISSPACE((Py_UCS4)ch)) break;
        b = s;
    }
    *a_out = a;
    *b_out = b;
}

static PyObject *take_impl(PyObject *args, int strip) {
    PyObject *chunks;
    Py_buffer b_rows;
    if (!PyArg_ParseTuple(args, "O!y*", &PyList_Type, &chunks, &b_rows)) return NULL;
    PyObject *result = NULL, *data = NULL, *offs = NULL, *chars = NULL, *plain = NULL;
    Py_ssize_t nc = PyList_GET_SIZE(chunks), got = 0, m = b_rows.len / 8;
    Py_buffer *cb = (Py_buffer *)calloc((size_t)(2 * nc + 1), sizeof(Py_buffer));
    int64_t *base = (int64_t *)calloc((size_t)nc + 1, sizeof(int64_t));
    int32_t *chunk_of = (int32_t *)malloc((size_t)(m ? m : 1) * sizeof(int32_t));
    const uint8_t **src_of = (const uint8_t **)malloc((size_t)(m ? m : 1) * sizeof(uint8_t *));
    int64_t *len_of = (int64_t *)malloc((size_t)(m ? m : 1) * sizeof(int64_t));
    if (!cb || !base || !chunk_of || !src_of || !len_of) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t c = 0; c < nc; c++) {
        PyObject *pair = PyList_GET_ITEM(chunks, c);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            PyErr_SetString(PyExc_TypeError, "_dupcore.take: chunks must be (data, offsets) pairs");
            goto done;
        }
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(pair, 0), &cb[2 * c], PyBUF_SIMPLE)) goto done;
        got = 2 * c + 1;
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(pair, 1), &cb[2 * c + 1], PyBUF_SIMPLE)) goto done;
        got = 2 * c + 2;
        Py_ssize_t len = cb[2 * c + 1].len / 8 - 1;
        const int64_t *off = (const int64_t *)cb[2 * c + 1].buf;
        if (len < 0 || off[0] < 0 || off[len] > cb[2 * c].len) {
            PyErr_SetString(PyExc_ValueError, "_dupcore.take: offsets outside the data");
            goto done;
        }
        base[c + 1] = base[c] + len;
    }
    const int64_t *rows = (const int64_t *)b_rows.buf;
    for (Py_ssize_t i = 0; i < m; i++) {
        int64_t r = rows[i];
        if (r < 0 || r >= base[nc]) {
            PyErr_SetString(PyExc_ValueError, "_dupcore.take: a row outside the chunks");
            goto done;
        }
        Py_ssize_t lo = 0, hi = nc - 1; /* the chunk holding r: base[lo] <= r < base[lo + 1] */
        while (lo < hi) {
            Py_ssize_t mid = (lo + hi + 1) / 2;
            if (base[mid] <= r) lo = mid;
            else hi = mid - 1;
        }
        chunk_of[i] = (int32_t)lo;
    }
    /* each row's text (start and length): the offsets are read at random, TAKE_AHEAD rows' asked for early */
    int64_t total = 0;
    for (Py_ssize_t i = 0; i < m; i++) {
        if (i + TAKE_AHEAD < m) {
            int32_t c = chunk_of[i + TAKE_AHEAD];
            PREFETCH((const int64_t *)cb[2 * c + 1].buf + (rows[i + TAKE_AHEAD] - base[c]));
        }
        int32_t c = chunk_of[i];
        const int64_t *off = (const int64_t *)cb[2 * c + 1].buf + (rows[i] - base[c]);
        if (off[1] < off[0]) {
            PyErr_SetString(PyExc_ValueError, "_dupcore.take: offsets not ascending");
            goto done;
        }
        src_of[i] = (const uint8_t *)cb[2 * c].buf + off[0];
        len_of[i] = off[1] - off[0];
        total += len_of[i];
    }
    data = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)total);
    offs = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)((m + 1) * 8));
    chars = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(m * 8));
    plain = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(strip ? m * 8 : m));
    if (!data || !offs || !chars || !plain) goto done;
    {
        uint8_t *dst = (uint8_t *)PyBytes_AS_STRING(data), *pl = (uint8_t *)PyBytes_AS_STRING(plain);
        int64_t *new_off = (int64_t *)PyBytes_AS_STRING(offs), *nch = (int64_t *)PyBytes_AS_STRING(chars), o = 0;
        Py_BEGIN_ALLOW_THREADS
        new_off[0] = 0;
        for (Py_ssize_t i = 0; i < m; i++) {
            if (i + TAKE_AHEAD / 2 < m) { /* the texts are read at random too: their first lines asked for early */
                const uint8_t *q = src_of[i + TAKE_AHEAD / 2];
                int64_t n_q = len_of[i + TAKE_AHEAD / 2];
                for (int64_t b = 0; b < n_q && b < 256; b += 64) PREFETCH(q + b);
            }
            const uint8_t *src = src_of[i];
            int64_t len = len_of[i];
            int64_t lead = 0; /* (take_stripped: the characters stripped in front) */
            int is_plain = len > 0 && src[0] > 32 && src[0] < 127 && src[len - 1] > 32 && src[len - 1] < 127;
            if (strip && !is_plain) {
                int64_t a, b;
                strip_span(src, len, &a, &b);
                for (int64_t q = 0; q < a; q++) lead += (src[q] & 0xC0) != 0x80;
                src += a;
                len = b - a;
            }
            int64_t cont = 0, k = 0; /* continuation bytes (10xxxxxx), counted as they are copied */
#ifdef __SSE2__
            const __m128i c0 = _mm_set1_epi8((char)0xC0); /* (signed: 0x80-0xBF are the bytes below 0xC0) */
            for (; k + 16 <= len; k += 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)(src + k));
                _mm_storeu_si128((__m128i *)(dst + o + k), v);
                cont += pop16((uint32_t)_mm_movemask_epi8(_mm_cmplt_epi8(v, c0)));
            }
#endif
            for (; k < len; k++) {
                dst[o + k] = src[k];
                cont += (src[k] & 0xC0) == 0x80;
            }
            if (strip) {
                nch[i] = lead; /* start */
                ((int64_t *)pl)[i] = len > 0 ? lead + len - cont : 0; /* end */
            } else {
                nch[i] = len - cont;
                pl[i] = (uint8_t)is_plain;
            }
            o += len;
            new_off[i + 1] = o;
        }
        Py_END_ALLOW_THREADS
        if (o < total && _PyBytes_Resize(&data, (Py_ssize_t)o)) goto done; /* (stripped: fewer bytes; data is NULL) */
    }
    result = Py_BuildValue("(OOOO)", data, offs, chars, plain);
done:
    Py_XDECREF(data);
    Py_XDECREF(offs);
    Py_XDECREF(chars);
    Py_XDECREF(plain);
    for (Py_ssize_t k = 0; k < got; k++) PyBuffer_Release(&cb[k]);
    free(cb);
    free(base);
    free(chunk_of);
    free(src_of);
    free(len_of);
    PyBuffer_Release(&b_rows);
    return result;
}

static PyObject *take(PyObject *self, PyObject *args) {
    (void)self;
    return take_impl(args, 0);
}

static PyObject *take_stripped(PyObject *self, PyObject *args) {
    (void)self;
    return take_impl(args, 1);
}

/* join_ids(data, offsets, partners, k, sep) -> (data, offsets): for each row of partners (int64[m, k], -1 for
 * none) the strings at its non-negative entries (positions in one large_string array's data and int64 offsets),
 * in order, joined by sep, as one large_string array's buffers: pc.binary_join_element_wise of the k masked takes
 * with null_handling="skip" (a row with no partner gives ""), without the k intermediate arrays. */
static PyObject *join_ids(PyObject *self, PyObject *args) {
    Py_buffer b_data, b_off, b_part, b_sep;
    Py_ssize_t k;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*y*ny*", &b_data, &b_off, &b_part, &k, &b_sep)) return NULL;
    PyObject *result = NULL, *data = NULL, *offs = NULL;
    Py_buffer *bufs[4] = {&b_data, &b_off, &b_part, &b_sep};
    Py_ssize_t n = b_off.len / 8 - 1, m = k > 0 ? b_part.len / 8 / k : 0;
    const int64_t *off = (const int64_t *)b_off.buf, *part = (const int64_t *)b_part.buf;
    const uint8_t *src = (const uint8_t *)b_data.buf, *sep = (const uint8_t *)b_sep.buf;
    int64_t n_sep = b_sep.len, total = 0;
    if (k <= 0 || b_part.len != (Py_ssize_t)(m * k * 8) || n < 0 || off[0] < 0 || off[n] > b_data.len) {
        PyErr_SetString(PyExc_ValueError, "_dupcore.join_ids: inconsistent sizes");
        goto done;
    }
    for (Py_ssize_t i = 0; i < m * k; i++) { /* the sizes (the strings' offsets read at random: asked for early) */
        if (i + 16 < m * k && part[i + 16] >= 0 && part[i + 16] < n) PREFETCH(&off[part[i + 16]]);
        int64_t r = part[i];
        if (r < 0) continue;
        if (r >= n || off[r + 1] < off[r]) {
            PyErr_SetString(PyExc_ValueError, "_dupcore.join_ids: a partner outside the strings");
            goto done;
        }
        total += off[r + 1] - off[r] + n_sep;
    }
    data = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(total ? total : 1));
    offs = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)((m + 1) * 8));
    if (!data || !offs) goto done;
    {
        uint8_t *dst = (uint8_t *)PyBytes_AS_STRING(data);
        int64_t *new_off = (int64_t *)PyBytes_AS_STRING(offs), o = 0;
        Py_BEGIN_ALLOW_THREADS
        new_off[0] = 0;
        for (Py_ssize_t i = 0; i < m; i++) {
            int first = 1;
            for (Py_ssize_t j = 0; j < k; j++) {
                int64_t r = part[i * k + j];
                if (r < 0) continue;
                if (!first) {
                    memcpy(dst + o, sep, (size_t)n_sep);
                    o += n_sep;
                }
                first = 0;
                int64_t len = off[r + 1] - off[r];
                memcpy(dst + o, src + off[r], (size_t)len);
                o += len;
            }
            new_off[i + 1] = o;
        }
        Py_END_ALLOW_THREADS
    }
    result = Py_BuildValue("(OO)", data, offs);
done:
    Py_XDECREF(data);
    Py_XDECREF(offs);
    for (int i = 0; i < 4; i++) PyBuffer_Release(bufs[i]);
    return result;
}

static PyMethodDef methods[] = {
    {"group", group, METH_VARARGS,
     "group(chunks, rows, code, rep) -> distinct: the rows' texts numbered by first appearance (equal bytes, equal "
     "code), rep[c] the first row of text c."},
    {"shingles", shingles, METH_VARARGS,
     "shingles(data, offsets, k, mult, word_hash, out, counts): each text's k-word shingle hashes into out "
     "(word_hash called once per distinct word)."},
    {"tokens", tokens, METH_VARARGS,
     "tokens(chunks, rows, k, mult, word_hash, counts, slot_of, size, private) -> (hashes, df): table() of the "
     "rows' shingles(), without the array of every shingle hash."},
    {"table", table, METH_VARARGS,
     "table(h, n_sh, slot_of, size, private) -> (hashes, df): the shingle tokens (equal 64-bit hashes), each "
     "occurrence's token (-1 for a repeat in its text), distinct and private shingles per text."},
    {"take", take, METH_VARARGS,
     "take(chunks, rows) -> (data, offsets, n_chars, plain): the rows' texts in that order as one large_string "
     "array's buffers, their lengths in characters, and whether str.strip leaves them alone (see duplicates)."},
    {"take_stripped", take_stripped, METH_VARARGS,
     "take_stripped(chunks, rows) -> (data, offsets, start, end): the rows' texts as str.strip() leaves them, as one "
     "large_string array's buffers, and where that part starts and ends in each text, in characters."},
    {"join_ids", join_ids, METH_VARARGS,
     "join_ids(data, offsets, partners, k, sep) -> (data, offsets): each row's partners' strings joined by sep."},
    {"text_ranks", text_ranks, METH_VARARGS,
     "text_ranks(slot_of, n_sh, rank_of, off, t_rank): each text's shared tokens' ranks, ascending, in its span."},
    {"squeeze", squeeze, METH_VARARGS,
     "squeeze(data, offsets, lut, out, out_offsets, n_words, not_ascii) -> bytes used: texts normalised "
     "(ASCII words through lut, others by str.lower and \\w, joined by single spaces); a text that does not "
     "decode or fit left empty and flagged."},
    {"join", join, METH_VARARGS,
     "join(rank, off, n_prefix, size, order, last, rest, t, eps) -> bytes of int64 (u, v, overlap) triples: every "
     "pair of texts with Jaccard >= t over their shared shingles (see reviewtools.duplicates._near_pairs)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_dupcore",
                                    "Native near-duplicate join of reviewtools.duplicates (optional).", -1, methods,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__dupcore(void) {
#ifdef HAVE_SQUEEZE_SSSE3
    squeeze_shuf_init();
#endif
    PyObject *m = PyModule_Create(&module);
    /* word_hash=None in tokens() and shingles(): the words' BLAKE2b-64 in C (a build without it refuses None) */
    if (m && PyModule_AddIntConstant(m, "NATIVE_WORD_HASH", 1)) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
