/* py3langid's raw naive-Bayes scores for a block of texts in C (optional; reviewtools.rules._rank_block has a
 * numpy path without it, and tests compare the two with py3langid's own rank).
 *
 * raw_scores(data, offsets, nextmove, states, table, ncls, log1p, f16, pc, sgemv, raw, single): for each
 * text i (bytes data[offsets[i]:offsets[i+1]]), what py3langid's _raw_score gives (before _decide's scaling):
 *   1. visit_counts: its byte automaton (state = nextmove[rowbase[state] + byte], feature output[state] when
 *      >= 0; states[s] = (rowbase[s], output[s]) as int32 pairs) and the distinct features in first-seen order
 *      (a Counter's) with their counts;
 *   2. _sparse_score: log1p(counts) @ table[features] + pc, where log1p[c] is numpy's own float32 log1p of c
 *      (an element-wise ufunc: the same float wherever c sits in an array), the float16 rows of table (given as
 *      their uint16 bits) are widened exactly (F16C, or f16[bits] = numpy's own conversion of every pattern), and
 *      the product is made by the very BLAS function numpy's matmul calls for it (sgemv, whose address the
 *      caller passes: cblas_sgemv(RowMajor, Trans, k, ncls, 1, rows, ncls, x, 1, 0, y, 1), 64-bit integers as in
 *      numpy's bundled OpenBLAS) so that its summation order, whatever the BLAS kernel, is numpy's; + pc is one
 *      float add.
 * raw (float32, n * ncls, zeros from the caller) gets the scores of texts with at least two distinct features;
 * a text with exactly one gets single[2i], single[2i+1] = (feature, count) instead (numpy's matmul does not call
 * BLAS for a 1-long product: the caller scores it with numpy), a text with none is left alone (py3langid's 0.0).
 *
 * product(sgemv, rows, ncls, x, y): y = x @ rows by that call (rows: float32 k * ncls, x: k, y: ncls), for the
 * caller's check that the address is numpy's product and for tests.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Texts walked together (their dependent reads of the automaton's table, tens of MB, overlap). */
#define WALK 16
/* A text's feature rows are asked for RAHEAD rows before they are widened (the first RAHEAD at once): the table
 * (28 MB) and the automaton (39 MB) are larger than this machine's last-level cache (32 MB), so the rows come
 * from memory; asking for all of a text's rows (~280 rows of ~5 lines) at once overran the outstanding misses and
 * stalled on them, and a row asked for long before it is read may be gone again. 8, 16 and 32 measure alike. */
#ifndef RAHEAD
#define RAHEAD 16
#endif

typedef void (*sgemv64_fn)(int, int, int64_t, int64_t, float, const float *, int64_t, const float *, int64_t, float,
                           float *, int64_t);
enum { CBLAS_ROW_MAJOR = 101, CBLAS_TRANS = 112 };

static int
check_buffer(Py_buffer *b, Py_ssize_t n, Py_ssize_t size, const char *what)
{
    if (b->len != n * size) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd items of %zd bytes, got a buffer of %zd bytes", what, n,
                     size, b->len);
        return -1;
    }
    return 0;
}

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define HAVE_F16C_PATH 1
/* One row by F16C (exact IEEE float16 -> float32 widening, as numpy's cast), 8 at a time; NaNs (which the
 * hardware may quiet) and the tail read the f16 table, so dst[c] = f16[src[c]] for every c. */
__attribute__((target("avx,f16c"))) static void
row_f16c(const uint16_t *src, float *dst, Py_ssize_t ncols, const float *f16)
{
    Py_ssize_t c = 0;
    for (; c + 8 <= ncols; c += 8) {
        __m256 v = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + c)));
        _mm256_storeu_ps(dst + c, v);
        if (_mm256_movemask_ps(_mm256_cmp_ps(v, v, _CMP_UNORD_Q))) {
            for (int k = 0; k < 8; k++) dst[c + k] = f16[src[c + k]];
        }
    }
    for (; c < ncols; c++) dst[c] = f16[src[c]];
}
#endif

static PyObject *
raw_scores(PyObject *Py_UNUSED(module), PyObject *args)
{
    Py_buffer bd, bo, bm, bs, bt, bl, bh, bp, br, bg;
    Py_ssize_t ncls;
    unsigned long long addr;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*ny*y*y*Kw*w*", &bd, &bo, &bm, &bs, &bt, &ncls, &bl, &bh, &bp, &addr,
                          &br, &bg))
        return NULL;
    PyObject *res = NULL;
    int32_t *feat = NULL, *mark = NULL, *slot = NULL, *cnt = NULL;
    float *rows = NULL, *x = NULL, *y = NULL;
    Py_ssize_t n = bo.len / (Py_ssize_t)sizeof(int64_t) - 1, total = bd.len;
    Py_ssize_t nmove = bm.len / (Py_ssize_t)sizeof(uint32_t), nstate = bs.len / (Py_ssize_t)(2 * sizeof(int32_t));
    Py_ssize_t nfeat = ncls > 0 ? bt.len / ((Py_ssize_t)sizeof(uint16_t) * ncls) : 0;
    Py_ssize_t nlog = bl.len / (Py_ssize_t)sizeof(float);
    if (n < 0 || n >= INT32_MAX || ncls <= 0 || nfeat <= 0 || nfeat >= INT32_MAX || total >= INT32_MAX || !addr) {
        PyErr_SetString(PyExc_ValueError, "offsets must hold n + 1 >= 1 entries, ncls and the table be non-empty, "
                                          "the data under 2**31 bytes and sgemv given");
        goto done;
    }
    if (check_buffer(&bo, n + 1, sizeof(int64_t), "offsets") < 0
        || check_buffer(&bm, nmove, sizeof(uint32_t), "nextmove") < 0
        || check_buffer(&bs, nstate, 2 * sizeof(int32_t), "states") < 0
        || check_buffer(&bt, nfeat * ncls, sizeof(uint16_t), "table") < 0
        || check_buffer(&bl, nlog, sizeof(float), "log1p") < 0
        || check_buffer(&bh, 65536, sizeof(float), "f16") < 0
        || check_buffer(&bp, ncls, sizeof(float), "pc") < 0
        || check_buffer(&br, n * ncls, sizeof(float), "raw") < 0
        || check_buffer(&bg, 2 * n, sizeof(int64_t), "single") < 0)
        goto done;
    const unsigned char *data = (const unsigned char *)bd.buf;
    const int64_t *offsets = (const int64_t *)bo.buf;
    const uint32_t *nextmove = (const uint32_t *)bm.buf;
    const int32_t *states = (const int32_t *)bs.buf;
    const uint16_t *table = (const uint16_t *)bt.buf;
    const float *log1p = (const float *)bl.buf, *f16 = (const float *)bh.buf, *pc = (const float *)bp.buf;
    float *raw = (float *)br.buf;
    int64_t *single = (int64_t *)bg.buf;
    Py_ssize_t longest = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (offsets[i] < 0 || offsets[i + 1] < offsets[i] || offsets[i + 1] > total) {
            PyErr_Format(PyExc_ValueError, "offsets[%zd:%zd] = %lld:%lld outside the %zd bytes", i, i + 2,
                         (long long)offsets[i], (long long)offsets[i + 1], total);
            goto done;
        }
        if (offsets[i + 1] - offsets[i] > longest) longest = (Py_ssize_t)(offsets[i + 1] - offsets[i]);
    }
    if (nlog <= longest) { /* a count is at most the text's length */
        PyErr_Format(PyExc_ValueError, "log1p must cover counts up to %zd", longest);
        goto done;
    }
    feat = (int32_t *)malloc((size_t)(total ? total : 1) * sizeof(int32_t));
    mark = (int32_t *)calloc((size_t)nfeat, sizeof(int32_t));
    slot = (int32_t *)malloc((size_t)nfeat * sizeof(int32_t));
    cnt = (int32_t *)malloc((size_t)(longest ? longest : 1) * sizeof(int32_t));
    rows = (float *)malloc((size_t)(longest ? longest : 1) * (size_t)ncls * sizeof(float));
    x = (float *)malloc((size_t)(longest ? longest : 1) * sizeof(float));
    y = (float *)malloc((size_t)ncls * sizeof(float));
    if (!feat || !mark || !slot || !cnt || !rows || !x || !y) {
        PyErr_NoMemory();
        goto done;
    }
    int f16c = 0;
#ifdef HAVE_F16C_PATH
    __builtin_cpu_init();
    f16c = __builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c");
#endif
    /* 1a. The walk: WALK texts at a time, a byte of each in turn; each position's feature (or -1) into feat. */
    for (Py_ssize_t g = 0; g < n; g += WALK) {
        int64_t pos[WALK], end[WALK];
        int32_t state[WALK];
        int live = 0;
        Py_ssize_t m = n - g < WALK ? n - g : WALK;
        for (Py_ssize_t k = 0; k < m; k++) {
            pos[k] = offsets[g + k];
            end[k] = offsets[g + k + 1];
            state[k] = 0;
            if (pos[k] < end[k]) live++;
        }
        while (live) {
            live = 0;
            for (Py_ssize_t k = 0; k < m; k++) {
                if (pos[k] >= end[k]) continue;
                int64_t at = (int64_t)states[2 * state[k]] + data[pos[k]];
                if (at < 0 || at >= nmove) {
                    PyErr_Format(PyExc_ValueError, "automaton move %lld outside the %zd entries", (long long)at,
                                 nmove);
                    goto done;
                }
                uint32_t st = nextmove[at];
                if ((Py_ssize_t)st >= nstate) {
                    PyErr_Format(PyExc_ValueError, "automaton state %lld outside the %zd states", (long long)st,
                                 nstate);
                    goto done;
                }
                state[k] = (int32_t)st;
                feat[pos[k]] = states[2 * st + 1];
                if (++pos[k] < end[k]) live++;
            }
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        /* 1b. The counts: the text's features in first-seen order (compacted in place) and how often each came. */
        int32_t tag = (int32_t)(i + 1);
        int64_t a = offsets[i], w = a;
        for (int64_t p = a; p < offsets[i + 1]; p++) {
            int32_t f = feat[p];
            if (f < 0) continue;
            if (f >= nfeat) {
                PyErr_Format(PyExc_ValueError, "feature %lld outside the %zd features", (long long)f, nfeat);
                goto done;
            }
            if (mark[f] != tag) {
                mark[f] = tag;
                slot[f] = (int32_t)(w - a);
                feat[w] = f; /* w <= p: a position already read */
                cnt[w - a] = 1;
                w++;
            } else {
                cnt[slot[f]]++;
            }
        }
        int64_t k = w - a;
        if (k == 0) continue;
        if (k == 1) {
            single[2 * i] = feat[a];
            single[2 * i + 1] = cnt[0];
            continue;
        }
        /* 2. The product: rows widened, weights from the log1p table, numpy's sgemv, + pc. */
        const int32_t *fs = feat + a;
        for (int64_t j = 0; j < k && j < RAHEAD; j++) { /* the first rows' cache lines asked for */
            const char *src = (const char *)(table + (Py_ssize_t)fs[j] * ncls);
            for (Py_ssize_t o = 0; o < ncls * (Py_ssize_t)sizeof(uint16_t); o += 64) __builtin_prefetch(src + o);
        }
        for (int64_t j = 0; j < k; j++) {
            if (j + RAHEAD < k) { /* and each further one RAHEAD rows before it is widened */
                const char *nx = (const char *)(table + (Py_ssize_t)fs[j + RAHEAD] * ncls);
                for (Py_ssize_t o = 0; o < ncls * (Py_ssize_t)sizeof(uint16_t); o += 64) __builtin_prefetch(nx + o);
            }
            const uint16_t *src = table + (Py_ssize_t)fs[j] * ncls;
            float *dst = rows + j * ncls;
            x[j] = log1p[cnt[j]];
#ifdef HAVE_F16C_PATH
            if (f16c) {
                row_f16c(src, dst, ncls, f16);
                continue;
            }
#endif
            for (Py_ssize_t c = 0; c < ncls; c++) dst[c] = f16[src[c]];
        }
        memset(y, 0, (size_t)ncls * sizeof(float));
        ((sgemv64_fn)(uintptr_t)addr)(CBLAS_ROW_MAJOR, CBLAS_TRANS, k, ncls, 1.0f, rows, ncls, x, 1, 0.0f, y, 1);
        float *out = raw + i * ncls;
        for (Py_ssize_t c = 0; c < ncls; c++) out[c] = y[c] + pc[c];
    }
    res = Py_None;
    Py_INCREF(res);
done:
    free(feat);
    free(mark);
    free(slot);
    free(cnt);
    free(rows);
    free(x);
    free(y);
    PyBuffer_Release(&bd);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bm);
    PyBuffer_Release(&bs);
    PyBuffer_Release(&bt);
    PyBuffer_Release(&bl);
    PyBuffer_Release(&bh);
    PyBuffer_Release(&bp);
    PyBuffer_Release(&br);
    PyBuffer_Release(&bg);
    return res;
}

