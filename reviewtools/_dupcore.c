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
 * (no pair occurrences stored or sorted) and merged only if the bound allows.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct { /* a text's facts, by its position in size order */
    int64_t id, off, len, size, rest, last, n_index, index_rest, index_last;
} Text;

/* how far ahead the probe loop prefetches posting lists' spans and heads */
#define PREFETCH_SPAN 8
#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)0)
#endif
#define PREFETCH_HEAD 4
/* how far ahead the shingle table prefetches slots */
#define TABLE_AHEAD 16
/* pair sizes whose needed overlap is looked up (larger ones are computed) */
#define NEED_TABLE ((int64_t)1 << 22)

typedef struct { /* one posting list's entries still in reach of the size filter: lists[lo:end] */
    size_t lo, end;
} Span;

typedef struct {
    int64_t *data;
    size_t len, cap;
} Out;

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

/* |a & b| for two ascending rank rows, giving up (returning -1) once `need` cannot be reached. */
static int64_t merge_count(const uint32_t *a, int64_t na, const uint32_t *b, int64_t nb, int64_t need) {
    int64_t i = 0, j = 0, c = 0;
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

static int check(Py_buffer *b, Py_ssize_t itemsize, Py_ssize_t n, const char *name) {
    if (b->len != itemsize * n) {
        PyErr_Format(PyExc_ValueError, "_dupcore.join: %s has %zd bytes, expected %zd", name, b->len, itemsize * n);
        return -1;
    }
    return 0;
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
    if (n >= INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "_dupcore.join: too many texts");
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
    if (nidx) {
        for (Py_ssize_t x = 0; x < n; x++) {
            int64_t n_i = 0;
            if (npre[x] > 0) {
                int64_t len = off[x + 1] - off[x];
                n_i = size[x] - (int64_t)ceil(index_f * (double)size[x] - eps) + 1 - (size[x] - len);
                n_i = n_i < 0 ? 0 : (n_i > npre[x] ? npre[x] : n_i);
            }
            nidx[x] = n_i;
            for (int64_t k = 0; k < npre[x]; k++) {
                uint32_t r = rank[off[x] + k];
                if (r + 1 > n_tok) n_tok = r + 1;
            }
            total += (size_t)n_i;
        }
    }
    /* the inverted index of index-prefix shingles: one list per rank, filled in size order as texts are probed;
       entries are positions in size order */
    size_t *start = (size_t *)calloc((size_t)n_tok + 1, sizeof(size_t));
    Span *span = (Span *)malloc(((size_t)n_tok + 1) * sizeof(Span)); /* each list's live part */
    int64_t max_size = 0;
    for (Py_ssize_t x = 0; x < n; x++) max_size = size[x] > max_size ? size[x] : max_size;
    int64_t n_need = 2 * max_size + 1 < NEED_TABLE ? 2 * max_size + 1 : NEED_TABLE;
    int32_t *need_of = (int32_t *)malloc((size_t)n_need * sizeof(int32_t));
#define NEED(tot) ((tot) < n_need ? (int64_t)need_of[tot] : (int64_t)ceil(need_f * (double)(tot) - eps))
    int32_t *lists = (int32_t *)malloc((total ? total : 1) * sizeof(int32_t));
    int32_t *count = (int32_t *)calloc((size_t)n + 1, sizeof(int32_t));
    int32_t *touched = (int32_t *)malloc(((size_t)n + 1) * sizeof(int32_t));
    Text *texts = (Text *)malloc(((size_t)n + 1) * sizeof(Text));
    if (!need_of || !nidx || !start || !span || !lists || !count || !touched || !texts) {
        failed = 1;
    } else {
        for (Py_ssize_t x = 0; x < n; x++)
            for (int64_t k = 0; k < nidx[x]; k++) start[rank[off[x] + k] + 1]++;
        for (uint32_t r = 0; r < n_tok; r++) start[r + 1] += start[r];
        for (uint32_t r = 0; r <= n_tok; r++) span[r].lo = span[r].end = start[r];
        /* each text's facts by its position in size order (one cache line per candidate) */
        for (Py_ssize_t i = 0; i < n; i++) {
            int64_t x = order[i];
            texts[i].id = x;
            texts[i].off = off[x];
            texts[i].len = off[x + 1] - off[x];
            texts[i].size = size[x];
            texts[i].rest = rest[x];
            texts[i].last = last[x];
            texts[i].n_index = nidx[x];
            texts[i].index_rest = off[x + 1] - off[x] - nidx[x]; /* size - index prefix (its private part + nidx) */
            texts[i].index_last = nidx[x] ? (int64_t)rank[off[x] + nidx[x] - 1] : -1;
        }
        /* the overlap a pair of tot shingles in all needs, ceil(t / (1 + t) * tot - eps), as in the numpy path's
           bound; from a table up to the largest pair */
        const double need_f = t / (1.0 + t);
        for (int64_t tot = 0; tot < n_need; tot++) need_of[tot] = (int32_t)ceil(need_f * (double)tot - eps);
        Py_ssize_t min_pos = 0; /* the first position whose size the size filter allows beside the current x */
        for (Py_ssize_t i = 0; i < n && !failed; i++) {
            const Text *tx = &texts[i];
            int64_t x = tx->id;
            int64_t np_x = npre[x];
            if (np_x == 0) continue;
            int64_t sx = tx->size;
            /* earlier texts too small for x: t * sx > sy, i.e. sx > floor(sy / t + eps); sizes only grow */
            while (min_pos < i && (double)sx > floor((double)texts[min_pos].size / t + eps)) min_pos++;
            const uint32_t *px = rank + tx->off;
            Py_ssize_t n_touched = 0;
            for (int64_t k = 0; k < np_x; k++) {
                uint32_t r = px[k];
                /* the lists are scattered over memory: ask for the next ones' spans and heads early */
                if (k + PREFETCH_SPAN < np_x) PREFETCH(&span[px[k + PREFETCH_SPAN]]);
                if (k + PREFETCH_HEAD < np_x) PREFETCH(&lists[span[px[k + PREFETCH_HEAD]].lo]);
                Span *sp = &span[r];
                size_t j = sp->lo, end = sp->end;
                while (j < end && lists[j] < min_pos) j++;
                sp->lo = j;
                for (; j < end; j++) {
                    int32_t y = lists[j];
                    if (count[y]++ == 0) touched[n_touched++] = y;
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
                int64_t r_x = tx->rest, r_y = ty->index_rest, l_x = tx->last, l_y = ty->index_last;
                int64_t more = l_x < l_y ? r_x : (l_y < l_x ? r_y : (r_x < r_y ? r_x : r_y));
                if (c + more >= NEED(sx + ty->size)) touched[n_left++] = yi;
            }
            for (Py_ssize_t q = 0; q < n_left; q++) { /* the survivors' overlaps, merged; rows fetched early */
                if (q + PREFETCH_HEAD < n_left) PREFETCH(rank + texts[touched[q + PREFETCH_HEAD]].off);
                const Text *ty = &texts[touched[q]];
                int64_t tot = sx + ty->size;
                int64_t ov = merge_count(px, tx->len, rank + ty->off, ty->len, NEED(tot));
                if (ov < 0) continue;
                double jac = (double)ov / (double)(tot - ov); /* the numpy path's float test */
                if (!(jac >= t)) continue;
                int64_t y = ty->id;
                if (out_push(&out, x < y ? x : y, x < y ? y : x, ov)) {
                    failed = 1;
                    break;
                }
            }
            for (int64_t k = 0; k < tx->n_index; k++) lists[span[px[k]].end++] = (int32_t)i;
        }
    }
    free(nidx);
    free(need_of);
    free(start);
    free(span);
    free(lists);
    free(count);
    free(touched);
    free(texts);
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
 * An ASCII text becomes its words (maximal runs of non-separators, mapped through lut) joined by single spaces;
 * a text with a byte >= 128 is left empty and flagged in not_ascii (Python normalises those: str.lower and \w
 * are Unicode-aware). The numpy path (duplicates._squeeze_ascii) gives the same bytes.
 */
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
    Py_BEGIN_ALLOW_THREADS
    new_off[0] = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t start = o, nw = 0;
        int64_t in_word = 0, bad = 0;
        for (int64_t p = off[i]; p < off[i + 1]; p++) { /* branch-free but for the rare non-ASCII byte */
            uint8_t c = data[p];
            if (c >= 128) {
                bad = 1;
                break;
            }
            uint8_t m = lut[c];
            int64_t is_word = m != 32, begins = is_word & !in_word;
            out[o] = 32; /* a space before a word that is not the text's first */
            o += begins & (nw > 0);
            out[o] = m;
            o += is_word;
            nw += begins;
            in_word = is_word;
        }
        if (bad) {
            o = start;
            nw = 0;
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
 * token), by an open-addressing hash table instead of a sort.
 */
typedef struct { /* a token: its hash, dense id (-1: empty slot), the last text that held it, its texts */
    uint64_t hash;
    int32_t id, last_text, df;
} Slot;

static inline size_t slot_index(uint64_t h, int bits) { return (size_t)((h * 0x9E3779B97F4A7C15ULL) >> (64 - bits)); }

static int table_grow(Slot **slots, int *bits) {
    int nb = *bits + 1;
    size_t cap = (size_t)1 << nb, mask = cap - 1;
    Slot *ns = (Slot *)malloc(cap * sizeof(Slot));
    if (!ns) return -1;
    for (size_t k = 0; k < cap; k++) ns[k].id = -1;
    size_t old = (size_t)1 << *bits;
    for (size_t k = 0; k < old; k++) {
        if ((*slots)[k].id < 0) continue;
        size_t j = slot_index((*slots)[k].hash, nb);
        while (ns[j].id >= 0) j = (j + 1) & mask;
        ns[j] = (*slots)[k];
    }
    free(*slots);
    *slots = ns;
    *bits = nb;
    return 0;
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
    int64_t *size = (int64_t *)b_size.buf, *priv = (int64_t *)b_priv.buf;
    int failed = 0;
    int64_t n_tok = 0;
    uint64_t *hashes = NULL;
    int32_t *df = NULL;
    Py_BEGIN_ALLOW_THREADS
    int bits = 16;
    Slot *slots = (Slot *)malloc(((size_t)1 << bits) * sizeof(Slot));
    if (!slots) failed = 1;
    if (!failed) {
        for (size_t k = 0; k < ((size_t)1 << bits); k++) slots[k].id = -1;
        int64_t e = 0;
        for (Py_ssize_t x = 0; x < n && !failed; x++) {
            for (int64_t q = 0; q < n_sh[x]; q++, e++) {
                if (e + TABLE_AHEAD < N) PREFETCH(&slots[slot_index(h[e + TABLE_AHEAD], bits)]);
                uint64_t hv = h[e];
                size_t mask = ((size_t)1 << bits) - 1, j = slot_index(hv, bits);
                while (slots[j].id >= 0 && slots[j].hash != hv) j = (j + 1) & mask;
                Slot *sl = &slots[j];
                if (sl->id < 0) { /* a new token */
                    sl->hash = hv;
                    sl->id = (int32_t)n_tok++;
                    sl->last_text = (int32_t)x;
                    sl->df = 1;
                    slot_of[e] = sl->id;
                    if (2 * (size_t)n_tok > ((size_t)1 << bits) && table_grow(&slots, &bits)) {
                        failed = 1;
                        break;
                    }
                } else if (sl->last_text == (int32_t)x) { /* a repeat inside this text */
                    slot_of[e] = -1;
                } else {
                    sl->last_text = (int32_t)x;
                    sl->df++;
                    slot_of[e] = sl->id;
                }
            }
        }
    }
    if (!failed) { /* the tokens by id */
        hashes = (uint64_t *)malloc(((size_t)n_tok + 1) * sizeof(uint64_t));
        df = (int32_t *)malloc(((size_t)n_tok + 1) * sizeof(int32_t));
        if (!hashes || !df) failed = 1;
        for (size_t k = 0; !failed && k < ((size_t)1 << bits); k++) {
            if (slots[k].id < 0) continue;
            hashes[slots[k].id] = slots[k].hash;
            df[slots[k].id] = slots[k].df;
        }
    }
    free(slots);
    if (!failed) { /* distinct and private shingles per text */
        int64_t e = 0;
        for (Py_ssize_t x = 0; x < n; x++) {
            int64_t sz = 0, pv = 0;
            for (int64_t q = 0; q < n_sh[x]; q++, e++) {
                int32_t id = slot_of[e];
                if (id < 0) continue;
                sz++;
                pv += df[id] == 1;
            }
            size[x] = sz;
            priv[x] = pv;
        }
    }
    Py_END_ALLOW_THREADS
    if (failed) {
        PyErr_NoMemory();
    } else {
        PyObject *hb = PyBytes_FromStringAndSize((const char *)hashes, (Py_ssize_t)(n_tok * 8));
        PyObject *db = PyBytes_FromStringAndSize((const char *)df, (Py_ssize_t)(n_tok * 4));
        if (hb && db) result = PyTuple_Pack(2, hb, db);
        Py_XDECREF(hb);
        Py_XDECREF(db);
    }
    free(hashes);
    free(df);
done:
    for (int i = 0; i < 5; i++) PyBuffer_Release(bufs[i]);
    return result;
}

/* ascending sort of a short run of uint32 (a text's ranks): insertion sort below 24, else quicksort */
static void sort_u32(uint32_t *a, int64_t n) {
    while (n > 24) {
        uint32_t x = a[0], y = a[n / 2], z = a[n - 1];
        uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        int64_t i = 0, j = n - 1;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                uint32_t t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        }
        if (j + 1 < n - i) { /* recurse into the smaller side, loop on the larger */
            sort_u32(a, j + 1);
            a += i;
            n -= i;
        } else {
            sort_u32(a + i, n - i);
            n = j + 1;
        }
    }
    for (int64_t i = 1; i < n; i++) {
        uint32_t v = a[i];
        int64_t j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

/* text_ranks(slot_of, n_sh, rank_of, off, t_rank): each text's shared tokens' ranks (rank_of[token] >= 0),
 * ascending, into t_rank[off[x]:off[x + 1]]; a text whose span is empty is skipped (not live). */
static PyObject *text_ranks(PyObject *self, PyObject *args) {
    Py_buffer b_slot, b_nsh, b_rank_of, b_off, b_out;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*y*y*w*", &b_slot, &b_nsh, &b_rank_of, &b_off, &b_out)) return NULL;
    PyObject *result = NULL;
    Py_buffer *bufs[5] = {&b_slot, &b_nsh, &b_rank_of, &b_off, &b_out};
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
    for (Py_ssize_t x = 0; x < N; x++) {
        if (slot_of[x] >= n_tok) {
            PyErr_SetString(PyExc_ValueError, "_dupcore.text_ranks: token outside rank_of");
            goto done;
        }
    }
    int bad = 0;
    Py_BEGIN_ALLOW_THREADS
    int64_t e = 0;
    for (Py_ssize_t x = 0; x < n && !bad; x++) {
        int64_t lo = off[x], hi = off[x + 1], w = lo;
        if (hi == lo) {
            e += n_sh[x];
            continue;
        }
        for (int64_t q = 0; q < n_sh[x]; q++, e++) {
            int32_t id = slot_of[e];
            if (id < 0 || rank_of[id] < 0) continue;
            if (w == hi) {
                bad = 1;
                break;
            }
            out[w++] = (uint32_t)rank_of[id];
        }
        if (w != hi) bad = 1;
        else sort_u32(out + lo, hi - lo);
    }
    Py_END_ALLOW_THREADS
    if (bad) PyErr_SetString(PyExc_ValueError, "_dupcore.text_ranks: a text's shared tokens do not fill its span");
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
 *                  per distinct word of the call (a table of the words seen keeps their hashes)
 *   out            writable uint64[sum(counts)]: each text's shingle hashes, text by text
 *   counts         int64[n]: each text's expected shingle count, max(pieces - k + 1, 1)
 * A text's pieces are its bytes split at every space (str.split(" ")); each run of k consecutive pieces gives
 * ((w0 * mult + w1) * mult + w2 ...) mod 2**64, a text of fewer than k pieces one shingle of all of them padded
 * with zeros: exactly duplicates._shingles_of_words over duplicates._word_hash.
 */
static inline int same_bytes(const uint8_t *a, const uint8_t *b, int64_t n) { /* words are short: no memcmp call */
    for (int64_t i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

#define WORD_INLINE 24
typedef struct {
    uint64_t key;  /* FNV-1a of the word's bytes */
    int64_t start; /* where the word's first occurrence starts in data; -1: empty */
    int64_t len;
    uint64_t hash; /* word_hash(word) */
    uint8_t bytes[WORD_INLINE]; /* a short word's bytes (compared here, not at its first occurrence far away) */
} Word;

static inline int word_is(const Word *w, uint64_t key, const uint8_t *data, const uint8_t *p, int64_t n) {
    if (w->key != key || w->len != n) return 0;
    return same_bytes(n <= WORD_INLINE ? w->bytes : data + w->start, p, n);
}


static int words_grow(Word **tab, int *bits) {
    int nb = *bits + 1;
    size_t cap = (size_t)1 << nb, mask = cap - 1, old = (size_t)1 << *bits;
    Word *nt = (Word *)malloc(cap * sizeof(Word));
    if (!nt) return -1;
    for (size_t i = 0; i < cap; i++) nt[i].start = -1;
    for (size_t i = 0; i < old; i++) {
        if ((*tab)[i].start < 0) continue;
        size_t j = (size_t)((*tab)[i].key >> (64 - nb)) & mask;
        while (nt[j].start >= 0) j = (j + 1) & mask;
        nt[j] = (*tab)[i];
    }
    free(*tab);
    *tab = nt;
    *bits = nb;
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
    Word *tab = NULL;
    uint64_t *win = NULL;
    Py_ssize_t n = b_off.len / 8 - 1;
    if (n < 0 || k < 1 || !PyCallable_Check(word_hash) || check(&b_cnt, 8, n, "counts")) {
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
    const uint8_t *data = (const uint8_t *)b_data.buf;
    uint64_t *out = (uint64_t *)b_out.buf;
    int bits = 12;
    size_t n_words = 0;
    tab = (Word *)malloc(((size_t)1 << bits) * sizeof(Word));
    win = (uint64_t *)malloc((size_t)k * sizeof(uint64_t));
    if (!tab || !win) {
        PyErr_NoMemory();
        goto done;
    }
    for (size_t i = 0; i < ((size_t)1 << bits); i++) tab[i].start = -1;
    int64_t o = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t p = off[i], end = off[i + 1], pieces = 0, start_o = o;
        for (;;) { /* each piece up to the next space (or the text's end) */
            int64_t q = p;
            uint64_t key = 0xcbf29ce484222325ULL; /* FNV-1a of the piece, while looking for its end */
            while (q < end && data[q] != 32) key = (key ^ data[q++]) * 0x100000001b3ULL;
            size_t mask = ((size_t)1 << bits) - 1, j = (size_t)(key >> (64 - bits)) & mask;
            while (tab[j].start >= 0 && !word_is(&tab[j], key, data, data + p, q - p)) j = (j + 1) & mask;
            if (tab[j].start < 0) { /* a new word: its stable hash from Python */
                PyObject *r = PyObject_CallFunction(word_hash, "y#", (const char *)(data + p), (Py_ssize_t)(q - p));
                if (!r) goto done;
                unsigned long long wv = PyLong_AsUnsignedLongLong(r);
                Py_DECREF(r);
                if (wv == (unsigned long long)-1 && PyErr_Occurred()) goto done;
                tab[j].key = key;
                tab[j].start = p;
                tab[j].len = q - p;
                tab[j].hash = (uint64_t)wv;
                if (q - p <= WORD_INLINE) memcpy(tab[j].bytes, data + p, (size_t)(q - p));
                if (2 * ++n_words > ((size_t)1 << bits) && words_grow(&tab, &bits)) {
                    PyErr_NoMemory();
                    goto done;
                }
                j = (size_t)-1; /* the slot may have moved: look the hash up again below */
            }
            uint64_t wh;
            if (j == (size_t)-1) {
                size_t m2 = ((size_t)1 << bits) - 1, j2 = (size_t)(key >> (64 - bits)) & m2;
                while (!word_is(&tab[j2], key, data, data + p, q - p)) j2 = (j2 + 1) & m2;
                wh = tab[j2].hash;
            } else {
                wh = tab[j].hash;
            }
            /* the window of the last k pieces; a full window gives a shingle */
            if (pieces < k) {
                win[pieces] = wh;
            } else {
                memmove(win, win + 1, (size_t)(k - 1) * sizeof(uint64_t));
                win[k - 1] = wh;
            }
            pieces++;
            if (pieces >= k && o - start_o < counts[i]) { /* (more than counted: reported below) */
                uint64_t h = 0;
                for (Py_ssize_t w = 0; w < k; w++) h = h * (uint64_t)mult + win[w];
                out[o++] = h;
            }
            if (q >= end) break;
            p = q + 1;
        }
        if (pieces < k) { /* a short text: one shingle of all its pieces, zero-padded (counts[i] >= 1) */
            uint64_t h = 0;
            for (Py_ssize_t w = 0; w < k; w++) h = h * (uint64_t)mult + (w < pieces ? win[w] : 0);
            out[o++] = h;
        }
        if ((pieces >= k ? pieces - k + 1 : 1) != counts[i]) {
            PyErr_SetString(PyExc_RuntimeError, "duplicates: shingle counts disagree with the texts' spaces");
            goto done;
        }
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    free(tab);
    free(win);
    for (int i = 0; i < 4; i++) PyBuffer_Release(bufs[i]);
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
static inline uint64_t bytes_hash(const uint8_t *p, int64_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        h = (h ^ x) * 0xff51afd7ed558ccdULL;
        h ^= h >> 29;
    }
    uint64_t x = 0;
    for (int64_t j = 0; i + j < n; j++) x |= (uint64_t)p[i + j] << (8 * j);
    h = (h ^ x) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 32;
    return h;
}

typedef struct {
    uint64_t hash;
    int64_t code; /* -1: empty */
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
    tab = (TextSlot *)malloc(cap * sizeof(TextSlot));
    if (!tab) {
        PyErr_NoMemory();
        goto done;
    }
    int64_t *code = (int64_t *)b_code.buf, *rep = (int64_t *)b_rep.buf;
    int64_t n_codes = 0;
    Py_ssize_t c = 0;
    Py_BEGIN_ALLOW_THREADS
    for (size_t k = 0; k < cap; k++) tab[k].code = -1;
    c = 0;
    for (Py_ssize_t i = 0; i < m; i++) {
        int64_t r = rows[i];
        while (r >= base[c + 1]) c++;
        const int64_t *off = (const int64_t *)cb[2 * c + 1].buf;
        int64_t local = r - base[c];
        const uint8_t *p = (const uint8_t *)cb[2 * c].buf + off[local];
        int64_t len = off[local + 1] - off[local];
        uint64_t hv = bytes_hash(p, len);
        size_t j = (size_t)(hv >> (64 - bits)) & mask;
        while (tab[j].code >= 0 &&
               !(tab[j].hash == hv && tab[j].len == len && memcmp(tab[j].ptr, p, (size_t)len) == 0))
            j = (j + 1) & mask;
        if (tab[j].code < 0) {
            tab[j].hash = hv;
            tab[j].code = n_codes;
            tab[j].ptr = p;
            tab[j].len = len;
            rep[n_codes++] = r;
        }
        code[i] = tab[j].code;
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

static PyMethodDef methods[] = {
    {"group", group, METH_VARARGS,
     "group(chunks, rows, code, rep) -> distinct: the rows' texts numbered by first appearance (equal bytes, equal "
     "code), rep[c] the first row of text c."},
    {"shingles", shingles, METH_VARARGS,
     "shingles(data, offsets, k, mult, word_hash, out, counts): each text's k-word shingle hashes into out "
     "(word_hash called once per distinct word)."},
    {"table", table, METH_VARARGS,
     "table(h, n_sh, slot_of, size, private) -> (hashes, df): the shingle tokens (equal 64-bit hashes), each "
     "occurrence's token (-1 for a repeat in its text), distinct and private shingles per text."},
    {"text_ranks", text_ranks, METH_VARARGS,
     "text_ranks(slot_of, n_sh, rank_of, off, t_rank): each text's shared tokens' ranks, ascending, in its span."},
    {"squeeze", squeeze, METH_VARARGS,
     "squeeze(data, offsets, lut, out, out_offsets, n_words, not_ascii) -> bytes used: ASCII texts normalised "
     "(words through lut, joined by single spaces); texts with a byte >= 128 left empty and flagged."},
    {"join", join, METH_VARARGS,
     "join(rank, off, n_prefix, size, order, last, rest, t, eps) -> bytes of int64 (u, v, overlap) triples: every "
     "pair of texts with Jaccard >= t over their shared shingles (see reviewtools.duplicates._near_pairs)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_dupcore",
                                    "Native near-duplicate join of reviewtools.duplicates (optional).", -1, methods,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__dupcore(void) { return PyModule_Create(&module); }