static PyObject *
product(PyObject *Py_UNUSED(module), PyObject *args)
{
    Py_buffer br, bx, by;
    unsigned long long addr;
    Py_ssize_t ncls;
    if (!PyArg_ParseTuple(args, "Ky*ny*w*", &addr, &br, &ncls, &bx, &by)) return NULL;
    PyObject *res = NULL;
    Py_ssize_t k = bx.len / (Py_ssize_t)sizeof(float);
    if (!addr || ncls <= 0 || k <= 0) {
        PyErr_SetString(PyExc_ValueError, "sgemv, ncls and len(x) must be non-zero");
        goto done;
    }
    if (check_buffer(&bx, k, sizeof(float), "x") < 0 || check_buffer(&br, k * ncls, sizeof(float), "rows") < 0
        || check_buffer(&by, ncls, sizeof(float), "y") < 0)
        goto done;
    memset(by.buf, 0, (size_t)ncls * sizeof(float));
    ((sgemv64_fn)(uintptr_t)addr)(CBLAS_ROW_MAJOR, CBLAS_TRANS, k, ncls, 1.0f, (const float *)br.buf, ncls,
                                  (const float *)bx.buf, 1, 0.0f, (float *)by.buf, 1);
    res = Py_None;
    Py_INCREF(res);
done:
    PyBuffer_Release(&br);
    PyBuffer_Release(&bx);
    PyBuffer_Release(&by);
    return res;
}

/* ------------------------------------------------------------------------------- language pre-pass */

/* head_counts(texts, keys, longest, max_chars, tokens, words, letters, state) -> None: reviewtools.sentiment's
 * English function-word pre-pass, the same counts as _vadercore.ascii_head_counts (its reference; the numpy
 * path of sentiment._plain_english_ascii before it): for each text that is an ASCII str (exactly str), its head
 * text.strip()[:max_chars] (str.strip() removes the characters Py_UNICODE_ISSPACE holds): the number of tokens
 * (maximal runs of ASCII letters and digits), of those tokens of at most longest (<= 8) characters whose bytes
 * OR 0x20 (lower case; digits keep their code), read as a little-endian uint64, are among keys (non-zero uint64
 * keys), and of ASCII letters, into the int64 buffers tokens, words and letters; state 2 when the stripped text
 * is no longer than max_chars (the head is all of it), else 1; state 0 and zero counts for any other text.
 * The head is copied into a zero-padded buffer and classified 16 bytes at a time (SSE2, baseline on x86_64;
 * a byte loop elsewhere) into 64-bit masks of word characters and letters: letters and tokens are popcounts,
 * and each token's start and length come from the masks, so there is no branch per character.
 *
 * head_counts_mapped(texts, keys, longest, max_chars, cmap, tokens, words, letters, state): the same, and a str of
 * one or two bytes per character that is not ASCII is counted too, through cmap (uint8 per BMP code point, filled
 * by reviewtools.sentiment._map_head_chars): a character above ASCII is the byte HC_MAPPED | HC_WORD (its lower
 * case is one character matching [^\W_], the tokens of rules._plainly_english) | HC_LETTER (it matches
 * [^\W\d_], rules._LETTER) in the head's buffer, so such a character joins a token (a token with it is never a
 * key: the keys are ASCII) and counts as a letter as the regexes on head.lower() and on the head say. That
 * holds character by character because the map holds only characters whose lower case is one character above
 * ASCII (str.lower() of the head is then the lower case of each character, but for the final sigma of U+03A3,
 * whose two lower cases are both letters). Such a text gets state 3, whether or not its head is all of it
 * (the caller sends it on as before when its head has too few letters). Any other character is HC_NEVER and its
 * text gets state 0 (left to the caller), as a four-byte str does; a character not yet mapped (HC_UNKNOWN) gives
 * state -1: the caller maps the text's characters and counts it again. */

#define HC_MAXW 8
static inline int
popcount64(uint64_t x)
{
#if defined(__GNUC__)
    return __builtin_popcountll(x);
#else
    int c = 0;
    for (; x; x &= x - 1) c++;
    return c;
#endif
}

static inline int
hc_ctz(uint64_t x) /* x != 0 */
{
#if defined(__GNUC__)
    return __builtin_ctzll(x);
#else
    int c = 0;
    while (!(x & 1)) { x >>= 1; c++; }
    return c;
#endif
}

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Masks of buf[0:64 * nm) (bytes past the head are 0): bit j of wm[q] set when byte 64q + j is an ASCII letter or
 * digit, of lm[q] when it is a letter. */
static void
hc_masks(const unsigned char *buf, Py_ssize_t nm, uint64_t *wm, uint64_t *lm)
{
    for (Py_ssize_t q = 0; q < nm; q++) {
        uint64_t w = 0, l = 0;
#if defined(__SSE2__)
        const __m128i twenty = _mm_set1_epi8(0x20), a1 = _mm_set1_epi8('a' - 1), z1 = _mm_set1_epi8('z' + 1);
        const __m128i d0 = _mm_set1_epi8('0' - 1), d9 = _mm_set1_epi8('9' + 1);
        for (int h = 0; h < 4; h++) {
            __m128i x = _mm_loadu_si128((const __m128i *)(buf + 64 * q + 16 * h));
            __m128i lx = _mm_or_si128(x, twenty);
            /* signed compares: bytes >= 0x80 are negative, never in a range of ASCII characters */
            __m128i let = _mm_and_si128(_mm_cmpgt_epi8(lx, a1), _mm_cmplt_epi8(lx, z1));
            __m128i dig = _mm_and_si128(_mm_cmpgt_epi8(x, d0), _mm_cmplt_epi8(x, d9));
            l |= (uint64_t)(unsigned)_mm_movemask_epi8(let) << (16 * h);
            w |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(let, dig)) << (16 * h);
        }
#else
        for (int j = 0; j < 64; j++) {
            unsigned char x = buf[64 * q + j], lx = x | 0x20;
            uint64_t is_l = lx >= 'a' && lx <= 'z', is_d = x >= '0' && x <= '9';
            l |= is_l << j;
            w |= (is_l | is_d) << j;
        }
#endif
        wm[q] = w;
        lm[q] = l;
    }
}

/* Bytes of head_counts_mapped's character map (uint8 per BMP code point, read above ASCII only). */
enum { HC_UNKNOWN = 0, HC_NEVER = 1, HC_MAPPED = 0x80, HC_WORD = 1, HC_LETTER = 2 };

/* The next text's str object asked for while this one is counted: the block's texts are out of the caches by
 * the time this pass reads them (sentiment's splitter and VADER read ~10 MB of them before). Its header and the
 * first HC_PREFETCH_LINES cache lines (a compact str's characters follow its header; a head is at most a few
 * hundred bytes); a prefetch never faults, so reading past a short object's end is harmless. */
#define HC_PREFETCH_LINES 4
static inline void
hc_prefetch(const PyObject *x)
{
#if defined(__GNUC__)
    const char *p = (const char *)x;
    for (int k = 0; k < HC_PREFETCH_LINES; k++) __builtin_prefetch(p + 64 * k);
#else
    (void)x;
#endif
}

static PyObject *
hc_run(PyObject *args, int mapped)
{
    PyObject *texts;
    Py_buffer bk, bt, bw, bl, bs, bc = {0};
    int longest;
    Py_ssize_t max_chars;
    if (mapped ? !PyArg_ParseTuple(args, "Oy*iny*w*w*w*w*", &texts, &bk, &longest, &max_chars, &bc, &bt, &bw, &bl,
                                   &bs)
               : !PyArg_ParseTuple(args, "Oy*inw*w*w*w*", &texts, &bk, &longest, &max_chars, &bt, &bw, &bl, &bs))
        return NULL;
    PyObject *seq = PySequence_Fast(texts, "texts must be a sequence of str");
    PyObject *res = NULL;
    uint64_t *set = NULL, *wm = NULL, *lm = NULL;
    unsigned char *buf = NULL;
    const unsigned char *cmap = mapped ? (const unsigned char *)bc.buf : NULL;
    if (!seq) goto done;
    if (mapped && check_buffer(&bc, 65536, 1, "cmap") < 0) goto done;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    Py_ssize_t nk = bk.len / (Py_ssize_t)sizeof(uint64_t);
    if (check_buffer(&bk, nk, sizeof(uint64_t), "keys") < 0 || check_buffer(&bt, n, sizeof(int64_t), "tokens") < 0
        || check_buffer(&bw, n, sizeof(int64_t), "words") < 0 || check_buffer(&bl, n, sizeof(int64_t), "letters") < 0
        || check_buffer(&bs, n, 1, "state") < 0)
        goto done;
    if (longest < 0 || longest > HC_MAXW) {
        PyErr_SetString(PyExc_ValueError, "longest must be between 0 and 8");
        goto done;
    }
    if (max_chars < 0) {
        PyErr_SetString(PyExc_ValueError, "max_chars must not be negative");
        goto done;
    }
    const uint64_t *keys = (const uint64_t *)bk.buf;
    for (Py_ssize_t k = 0; k < nk; k++) {
        if (!keys[k] || keys[k] == ~0ULL) {
            PyErr_SetString(PyExc_ValueError, "keys must be neither 0 nor 2**64 - 1");
            goto done;
        }
    }
    int64_t *tokens = (int64_t *)bt.buf, *words = (int64_t *)bw.buf, *letters = (int64_t *)bl.buf;
    int8_t *state = (int8_t *)bs.buf;
    /* the keys in an open-addressing set (0 marks a free slot), at least 8 slots a key */
    size_t cap = 64;
    while (cap < (size_t)nk * 8) cap <<= 1;
    int shift = 64;
    for (size_t c = cap; c > 1; c >>= 1) shift--;
    set = (uint64_t *)PyMem_Calloc(cap + (size_t)nk + 1, sizeof(uint64_t));
    /* the longest head of the block, for the buffer and masks */
    Py_ssize_t most = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *h = items[i];
        if (PyUnicode_CheckExact(h)) {
            Py_ssize_t len = PyUnicode_GET_LENGTH(h);
            if (len > most) most = len;
        }
    }
    if (most > max_chars) most = max_chars;
    Py_ssize_t nmask = most / 64 + 1; /* a free bit past the head's last byte ends its last token */
    buf = (unsigned char *)PyMem_Calloc((size_t)(64 * nmask + 8), 1);
    wm = (uint64_t *)PyMem_Malloc(sizeof(uint64_t) * (size_t)(nmask + 1));
    lm = (uint64_t *)PyMem_Malloc(sizeof(uint64_t) * (size_t)(nmask + 1));
    if (!set || !buf || !wm || !lm) { PyErr_NoMemory(); goto done; }
    /* a multiplier that gives every key a slot of its own is looked for first (a few tries at 8 slots a key: a
     * lookup then reads one slot); else linear probing without wrapping around (the slots past cap are spare),
     * so a lookup reads the `reach` slots from a word's home slot whatever it finds there: no branch on the
     * probes */
    uint64_t mul = 0x9E3779B97F4A7C15ULL, seed = 0x2545F4914F6CDD1DULL;
    size_t reach = 0;
    for (int attempt = 0; attempt < 64 && !reach; attempt++) {
        memset(set, 0, (cap + (size_t)nk + 1) * sizeof(uint64_t));
        int clash = 0;
        for (Py_ssize_t k = 0; k < nk && !clash; k++) {
            size_t at = (size_t)((keys[k] * mul) >> shift);
            clash = set[at] && set[at] != keys[k];
            set[at] = keys[k];
        }
        if (!clash) {
            reach = 1;
        } else { /* the next odd multiplier (splitmix64 of a counter) */
            uint64_t z = (seed += 0x9E3779B97F4A7C15ULL);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
            mul = (z ^ (z >> 31)) | 1;
        }
    }
    /* the shortest and longest key (its bytes up to the highest non-zero one: the only length of a token that
     * can equal it, a token's bytes | 0x20 being non-zero), the longest at most `longest` */
    int klo = 9, khi = 0;
    for (Py_ssize_t k = 0; k < nk; k++) {
        int len = 0;
        for (uint64_t x = keys[k]; x; x >>= 8) len++;
        if (len < klo) klo = len;
        if (len > khi) khi = len;
    }
    if (khi > longest) khi = longest;
    if (!reach) {
        mul = 0x9E3779B97F4A7C15ULL;
        reach = 1;
        memset(set, 0, (cap + (size_t)nk + 1) * sizeof(uint64_t));
        for (Py_ssize_t k = 0; k < nk; k++) {
            size_t home = (size_t)((keys[k] * mul) >> shift), at = home;
            while (set[at] && set[at] != keys[k]) at++;
            set[at] = keys[k];
            if (at - home + 1 > reach) reach = at - home + 1;
        }
    }
    const uint64_t lower8 = 0x2020202020202020ULL;
    Py_ssize_t dirty = 0; /* buf[0:dirty) may hold an earlier head's bytes */
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *h = items[i];
        if (i + 1 < n) hc_prefetch(items[i + 1]);
        tokens[i] = words[i] = letters[i] = 0;
        state[i] = 0;
        if (!PyUnicode_CheckExact(h)) continue;
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(h) < 0) goto done;
#endif
        int wide = !PyUnicode_IS_ASCII(h);
        Py_ssize_t len;
        int8_t st;
        if (!wide) {
            const unsigned char *c = (const unsigned char *)PyUnicode_DATA(h);
            Py_ssize_t lo = 0, hi = PyUnicode_GET_LENGTH(h);
            while (lo < hi && Py_UNICODE_ISSPACE(c[lo])) lo++;
            while (hi > lo && Py_UNICODE_ISSPACE(c[hi - 1])) hi--;
            st = hi - lo <= max_chars ? 2 : 1;
            if (hi - lo > max_chars) hi = lo + max_chars;
            len = hi - lo;
            memcpy(buf, c + lo, (size_t)len);
        } else {
            /* a one- or two-byte str (head_counts_mapped only): its head's characters as bytes, ASCII ones as
             * themselves, the others as their map byte (HC_MAPPED | word and letter bits) */
            int kind = PyUnicode_KIND(h);
            if (!cmap || kind == PyUnicode_4BYTE_KIND) continue;
            const void *d = PyUnicode_DATA(h);
            Py_ssize_t lo = 0, hi = PyUnicode_GET_LENGTH(h);
            while (lo < hi && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, d, lo))) lo++;
            while (hi > lo && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, d, hi - 1))) hi--;
            st = 3;
            if (hi - lo > max_chars) hi = lo + max_chars;
            len = hi - lo;
            int unknown = 0, never = 0;
            for (Py_ssize_t j = 0; j < len; j++) {
                Py_UCS4 ch = PyUnicode_READ(kind, d, lo + j);
                unsigned char b = ch < 128 ? (unsigned char)ch : cmap[ch];
                if (ch >= 128 && (b & 0xFC) != HC_MAPPED) {
                    unknown |= b == HC_UNKNOWN;
                    never |= b != HC_UNKNOWN;
                }
                buf[j] = b;
            }
            if (never || unknown) {
                state[i] = never ? 0 : -1; /* -1: map its characters and ask again */
                if (dirty < len) dirty = len;
                continue;
            }
        }
        state[i] = st;
        if (dirty > len) memset(buf + len, 0, (size_t)(dirty - len));
        dirty = len;
        Py_ssize_t nm = len / 64 + 1;
        hc_masks(buf, nm, wm, lm);
        wm[nm] = 0;
        if (wide) { /* the mapped bytes (>= 0x80, outside every ASCII range of hc_masks): their own bits */
            for (Py_ssize_t j = 0; j < len; j++) {
                unsigned char b = buf[j];
                if (b & 0x80) {
                    wm[j >> 6] |= (uint64_t)(b & HC_WORD) << (j & 63);
                    lm[j >> 6] |= (uint64_t)((b & HC_LETTER) >> 1) << (j & 63);
                }
            }
        }
        int64_t nt = 0, nw = 0, nl = 0;
        uint64_t carry = 0; /* bit 0: the byte before this mask's first one is a word character */
        for (Py_ssize_t q = 0; q < nm; q++) {
            uint64_t w = wm[q];
            nl += popcount64(lm[q]);
            uint64_t starts = w & ~((w << 1) | carry);
            carry = w >> 63;
            nt += popcount64(starts);
            /* only a token of klo..khi characters can be a key: the starts of runs of at least klo set bits
             * (this mask's bits with the next one's after them) and not of khi + 1 */
            uint64_t next = wm[q + 1], at_least = w, longer = w;
            for (int k = 1; k <= khi; k++) {
                uint64_t sh = (w >> k) | (next << (64 - k));
                if (k < klo) at_least &= sh;
                longer &= sh;
            }
            uint64_t cand = klo <= khi ? starts & at_least & ~longer : 0;
            while (cand) {
                int b = hc_ctz(cand);
                cand &= cand - 1;
                Py_ssize_t a = 64 * q + b;
                /* its length: the run of set bits from b (at most longest + 1 of them matter) */
                uint64_t run = ~(w >> b);
                Py_ssize_t wl;
                if (run) {
                    wl = hc_ctz(run);
                    if (b + wl == 64 && wl <= longest) { /* runs on into the next mask */
                        wl += hc_ctz(~wm[q + 1] | ((uint64_t)1 << 63));
                    }
                } else {
                    wl = 64; /* longer than any key */
                }
                /* its bytes | 0x20, or (longer than any key) 2**64 - 1, which no key is */
                uint64_t packed, keep = wl < 8 ? (((uint64_t)1 << (8 * (wl & 7))) - 1) : ~0ULL;
                memcpy(&packed, buf + a, 8);
                packed = ((packed | lower8) & keep) | (wl > longest ? ~0ULL : 0);
                const uint64_t *slot = set + (size_t)((packed * mul) >> shift);
                int hit = slot[0] == packed;
                for (size_t r = 1; r < reach; r++) hit |= slot[r] == packed;
                nw += hit;
            }
        }
        tokens[i] = nt;
        words[i] = nw;
        letters[i] = nl;
    }
    res = Py_None;
    Py_INCREF(res);
done:
    PyMem_Free(set);
    PyMem_Free(buf);
    PyMem_Free(wm);
    PyMem_Free(lm);
    Py_XDECREF(seq);
    PyBuffer_Release(&bk);
    PyBuffer_Release(&bt);
    PyBuffer_Release(&bw);
    PyBuffer_Release(&bl);
    PyBuffer_Release(&bs);
    if (mapped) PyBuffer_Release(&bc);
    return res;
}

static PyObject *
head_counts(PyObject *Py_UNUSED(module), PyObject *args)
{
    return hc_run(args, 0);
}

static PyObject *
head_counts_mapped(PyObject *Py_UNUSED(module), PyObject *args)
{
    return hc_run(args, 1);
}

/* ---------------------------------------------------------------------------------- spans as Arrow strings */

/* span_utf8(texts, owner, start, end, qs, offsets, valid) -> bytes or None: the UTF-8 bytes of the spans
 * texts[owner[q]][start[q]:end[q]] for each q of the int64 buffer qs, one after another (what pyarrow.array of
 * [None if q < 0 else span] as large_string holds), with offsets[i]:offsets[i + 1] (int64, len(qs) + 1) the bytes
 * of item i and valid[i] (uint8) 0 for q < 0 (no bytes), else 1. None when a span holds a surrogate (UTF-8 cannot
 * hold it: the caller goes the Python way, whose pyarrow.array refuses it); IndexError for a q, owner or span out
 * of range or a text that is not a str. */
/* span_utf8's look-ahead: the str object of a span SU_AHEAD items on (its header in the first pass, which reads
 * each text's kind; in the second, the line where the span's characters start if the text is ASCII, the usual
 * case: a compact ASCII str's characters follow its PyASCIIObject header; for another text the address is only a
 * guess, which costs nothing). The texts are out of the caches by now (the stage read ~10 MB of them since).
 * Only checked indices are read; a prefetch never faults. */
#define SU_AHEAD 4
static inline void
su_prefetch(PyObject *const *items, Py_ssize_t n, const int64_t *own, const int64_t *st, Py_ssize_t ns, int64_t q,
            int data)
{
#if defined(__GNUC__)
    if (q < 0 || q >= ns || own[q] < 0 || own[q] >= n) return;
    const char *p = (const char *)items[own[q]];
    __builtin_prefetch(data ? p + sizeof(PyASCIIObject) + st[q] : p);
#else
    (void)items; (void)n; (void)own; (void)st; (void)ns; (void)q; (void)data;
#endif
}

static PyObject *
span_utf8(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *texts;
    Py_buffer bo, bs, be, bq, boff, bv;
    if (!PyArg_ParseTuple(args, "Oy*y*y*y*w*w*", &texts, &bo, &bs, &be, &bq, &boff, &bv)) return NULL;
    PyObject *seq = PySequence_Fast(texts, "texts must be a sequence of str");
    PyObject *res = NULL;
    if (!seq) goto done;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    Py_ssize_t ns = bo.len / (Py_ssize_t)sizeof(int64_t), nq = bq.len / (Py_ssize_t)sizeof(int64_t);
    if (check_buffer(&bo, ns, sizeof(int64_t), "owner") < 0 || check_buffer(&bs, ns, sizeof(int64_t), "start") < 0
        || check_buffer(&be, ns, sizeof(int64_t), "end") < 0 || check_buffer(&bq, nq, sizeof(int64_t), "qs") < 0
        || check_buffer(&boff, nq + 1, sizeof(int64_t), "offsets") < 0 || check_buffer(&bv, nq, 1, "valid") < 0)
        goto done;
    const int64_t *own = (const int64_t *)bo.buf, *st = (const int64_t *)bs.buf, *en = (const int64_t *)be.buf;
    const int64_t *qs = (const int64_t *)bq.buf;
    int64_t *off = (int64_t *)boff.buf;
    unsigned char *valid = (unsigned char *)bv.buf;
    /* 1. each item's UTF-8 length (checking every span) */
    int64_t total = 0;
    off[0] = 0;
    for (Py_ssize_t i = 0; i < nq; i++) {
        int64_t q = qs[i];
        valid[i] = q >= 0;
        if (i + SU_AHEAD < nq) su_prefetch(items, n, own, st, ns, qs[i + SU_AHEAD], 0);
        if (q >= 0) {
            if (q >= ns || own[q] < 0 || own[q] >= n || !PyUnicode_Check(items[own[q]])) {
                PyErr_Format(PyExc_IndexError, "qs[%zd] = %lld is not a span of one of the %zd texts", i,
                             (long long)q, n);
                goto done;
            }
            PyObject *text = items[own[q]];
#if PY_VERSION_HEX < 0x030C0000
            if (PyUnicode_READY(text) < 0) goto done;
#endif
            int64_t a = st[q], b = en[q];
            if (a < 0 || b < a || b > PyUnicode_GET_LENGTH(text)) {
                PyErr_Format(PyExc_IndexError, "span %lld: [%lld, %lld) outside its text", (long long)q,
                             (long long)a, (long long)b);
                goto done;
            }
            int kind = PyUnicode_KIND(text);
            const void *d = PyUnicode_DATA(text);
            int64_t len = b - a;
            if (!PyUnicode_IS_ASCII(text)) {
                if (kind == PyUnicode_1BYTE_KIND) {
                    const unsigned char *c = (const unsigned char *)d;
                    for (int64_t k = a; k < b; k++) len += c[k] >> 7;
                } else {
                    for (int64_t k = a; k < b; k++) {
                        Py_UCS4 ch = PyUnicode_READ(kind, d, k);
                        if (ch >= 0xD800 && ch <= 0xDFFF) { res = Py_None; Py_INCREF(res); goto done; }
                        len += (ch >= 0x80) + (ch >= 0x800) + (ch >= 0x10000);
                    }
                }
            }
            total += len;
        }
        off[i + 1] = total;
    }
    /* 2. the bytes */
    res = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)total);
    if (!res) goto done;
    unsigned char *out = (unsigned char *)PyBytes_AS_STRING(res);
    for (Py_ssize_t i = 0; i < nq; i++) {
        int64_t q = qs[i];
        if (i + SU_AHEAD < nq) su_prefetch(items, n, own, st, ns, qs[i + SU_AHEAD], 1);
        if (q < 0) continue;
        PyObject *text = items[own[q]];
        int kind = PyUnicode_KIND(text);
        const void *d = PyUnicode_DATA(text);
        int64_t a = st[q], b = en[q];
        unsigned char *w = out + off[i];
        if (PyUnicode_IS_ASCII(text)) {
            memcpy(w, (const unsigned char *)d + a, (size_t)(b - a));
            continue;
        }
        for (int64_t k = a; k < b; k++) {
            Py_UCS4 ch = PyUnicode_READ(kind, d, k);
            if (ch < 0x80) {
                *w++ = (unsigned char)ch;
            } else if (ch < 0x800) {
                *w++ = (unsigned char)(0xC0 | (ch >> 6));
                *w++ = (unsigned char)(0x80 | (ch & 0x3F));
            } else if (ch < 0x10000) {
                *w++ = (unsigned char)(0xE0 | (ch >> 12));
                *w++ = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
                *w++ = (unsigned char)(0x80 | (ch & 0x3F));
            } else {
                *w++ = (unsigned char)(0xF0 | (ch >> 18));
                *w++ = (unsigned char)(0x80 | ((ch >> 12) & 0x3F));
                *w++ = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
                *w++ = (unsigned char)(0x80 | (ch & 0x3F));
            }
        }
    }
done:
    Py_XDECREF(seq);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bs);
    PyBuffer_Release(&be);
    PyBuffer_Release(&bq);
    PyBuffer_Release(&boff);
    PyBuffer_Release(&bv);
    return res;
}

/* ---------------------------------------------------------------------------------- sentence words */

/* span_word_counts(texts, owner, start, end, out): len(texts[owner[k]][start[k]:end[k]].split()) into the int64
 * buffer out (reviewtools.sentiment's word count of long sentences; _vadercore.span_word_counts is the same with
 * a loop per character, and the reference in tests): runs of characters that are not Py_UNICODE_ISSPACE. A span
 * of a one-byte str (ASCII or Latin-1, where those are 9-13, 28-32, 0x85 and 0xA0) is read 16 bytes at a time
 * (SSE2) into a mask of whitespace, whose word starts are counted with popcounts; other spans by the loop. */

static inline uint64_t
wc_space_mask(const unsigned char *p, int nbytes) /* nbytes <= 64; bit j: p[j] is whitespace */
{
    uint64_t m = 0;
    int j = 0;
#if defined(__SSE2__)
    const __m128i c8 = _mm_set1_epi8(8), c14 = _mm_set1_epi8(14), c27 = _mm_set1_epi8(27), c33 = _mm_set1_epi8(33);
    const __m128i x85 = _mm_set1_epi8((char)0x85), xa0 = _mm_set1_epi8((char)0xA0);
    for (; j + 16 <= nbytes; j += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(p + j));
        /* signed compares: 0x80-0xFF are negative, outside both ranges */
        __m128i r1 = _mm_and_si128(_mm_cmpgt_epi8(x, c8), _mm_cmplt_epi8(x, c14));
        __m128i r2 = _mm_and_si128(_mm_cmpgt_epi8(x, c27), _mm_cmplt_epi8(x, c33));
        __m128i hi = _mm_or_si128(_mm_cmpeq_epi8(x, x85), _mm_cmpeq_epi8(x, xa0));
        m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(r1, r2), hi)) << j;
    }
#endif
    for (; j < nbytes; j++) m |= (uint64_t)(Py_UNICODE_ISSPACE(p[j]) != 0) << j;
    return m;
}

static PyObject *
span_word_counts(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *texts;
    Py_buffer bo, bs, be, bout;
    if (!PyArg_ParseTuple(args, "Oy*y*y*w*", &texts, &bo, &bs, &be, &bout)) return NULL;
    PyObject *seq = PySequence_Fast(texts, "texts must be a sequence of str");
    PyObject *res = NULL;
    if (!seq) goto done;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    Py_ssize_t ns = bo.len / (Py_ssize_t)sizeof(int64_t);
    if (check_buffer(&bo, ns, sizeof(int64_t), "owner") < 0 || check_buffer(&bs, ns, sizeof(int64_t), "start") < 0
        || check_buffer(&be, ns, sizeof(int64_t), "end") < 0 || check_buffer(&bout, ns, sizeof(int64_t), "out") < 0)
        goto done;
    const int64_t *own = (const int64_t *)bo.buf, *st = (const int64_t *)bs.buf, *en = (const int64_t *)be.buf;
    int64_t *out = (int64_t *)bout.buf;
    for (Py_ssize_t i = 0; i < ns; i++) {
        int64_t o = own[i], a = st[i], b = en[i];
        if (o < 0 || o >= n || !PyUnicode_Check(items[o])) {
            PyErr_Format(PyExc_IndexError, "span %zd: owner %lld is not one of the %zd texts", i, (long long)o, n);
            goto done;
        }
        PyObject *text = items[o];
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(text) < 0) goto done;
#endif
        Py_ssize_t len = PyUnicode_GET_LENGTH(text);
        if (a < 0 || b < a || b > len) {
            PyErr_Format(PyExc_IndexError, "span %zd: [%lld, %lld) outside text %lld of length %zd", i,
                         (long long)a, (long long)b, (long long)o, len);
            goto done;
        }
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        int64_t words = 0;
        if (kind == PyUnicode_1BYTE_KIND) {
            const unsigned char *p = (const unsigned char *)data + a;
            Py_ssize_t m = (Py_ssize_t)(b - a);
            uint64_t prev = 1; /* bit 0: the character before the current piece is whitespace (or none) */
            for (Py_ssize_t k = 0; k < m; k += 64) {
                int nb = m - k < 64 ? (int)(m - k) : 64;
                uint64_t word = ~wc_space_mask(p + k, nb);
                if (nb < 64) word &= ((uint64_t)1 << nb) - 1;
                uint64_t starts = word & ((~word << 1) | prev);
                words += popcount64(starts);
                prev = nb == 64 ? !(word >> 63) : 0;
            }
        } else {
            int in_word = 0;
            for (Py_ssize_t k = (Py_ssize_t)a; k < (Py_ssize_t)b; k++) {
                int space = Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k));
                words += !space && !in_word;
                in_word = !space;
            }
        }
        out[i] = words;
    }
    res = Py_None;
    Py_INCREF(res);
done:
    Py_XDECREF(seq);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bs);
    PyBuffer_Release(&be);
    PyBuffer_Release(&bout);
    return res;
}

/* ---- reviewtools.topics helpers (the per-review topics step; nothing above uses them) ---- */

/* str equality without an error path for two str objects (pointer, then length/kind/bytes). */
static int
lc_str_eq(PyObject *a, PyObject *b)
{
    if (a == b) return 1;
    Py_ssize_t n = PyUnicode_GET_LENGTH(a);
    if (n != PyUnicode_GET_LENGTH(b) || PyUnicode_KIND(a) != PyUnicode_KIND(b)) return 0;
    return memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), (size_t)n * PyUnicode_KIND(a)) == 0;
}

static inline uint64_t
lc_load8(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* A 64-bit hash of n bytes: four independent lanes over 32 bytes at a time (the multiplies overlap), then 8 at a
   time, the tail as one little-endian integer, and a finaliser. Only a hash: equal values are found by memcmp. */
static uint64_t
lc_hash_bytes(const unsigned char *p, Py_ssize_t n)
{
    const uint64_t m1 = 0xff51afd7ed558ccdull, m2 = 0xc4ceb9fe1a85ec53ull;
    uint64_t h0 = 0x9E3779B97F4A7C15ull ^ (uint64_t)n, h1 = 0x6a09e667f3bcc909ull, h2 = 0xbb67ae8584caa73bull,
             h3 = 0x3c6ef372fe94f82bull;
    Py_ssize_t k = 0;
    for (; k + 32 <= n; k += 32) {
        h0 = (h0 ^ lc_load8(p + k)) * m1;
        h1 = (h1 ^ lc_load8(p + k + 8)) * m2;
        h2 = (h2 ^ lc_load8(p + k + 16)) * m1;
        h3 = (h3 ^ lc_load8(p + k + 24)) * m2;
        h0 ^= h0 >> 29;
        h1 ^= h1 >> 31;
        h2 ^= h2 >> 27;
        h3 ^= h3 >> 33;
    }
    uint64_t h = h0 ^ (h1 * m1) ^ (h2 * 0x9E3779B97F4A7C15ull) ^ (h3 * m2);
    for (; k + 8 <= n; k += 8) {
        h ^= lc_load8(p + k);
        h *= m1;
        h ^= h >> 32;
    }
    uint64_t t = 0;
    for (Py_ssize_t j = n - 1; j >= k; j--) t = (t << 8) | p[j];
    h ^= t;
    h *= m2;
    h ^= h >> 29;
    h *= m1;
    h ^= h >> 32;
    return h;
}

/* topic_field_codes' rows per batch (hashes first, slots prefetched, then the lookups). */
#define LC_FC_BATCH 16

/* dst[0:n] = src[0:n] with A-Z lowered (str.lower of ASCII): 16 bytes at a time by SSE2 compares (the bytes are
   ASCII, so signed compares order them), then byte by byte. */
static void
lc_ascii_lower(unsigned char *dst, const unsigned char *src, Py_ssize_t n)
{
    Py_ssize_t k = 0;
#if defined(__SSE2__) && !defined(TOPICS_NO_SIMD)
    const __m128i a1 = _mm_set1_epi8('A' - 1), z1 = _mm_set1_epi8('Z' + 1), c20 = _mm_set1_epi8(0x20);
    for (; k + 16 <= n; k += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(src + k));
        __m128i up = _mm_and_si128(_mm_cmpgt_epi8(v, a1), _mm_cmplt_epi8(v, z1));
        _mm_storeu_si128((__m128i *)(dst + k), _mm_or_si128(v, _mm_and_si128(up, c20)));
    }
#endif
    for (; k < n; k++) dst[k] = (unsigned char)(src[k] + ((unsigned)(src[k] - 'A') < 26u) * 32);
}

/* Per Latin-1 character: its lower case (str.lower's, one character each), made on first use. */
static Py_UCS1 lc_low1[256];
static int lc_low1_ready = 0;

/* str.lower() of a str that is not ASCII, made here when every character's lower case is one character that
   does not depend on the text (as str.lower makes it: _PyUnicode_ToLowerFull per character, the capital sigma
   by its context, which is left to str.lower), else None; NULL with an error set. Latin-1 characters by a table
   (their lower cases are Latin-1), the others by _PyUnicode_ToLowerFull. The result is a canonical str (its
   kind from its largest character, as str.lower gives it). */
static PyObject *
lc_lower_wide(PyObject *s)
{
    if (!lc_low1_ready) {
        for (int c = 0; c < 256; c++) {
            Py_UCS4 r[3];
            int k = _PyUnicode_ToLowerFull((Py_UCS4)c, r);
            lc_low1[c] = (Py_UCS1)(k == 1 && r[0] < 256 ? r[0] : (Py_UCS4)c);  /* (always so for Latin-1) */
        }
        lc_low1_ready = 1;
    }
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    if (kind == PyUnicode_1BYTE_KIND) {
        PyObject *low = PyUnicode_New(n, 255);
        if (!low) return NULL;
        const Py_UCS1 *src = (const Py_UCS1 *)data;
        Py_UCS1 *dst = PyUnicode_1BYTE_DATA(low), any = 0;
        for (Py_ssize_t k = 0; k < n; k++) {
            dst[k] = lc_low1[src[k]];
            any |= dst[k];
        }
        if (any < 128) {  /* all ASCII (not expected: no character >= 128 lowers below 128): made canonical */
            PyObject *a = PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, dst, n);
            Py_DECREF(low);
            return a;
        }
        return low;
    }
    Py_UCS4 *buf = PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(n ? n : 1));
    if (!buf) return PyErr_NoMemory();
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, k), r[3];
        if (c < 256) {
            buf[k] = lc_low1[c];
            continue;
        }
        if (c == 0x3A3 || _PyUnicode_ToLowerFull(c, r) != 1) {  /* the capital sigma; a longer lower case */
            PyMem_Free(buf);
            Py_RETURN_NONE;
        }
        buf[k] = r[0];
    }
    PyObject *low = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, n);
    PyMem_Free(buf);
    return low;
}

/* topic_field_codes(chunks, wide, codes[, lows]) -> (distinct, has_text[, lows]): reviewtools.topics._field_codes' work on an
 * Arrow string column's buffers. chunks: a list of (validity or None, offsets, data or None, offset, length),
 * one per chunk of the column (offsets int64 when wide, else int32, indexed from the chunk's offset as Arrow
 * does); a missing value reads as "" (fill_null(""), so it shares the code of any ""). codes: a writable int64
 * buffer of the total length, given each row's code: the number of its value among the distinct values in order
 * of first occurrence (what dictionary_encode numbers them). distinct: those values as str (UTF-8 decoded, as
 * to_pylist gives them); has_text: bytes, 1 per distinct value with a character that is not whitespace
 * (len(v) > 0 and not v.isspace()), else 0. With lows true, also per distinct value its lower case, what
 * str.lower gives (ASCII: A-Z lowered; others: lc_lower_wide), or None where lc_lower_wide leaves it to the
 * caller (a capital sigma, or a character whose lower case is longer). */
static PyObject *
topic_field_codes(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *chunks;
    int wide, want_lows = 0;
    Py_buffer bcodes = {0};
    if (!PyArg_ParseTuple(args, "O!pw*|p", &PyList_Type, &chunks, &wide, &bcodes, &want_lows)) return NULL;
    PyObject *res = NULL, *distinct = NULL, *has = NULL, *lows = NULL;
    Py_ssize_t *slot = NULL;                 /* hash table: distinct index + 1, 0 empty */
    uint64_t *hashes = NULL;                 /* per distinct value */
    const unsigned char **ptrs = NULL;
    Py_ssize_t *lens = NULL;
    Py_buffer bv = {0}, bo = {0}, bd = {0};
    Py_ssize_t nchunks = PyList_GET_SIZE(chunks), total = 0;
    for (Py_ssize_t c = 0; c < nchunks; c++) {
        PyObject *ch = PyList_GET_ITEM(chunks, c);
        if (!PyTuple_Check(ch) || PyTuple_GET_SIZE(ch) != 5) {
            PyErr_SetString(PyExc_TypeError, "topic_field_codes: a chunk is (validity, offsets, data, offset, length)");
            goto done;
        }
        Py_ssize_t len = PyLong_AsSsize_t(PyTuple_GET_ITEM(ch, 4));
        if (len < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "topic_field_codes: negative length");
            goto done;
        }
        total += len;
    }
    if (bcodes.len != total * 8) {
        PyErr_SetString(PyExc_ValueError, "topic_field_codes: codes must be int64, one per row");
        goto done;
    }
    Py_ssize_t cap = 16;
    while (cap < 2 * total) cap *= 2;
    slot = PyMem_Calloc((size_t)cap, sizeof(Py_ssize_t));
    hashes = PyMem_Malloc(sizeof(uint64_t) * (size_t)(total ? total : 1));
    ptrs = PyMem_Malloc(sizeof(*ptrs) * (size_t)(total ? total : 1));
    lens = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(total ? total : 1));
    distinct = PyList_New(0);
    lows = want_lows ? PyList_New(0) : NULL;
    if (!slot || !hashes || !ptrs || !lens || !distinct || (want_lows && !lows)) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    int64_t *codes = bcodes.buf;
    Py_ssize_t row = 0, nd = 0;
    static const unsigned char empty_bytes[1] = {0};
    for (Py_ssize_t c = 0; c < nchunks; c++) {
        PyObject *ch = PyList_GET_ITEM(chunks, c);
        PyObject *ov = PyTuple_GET_ITEM(ch, 0), *oo = PyTuple_GET_ITEM(ch, 1), *od = PyTuple_GET_ITEM(ch, 2);
        Py_ssize_t off = PyLong_AsSsize_t(PyTuple_GET_ITEM(ch, 3)), len = PyLong_AsSsize_t(PyTuple_GET_ITEM(ch, 4));
        if (off < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "topic_field_codes: negative offset");
            goto done;
        }
        if ((ov != Py_None && PyObject_GetBuffer(ov, &bv, PyBUF_SIMPLE) < 0)
            || PyObject_GetBuffer(oo, &bo, PyBUF_SIMPLE) < 0
            || (od != Py_None && PyObject_GetBuffer(od, &bd, PyBUF_SIMPLE) < 0))
            goto done;
        Py_ssize_t w = wide ? 8 : 4;
        if (len && (bo.len < (off + len + 1) * w || (bv.obj && bv.len * 8 < off + len))) {
            PyErr_SetString(PyExc_ValueError, "topic_field_codes: buffers shorter than offset + length");
            goto done;
        }
        const unsigned char *valid = bv.obj ? bv.buf : NULL, *data = bd.obj ? bd.buf : empty_bytes;
        Py_ssize_t dlen = bd.obj ? bd.len : 0;
        /* LC_FC_BATCH rows at a time: their bytes and hashes first, each one's first slot prefetched, then the
           lookups (the table is larger than the caches: the slots' misses overlap instead of one per row) */
        for (Py_ssize_t i0 = 0; i0 < len; i0 += LC_FC_BATCH) {
          const unsigned char *bp[LC_FC_BATCH];
          Py_ssize_t bn[LC_FC_BATCH];
          uint64_t bh[LC_FC_BATCH];
          int nb = len - i0 < LC_FC_BATCH ? (int)(len - i0) : LC_FC_BATCH;
          for (int j = 0; j < nb; j++) {
            Py_ssize_t k = off + i0 + j, a, b;
            if (wide) {
                a = (Py_ssize_t)((const int64_t *)bo.buf)[k];
                b = (Py_ssize_t)((const int64_t *)bo.buf)[k + 1];
            } else {
                a = ((const int32_t *)bo.buf)[k];
                b = ((const int32_t *)bo.buf)[k + 1];
            }
            if (valid && !(valid[k >> 3] >> (k & 7) & 1)) a = b = 0;  /* missing: "" */
            if (a < 0 || b < a || b > dlen) {
                PyErr_SetString(PyExc_ValueError, "topic_field_codes: offsets out of the data buffer");
                goto done;
            }
            bp[j] = a == b ? empty_bytes : data + a;
            bn[j] = b - a;
            bh[j] = lc_hash_bytes(bp[j], bn[j]);
            __builtin_prefetch(slot + (bh[j] & (uint64_t)(cap - 1)));
          }
          for (int j = 0; j < nb; j++, row++) {
            const unsigned char *p = bp[j];
            Py_ssize_t n = bn[j];
            uint64_t h = bh[j];
            Py_ssize_t s = (Py_ssize_t)(h & (uint64_t)(cap - 1)), code = -1;
            while (slot[s]) {
                Py_ssize_t d = slot[s] - 1;
                if (hashes[d] == h && lens[d] == n && memcmp(ptrs[d], p, (size_t)n) == 0) { code = d; break; }
                s = (s + 1) & (cap - 1);
            }
            if (code < 0) {
                PyObject *str = PyUnicode_DecodeUTF8((const char *)p, n, "strict");
                if (!str) goto done;
                int bad = PyList_Append(distinct, str);
                if (!bad && lows) {  /* the value's lower case (ASCII: A-Z only, str.lower of ASCII), or None */
                    PyObject *low;
                    if (PyUnicode_IS_ASCII(str)) {
                        low = PyUnicode_New(n, 127);
                        if (low) lc_ascii_lower(PyUnicode_1BYTE_DATA(low), p, n);
                    } else
                        low = lc_lower_wide(str);
                    bad = !low || PyList_Append(lows, low) < 0;
                    Py_XDECREF(low);
                }
                Py_DECREF(str);
                if (bad) goto done;
                code = nd++;
                hashes[code] = h;
                ptrs[code] = p;  /* the chunk's buffer: held by the caller's chunk list for this call */
                lens[code] = n;
                slot[s] = code + 1;
            }
            codes[row] = code;
          }
        }
        if (bv.obj) PyBuffer_Release(&bv);
        PyBuffer_Release(&bo);
        if (bd.obj) PyBuffer_Release(&bd);
    }
    has = PyBytes_FromStringAndSize(NULL, nd);
    if (!has) goto done;
    char *hv = PyBytes_AS_STRING(has);
    for (Py_ssize_t d = 0; d < nd; d++) {
        PyObject *v = PyList_GET_ITEM(distinct, d);
        int kind = PyUnicode_KIND(v);
        const void *vd = PyUnicode_DATA(v);
        Py_ssize_t n = PyUnicode_GET_LENGTH(v), j = 0;
        while (j < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, vd, j))) j++;
        hv[d] = j < n;
    }
    res = lows ? PyTuple_Pack(3, distinct, has, lows) : PyTuple_Pack(2, distinct, has);
done:
    if (bv.obj) PyBuffer_Release(&bv);
    if (bo.obj) PyBuffer_Release(&bo);
    if (bd.obj) PyBuffer_Release(&bd);
    PyBuffer_Release(&bcodes);
    PyMem_Free(slot);
    PyMem_Free(hashes);
    PyMem_Free(ptrs);
    PyMem_Free(lens);
    Py_XDECREF(distinct);
    Py_XDECREF(has);
    Py_XDECREF(lows);
    return res;
}

/* Stable insertion sort of n str by code points (as sorted()); 0, or -1 with an error set. */
static int
lc_sort_strs(PyObject **v, Py_ssize_t *aux, Py_ssize_t n)
{
    for (Py_ssize_t a = 1; a < n; a++) {
        PyObject *x = v[a];
        Py_ssize_t xa = aux ? aux[a] : 0, b = a - 1;
        while (b >= 0) {
            int c = PyUnicode_Compare(v[b], x);
            if (c == -1 && PyErr_Occurred()) return -1;
            if (c <= 0) break;
            v[b + 1] = v[b];
            if (aux) aux[b + 1] = aux[b];
            b--;
        }
        v[b + 1] = x;
        if (aux) aux[b + 1] = xa;
    }
    return 0;
}

/* "|".join(v[0:n]) (a new reference). */
static PyObject *
lc_join(PyObject *sep, PyObject **v, Py_ssize_t n)
{
    PyObject *lst = PyList_New(n);
    if (!lst) return NULL;
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_INCREF(v[k]);
        PyList_SET_ITEM(lst, k, v[k]);
    }
    PyObject *r = PyUnicode_Join(sep, lst);
    Py_DECREF(lst);
    return r;
}

/* topic_tags(rows, topics, evidence, polarity, n) -> (tags, praised, evidence) or None:
 * reviewtools.topics._tagged_frame's three string columns (lists of n str) from the raw matches (rows: int64,
 * one per match, in non-decreasing order; topics, evidence, polarity: lists of str). Per row: the topics with a
 * "complaint" match sorted and joined by "|", each with its first complaint evidence as 'topic: "evidence"'
 * joined by " | "; the topics with a "praise" match and no complaint, sorted and joined by "|"; "" otherwise.
 * None (nothing done) when the rows are not in order or a value is not a str: the caller's loop then. */
static PyObject *
topic_tags(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *topics, *evidence, *polarity;
    Py_buffer br = {0};
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "y*O!O!O!n", &br, &PyList_Type, &topics, &PyList_Type, &evidence, &PyList_Type,
                          &polarity, &n))
        return NULL;
    PyObject *res = NULL, *tags = NULL, *praised = NULL, *evcol = NULL, *empty = NULL, *bar = NULL, *bars = NULL,
             *s_complaint = NULL, *s_praise = NULL;
    PyObject **ct = NULL, **ce = NULL, **pt = NULL;
    Py_ssize_t m = br.len / 8;
    const int64_t *rows = br.buf;
    if (br.len % 8 || PyList_GET_SIZE(topics) != m || PyList_GET_SIZE(evidence) != m
        || PyList_GET_SIZE(polarity) != m || n < 0) {
        PyErr_SetString(PyExc_ValueError, "topic_tags: rows (int64), topics, evidence and polarity of one length");
        goto done;
    }
    for (Py_ssize_t k = 0; k < m; k++) {
        if (rows[k] < 0 || rows[k] >= n || (k && rows[k] < rows[k - 1])
            || !PyUnicode_Check(PyList_GET_ITEM(topics, k)) || !PyUnicode_Check(PyList_GET_ITEM(evidence, k))
            || !PyUnicode_Check(PyList_GET_ITEM(polarity, k))) {
            res = Py_None;
            Py_INCREF(res);
            goto done;
        }
    }
    empty = PyUnicode_New(0, 0);
    bar = PyUnicode_FromString("|");
    bars = PyUnicode_FromString(" | ");
    s_complaint = PyUnicode_FromString("complaint");
    s_praise = PyUnicode_FromString("praise");
    tags = PyList_New(n);
    praised = PyList_New(n);
    evcol = PyList_New(n);
    ct = PyMem_Malloc(sizeof(PyObject *) * (size_t)(m ? m : 1));
    ce = PyMem_Malloc(sizeof(PyObject *) * (size_t)(m ? m : 1));
    pt = PyMem_Malloc(sizeof(PyObject *) * (size_t)(m ? m : 1));
    if (!empty || !bar || !bars || !s_complaint || !s_praise || !tags || !praised || !evcol || !ct || !ce || !pt) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t r = 0; r < n; r++) {
        Py_INCREF(empty);
        PyList_SET_ITEM(tags, r, empty);
        Py_INCREF(empty);
        PyList_SET_ITEM(praised, r, empty);
        Py_INCREF(empty);
        PyList_SET_ITEM(evcol, r, empty);
    }
    for (Py_ssize_t a = 0; a < m;) {
        int64_t row = rows[a];
        Py_ssize_t b = a, nc = 0, np_ = 0;
        while (b < m && rows[b] == row) b++;
        for (Py_ssize_t k = a; k < b; k++) {
            PyObject *pol = PyList_GET_ITEM(polarity, k), *t = PyList_GET_ITEM(topics, k);
            if (lc_str_eq(pol, s_complaint)) {
                int seen = 0;
                for (Py_ssize_t q = 0; q < nc && !seen; q++) seen = lc_str_eq(ct[q], t);
                if (!seen) {
                    ct[nc] = t;
                    ce[nc] = PyList_GET_ITEM(evidence, k);
                    nc++;
                }
            } else if (lc_str_eq(pol, s_praise)) {
                int seen = 0;
                for (Py_ssize_t q = 0; q < np_ && !seen; q++) seen = lc_str_eq(pt[q], t);
                if (!seen) pt[np_++] = t;
            }
        }
        /* praised minus complained */
        Py_ssize_t keep = 0;
        for (Py_ssize_t q = 0; q < np_; q++) {
            int in = 0;
            for (Py_ssize_t z = 0; z < nc && !in; z++) in = lc_str_eq(ct[z], pt[q]);
            if (!in) pt[keep++] = pt[q];
        }
        np_ = keep;
        if (nc) {
            /* sort the complaint topics with their evidence (distinct topics: the order is total) */
            for (Py_ssize_t x = 1; x < nc; x++) {
                PyObject *t = ct[x], *e = ce[x];
                Py_ssize_t y = x - 1;
                while (y >= 0) {
                    int c = PyUnicode_Compare(ct[y], t);
                    if (c == -1 && PyErr_Occurred()) goto done;
                    if (c <= 0) break;
                    ct[y + 1] = ct[y];
                    ce[y + 1] = ce[y];
                    y--;
                }
                ct[y + 1] = t;
                ce[y + 1] = e;
            }
            PyObject *joined = lc_join(bar, ct, nc);
            if (!joined) goto done;
            PyList_SetItem(tags, (Py_ssize_t)row, joined);
            PyObject *parts = PyList_New(nc);
            if (!parts) goto done;
            for (Py_ssize_t q = 0; q < nc; q++) {
                PyObject *piece = PyUnicode_FromFormat("%U: \"%U\"", ct[q], ce[q]);
                if (!piece) { Py_DECREF(parts); goto done; }
                PyList_SET_ITEM(parts, q, piece);
            }
            PyObject *ev = PyUnicode_Join(bars, parts);
            Py_DECREF(parts);
            if (!ev) goto done;
            PyList_SetItem(evcol, (Py_ssize_t)row, ev);
        }
        if (np_) {
            if (lc_sort_strs(pt, NULL, np_) < 0) goto done;
            PyObject *joined = lc_join(bar, pt, np_);
            if (!joined) goto done;
            PyList_SetItem(praised, (Py_ssize_t)row, joined);
        }
        a = b;
    }
    res = PyTuple_Pack(3, tags, praised, evcol);
done:
    PyBuffer_Release(&br);
    PyMem_Free(ct);
    PyMem_Free(ce);
    PyMem_Free(pt);
    Py_XDECREF(tags);
    Py_XDECREF(praised);
    Py_XDECREF(evcol);
    Py_XDECREF(empty);
    Py_XDECREF(bar);
    Py_XDECREF(bars);
    Py_XDECREF(s_complaint);
    Py_XDECREF(s_praise);
    return res;
}

/* topic_utf8(values) -> (offsets, data) or None: the buffers of an Arrow large_string array of the str in the
 * list values (offsets: n + 1 int64 as bytes, data: their UTF-8 bytes back to back; no missing values), what
 * pa.array(values, type=pa.large_string()) holds; None when a value is not a str or has no UTF-8 form (the caller
 * lets pyarrow convert, and raise, then). */
static PyObject *
topic_utf8(PyObject *Py_UNUSED(module), PyObject *values)
{
    if (!PyList_Check(values)) {
        PyErr_SetString(PyExc_TypeError, "topic_utf8: values must be a list of str");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(values), total = 0;
    PyObject *offsets = PyBytes_FromStringAndSize(NULL, (n + 1) * 8), *data = NULL;
    if (!offsets) return NULL;
    int64_t *off = (int64_t *)PyBytes_AS_STRING(offsets);
    off[0] = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *v = PyList_GET_ITEM(values, i);
        Py_ssize_t len;
        if (!PyUnicode_Check(v)) goto none;
        if (PyUnicode_IS_ASCII(v)) len = PyUnicode_GET_LENGTH(v);
        else if (!PyUnicode_AsUTF8AndSize(v, &len)) {
            PyErr_Clear();
            goto none;
        }
        total += len;
        off[i + 1] = total;
    }
    data = PyBytes_FromStringAndSize(NULL, total);
    if (!data) {
        Py_DECREF(offsets);
        return NULL;
    }
    char *dst = PyBytes_AS_STRING(data);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *v = PyList_GET_ITEM(values, i);
        const char *src = PyUnicode_IS_ASCII(v) ? (const char *)PyUnicode_1BYTE_DATA(v) : PyUnicode_AsUTF8AndSize(v, NULL);
        if (!src) {  /* cannot happen: the first pass made every UTF-8 form */
            Py_DECREF(offsets);
            Py_DECREF(data);
            return NULL;
        }
        memcpy(dst + off[i], src, (size_t)(off[i + 1] - off[i]));
    }
    return Py_BuildValue("NN", offsets, data);
none:
    Py_DECREF(offsets);
    Py_RETURN_NONE;
}

/* topic_gather(values, index) -> list: [values[i] for i in index] (values a list, index int64 native-endian
 * contiguous, each 0 <= i < len(values), else IndexError, nothing returned); one pass, a reference per item:
 * what np.asarray(values, object)[index].tolist() gives, without the object array and its take. */
static PyObject *
topic_gather(PyObject *self, PyObject *args)
{
    PyObject *values, *index;
    if (!PyArg_ParseTuple(args, "O!O", &PyList_Type, &values, &index)) return NULL;
    Py_buffer bi;
    if (PyObject_GetBuffer(index, &bi, PyBUF_SIMPLE) < 0) return NULL;
    if (bi.len % (Py_ssize_t)sizeof(int64_t)) {
        PyBuffer_Release(&bi);
        PyErr_SetString(PyExc_ValueError, "topic_gather: index is not a buffer of int64");
        return NULL;
    }
    Py_ssize_t n = bi.len / (Py_ssize_t)sizeof(int64_t), size = PyList_GET_SIZE(values);
    const int64_t *ix = (const int64_t *)bi.buf;
    for (Py_ssize_t k = 0; k < n; k++) {
        if (ix[k] < 0 || ix[k] >= size) {
            PyBuffer_Release(&bi);
            PyErr_Format(PyExc_IndexError, "topic_gather: index %lld out of range for %zd values", (long long)ix[k],
                         size);
            return NULL;
        }
    }
    PyObject *out = PyList_New(n);
    if (out != NULL) {
        PyObject **src = ((PyListObject *)values)->ob_item, **dst = ((PyListObject *)out)->ob_item;
        for (Py_ssize_t k = 0; k < n; k++) {
            PyObject *v = src[ix[k]];
            Py_INCREF(v);
            dst[k] = v;
        }
    }
    PyBuffer_Release(&bi);
    return out;
}


/* ---- topics: the phrase regexes as plain matchers (reviewtools.topics._literal_matchers) ----
 *
 * topic_literal(required, before, tokens, after[, gaps]) -> a callable m with m(low, pos) = None or an object
 * whose end() is the end of the match, exactly as re.compile(pattern).match(low, pos) for the pattern
 * reviewtools.topics._compile_phrase makes of a phrase:
 *     (?:(?<=r\s)|...)  per required word r (a literal; none: no such group)
 *     (?<!b\s)(?<!b-)   per before word b (a literal)
 *     \b(?:a1|a2|...)\b L \b(?:...)\b ...   per token its alternatives in this order, L between tokens k and
 *                      k + 1 is SEP (gaps[k] == 0) or the lazy gap (?:SEP WORD){0,g}? SEP (g = gaps[k] > 0),
 *                      SEP = [^\w.,;:!?\n]+, WORD = \w+(?:['’]\w+)*
 *     (?!SEP(?:f1|f2|...)\b)   with after words f (none: no lookahead)
 * where an alternative's characters are literal except ' = ['’]?, - = [-\s]?, _ = \s+ and a final * = \w*
 * (reviewtools.topics._compile_alternative). The search is sre's: a backtracking walk in the same order (the
 * alternatives in order, greedy quantifiers longest first, the lazy gap's fewest words first), so the first match
 * found is sre's; \w is Py_UNICODE_ISALNUM or '_', \s Py_UNICODE_ISSPACE (sre's Unicode categories);
 * lookbehinds and \b see the characters before pos, as sre's do. The caller (topics._literal_spec) checks that
 * the pattern rebuilt from these parts is the phrase's own; tests compare the two at every position. */

typedef struct {
    Py_UCS4 *ch;
    Py_ssize_t n;
} LtStr;

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    Py_ssize_t n_req, n_before, n_tok, n_after;
    LtStr *req, *before, *after, *alts;
    Py_ssize_t *tok_ptr; /* token k's alternatives: alts[tok_ptr[k]:tok_ptr[k + 1]] */
    Py_ssize_t *gaps;    /* between tokens k and k + 1: 0 (SEP) or the most words of a gap */
    Py_UCS4 *chars;      /* every LtStr's characters */
} TopicLiteral;

typedef struct {
    PyObject_HEAD
    Py_ssize_t start, end;
} TopicLiteralMatch;

static PyTypeObject TopicLiteralType;
static PyTypeObject TopicLiteralMatchType;

typedef struct {
    int kind;
    const void *d;
    Py_ssize_t n;
    const TopicLiteral *m;
} LtCtx;

#define LT_RD(c, i) PyUnicode_READ((c)->kind, (c)->d, (i))

static inline int
lt_word(Py_UCS4 ch)
{
    if (ch < 128)
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
    return Py_UNICODE_ISALNUM(ch);
}

static inline int
lt_sep(Py_UCS4 ch)
{
    return !lt_word(ch) && ch != '.' && ch != ',' && ch != ';' && ch != ':' && ch != '!' && ch != '?' && ch != '\n';
}

static inline int
lt_bound(const LtCtx *c, Py_ssize_t p)
{
    int a = p > 0 ? lt_word(LT_RD(c, p - 1)) : 0;
    int b = p < c->n ? lt_word(LT_RD(c, p)) : 0;
    return a != b;
}

static Py_ssize_t lt_tokens(const LtCtx *c, Py_ssize_t k, Py_ssize_t p);
static int lt_after_matches(const LtCtx *c, Py_ssize_t p);

/* SEP (greedy) then token k + 1 */
static Py_ssize_t
lt_sep_token(const LtCtx *c, Py_ssize_t k, Py_ssize_t p)
{
    Py_ssize_t q = p;
    while (q < c->n && lt_sep(LT_RD(c, q))) q++;
    for (; q > p; q--) {
        Py_ssize_t r = lt_tokens(c, k + 1, q);
        if (r >= 0) return r;
    }
    return -1;
}

static Py_ssize_t lt_gap(const LtCtx *c, Py_ssize_t k, Py_ssize_t p, Py_ssize_t reps);

/* (?:['’]\w+)* (greedy) from p, then the gap after its reps-th word */
static Py_ssize_t
lt_word_tail(const LtCtx *c, Py_ssize_t k, Py_ssize_t p, Py_ssize_t reps)
{
    if (p < c->n) {
        Py_UCS4 t = LT_RD(c, p);
        if (t == '\'' || t == 0x2019) {
            Py_ssize_t q = p + 1;
            while (q < c->n && lt_word(LT_RD(c, q))) q++;
            for (; q > p + 1; q--) {
                Py_ssize_t r = lt_word_tail(c, k, q, reps);
                if (r >= 0) return r;
            }
        }
    }
    return lt_gap(c, k, p, reps);
}

/* the lazy gap (?:SEP WORD){0,g}? SEP before token k + 1, reps words of it matched up to p */
static Py_ssize_t
lt_gap(const LtCtx *c, Py_ssize_t k, Py_ssize_t p, Py_ssize_t reps)
{
    Py_ssize_t r = lt_sep_token(c, k, p);
    if (r >= 0 || reps >= c->m->gaps[k]) return r;
    Py_ssize_t q = p;
    while (q < c->n && lt_sep(LT_RD(c, q))) q++;
    for (; q > p; q--) { /* SEP, then WORD = \w+ (greedy) (?:['’]\w+)* */
        Py_ssize_t w = q;
        while (w < c->n && lt_word(LT_RD(c, w))) w++;
        for (; w > q; w--) {
            r = lt_word_tail(c, k, w, reps + 1);
            if (r >= 0) return r;
        }
    }
    return -1;
}

/* alternative s from its character i at p, then (mode 0, in token k) \b and the rest of the phrase, or (mode 1,
 * in the lookahead) \b: the end of the whole match, or -1 */
static Py_ssize_t
lt_alt(const LtCtx *c, const LtStr *s, Py_ssize_t i, Py_ssize_t p, Py_ssize_t k, int mode)
{
    if (i == s->n) {
        if (!lt_bound(c, p)) return -1;
        if (mode == 1) return p;
        if (k + 1 == c->m->n_tok) return lt_after_matches(c, p) ? -1 : p;
        return c->m->gaps[k] ? lt_gap(c, k, p, 0) : lt_sep_token(c, k, p);
    }
    Py_UCS4 ch = s->ch[i];
    if (ch == '\'' || ch == '-') { /* ['’]? or [-\s]?, greedy */
        if (p < c->n) {
            Py_UCS4 t = LT_RD(c, p);
            if (ch == '\'' ? (t == '\'' || t == 0x2019) : (t == '-' || Py_UNICODE_ISSPACE(t))) {
                Py_ssize_t r = lt_alt(c, s, i + 1, p + 1, k, mode);
                if (r >= 0) return r;
            }
        }
        return lt_alt(c, s, i + 1, p, k, mode);
    }
    if (ch == '_' || (ch == '*' && i + 1 == s->n)) { /* \s+ or \w*, greedy */
        Py_ssize_t q = p;
        if (ch == '_')
            while (q < c->n && Py_UNICODE_ISSPACE(LT_RD(c, q))) q++;
        else
            while (q < c->n && lt_word(LT_RD(c, q))) q++;
        for (Py_ssize_t least = ch == '_' ? p + 1 : p; q >= least; q--) {
            Py_ssize_t r = lt_alt(c, s, i + 1, q, k, mode);
            if (r >= 0) return r;
        }
        return -1;
    }
    if (p < c->n && LT_RD(c, p) == ch) return lt_alt(c, s, i + 1, p + 1, k, mode);
    return -1;
}

static Py_ssize_t
lt_tokens(const LtCtx *c, Py_ssize_t k, Py_ssize_t p)
{
    if (!lt_bound(c, p)) return -1;
    const TopicLiteral *m = c->m;
    for (Py_ssize_t a = m->tok_ptr[k]; a < m->tok_ptr[k + 1]; a++) {
        Py_ssize_t r = lt_alt(c, &m->alts[a], 0, p, k, 0);
        if (r >= 0) return r;
    }
    return -1;
}

/* SEP(?:f1|f2|...)\b matches at p */
static int
lt_after_matches(const LtCtx *c, Py_ssize_t p)
{
    const TopicLiteral *m = c->m;
    if (!m->n_after) return 0;
    Py_ssize_t q = p;
    while (q < c->n && lt_sep(LT_RD(c, q))) q++;
    for (; q > p; q--)
        for (Py_ssize_t a = 0; a < m->n_after; a++)
            if (lt_alt(c, &m->after[a], 0, q, 0, 1) >= 0) return 1;
    return 0;
}

/* the literal w then (space) \s or (else) \s or '-' ends right at p */
static int
lt_behind(const LtCtx *c, const LtStr *w, Py_ssize_t p, int space_only)
{
    if (p < w->n + 1) return 0;
    Py_UCS4 t = LT_RD(c, p - 1);
    if (!(Py_UNICODE_ISSPACE(t) || (!space_only && t == '-'))) return 0;
    Py_ssize_t b = p - 1 - w->n;
    for (Py_ssize_t i = 0; i < w->n; i++)
        if (LT_RD(c, b + i) != w->ch[i]) return 0;
    return 1;
}

/* The end of matcher self's match of the str s at pos (clamped to 0..len(s)), -1 when none, -2 with an error
   set: the work of topic_literal_call, and what the _topic_literal_api capsule hands other modules (the native
   topic_tried calls it without a position int, a match object or its end() call per attempt). */
static Py_ssize_t
lt_match_end(PyObject *self, PyObject *s, Py_ssize_t pos)
{
    TopicLiteral *m = (TopicLiteral *)self;
    if (!PyUnicode_Check(s)) {
        PyErr_SetString(PyExc_TypeError, "a topic literal matcher matches a str");
        return -2;
    }
    if (PyUnicode_READY(s) < 0) return -2;
    LtCtx c = {PyUnicode_KIND(s), PyUnicode_DATA(s), PyUnicode_GET_LENGTH(s), m};
    if (pos < 0) pos = 0;
    if (pos > c.n) pos = c.n;
    Py_ssize_t end = -1;
    int ok = 1;
    if (m->n_req) {
        ok = 0;
        for (Py_ssize_t i = 0; i < m->n_req && !ok; i++) ok = lt_behind(&c, &m->req[i], pos, 1);
    }
    for (Py_ssize_t i = 0; i < m->n_before && ok; i++) ok = !lt_behind(&c, &m->before[i], pos, 0);
    if (ok) end = lt_tokens(&c, 0, pos);
    return end < 0 ? -1 : end;
}

static PyObject *
topic_literal_call(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs != 2 || (kwnames && PyTuple_GET_SIZE(kwnames))) {
        PyErr_SetString(PyExc_TypeError, "a topic literal matcher takes (text, pos)");
        return NULL;
    }
    PyObject *s = args[0];
    if (!PyUnicode_Check(s)) {
        PyErr_SetString(PyExc_TypeError, "a topic literal matcher matches a str");
        return NULL;
    }
    Py_ssize_t pos = PyLong_AsSsize_t(args[1]);
    if (pos == -1 && PyErr_Occurred()) return NULL;
    Py_ssize_t end = lt_match_end(self, s, pos);
    if (end == -2) return NULL;
    if (end < 0) Py_RETURN_NONE;
    TopicLiteralMatch *mm = PyObject_New(TopicLiteralMatch, &TopicLiteralMatchType);
    if (!mm) return NULL;
    mm->start = pos < 0 ? 0 : (pos > PyUnicode_GET_LENGTH(s) ? PyUnicode_GET_LENGTH(s) : pos);
    mm->end = end;
    return (PyObject *)mm;
}

static void
topic_literal_dealloc(PyObject *self)
{
    TopicLiteral *m = (TopicLiteral *)self;
    PyMem_Free(m->req);
    PyMem_Free(m->tok_ptr);
    PyMem_Free(m->gaps);
    PyMem_Free(m->chars);
    Py_TYPE(self)->tp_free(self);
}

static PyObject *
topic_literal_match_end(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    return PyLong_FromSsize_t(((TopicLiteralMatch *)self)->end);
}

static PyObject *
topic_literal_match_start(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    return PyLong_FromSsize_t(((TopicLiteralMatch *)self)->start);
}

static PyMethodDef topic_literal_match_methods[] = {
    {"end", topic_literal_match_end, METH_NOARGS, "end() -> the end of the match"},
    {"start", topic_literal_match_start, METH_NOARGS, "start() -> the position the match was tried at"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TopicLiteralMatchType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "reviewtools._langcore.TopicLiteralMatch",
    .tp_basicsize = sizeof(TopicLiteralMatch),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_methods = topic_literal_match_methods,
    .tp_doc = "A match of a topic literal matcher: end() (and start()).",
};

static PyTypeObject TopicLiteralType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "reviewtools._langcore.TopicLiteral",
    .tp_basicsize = sizeof(TopicLiteral),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_vectorcall_offset = offsetof(TopicLiteral, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_dealloc = topic_literal_dealloc,
    .tp_doc = "A phrase regex without gaps as a plain matcher (see topic_literal).",
};

/* the strs of the tuple t (n of them) into out, their characters from *chars on */
static int
lt_strs(PyObject *t, LtStr *out, Py_UCS4 **chars)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(t); i++) {
        PyObject *s = PyTuple_GET_ITEM(t, i);
        if (!PyUnicode_Check(s) || PyUnicode_READY(s) < 0 || PyUnicode_GET_LENGTH(s) == 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "topic_literal: words are non-empty strs");
            return -1;
        }
        out[i].n = PyUnicode_GET_LENGTH(s);
        out[i].ch = *chars;
        if (!PyUnicode_AsUCS4(s, *chars, out[i].n, 0)) return -1;
        *chars += out[i].n;
    }
    return 0;
}

static Py_ssize_t
lt_count_chars(PyObject *t)
{
    Py_ssize_t n = 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(t); i++)
        if (PyUnicode_Check(PyTuple_GET_ITEM(t, i))) n += PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(t, i));
    return n;
}

static PyObject *
topic_literal(PyObject *self, PyObject *args)
{
    PyObject *req, *before, *tokens, *after, *gaps = NULL;
    if (!PyArg_ParseTuple(args, "O!O!O!O!|O!", &PyTuple_Type, &req, &PyTuple_Type, &before, &PyTuple_Type, &tokens,
                          &PyTuple_Type, &after, &PyTuple_Type, &gaps))
        return NULL;
    Py_ssize_t n_tok = PyTuple_GET_SIZE(tokens), n_alts = 0, n_chars = 0;
    if (n_tok == 0) {
        PyErr_SetString(PyExc_ValueError, "topic_literal: at least one token");
        return NULL;
    }
    if (gaps && PyTuple_GET_SIZE(gaps) != n_tok - 1) {
        PyErr_SetString(PyExc_ValueError, "topic_literal: one gap between each two tokens");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < n_tok; k++) {
        PyObject *t = PyTuple_GET_ITEM(tokens, k);
        if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) == 0) {
            PyErr_SetString(PyExc_TypeError, "topic_literal: a token is a non-empty tuple of alternatives");
            return NULL;
        }
        n_alts += PyTuple_GET_SIZE(t);
        n_chars += lt_count_chars(t);
    }
    n_chars += lt_count_chars(req) + lt_count_chars(before) + lt_count_chars(after);
    TopicLiteral *m = PyObject_New(TopicLiteral, &TopicLiteralType);
    if (!m) return NULL;
    m->vectorcall = topic_literal_call;
    m->n_req = PyTuple_GET_SIZE(req);
    m->n_before = PyTuple_GET_SIZE(before);
    m->n_after = PyTuple_GET_SIZE(after);
    m->n_tok = n_tok;
    m->req = PyMem_Malloc(sizeof(LtStr) * (size_t)(m->n_req + m->n_before + m->n_after + n_alts + 1));
    m->tok_ptr = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n_tok + 1));
    m->gaps = PyMem_Calloc((size_t)n_tok, sizeof(Py_ssize_t));
    m->chars = PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(n_chars + 1));
    if (!m->req || !m->tok_ptr || !m->gaps || !m->chars) {
        Py_DECREF(m);
        return PyErr_NoMemory();
    }
    m->before = m->req + m->n_req;
    m->after = m->before + m->n_before;
    m->alts = m->after + m->n_after;
    Py_UCS4 *chars = m->chars;
    if (lt_strs(req, m->req, &chars) < 0 || lt_strs(before, m->before, &chars) < 0
        || lt_strs(after, m->after, &chars) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    Py_ssize_t a = 0;
    for (Py_ssize_t k = 0; k < n_tok; k++) {
        PyObject *t = PyTuple_GET_ITEM(tokens, k);
        m->tok_ptr[k] = a;
        if (lt_strs(t, m->alts + a, &chars) < 0) {
            Py_DECREF(m);
            return NULL;
        }
        a += PyTuple_GET_SIZE(t);
    }
    m->tok_ptr[n_tok] = a;
    for (Py_ssize_t k = 0; gaps && k < n_tok - 1; k++) {
        Py_ssize_t g = PyLong_AsSsize_t(PyTuple_GET_ITEM(gaps, k));
        if (g < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "topic_literal: gaps are ints >= 0");
            Py_DECREF(m);
            return NULL;
        }
        m->gaps[k] = g;
    }
    return (PyObject *)m;
}

static PyMethodDef methods[] = {
    {"raw_scores", raw_scores, METH_VARARGS,
     "raw_scores(data, offsets, nextmove, states, table, ncls, log1p, f16, pc, sgemv, raw, single) -> None: "
     "py3langid's raw scores (visit_counts, then log1p(counts) @ table[features] + pc by the given sgemv) of each "
     "text data[offsets[i]:offsets[i+1]] into raw[i] (two or more distinct features) or single[2i:2i+2] = "
     "(feature, count) (exactly one)."},
    {"head_counts", head_counts, METH_VARARGS,
     "head_counts(texts, keys, longest, max_chars, tokens, words, letters, state) -> None: for each ASCII str, "
     "the token, function-word and letter counts of its head text.strip()[:max_chars] and state 2 (the head is "
     "the whole stripped text) or 1; state 0 and zero counts for other texts (as _vadercore.ascii_head_counts)."},
    {"head_counts_mapped", head_counts_mapped, METH_VARARGS,
     "head_counts_mapped(texts, keys, longest, max_chars, cmap, tokens, words, letters, state) -> None: "
     "head_counts, and the same counts for a one- or two-byte str whose characters above ASCII are all mapped by "
     "cmap (uint8 per BMP code point: 0x80 | 1 when its lower case is a word character of [^\\W_], | 2 when it "
     "is a letter of [^\\W\\d_]), with state 3; state -1 when one of its head's characters is not mapped yet "
     "(0), state 0 when one is never (1)."},
    {"span_utf8", span_utf8, METH_VARARGS,
     "span_utf8(texts, owner, start, end, qs, offsets, valid) -> bytes or None: the UTF-8 bytes of the spans "
     "texts[owner[q]][start[q]:end[q]] of qs one after another, offsets (int64, len(qs) + 1) and valid (uint8, 0 "
     "for q < 0) as an Arrow large_string array holds them; None when a span holds a surrogate."},
    {"span_word_counts", span_word_counts, METH_VARARGS,
     "span_word_counts(texts, owner, start, end, out) -> None: len(texts[owner[k]][start[k]:end[k]].split()) "
     "into out (int64), one-byte strs by SSE2 whitespace masks."},
    {"product", product, METH_VARARGS,
     "product(sgemv, rows, ncls, x, y) -> None: y = x @ rows (float32) by cblas_sgemv at the address sgemv."},
    {"topic_field_codes", topic_field_codes, METH_VARARGS,
     "topic_field_codes(chunks, wide, codes[, lows]) -> (distinct, has_text[, lows]): an Arrow string column's rows numbered by "
     "their distinct values in order of first occurrence (into codes, int64; missing as \"\"), the distinct values "
     "as str and per value 1 when it has a non-whitespace character (bytes); with lows, each value's lower case "
     "(str.lower; None where a capital sigma or a longer lower case leaves it to the caller)."},
    {"topic_tags", topic_tags, METH_VARARGS,
     "topic_tags(rows, topics, evidence, polarity, n) -> (tags, praised, evidence) lists of n str as "
     "reviewtools.topics._tagged_frame builds them, or None when rows (int64) are not in order."},
    {"topic_utf8", topic_utf8, METH_O,
     "topic_utf8(values) -> (offsets, data) or None: the int64 offsets and UTF-8 bytes of an Arrow large_string "
     "array of the list of str values; None when a value is not a str (or not encodable)."},
    {"topic_gather", topic_gather, METH_VARARGS,
     "topic_gather(values, index) -> list: [values[i] for i in index], values a list, index int64 (IndexError "
     "when out of range)."},
    {"topic_literal", topic_literal, METH_VARARGS,
     "topic_literal(required, before, tokens, after[, gaps]) -> a callable m: m(low, pos) is None or a match with "
     "end(), as re.compile(pattern).match(low, pos) for the phrase pattern of reviewtools.topics._compile_phrase "
     "made of these parts (tuples of strs; tokens: a tuple of alternatives per token, in the pattern's order; "
     "gaps: per two tokens 0 or the most words between them)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_langcore", "py3langid's raw scores for a block of texts in C (optional).", -1,
    methods, NULL, NULL, NULL, NULL,
};

/* reviewtools._langcore._topic_literal_api: a capsule of this struct (version 1) for the native topic_tried of
   reviewtools._vadercore, which calls match(matcher, text, pos) directly for a matcher of type `type`. */
typedef struct {
    int version;
    PyTypeObject *type;
    Py_ssize_t (*match)(PyObject *matcher, PyObject *text, Py_ssize_t pos);
} TopicLiteralApi;

static TopicLiteralApi topic_literal_api = {1, &TopicLiteralType, lt_match_end};

PyMODINIT_FUNC PyInit__langcore(void) {
    if (PyType_Ready(&TopicLiteralType) < 0 || PyType_Ready(&TopicLiteralMatchType) < 0) return NULL;
    PyObject *mod = PyModule_Create(&module);
    if (!mod) return NULL;
    PyObject *cap = PyCapsule_New(&topic_literal_api, "reviewtools._langcore._topic_literal_api", NULL);
    if (!cap || PyModule_AddObject(mod, "_topic_literal_api", cap) < 0) {
        Py_XDECREF(cap);
        Py_DECREF(mod);
        return NULL;
    }
    return mod;
}
