/* Byte scans of reviewtools.rules' per-review checks in C (optional; without it the Python module gets the same
 * rows from Hyperscan or RE2, and tests compare the two).
 *
 * literal_rows(data, offsets, lits, lens, bits, cls, edges, out): for each row j (bytes data[offsets[j]:offsets[j+1]]),
 * OR into the uint64 out[j] the non-zero uint64 bits[k] of every literal k (the bytes of lits, cut by the int32
 * lengths lens, each >= 1) that occurs in the row (one literal can stand for several patterns); a literal with cls[k] >= 0 (int8) counts only where the bytes next to
 * it are row ends or bytes that row cls[k] of edges (rows of 256 0/1 bytes, none marking an ASCII letter or digit)
 * marks, as RE2's
 * (?:^|[class])literal(?:[class]|$) over one row. One pass over each row's bytes: a position is looked at only
 * when a 1- or 2-byte literal starts with its byte(s), or small tables of hashed 3- or 4-byte prefixes hold the
 * bytes there (a first stage without branches, 64 positions at a time), then bitmaps of finer hashes; then the
 * literals of that prefix are compared. A row stops being read once every id given has
 * been found in it.
 *
 * word_runs(...): the word-run prefilter's five copies of a token (see the function).
 *
 * ws_literal_rows(...): the phrases' literal sets read across whitespace gaps, per alternative all of its clauses,
 * in each row with its whitespace runs made one space (see the function).
 *
 * head_word_counts(...): the language prefilter's English test (tokens, English-only words, letters) over the
 * first bytes of some rows (see the function).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* SSE2 is part of x86_64: the word-start masks and the whitespace normalisation read 16 bytes at a time there;
 * elsewhere (or built with -DCHECKCORE_NO_SIMD) the same results come a byte at a time */
#if (defined(__x86_64__) || defined(_M_X64) || defined(__SSE2__)) && !defined(CHECKCORE_NO_SIMD)
#include <emmintrin.h>
#define CHECKCORE_SSE2 1
#else
#define CHECKCORE_SSE2 0
#endif

/* AVX2 where the compiler can target it (ws_literal_rows' gate): taken at run time when the CPU has it and the
 * module's avx2() switch is on, else the scalar loop; -DCHECKCORE_NO_AVX2 (or -DCHECKCORE_NO_SIMD) leaves it out */
#if CHECKCORE_SSE2 && (defined(__GNUC__) || defined(__clang__)) && !defined(CHECKCORE_NO_AVX2)
#include <immintrin.h>
#define CHECKCORE_AVX2 1
static int use_avx2; /* set by the module's init (the CPU has AVX2) and by avx2() */
#else
#define CHECKCORE_AVX2 0
#endif

#define B4 18 /* bits of the hash of a literal's first four bytes (literals of 4+ bytes) */
#define B3 16 /* bits of the hash of a 3-byte literal */
#ifndef BP
#define BP 15 /* bits of the hash of a literal's first four bytes in the first stage's byte table */
#endif
#define BP3 12 /* ... and of a 3-byte literal's bytes */
/* the chains' heads by the top HB4 (HB3) bits of the B4 (B3) bit hashes: small tables, the bitmaps test all
 * bits first, a chain's literals are told apart by their prefix (walk_key) or bytes (walk) */
#define HB4 12
#define HB3 10
#define H4(h) ((h) >> (B4 - HB4))
#define H3(h) ((h) >> (B3 - HB3))

#if defined(__GNUC__) || defined(__clang__)
#define CTZ64(x) __builtin_ctzll(x)
#else
static inline int CTZ64(uint64_t x) {
    int i = 0;
    while (!(x & 1)) x >>= 1, i++;
    return i;
}
#endif

#if defined(__GNUC__) || defined(__clang__)
#define POPCNT64(x) __builtin_popcountll(x)
#else
static inline int POPCNT64(uint64_t x) {
    int c = 0;
    for (; x; x &= x - 1) c++;
    return c;
}
#endif

static inline uint32_t hash_bits(uint32_t v, int bits) {
    return (v * 2654435761u) >> (32 - bits);
}

#define WB 16 /* bits of ws_literal_rows' hashes of a literal's first four and first eight bytes */
#define WB3 12 /* ... and of a 3-byte literal's bytes (few) */
#ifndef WG
#define WG 14 /* bits of ws_literal_rows' gate: a hash of every literal's first three bytes */
#endif

static inline uint32_t hash8w(uint64_t v) {
    return (uint32_t)((v * 0x9E3779B97F4A7C15ULL) >> (64 - WB));
}

#if CHECKCORE_AVX2
/* hash_bits(bits) of the first three bytes of the 4-byte window at p + i into h[i], i < 64, 8 at a time (the
 * multiplies leave the scalar ports); reads p .. p + 71 */
__attribute__((target("avx2"))) static void hash3_64_avx2(const unsigned char *p, uint32_t *h, int bits) {
    const __m256i windows = _mm256_setr_epi8(0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6, /* p + 8g + 0 .. 3 */
                                             4, 5, 6, 7, 5, 6, 7, 8, 6, 7, 8, 9, 7, 8, 9, 10); /* + 4 .. 7 */
    const __m256i mult = _mm256_set1_epi32((int)2654435761u), low3 = _mm256_set1_epi32(0xFFFFFF);
    const __m128i shift = _mm_cvtsi32_si128(32 - bits);
    for (int g = 0; g < 8; g++) {
        /* the 16 bytes at p + 8g in both lanes; each lane's shuffle makes four windows of them */
        __m256i v = _mm256_shuffle_epi8(_mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(p + 8 * g))),
                                        windows);
        _mm256_storeu_si256((__m256i *)(h + 8 * g),
                            _mm256_srl_epi32(_mm256_mullo_epi32(_mm256_and_si256(v, low3), mult), shift));
    }
}
#endif

static inline uint32_t load3(const unsigned char *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
}

static inline uint32_t load4(const unsigned char *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v; /* host byte order: literals are hashed by load4 too */
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LOW3(v, p) ((v) & 0xFFFFFFu) /* the first three bytes of a load4 */
#else
#define LOW3(v, p) load3(p)
#endif

static int check_buffer(Py_buffer *b, Py_ssize_t count, Py_ssize_t size, const char *name) {
    if (b->len != count * size) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd bytes, got %zd", name, count * size, b->len);
        return -1;
    }
    return 0;
}

typedef struct {
    const unsigned char *lits, *edges;
    const int32_t *lens;
    const uint64_t *bits;
    const int8_t *cls;
    const Py_ssize_t *starts;
    const int32_t *next;
    const uint32_t *pre; /* a 3-byte literal's bytes as load3 reads them, a longer one's first four as load4 (one
                          * without a class: the four at its anchor) */
    const int32_t *anchor; /* a 4+ byte literal without a class: where its anchor (the four bytes it is hashed
                            * by) starts in it */
} lits_t;

/* Whether literal k occurs at p in the row [a, e) (its bytes, and its neighbours when it has a class). */
static inline int found_at(const lits_t *L, int32_t k, const unsigned char *p, const unsigned char *a,
                           const unsigned char *e) {
    Py_ssize_t len = L->lens[k];
    if (len > e - p) return 0;
    const unsigned char *lit = L->lits + L->starts[k];
    for (Py_ssize_t i = 0; i < len; i++) /* 1-3 bytes: a memcmp call costs more */
        if (p[i] != lit[i]) return 0;
    if (L->cls[k] < 0) return 1;
    const unsigned char *edge = L->edges + 256 * (Py_ssize_t)L->cls[k];
    return (p == a || edge[p[-1]]) && (p + len == e || edge[p[len]]);
}

static inline uint64_t walk(const lits_t *L, int32_t k, uint64_t found, const unsigned char *p,
                            const unsigned char *a, const unsigned char *e) {
    for (; k >= 0; k = L->next[k]) {
        uint64_t bit = L->bits[k];
        if ((found & bit) != bit && found_at(L, k, p, a, e)) found |= bit;
    }
    return found;
}

/* walk for a chain of literals of at least skip (3 or 4) bytes whose first skip bytes, read as pre[] holds them,
 * are key (the bytes at p): only a literal whose prefix is key has the rest of its bytes compared, and none are
 * compared twice for two classes of one literal that differ there (no memcmp call for a hash neighbour) */
static inline uint64_t walk_key(const lits_t *L, int32_t k, uint64_t found, const unsigned char *p,
                                const unsigned char *a, const unsigned char *e, uint32_t key, Py_ssize_t skip) {
    for (; k >= 0; k = L->next[k]) {
        uint64_t bit = L->bits[k];
        if ((found & bit) == bit || L->pre[k] != key) continue;
        Py_ssize_t len = L->lens[k], i = skip;
        if (len > e - p) continue;
        const unsigned char *lit = L->lits + L->starts[k];
        while (i < len && p[i] == lit[i]) i++; /* inline: the rest is a few bytes, a memcmp call costs more */
        if (i < len) continue;
        if (L->cls[k] >= 0) {
            const unsigned char *edge = L->edges + 256 * (Py_ssize_t)L->cls[k];
            if (!((p == a || edge[p[-1]]) && (p + len == e || edge[p[len]]))) continue;
        }
        found |= bit;
    }
    return found;
}

/* walk_key for the chain of 4+ byte literals without a class found by the hash of the four bytes key at q: each
 * literal whose anchor (the four bytes at L->anchor[k] in it, read as pre[] holds them) is key starts at
 * q - anchor[k] if that is inside the row [a, e) and the rest of its bytes are there */
static inline uint64_t walk_anchor(const lits_t *L, int32_t k, uint64_t found, const unsigned char *q,
                                   const unsigned char *a, const unsigned char *e, uint32_t key) {
    for (; k >= 0; k = L->next[k]) {
        uint64_t bit = L->bits[k];
        if ((found & bit) == bit || L->pre[k] != key) continue;
        Py_ssize_t o = L->anchor[k], len = L->lens[k], i = 0;
        if (o > q - a || len - o > e - q) continue;
        const unsigned char *p = q - o, *lit = L->lits + L->starts[k];
        while (i < o && p[i] == lit[i]) i++;
        if (i < o) continue;
        for (i = o + 4; i < len && p[i] == lit[i];) i++;
        if (i == len) found |= bit;
    }
    return found;
}

/* literal_rows' word literals: those with a class made of 1-16 ASCII letters and digits only. Such a literal can
 * only occur as a whole word (a maximal run of ASCII letters and digits: its class marks neither), so where a word
 * starts it is looked up by the word's bytes and length in one table (distinct strings, open addressing; the
 * literals of one string, e.g. its two classes, chained by wnext) instead of walking the chains of hashed
 * prefixes; then each one's edges are tested as found_at does. */
typedef struct {
    uint64_t k0, k1; /* the string's bytes, little-endian as load8 reads them, zero after it */
    int32_t len;     /* 0: an empty slot */
    int32_t k;       /* its first literal */
} wslot_t;

typedef struct {
    wslot_t *slots;
    const int32_t *wnext;
    size_t cap; /* a power of two */
    int shift;
    Py_ssize_t maxlen; /* the longest word literal */
    uint64_t bm[(1 << 16) / 64]; /* a bit per 16-bit hash of a word literal's string (the top 16 bits) */
    uint64_t m0[17], m1[17]; /* per length: the masks of a word's first and second eight bytes */
} words_t;

static inline uint64_t word_hash(uint64_t k0, uint64_t k1) {
    return (k0 + k1 * 0xC2B2AE3D27D4EB4FULL) * 0x9E3779B97F4A7C15ULL; /* the length is in the masked bytes */
}

/* The word [q, q + len) (ASCII letters and digits, after a row start or a byte other than those, before the row's
 * end or such a byte) against the word literals: every one equal to it whose class marks the bytes next to it
 * (or the row ends there) sets its bits. dend: the data's end (16 bytes are read at q only before it). */
static inline uint64_t word_probe(const words_t *W, const lits_t *L, uint64_t found, const unsigned char *q,
                                  Py_ssize_t len, const unsigned char *a, const unsigned char *e,
                                  const unsigned char *dend) {
    if (len > W->maxlen) return found;
    uint64_t k0 = 0, k1 = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (dend - q >= 16) {
        memcpy(&k0, q, 8);
        memcpy(&k1, q + 8, 8);
        k0 &= W->m0[len];
        k1 &= W->m1[len];
    } else
#endif
    {
        for (Py_ssize_t b = 0; b < len; b++) {
            if (b < 8) k0 |= (uint64_t)q[b] << (8 * b);
            else k1 |= (uint64_t)q[b] << (8 * (b - 8));
        }
    }
    uint64_t h = word_hash(k0, k1);
    if (!(W->bm[h >> 54] >> (h >> 48 & 63) & 1)) return found; /* most words: no literal has their hash */
    for (size_t s = (size_t)(h >> W->shift);; s = (s + 1) & (W->cap - 1)) {
        const wslot_t *w = W->slots + s;
        if (!w->len) return found;
        if (w->len != len || w->k0 != k0 || w->k1 != k1) continue;
        for (int32_t k = w->k; k >= 0; k = W->wnext[k]) {
            uint64_t bit = L->bits[k];
            if ((found & bit) == bit) continue;
            const unsigned char *edge = L->edges + 256 * (Py_ssize_t)L->cls[k];
            if ((q == a || edge[q[-1]]) && (q + len == e || edge[q[len]])) found |= bit;
        }
        return found;
    }
}

/* The length of the run of ASCII letters and digits at q (at most max + 1 counted), before e. */
static inline Py_ssize_t word_len(const unsigned char *q, const unsigned char *e, const unsigned char *alnum,
                                  Py_ssize_t from, Py_ssize_t max) {
    const unsigned char *z = q + from;
    while (z < e && z - q <= max && alnum[*z]) z++;
    return z - q;
}

/* literal_rows' anchors: per BP-bit hash of four bytes, at how many of the first ANCHOR_SAMPLE positions of the data
 * the bytes there have it (a literal without a class of 5+ bytes is looked for by its window of four bytes that is
 * the rarest there: a common prefix, "for " of "for less", would make most positions of review text candidates) */
#define ANCHOR_SAMPLE 65536
static uint32_t *anchor_counts(const unsigned char *data, Py_ssize_t len) {
    uint32_t *seen = (uint32_t *)PyMem_Calloc((size_t)1 << BP, sizeof(uint32_t));
    if (!seen) return NULL;
    for (Py_ssize_t i = 0; i + 4 <= len && i < ANCHOR_SAMPLE; i++) seen[hash_bits(load4(data + i), BP)]++;
    return seen;
}

static PyObject *py_literal_rows(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer bd, bo, bl, bn, bi, bc, be, bout;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*w*", &bd, &bo, &bl, &bn, &bi, &bc, &be, &bout)) return NULL;
    PyObject *res = NULL;
    int32_t *next = NULL, *head4 = NULL, *head3 = NULL, *head4b = NULL, *head3b = NULL, head1[256];
    uint64_t *bm4 = NULL, *bm3 = NULL, *bm4b = NULL, *bm3b = NULL, *two = NULL, one[256];
    unsigned char *pair = NULL, first[256], pair3[1 << BP3];
    Py_ssize_t *starts = NULL;
    uint32_t *pre = NULL;
    int32_t *wnext = NULL, *anchor = NULL;
    uint32_t *seen = NULL;
    wslot_t *wslots = NULL;
    Py_ssize_t n = bo.len / (Py_ssize_t)sizeof(int64_t) - 1;
    Py_ssize_t nl = bn.len / (Py_ssize_t)sizeof(int32_t);
    Py_ssize_t ncls = be.len / 256;
    if (n < 0) {
        PyErr_SetString(PyExc_ValueError, "offsets must hold at least one value");
        goto done;
    }
    if (check_buffer(&bo, n + 1, sizeof(int64_t), "offsets") < 0 || check_buffer(&bi, nl, sizeof(uint64_t), "bits") < 0
        || check_buffer(&bc, nl, sizeof(int8_t), "cls") < 0 || check_buffer(&be, ncls, 256, "edges") < 0
        || check_buffer(&bout, n, sizeof(uint64_t), "out") < 0)
        goto done;
    const unsigned char *data = (const unsigned char *)bd.buf;
    const int64_t *offsets = (const int64_t *)bo.buf;
    uint64_t *out = (uint64_t *)bout.buf;
    for (Py_ssize_t j = 0; j <= n; j++) {
        if (offsets[j] < 0 || offsets[j] > bd.len || (j && offsets[j] < offsets[j - 1])) {
            PyErr_SetString(PyExc_ValueError, "offsets must be ascending and inside data");
            goto done;
        }
    }
    size_t nalloc = (size_t)(nl ? nl : 1);
    next = (int32_t *)PyMem_Malloc(sizeof(int32_t) * nalloc);
    starts = (Py_ssize_t *)PyMem_Malloc(sizeof(Py_ssize_t) * nalloc);
    pre = (uint32_t *)PyMem_Calloc(nalloc, sizeof(uint32_t));
    head4 = (int32_t *)PyMem_Malloc(sizeof(int32_t) * ((size_t)1 << HB4));
    head3 = (int32_t *)PyMem_Malloc(sizeof(int32_t) * ((size_t)1 << HB3));
    bm4 = (uint64_t *)PyMem_Calloc(((size_t)1 << B4) / 64, sizeof(uint64_t));
    bm3 = (uint64_t *)PyMem_Calloc(((size_t)1 << B3) / 64, sizeof(uint64_t));
    head4b = (int32_t *)PyMem_Malloc(sizeof(int32_t) * ((size_t)1 << HB4));
    head3b = (int32_t *)PyMem_Malloc(sizeof(int32_t) * ((size_t)1 << HB3));
    bm4b = (uint64_t *)PyMem_Calloc(((size_t)1 << B4) / 64, sizeof(uint64_t));
    bm3b = (uint64_t *)PyMem_Calloc(((size_t)1 << B3) / 64, sizeof(uint64_t));
    pair = (unsigned char *)PyMem_Calloc((size_t)1 << BP, 1);
    wnext = (int32_t *)PyMem_Malloc(sizeof(int32_t) * nalloc);
    anchor = (int32_t *)PyMem_Calloc(nalloc, sizeof(int32_t));
    size_t wcap = 16;
    while (wcap < 2 * nalloc) wcap *= 2;
    wslots = (wslot_t *)PyMem_Calloc(wcap, sizeof(wslot_t));
    if (!next || !starts || !pre || !head4 || !head3 || !bm4 || !bm3 || !head4b || !head3b || !bm4b || !bm3b || !pair
        || !wnext || !wslots || !anchor) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t r = 0; r < ncls; r++) { /* a word starts after no ASCII letter or digit: see the scan */
        for (int c = 0; c < 256; c++) {
            if (((const unsigned char *)be.buf)[256 * r + c]
                && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                PyErr_SetString(PyExc_ValueError, "edges must not mark an ASCII letter or digit");
                goto done;
            }
        }
    }
    memset(one, 0, sizeof one);
    memset(first, 0, sizeof first);
    memset(pair3, 0, sizeof pair3);
    for (int c = 0; c < 256; c++) head1[c] = -1;
    for (uint32_t h = 0; h < (1u << HB4); h++) head4[h] = head4b[h] = -1;
    for (uint32_t h = 0; h < (1u << HB3); h++) head3[h] = head3b[h] = -1;
    lits_t L = {(const unsigned char *)bl.buf, (const unsigned char *)be.buf, (const int32_t *)bn.buf,
                (const uint64_t *)bi.buf, (const int8_t *)bc.buf, starts, next, pre, anchor};
    /* 1- and 2-byte literals without a class in direct tables; with one, in a chain per first byte; 3-byte ones
     * by the hash of their bytes, longer ones by the hash of their first four bytes (a chain per hash value);
     * the literals with a class in tables of their own, looked at only where a word can start (after a row's
     * start or a byte other than an ASCII letter or digit: both classes hold no such byte) */
    Py_ssize_t pos = 0;
    int has1 = 0, has3 = 0, bounded = 0, has3b = 0, short_cls = 0, unbounded = 0, has_words = 0;
    uint64_t all = 0;
    unsigned char alnum[256];
    for (int c = 0; c < 256; c++) alnum[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    int wshift = 64;
    for (size_t c = wcap; c > 1; c >>= 1) wshift--;
    words_t W; /* ~8.5 KB, as the other tables on the stack */
    memset(&W, 0, sizeof W);
    W.slots = wslots;
    W.wnext = wnext;
    W.cap = wcap;
    W.shift = wshift;
    for (int len = 0; len <= 16; len++) {
        W.m0[len] = len >= 8 ? ~(uint64_t)0 : (((uint64_t)1 << (8 * len)) - 1);
        W.m1[len] = len >= 16 ? ~(uint64_t)0 : len <= 8 ? 0 : (((uint64_t)1 << (8 * (len - 8))) - 1);
    }
    for (Py_ssize_t k = 0; k < nl; k++) {
        int32_t len = L.lens[k];
        if (len < 1 || !L.bits[k] || pos + len > bl.len || L.cls[k] >= ncls) {
            PyErr_SetString(PyExc_ValueError,
                            "bad literal (lengths >= 1 inside lits, bits not 0, classes -1 or a row of edges)");
            goto done;
        }
        starts[k] = pos;
        const unsigned char *p = L.lits + pos;
        uint64_t bit = L.bits[k];
        int b = L.cls[k] >= 0;
        all |= bit;
        bounded |= b;
        unbounded |= !b;
        int word = b && len <= 16;
        for (int32_t i = 0; i < len && word; i++) word = alnum[p[i]];
        if (word) { /* in the word table; bit 64 of the first stage's tables: a word literal may start here */
            has_words = 1;
            if (len > W.maxlen) W.maxlen = len;
            uint64_t k0 = 0, k1 = 0;
            for (int32_t i = 0; i < len; i++) {
                if (i < 8) k0 |= (uint64_t)p[i] << (8 * i);
                else k1 |= (uint64_t)p[i] << (8 * (i - 8));
            }
            uint64_t h = word_hash(k0, k1);
            W.bm[h >> 54] |= (uint64_t)1 << (h >> 48 & 63);
            size_t s = (size_t)(h >> wshift);
            while (wslots[s].len && !(wslots[s].len == len && wslots[s].k0 == k0 && wslots[s].k1 == k1))
                s = (s + 1) & (wcap - 1);
            if (!wslots[s].len) {
                wslots[s].k0 = k0;
                wslots[s].k1 = k1;
                wslots[s].len = len;
                wslots[s].k = -1;
            }
            wnext[k] = wslots[s].k;
            wslots[s].k = (int32_t)k;
            if (len >= 4) pair[hash_bits(load4(p), BP)] |= 64;
            else if (len == 3) pair3[hash_bits(load3(p), BP3)] |= 64;
            else first[p[0]] |= 128; /* as 32: only where a byte of the next two ends the word */
            pos += len;
            continue;
        }
        if (len <= 2 && b) {
            first[p[0]] |= 32; /* a 1-2 byte literal with a class may start here */
            next[k] = head1[p[0]];
            head1[p[0]] = (int32_t)k;
            short_cls = 1;
        } else if (len == 1) {
            one[p[0]] |= bit;
            first[p[0]] |= 4;
            has1 = 1;
        } else if (len == 2) {
            if (!two && !(two = (uint64_t *)PyMem_Calloc(65536, sizeof(uint64_t)))) {
                PyErr_NoMemory();
                goto done;
            }
            two[p[0] | (p[1] << 8)] |= bit;
            first[p[0]] |= 4;
        } else {
            if (len > 4 && !b) { /* its anchor: the 4-byte window at the fewest positions of the data's head */
                if (!seen && !(seen = anchor_counts(data, bd.len))) {
                    PyErr_NoMemory();
                    goto done;
                }
                uint32_t least = UINT32_MAX;
                for (int32_t o = 0; o + 4 <= len; o++) {
                    uint32_t c = seen[hash_bits(load4(p + o), BP)];
                    if (c < least) least = c, anchor[k] = o;
                }
            }
            if (len == 3) /* the bytes of a 3-byte literal, the first four (at the anchor) of a longer one */
                pair3[hash_bits(load3(p), BP3)] |= b ? 16 : 8;
            else
                pair[hash_bits(load4(p + anchor[k]), BP)] |= b ? 2 : 1;
        }
        if (len <= 2) {
        } else if (len == 3) {
            pre[k] = load3(p);
            uint32_t h = hash_bits(load3(p), B3);
            (b ? bm3b : bm3)[h >> 6] |= (uint64_t)1 << (h & 63);
            int32_t *hd = b ? head3b : head3;
            next[k] = hd[H3(h)];
            hd[H3(h)] = (int32_t)k;
            if (b) has3b = 1; else has3 = 1;
        } else {
            pre[k] = load4(p + anchor[k]);
            uint32_t h = hash_bits(pre[k], B4);
            (b ? bm4b : bm4)[h >> 6] |= (uint64_t)1 << (h & 63);
            int32_t *hd = b ? head4b : head4;
            next[k] = hd[H4(h)];
            hd[H4(h)] = (int32_t)k;
        }
        pos += len;
    }
    /* When every literal has a class and their first bytes are at most 16 distinct ones (the street suffixes: 12),
     * a word start is read only where its byte is one of them (SSE2 compares, 64 positions at a time) */
    unsigned char firsts[16];
    int nfirst = 0;
    for (Py_ssize_t k = 0; k < nl && nfirst <= 16; k++) {
        unsigned char c = L.lits[starts[k]];
        int seen = 0;
        for (int f = 0; f < nfirst && f < 16; f++) seen |= firsts[f] == c;
        if (!seen && nfirst < 16) firsts[nfirst] = c;
        nfirst += !seen;
    }
    int few_firsts = !unbounded && nfirst >= 1 && nfirst <= 16;
    const unsigned char *dend = data + bd.len;
    for (Py_ssize_t j = 0; j < n; j++) {
        const unsigned char *a = data + offsets[j], *e = data + offsets[j + 1];
        uint64_t found = out[j];
        const unsigned char *p = a;
        /* while four bytes are left: every length can start here. In pieces of 64 positions: first, with no
         * branch, a byte per position (tb) from three small tables: pair, the hash of the first four bytes of a
         * literal of 4+ bytes (bit 1 without a class, 2 with one); pair3, of a 3-byte literal's bytes (8, 16);
         * first, the first byte of a 1-2 byte literal (4 without a class, 32 with one). Those bits made masks
         * (16 at a time with SSE2), the word starts too (a row start or after a byte other than an ASCII letter
         * or digit); then, one set bit at a time, only the probes a position's byte names (those with a class
         * at word starts only): about 4 % and 6 % of the positions on review text */
        while (found != all && e - p >= 4) {
            Py_ssize_t cnt = e - p - 3 > 64 ? 64 : e - p - 3;
            const unsigned char *base = p;
            uint64_t starts_at = 0, cand_u = 0, cand_b = 0;
            /* where a 1-2 byte literal with a class can end: its next byte (1 or 2 on) is no ASCII letter or digit
             * (its class holds none) or the row's end; all ones where that is not known */
            uint64_t short_end = ~(uint64_t)0;
            uint64_t wl_al = 0; /* with wl_mask: the ASCII letters and digits of p .. p+63 (a word's length) */
            int wl_mask = 0;
#if CHECKCORE_SSE2
            if (cnt == 64 && bounded) { /* bytes p .. p+63 are inside the row */
                uint64_t al = 0;
                for (int q = 0; q < 4; q++) {
                    __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * q));
                    __m128i lo = _mm_or_si128(x, _mm_set1_epi8(0x20));
                    __m128i t = _mm_xor_si128(_mm_sub_epi8(lo, _mm_set1_epi8('a')), _mm_set1_epi8((char)0x80));
                    __m128i d = _mm_xor_si128(_mm_sub_epi8(x, _mm_set1_epi8('0')), _mm_set1_epi8((char)0x80));
                    __m128i m = _mm_or_si128(_mm_cmplt_epi8(t, _mm_set1_epi8((char)(-128 + 26))),
                                             _mm_cmplt_epi8(d, _mm_set1_epi8((char)(-128 + 10))));
                    al |= (uint64_t)(uint16_t)_mm_movemask_epi8(m) << (16 * q);
                }
                starts_at = ~((al << 1) | (uint64_t)(p != a && alnum[p[-1]]));
                wl_al = al;
                wl_mask = 1;
                short_end = (~al >> 1) | (~al >> 2) | ((uint64_t)3 << 62); /* bytes p+64, p+65 not read: kept */
                if (few_firsts) { /* only where a literal's first byte is */
                    uint64_t fm = 0;
                    for (int q = 0; q < 4; q++) {
                        __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * q)), hit = _mm_setzero_si128();
                        for (int f = 0; f < nfirst; f++)
                            hit = _mm_or_si128(hit, _mm_cmpeq_epi8(x, _mm_set1_epi8((char)firsts[f])));
                        fm |= (uint64_t)(uint16_t)_mm_movemask_epi8(hit) << (16 * q);
                    }
                    starts_at &= fm;
                }
            } else
#endif
            if (bounded) {
                for (Py_ssize_t i = 0; i < cnt; i++)
                    starts_at |= (uint64_t)!alnum[p + i == a ? 0 : p[i - 1]] << i;
            }
            if (!unbounded) { /* every literal has a class: only the word starts are read, each probe as below */
                p += cnt;
                while (starts_at) {
                    const unsigned char *q = base + CTZ64(starts_at);
                    starts_at &= starts_at - 1;
                    uint32_t v = load4(q);
                    unsigned t = pair[hash_bits(v, BP)] | pair3[hash_bits(LOW3(v, q), BP3)] | first[q[0]];
                    if (t & 2) {
                        uint32_t h = hash_bits(v, B4);
                        if (bm4b[h >> 6] >> (h & 63) & 1) found = walk_key(&L, head4b[H4(h)], found, q, a, e, v, 4);
                    }
                    if (t & 16) {
                        uint32_t h3 = hash_bits(LOW3(v, q), B3);
                        if (bm3b[h3 >> 6] >> (h3 & 63) & 1) found = walk_key(&L, head3b[H3(h3)], found, q, a, e, LOW3(v, q), 3);
                    }
                    if (t & 32) found = walk(&L, head1[q[0]], found, q, a, e);
                    if (t & (64 | 128)) {
                        Py_ssize_t i = q - base;
                        uint64_t rest = i < cnt && cnt == 64 && wl_mask ? ~wl_al >> i : 0;
                        Py_ssize_t wl = rest ? CTZ64(rest) : word_len(q, e, alnum, 1, W.maxlen);
                        found = word_probe(&W, &L, found, q, wl, a, e, dend);
                    }
                }
                continue;
            }
            unsigned char tb[64];
            for (Py_ssize_t i = 0; i < cnt; i++) {
                uint32_t v = load4(p + i);
                tb[i] = pair[hash_bits(v, BP)] | pair3[hash_bits(LOW3(v, p + i), BP3)] | first[p[i]];
            }
            uint64_t cand_s = 0; /* bit 4: a 1-2 byte literal without a class starts with the byte */
#if CHECKCORE_SSE2
            if (cnt == 64) {
                const __m128i zero = _mm_setzero_si128();
                for (int q = 0; q < 4; q++) {
                    __m128i x = _mm_loadu_si128((const __m128i *)(tb + 16 * q));
                    unsigned u = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(x, _mm_set1_epi8(1 | 8)), zero));
                    unsigned b = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(x, _mm_set1_epi8(2 | 16 | 64)), zero));
                    unsigned s1 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(x, _mm_set1_epi8((char)(32 | 128))), zero));
                    cand_u |= (uint64_t)(uint16_t)~u << (16 * q);
                    cand_b |= ((uint64_t)(uint16_t)~b | ((uint64_t)(uint16_t)~s1 & (short_end >> (16 * q)))) << (16 * q);
                    cand_s |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_slli_epi16(x, 5)) << (16 * q);
                }
            } else
#endif
            for (Py_ssize_t i = 0; i < cnt; i++) {
                cand_u |= (uint64_t)((tb[i] & (1 | 8)) != 0) << i;
                cand_b |= (uint64_t)((tb[i] & (2 | 16 | 32 | 64 | 128)) != 0) << i;
                cand_s |= (uint64_t)(tb[i] >> 2 & 1) << i;
            }
            while (cand_s) {
                const unsigned char *q = base + CTZ64(cand_s);
                cand_s &= cand_s - 1;
                found |= one[q[0]];
                if (two) found |= two[q[0] | (q[1] << 8)];
            }
            p += cnt;
            while (cand_u) { /* tb: which of the 4- and 3-byte probes the position passed */
                unsigned t = tb[CTZ64(cand_u)];
                const unsigned char *q = base + CTZ64(cand_u);
                cand_u &= cand_u - 1;
                uint32_t v = load4(q);
                if (t & 1) {
                    uint32_t h = hash_bits(v, B4);
                    if (bm4[h >> 6] >> (h & 63) & 1) found = walk_anchor(&L, head4[H4(h)], found, q, a, e, v);
                }
                if (t & 8) {
                    uint32_t h3 = hash_bits(LOW3(v, q), B3);
                    if (bm3[h3 >> 6] >> (h3 & 63) & 1) found = walk_key(&L, head3[H3(h3)], found, q, a, e, LOW3(v, q), 3);
                }
            }
            starts_at &= cand_b;
            while (starts_at) {
                int i = CTZ64(starts_at);
                unsigned t = tb[i];
                const unsigned char *q = base + i;
                starts_at &= starts_at - 1;
                uint32_t v = load4(q);
                if (t & 2) {
                    uint32_t h = hash_bits(v, B4);
                    if (bm4b[h >> 6] >> (h & 63) & 1) found = walk_key(&L, head4b[H4(h)], found, q, a, e, v, 4);
                }
                if (t & 16) {
                    uint32_t h3 = hash_bits(LOW3(v, q), B3);
                    if (bm3b[h3 >> 6] >> (h3 & 63) & 1) found = walk_key(&L, head3b[H3(h3)], found, q, a, e, LOW3(v, q), 3);
                }
                if (t & 32 && short_end >> i & 1) found = walk(&L, head1[q[0]], found, q, a, e);
                if (t & 64 || (t & 128 && short_end >> i & 1)) {
                    uint64_t rest = wl_mask ? ~wl_al >> i : 0;
                    Py_ssize_t wl = rest ? CTZ64(rest) : word_len(q, e, alnum, 1, W.maxlen);
                    found = word_probe(&W, &L, found, q, wl, a, e, dend);
                }
            }
        }
        /* the last three bytes: only literals of 1-3 bytes fit */
        for (; found != all && p < e; p++) {
            if (e - p >= 3) {
                uint32_t h3 = hash_bits(load3(p), B3);
                if (has3 && bm3[h3 >> 6] >> (h3 & 63) & 1) found = walk(&L, head3[H3(h3)], found, p, a, e);
                if (has3b && bm3b[h3 >> 6] >> (h3 & 63) & 1) found = walk(&L, head3b[H3(h3)], found, p, a, e);
            }
            if (two && e - p >= 2) found |= two[p[0] | (p[1] << 8)];
            if (has1) found |= one[p[0]];
            if (short_cls && head1[p[0]] >= 0 && (p == a || !alnum[p[-1]])) found = walk(&L, head1[p[0]], found, p, a, e);
            if (has_words && (p == a || !alnum[p[-1]]) && alnum[p[0]])
                found = word_probe(&W, &L, found, p, word_len(p, e, alnum, 1, W.maxlen), a, e, dend);
        }
        out[j] = found;
    }
    res = Py_NewRef(Py_None);
done:
    PyMem_Free(next);
    PyMem_Free(starts);
    PyMem_Free(pre);
    PyMem_Free(head4);
    PyMem_Free(head3);
    PyMem_Free(bm4);
    PyMem_Free(bm3);
    PyMem_Free(head4b);
    PyMem_Free(head3b);
    PyMem_Free(bm4b);
    PyMem_Free(bm3b);
    PyMem_Free(two);
    PyMem_Free(pair);
    PyMem_Free(wnext);
    PyMem_Free(wslots);
    PyMem_Free(anchor);
    PyMem_Free(seen);
    PyBuffer_Release(&bd);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bl);
    PyBuffer_Release(&bn);
    PyBuffer_Release(&bi);
    PyBuffer_Release(&bc);
    PyBuffer_Release(&be);
    PyBuffer_Release(&bout);
    return res;
}

/* head_word_counts(data, offsets, rows, maxlen, keys, longest, tokens, words, letters): for each row index r of
 * the int64 rows, over the first maxlen bytes of row r (data[offsets[r]:offsets[r+1]]), the number of tokens
 * (maximal runs of ASCII letters and digits; any other byte ends one), of those tokens of at most longest (<= 8)
 * bytes whose lower-cased bytes, read as a little-endian uint64, are among keys (uint64, non-zero), and of ASCII
 * letters, written into the int64 buffers tokens, words and letters at the row's place in rows. On an ASCII row
 * these are _vadercore.ascii_word_counts of the row's first maxlen characters (the language prefilter's test),
 * without a str per row. */
#if CHECKCORE_SSE2
/* head_word_counts' keys in a table of 1024 slots indexed by (key * mult) >> 54 without probing (mult searched for
 * so that no two keys share a slot), the keys as given (little-endian); or the probing set. */
typedef struct {
    const uint64_t *flat, *set;
    uint64_t mult;
    size_t cap;
    int shift;
} hw_keys_t;

static inline int hw_is_key(const hw_keys_t *K, uint64_t v) {
    if (K->mult) return K->flat[(v * K->mult) >> 54] == v;
    size_t at = (size_t)((v * 0x9E3779B97F4A7C15ULL) >> K->shift);
    while (K->set[at] && K->set[at] != v) at = (at + 1) & (K->cap - 1);
    return K->set[at] == v;
}

/* The token [t, t + len) (1 <= len <= 8 bytes, ASCII letters and digits only) lower-cased and read as a
 * little-endian uint64, as the keys are: a digit has the 0x20 bit already, so OR-ing it in lower-cases the
 * token; bytes after the token (read only inside the data, up to dend) are masked off. */
static inline uint64_t hw_token(const unsigned char *t, int64_t len, const unsigned char *dend) {
    uint64_t v = 0;
    if (dend - t >= 8)
        memcpy(&v, t, 8);
    else
        for (int64_t k = 0; k < len; k++) v |= (uint64_t)t[k] << (8 * k);
    uint64_t keep = len >= 8 ? ~(uint64_t)0 : (((uint64_t)1 << (8 * len)) - 1);
    return (v | 0x2020202020202020ULL) & keep;
}

/* head_word_counts' counts of the bytes [p, p + len) by 64-byte blocks: per block, masks of the ASCII letters
 * and of the ASCII letters and digits (A) by SSE2 16 bytes at a time (in the last, partial block the bytes after
 * the end are read but masked off, or near the data's end a copy padded with NUL bytes is read); the letters and token starts counted by popcount, and only the token starts and ends (A's
 * edges) visited, a token of at most longest bytes looked up at its end. The byte loop in head_word_counts (the
 * path without SSE2) counts the same. */
static void hw_blocks(const unsigned char *p, Py_ssize_t len, const unsigned char *dend, int longest,
                      const hw_keys_t *K, int64_t *tokens, int64_t *words, int64_t *letters) {
    int64_t nt = 0, nw = 0, nl = 0;
    const unsigned char *tstart = p;
    uint64_t carry = 0; /* 1: a token runs on from the previous block */
    const __m128i x20 = _mm_set1_epi8(0x20), sa = _mm_set1_epi8('a'), s0 = _mm_set1_epi8('0');
    const __m128i top = _mm_set1_epi8((char)0x80), n26 = _mm_set1_epi8((char)(-128 + 26));
    const __m128i n10 = _mm_set1_epi8((char)(-128 + 10));
    for (Py_ssize_t off = 0; off < len; off += 64) {
        const unsigned char *b = p + off;
        Py_ssize_t cnt = len - off < 64 ? len - off : 64;
        unsigned char pad[64];
        const unsigned char *src = b;
        if (cnt < 64 && dend - b < 64) { /* only near the data's end: elsewhere the bytes after are read, masked */
            memset(pad, 0, sizeof pad);
            memcpy(pad, b, (size_t)cnt);
            src = pad;
        }
        uint64_t A = 0, Lm = 0;
        for (int h = 0; h < 4; h++) {
            __m128i x = _mm_loadu_si128((const __m128i *)(src + 16 * h));
            __m128i t = _mm_xor_si128(_mm_sub_epi8(_mm_or_si128(x, x20), sa), top);
            __m128i d = _mm_xor_si128(_mm_sub_epi8(x, s0), top);
            __m128i l = _mm_cmplt_epi8(t, n26);
            __m128i m = _mm_or_si128(l, _mm_cmplt_epi8(d, n10));
            A |= (uint64_t)(uint16_t)_mm_movemask_epi8(m) << (16 * h);
            Lm |= (uint64_t)(uint16_t)_mm_movemask_epi8(l) << (16 * h);
        }
        uint64_t valid = cnt == 64 ? ~(uint64_t)0 : (((uint64_t)1 << cnt) - 1);
        A &= valid;
        Lm &= valid;
        uint64_t prev = (A << 1) | carry;
        nl += POPCNT64(Lm);
        nt += POPCNT64(A & ~prev);
        if (longest > 0) {
            uint64_t ev = ((A & ~prev) | (~A & prev)) & valid; /* token starts, and ends (the byte after a token) */
            while (ev) {
                int i = CTZ64(ev);
                ev &= ev - 1;
                if (A >> i & 1) { /* a start */
                    tstart = b + i;
                    continue;
                }
                int64_t n = b + i - tstart;
                if (n <= longest) nw += hw_is_key(K, hw_token(tstart, n, dend));
            }
        }
        carry = cnt == 64 ? A >> 63 : (A >> (cnt - 1)) & 1;
    }
    if (carry && longest > 0) { /* a token up to the end */
        int64_t n = p + len - tstart;
        if (n <= longest) nw += hw_is_key(K, hw_token(tstart, n, dend));
    }
    *tokens = nt;
    *words = nw;
    *letters = nl;
}
#endif

static PyObject *py_head_word_counts(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer bd, bo, br, bk, bt, bw, bl;
    Py_ssize_t maxlen;
    int longest;
    if (!PyArg_ParseTuple(args, "y*y*y*ny*iw*w*w*", &bd, &bo, &br, &maxlen, &bk, &longest, &bt, &bw, &bl))
        return NULL;
    PyObject *res = NULL;
    uint64_t *set = NULL;
    Py_ssize_t n = bo.len / (Py_ssize_t)sizeof(int64_t) - 1;
    Py_ssize_t m = br.len / (Py_ssize_t)sizeof(int64_t);
    Py_ssize_t nk = bk.len / (Py_ssize_t)sizeof(uint64_t);
    if (n < 0 || check_buffer(&bo, n + 1, sizeof(int64_t), "offsets") < 0
        || check_buffer(&br, m, sizeof(int64_t), "rows") < 0 || check_buffer(&bk, nk, sizeof(uint64_t), "keys") < 0
        || check_buffer(&bt, m, sizeof(int64_t), "tokens") < 0 || check_buffer(&bw, m, sizeof(int64_t), "words") < 0
        || check_buffer(&bl, m, sizeof(int64_t), "letters") < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "offsets must hold at least one value");
        goto done;
    }
    if (longest < 0 || longest > 8 || maxlen < 0) {
        PyErr_SetString(PyExc_ValueError, "longest must be between 0 and 8, maxlen >= 0");
        goto done;
    }
    const unsigned char *data = (const unsigned char *)bd.buf;
    const int64_t *offsets = (const int64_t *)bo.buf, *rows = (const int64_t *)br.buf;
    const uint64_t *keys = (const uint64_t *)bk.buf;
    int64_t *tokens = (int64_t *)bt.buf, *words = (int64_t *)bw.buf, *letters = (int64_t *)bl.buf;
    for (Py_ssize_t i = 0; i < m; i++) {
        int64_t r = rows[i];
        if (r < 0 || r >= n || offsets[r] < 0 || offsets[r] > offsets[r + 1] || offsets[r + 1] > bd.len) {
            PyErr_SetString(PyExc_ValueError, "rows must index rows whose offsets lie inside data");
            goto done;
        }
    }
    /* the keys in an open-addressing set (a key is never 0: every word has a first byte) */
    size_t cap = 16;
    while (cap < (size_t)nk * 4) cap <<= 1;
    int shift = 64;
    for (size_t c = cap; c > 1; c >>= 1) shift--;
    set = (uint64_t *)PyMem_Calloc(cap, sizeof(uint64_t));
    if (!set) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < nk; k++) {
        size_t at = (size_t)((keys[k] * 0x9E3779B97F4A7C15ULL) >> shift);
        while (set[at] && set[at] != keys[k]) at = (at + 1) & (cap - 1);
        set[at] = keys[k];
    }
#if CHECKCORE_SSE2
    /* the keys as given in a slot each (the packing above is the byte loop's) */
    uint64_t flatle[1024];
    hw_keys_t K = {flatle, set, 0, cap, shift};
    for (uint64_t trial = 0; trial < 64 && !K.mult; trial++) {
        uint64_t mu = (0x9E3779B97F4A7C15ULL + trial * 0x632BE59BD9B4E019ULL) | 1;
        memset(flatle, 0, sizeof flatle);
        int ok = 1;
        for (Py_ssize_t k = 0; k < nk && ok; k++) {
            size_t at = (size_t)((keys[k] * mu) >> 54);
            if (flatle[at] && flatle[at] != keys[k]) ok = 0;
            flatle[at] = keys[k];
        }
        if (ok) K.mult = mu;
    }
    const unsigned char *dend = data + bd.len;
    for (Py_ssize_t i = 0; i < m; i++) {
        Py_ssize_t len = (Py_ssize_t)(offsets[rows[i] + 1] - offsets[rows[i]]);
        hw_blocks(data + offsets[rows[i]], len > maxlen ? maxlen : len, dend, longest, &K, tokens + i, words + i,
                  letters + i);
    }
#else
    /* The scan below has no branch per byte: it keeps the token so far packed big-endian (its last 8 bytes) and
     * its length, and at each token end looks the packed token up in a second set, indexed without probing
     * (a multiplier that puts every key in its own slot is searched for; failing one, the probing loop). */
    unsigned char al[256], let[256], low[256];
    for (int x = 0; x < 256; x++) {
        let[x] = (x >= 'a' && x <= 'z') || (x >= 'A' && x <= 'Z');
        al[x] = let[x] || (x >= '0' && x <= '9');
        low[x] = (unsigned char)(let[x] ? (x | 0x20) : x);
    }
    uint64_t flat[1024];
    uint64_t mult = 0;
    for (uint64_t trial = 0; trial < 64 && !mult; trial++) {
        uint64_t mu = (0x9E3779B97F4A7C15ULL + trial * 0x632BE59BD9B4E019ULL) | 1;
        memset(flat, 0, sizeof flat);
        int ok = 1;
        for (Py_ssize_t k = 0; k < nk && ok; k++) {
            uint64_t key = keys[k], be = 0;
            for (; key; key >>= 8) be = (be << 8) | (key & 0xFF); /* little-endian bytes -> big-endian pack */
            size_t at = (size_t)((be * mu) >> 54);
            if (flat[at] && flat[at] != be) ok = 0;
            flat[at] = be;
        }
        if (ok) mult = mu;
    }
    for (Py_ssize_t i = 0; i < m; i++) {
        const unsigned char *c = data + offsets[rows[i]];
        Py_ssize_t len = (Py_ssize_t)(offsets[rows[i] + 1] - offsets[rows[i]]);
        if (len > maxlen) len = maxlen;
        int64_t nt = 0, nw = 0, nl = 0;
        if (mult) {
            uint64_t packed = 0, prev = 0;
            int64_t plen = 0;
            for (Py_ssize_t k = 0; k < len; k++) {
                unsigned char x = c[k];
                int64_t a = al[x];
                nl += let[x];
                nt += a & !prev;
                /* a token ended before this byte: look it up (its packed value and length are still there) */
                int64_t end = (int64_t)prev & !a;
                nw += end & (plen <= longest) & (flat[(packed * mult) >> 54] == packed);
                uint64_t keep = (uint64_t)0 - (uint64_t)a;
                packed = ((packed << 8) | low[x]) & keep;
                plen = (plen + 1) & (int64_t)keep;
                prev = (uint64_t)a;
            }
            if (prev) nw += (plen <= longest) & (flat[(packed * mult) >> 54] == packed);
        } else {
            Py_ssize_t k = 0;
            while (k < len) {
                unsigned char x = c[k];
                if (!al[x]) { k++; continue; }
                Py_ssize_t a = k;
                uint64_t packed = 0;
                for (; k < len && al[c[k]]; k++) {
                    nl += let[c[k]];
                    if (k - a < 8) packed |= (uint64_t)low[c[k]] << (8 * (k - a));
                }
                nt++;
                if (k - a <= longest) {
                    size_t at = (size_t)((packed * 0x9E3779B97F4A7C15ULL) >> shift);
                    while (set[at] && set[at] != packed) at = (at + 1) & (cap - 1);
                    nw += set[at] == packed;
                }
            }
        }
        tokens[i] = nt;
        words[i] = nw;
        letters[i] = nl;
    }
#endif
    res = Py_NewRef(Py_None);
done:
    PyMem_Free(set);
    PyBuffer_Release(&bd);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&br);
    PyBuffer_Release(&bk);
    PyBuffer_Release(&bt);
    PyBuffer_Release(&bw);
    PyBuffer_Release(&bl);
    return res;
}

/* word_runs(data, offsets, sep, out): out[j] (uint8) = 1 where row j, cut into tokens at the bytes the 256-byte
 * table sep marks (maximal runs of other bytes), has three equal tokens in a row T, the token before them ending
 * with T and the one after them starting with T: the byte-level trace of a word repeated five times with
 * separators between (its 2nd-4th copies stand alone; the 1st ends a token, the 5th starts one). Rows are only
 * ever set, never cleared. */
static PyObject *py_word_runs(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer bd, bo, bs, bout;
    if (!PyArg_ParseTuple(args, "y*y*y*w*", &bd, &bo, &bs, &bout)) return NULL;
    PyObject *res = NULL;
    Py_ssize_t n = bo.len / (Py_ssize_t)sizeof(int64_t) - 1;
    if (n < 0 || check_buffer(&bo, n + 1, sizeof(int64_t), "offsets") < 0 || check_buffer(&bs, 256, 1, "sep") < 0
        || check_buffer(&bout, n, 1, "out") < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "offsets must hold at least one value");
        goto done;
    }
    const unsigned char *data = (const unsigned char *)bd.buf, *sep = (const unsigned char *)bs.buf;
    const int64_t *offsets = (const int64_t *)bo.buf;
    unsigned char *out = (unsigned char *)bout.buf;
    for (Py_ssize_t j = 0; j <= n; j++) {
        if (offsets[j] < 0 || offsets[j] > bd.len || (j && offsets[j] < offsets[j - 1])) {
            PyErr_SetString(PyExc_ValueError, "offsets must be ascending and inside data");
            goto done;
        }
    }
    for (Py_ssize_t j = 0; j < n; j++) {
        if (out[j]) continue;
        const unsigned char *a = data + offsets[j], *e = data + offsets[j + 1];
        const unsigned char *ts[5]; /* the last five tokens: starts and lengths, oldest first */
        Py_ssize_t tl[5];
        int have = 0;
        const unsigned char *p = a;
        while (p < e) {
            while (p < e && sep[*p]) p++;
            if (p == e) break;
            const unsigned char *q = p;
            while (q < e && !sep[*q]) q++;
            if (have == 5) {
                memmove(ts, ts + 1, 4 * sizeof ts[0]);
                memmove(tl, tl + 1, 4 * sizeof tl[0]);
                have = 4;
            }
            ts[have] = p;
            tl[have] = q - p;
            have++;
            p = q;
            if (have == 5) {
                Py_ssize_t L = tl[1];
                if (tl[2] == L && tl[3] == L && tl[0] >= L && tl[4] >= L && memcmp(ts[1], ts[2], (size_t)L) == 0
                    && memcmp(ts[1], ts[3], (size_t)L) == 0 && memcmp(ts[0] + tl[0] - L, ts[1], (size_t)L) == 0
                    && memcmp(ts[4], ts[1], (size_t)L) == 0) {
                    out[j] = 1;
                    break;
                }
            }
        }
    }
    res = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&bd);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bs);
    PyBuffer_Release(&bout);
    return res;
}

/* The bits of the 64 bytes at p (bit i for p[i]) that the 256-byte table sep marks. rt_ranges: the marked bytes as
 * nr (<= 8) ranges [lo[r], lo[r] + width[r]], or nr < 0 (too many: the table byte by byte). */
typedef struct {
    int nr;
    unsigned char lo[8], width[8];
} rt_ranges;

static void rt_make_ranges(const unsigned char *sep, rt_ranges *rg) {
    rg->nr = 0;
    for (int c = 0; c < 256;) {
        if (!sep[c]) {
            c++;
            continue;
        }
        int d = c;
        while (d + 1 < 256 && sep[d + 1]) d++;
        if (rg->nr == 8) {
            rg->nr = -1;
            return;
        }
        rg->lo[rg->nr] = (unsigned char)c;
        rg->width[rg->nr] = (unsigned char)(d - c);
        rg->nr++;
        c = d + 1;
    }
}

static inline uint64_t rt_mask_table(const unsigned char *p, Py_ssize_t len, const unsigned char *sep) {
    uint64_t m = 0;
    for (Py_ssize_t i = 0; i < len; i++) m |= (uint64_t)(sep[p[i]] != 0) << i;
    return m;
}

#if CHECKCORE_SSE2
static inline uint64_t rt_mask_sse2(const unsigned char *p, const rt_ranges *rg) {
    uint64_t m = 0;
    for (int q = 0; q < 4; q++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * q)), hit = _mm_setzero_si128();
        for (int r = 0; r < rg->nr; r++) { /* x - lo <= width, unsigned: min(x - lo, width) == x - lo */
            __m128i t = _mm_sub_epi8(x, _mm_set1_epi8((char)rg->lo[r]));
            hit = _mm_or_si128(hit, _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8((char)rg->width[r])), t));
        }
        m |= (uint64_t)(unsigned)_mm_movemask_epi8(hit) << (16 * q);
    }
    return m;
}
#endif

/* repeated_tokens(data, offsets, sep, out): out[j] (uint8) = 1 when row j holds three equal tokens in a row, a token
 * being a maximal run of bytes the 256-byte table sep does not mark, else 0 (every out[j] is written). The rows of
 * _vadercore.repeated_tokens and of rules._repeated_tokens (below its cap); the separator masks, 64 bytes at a
 * time, by SSE2 range compares when the marked bytes form at most 8 ranges (the table byte by byte otherwise). */
static PyObject *py_repeated_tokens(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer bd, bo, bs, bout;
    if (!PyArg_ParseTuple(args, "y*y*y*w*", &bd, &bo, &bs, &bout)) return NULL;
    PyObject *res = NULL;
    Py_ssize_t n = bo.len / (Py_ssize_t)sizeof(int64_t) - 1;
    if (n < 0 || check_buffer(&bo, n + 1, sizeof(int64_t), "offsets") < 0 || check_buffer(&bs, 256, 1, "sep") < 0
        || check_buffer(&bout, n, 1, "out") < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "offsets must hold at least one value");
        goto done;
    }
    const unsigned char *x = (const unsigned char *)bd.buf, *sep = (const unsigned char *)bs.buf;
    const int64_t *off = (const int64_t *)bo.buf;
    unsigned char *out = (unsigned char *)bout.buf;
    for (Py_ssize_t j = 0; j <= n; j++) {
        if (off[j] < 0 || off[j] > bd.len || (j && off[j] < off[j - 1])) {
            PyErr_SetString(PyExc_ValueError, "offsets must be ascending and inside data");
            goto done;
        }
    }
    rt_ranges rg;
    rt_make_ranges(sep, &rg);
#if !CHECKCORE_SSE2
    rg.nr = -1;
#endif
    for (Py_ssize_t j = 0; j < n; j++) {
        int64_t a = off[j], e = off[j + 1];
        /* the last two tokens (start, length), lengths -1 until seen; the current token's start */
        int64_t s0 = 0, l0 = -1, s1 = 0, l1 = -1, start = 0;
        int found = 0, in_tok = 0;
        for (int64_t base = a; base < e && !found; base += 64) {
            int64_t len = e - base < 64 ? e - base : 64;
            uint64_t seps;
#if CHECKCORE_SSE2
            if (rg.nr >= 0 && base + 64 <= (int64_t)bd.len)
                seps = rt_mask_sse2(x + base, &rg);
            else
#endif
                seps = rt_mask_table(x + base, (Py_ssize_t)len, sep);
            if (len < 64) seps |= ~0ULL << len; /* past the row: separators */
            /* bits where a token starts (no separator here, one before) or ends (a separator here, none before) */
            uint64_t before = (seps << 1) | (uint64_t)(!in_tok);
            uint64_t edges = seps ^ before;
            while (edges) {
                int b = CTZ64(edges);
                edges &= edges - 1;
                int64_t pos = base + b;
                if (!in_tok) {
                    start = pos;
                    in_tok = 1;
                    continue;
                }
                in_tok = 0;
                int64_t l = pos - start;
                /* one branch (rarely taken): l0 and l1 are -1 until two tokens were seen */
                if (((l == l1) & (l == l0)) && memcmp(x + start, x + s1, (size_t)l) == 0
                    && memcmp(x + start, x + s0, (size_t)l) == 0) {
                    found = 1;
                    break;
                }
                s0 = s1;
                l0 = l1;
                s1 = start;
                l1 = l;
            }
            if (len < 64) in_tok = 0; /* the row's last token ended at e (an edge in the padding) */
        }
        if (in_tok && !found) { /* a token up to the row's end, which is a multiple of 64 bytes from its start */
            int64_t l = e - start;
            found = l == l1 && l == l0 && memcmp(x + start, x + s1, (size_t)l) == 0
                    && memcmp(x + start, x + s0, (size_t)l) == 0;
        }
        out[j] = (unsigned char)found;
    }
    res = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&bd);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bs);
    PyBuffer_Release(&bout);
    return res;
}

/* The bytes of a UTF-8 whitespace character at p (as Python's str.isspace: ASCII \t\n\v\f\r, \x1c-\x1f and space;
 * U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000), or 0; e: the end of the row. */
static inline Py_ssize_t space_len(const unsigned char *p, const unsigned char *e) {
    unsigned char c = p[0];
    if (c < 0x80) return (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20);
    if (c == 0xC2) return e - p >= 2 && (p[1] == 0x85 || p[1] == 0xA0) ? 2 : 0;
    if (c < 0xE1 || c > 0xE3 || e - p < 3) return 0;
    if (c == 0xE1) return p[1] == 0x9A && p[2] == 0x80 ? 3 : 0;
    if (c == 0xE3) return p[1] == 0x80 && p[2] == 0x80 ? 3 : 0;
    if (p[1] == 0x80) return (p[2] >= 0x80 && p[2] <= 0x8A) || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF ? 3 : 0;
    return p[1] == 0x81 && p[2] == 0x9F ? 3 : 0;
}

/* ws_literal_rows(data, offsets, rows, lits, lens, words, bits, nwords, req, alt_bits, out): for each row j of the
 * int64 rows, its bytes
 * (data[offsets[j]:offsets[j+1]]) with every maximal run of whitespace characters (space_len) replaced by one
 * space ("normalised"); literal k (the bytes of lits cut by the int32 lens, each >= 3 bytes) found in it sets the
 * uint64 bits[k] in word words[k] (int32, < nwords) of the row's found set; then every alternative a whose
 * required words (req[a * nwords + w], uint64) are all in the found set ORs alt_bits[a] (uint64) into out[j]
 * (uint64). The rows where some alternative of a phrase has a literal of each of its clauses, in the
 * normalised text (see rules._ws_alternatives). A branch-free gate (a hashed table of the literals' first three
 * bytes, 64 positions at a time; the hashes 8 at a time by AVX2 where the CPU has it) picks the positions the
 * hashed probes look at: the 3-byte literals' probe where one of them may start, the 4+ byte literals' two probes
 * where one of those may. */
static PyObject *py_ws_literal_rows(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer bd, bo, bs, bl, bn, bw, bb, br, ba, bout;
    Py_ssize_t nw;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*ny*y*w*", &bd, &bo, &bs, &bl, &bn, &bw, &bb, &nw, &br, &ba, &bout))
        return NULL;
    PyObject *res = NULL;
    int32_t *next = NULL, *head8 = NULL, *head4 = NULL, head3[1 << WB3], *by_bit = NULL, *by_bit_alt = NULL;
    uint64_t *bm8 = NULL, *bm4 = NULL, *found = NULL, *pre = NULL;
    Py_ssize_t *starts = NULL;
    unsigned char *buf = NULL;
    Py_ssize_t n = bo.len / (Py_ssize_t)sizeof(int64_t) - 1;
    Py_ssize_t nl = bn.len / (Py_ssize_t)sizeof(int32_t);
    Py_ssize_t na = ba.len / (Py_ssize_t)sizeof(uint64_t);
    Py_ssize_t nr = bs.len / (Py_ssize_t)sizeof(int64_t);
    if (n < 0 || nw < 1 || nw > 4096) {
        PyErr_SetString(PyExc_ValueError, "offsets must hold at least one value, nwords 1-4096");
        goto done;
    }
    if (check_buffer(&bo, n + 1, sizeof(int64_t), "offsets") < 0 || check_buffer(&bw, nl, sizeof(int32_t), "words") < 0
        || check_buffer(&bb, nl, sizeof(uint64_t), "bits") < 0 || check_buffer(&br, na * nw, sizeof(uint64_t), "req") < 0
        || check_buffer(&bout, n, sizeof(uint64_t), "out") < 0 || check_buffer(&bs, nr, sizeof(int64_t), "rows") < 0)
        goto done;
    const unsigned char *data = (const unsigned char *)bd.buf;
    const int64_t *offsets = (const int64_t *)bo.buf;
    const int32_t *lens = (const int32_t *)bn.buf, *words = (const int32_t *)bw.buf;
    const int64_t *rows = (const int64_t *)bs.buf;
    const uint64_t *bits = (const uint64_t *)bb.buf, *req = (const uint64_t *)br.buf, *alt_bits = (const uint64_t *)ba.buf;
    const unsigned char *lits = (const unsigned char *)bl.buf;
    uint64_t *out = (uint64_t *)bout.buf;
    Py_ssize_t longest = 0;
    for (Py_ssize_t j = 0; j <= n; j++) {
        if (offsets[j] < 0 || offsets[j] > bd.len || (j && offsets[j] < offsets[j - 1])) {
            PyErr_SetString(PyExc_ValueError, "offsets must be ascending and inside data");
            goto done;
        }
        if (j && offsets[j] - offsets[j - 1] > longest) longest = offsets[j] - offsets[j - 1];
    }
    for (Py_ssize_t r = 0; r < nr; r++) {
        if (rows[r] < 0 || rows[r] >= n) {
            PyErr_SetString(PyExc_ValueError, "rows must be row numbers");
            goto done;
        }
    }
    size_t nalloc = (size_t)(nl ? nl : 1);
    next = (int32_t *)PyMem_Malloc(sizeof(int32_t) * nalloc);
    starts = (Py_ssize_t *)PyMem_Malloc(sizeof(Py_ssize_t) * nalloc);
    pre = (uint64_t *)PyMem_Calloc(nalloc, sizeof(uint64_t));
    head8 = (int32_t *)PyMem_Malloc(sizeof(int32_t) * ((size_t)1 << WB));
    head4 = (int32_t *)PyMem_Malloc(sizeof(int32_t) * ((size_t)1 << WB));
    bm8 = (uint64_t *)PyMem_Calloc(((size_t)1 << WB) / 64, sizeof(uint64_t));
    bm4 = (uint64_t *)PyMem_Calloc(((size_t)1 << WB) / 64, sizeof(uint64_t));
    found = (uint64_t *)PyMem_Calloc((size_t)nw, sizeof(uint64_t));
    by_bit = (int32_t *)PyMem_Calloc((size_t)nw * 64 + 1, sizeof(int32_t));
    by_bit_alt = (int32_t *)PyMem_Malloc(sizeof(int32_t) * (size_t)(na ? na : 1));
    buf = (unsigned char *)PyMem_Calloc((size_t)longest + 8, 1); /* zero padding: load8 may read past the end */
    if (!next || !starts || !pre || !head8 || !head4 || !bm8 || !bm4 || !found || !buf || !by_bit || !by_bit_alt) {
        PyErr_NoMemory();
        goto done;
    }
    for (uint32_t h = 0; h < (1u << WB); h++) head4[h] = head8[h] = -1;
    uint64_t bm3[(1 << WB3) / 64];
    memset(bm3, 0, sizeof bm3);
    unsigned char gate[1 << WG]; /* per hash of three bytes: 1 a 3-byte literal's, 2 a longer one's first three */
    memset(gate, 0, sizeof gate);
    for (uint32_t h = 0; h < (1u << WB3); h++) head3[h] = -1;
    unsigned char ascii_space[256];
    for (int c = 0; c < 256; c++) {
        unsigned char byte = (unsigned char)c;
        ascii_space[c] = c < 0x80 && space_len(&byte, &byte + 1);
    }
    Py_ssize_t pos = 0;
    for (Py_ssize_t k = nl - 1; k >= 0; k--) pos += lens[k] > 0 ? lens[k] : 0;
    if (pos != bl.len) {
        PyErr_SetString(PyExc_ValueError, "lens must add up to the bytes of lits");
        goto done;
    }
    pos = 0;
    for (Py_ssize_t k = 0; k < nl; k++) {
        int32_t len = lens[k];
        if (len < 3 || !bits[k] || words[k] < 0 || words[k] >= nw) {
            PyErr_SetString(PyExc_ValueError, "bad literal (lengths >= 3, bits not 0, words inside nwords)");
            goto done;
        }
        starts[k] = pos;
        const unsigned char *p = lits + pos;
        gate[hash_bits(load3(p), WG)] |= len == 3 ? 1 : 2;
        if (len == 3) { /* few: a small table */
            pre[k] = load3(p);
            uint32_t h = hash_bits((uint32_t)pre[k], WB3);
            bm3[h >> 6] |= (uint64_t)1 << (h & 63);
            next[k] = head3[h];
            head3[h] = (int32_t)k;
        } else if (len >= 8) { /* keyed by eight bytes: many long literals share a common first four ("the ") */
            memcpy(&pre[k], p, 8);
            uint32_t h = hash8w(pre[k]);
            bm8[h >> 6] |= (uint64_t)1 << (h & 63);
            next[k] = head8[h];
            head8[h] = (int32_t)k;
        } else {
            pre[k] = load4(p);
            uint32_t h = hash_bits((uint32_t)pre[k], WB);
            bm4[h >> 6] |= (uint64_t)1 << (h & 63);
            next[k] = head4[h];
            head4[h] = (int32_t)k;
        }
        pos += len;
    }
    /* The alternatives by their first required bit (word w, bit b: by_bit_alt[by_bit[w * 64 + b] .. by_bit[w * 64 + b + 1]),
     * ascending): a row's found set names the only alternatives that can hold in it, those of its set bits (few);
     * an alternative that requires nothing holds in every row (always) */
    uint64_t always = 0;
    for (Py_ssize_t t = 0; t < na; t++) {
        Py_ssize_t w = 0;
        while (w < nw && !req[t * nw + w]) w++;
        if (w == nw) always |= alt_bits[t];
        else by_bit[w * 64 + CTZ64(req[t * nw + w])]++;
    }
    for (Py_ssize_t i = 0; i < nw * 64; i++) by_bit[i + 1] += by_bit[i]; /* by_bit[i]: the end of list i */
    for (Py_ssize_t t = na - 1; t >= 0; t--) { /* filled from the back: by_bit[i] becomes the start of list i */
        Py_ssize_t w = 0;
        while (w < nw && !req[t * nw + w]) w++;
        if (w < nw) by_bit_alt[--by_bit[w * 64 + CTZ64(req[t * nw + w])]] = (int32_t)t;
    }
    for (Py_ssize_t r = 0; r < nr; r++) {
        Py_ssize_t j = (Py_ssize_t)rows[r];
        const unsigned char *a = data + offsets[j], *e = data + offsets[j + 1];
        Py_ssize_t m = 0;
        unsigned char prev = 0; /* the last byte written stands for whitespace */
        while (a < e) { /* normalise: a run of whitespace characters -> one space (no branch on ASCII bytes) */
#if CHECKCORE_SSE2
            /* 16 bytes of printable ASCII (0x20-0x7F) with no space next to a space (or to the run before) are
             * copied as they are */
            const unsigned char *chunk_end = a + 16;
            if (e - a >= 16) {
                __m128i x = _mm_loadu_si128((const __m128i *)a);
                unsigned bad = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
                unsigned sp = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')));
                if (!bad && !(sp & ((sp << 1) | prev))) {
                    _mm_storeu_si128((__m128i *)(buf + m), x);
                    m += 16;
                    prev = (unsigned char)(sp >> 15);
                    a += 16;
                    continue;
                }
            } else {
                chunk_end = e;
            }
            while (a < chunk_end) {
#endif
            unsigned char c = *a;
            if (c >= 0xC2 && c <= 0xE3 && (c == 0xC2 || c >= 0xE1)) {
                Py_ssize_t s = space_len(a, e);
                if (s) {
                    buf[m] = ' ';
                    m += !prev;
                    prev = 1;
                    a += s;
                    continue;
                }
            }
            unsigned char w = ascii_space[c];
            buf[m] = w ? ' ' : c;
            m += !(w & prev);
            prev = w;
            a++;
#if CHECKCORE_SSE2
            }
#endif
        }
        memset(buf + m, 0, 8);
        memset(found, 0, sizeof(uint64_t) * (size_t)nw);
        for (Py_ssize_t i0 = 0; i0 + 3 <= m; i0 += 64) {
            /* The gate, without branches, over the next (up to) 64 positions i with i + 3 <= m: bit t of g3 (g) is
             * set when the hash of the three bytes at i0 + t is a 3-byte literal's (a longer literal's first three).
             * Every literal has 3+ bytes, so only those positions can start one; the probes run on them alone
             * (~20 % of the positions on review text, instead of three hashed probes at each). */
            Py_ssize_t cnt = m - 2 - i0 < 64 ? m - 2 - i0 : 64;
            uint64_t g3 = 0, g = 0;
            /* the gate's byte per position first (independent loads and stores), then the two masks from them: 16
             * positions at a time by SSE2 movemask (no chain of variable shifts through g3 and g) */
            unsigned char tb[64];
#if CHECKCORE_AVX2
            if (use_avx2 && cnt == 64) { /* the hashes by AVX2 (reads buf + i0 + 71 < longest + 8) */
                uint32_t h3[64];
                hash3_64_avx2(buf + i0, h3, WG);
                for (int t = 0; t < 64; t++) tb[t] = gate[h3[t]];
            } else
#endif
            for (Py_ssize_t t = 0; t < cnt; t++) {
                const unsigned char *q = buf + i0 + t;
                tb[t] = gate[hash_bits(LOW3(load4(q), q), WG)];
            }
#if CHECKCORE_SSE2
            if (cnt == 64) {
                for (int h = 0; h < 4; h++) { /* tb holds 0-3: bit 0 to each byte's top bit, then bit 1 */
                    __m128i x = _mm_loadu_si128((const __m128i *)(tb + 16 * h));
                    g3 |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_slli_epi16(x, 7)) << (16 * h);
                    g |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_slli_epi16(x, 6)) << (16 * h);
                }
            } else
#endif
            for (Py_ssize_t t = 0; t < cnt; t++) {
                g3 |= (uint64_t)(tb[t] & 1) << t;
                g |= (uint64_t)(tb[t] >> 1) << t;
            }
            while (g3) { /* a 3-byte literal's bytes may start here */
                Py_ssize_t i = i0 + CTZ64(g3);
                g3 &= g3 - 1;
                uint32_t v3 = load3(buf + i), h3 = hash_bits(v3, WB3);
                if (bm3[h3 >> 6] >> (h3 & 63) & 1) {
                    for (int32_t k = head3[h3]; k >= 0; k = next[k])
                        if (pre[k] == v3) found[words[k]] |= bits[k];
                }
            }
            while (g) { /* a longer literal's first three bytes */
                Py_ssize_t i = i0 + CTZ64(g);
                g &= g - 1;
                const unsigned char *p = buf + i;
                uint64_t v8;
                memcpy(&v8, p, 8);
                uint32_t v = load4(p);
                uint32_t h = hash_bits(v, WB), h8 = hash8w(v8);
                if (bm8[h8 >> 6] >> (h8 & 63) & 1) {
                    for (int32_t k = head8[h8]; k >= 0; k = next[k]) {
                        uint64_t bit = bits[k];
                        uint64_t *f = found + words[k];
                        if ((*f & bit) == bit || pre[k] != v8 || lens[k] > m - i) continue;
                        const unsigned char *lit = lits + starts[k];
                        Py_ssize_t q = 8, len = lens[k];
                        while (q < len && p[q] == lit[q]) q++;
                        if (q == len) *f |= bit;
                    }
                }
                if (bm4[h >> 6] >> (h & 63) & 1) {
                    for (int32_t k = head4[h]; k >= 0; k = next[k]) {
                        uint64_t bit = bits[k];
                        uint64_t *f = found + words[k];
                        if ((*f & bit) == bit || pre[k] != v || lens[k] > m - i) continue;
                        const unsigned char *lit = lits + starts[k];
                        Py_ssize_t q = 4, len = lens[k];
                        while (q < len && p[q] == lit[q]) q++;
                        if (q == len) *f |= bit;
                    }
                }
            }
        }
        uint64_t got = always;
        for (Py_ssize_t fw = 0; fw < nw; fw++) { /* the alternatives whose first required bit was found */
            for (uint64_t f = found[fw]; f; f &= f - 1) {
                Py_ssize_t at = fw * 64 + CTZ64(f);
                for (int32_t x = by_bit[at]; x < by_bit[at + 1]; x++) {
                    Py_ssize_t t = by_bit_alt[x];
                    const uint64_t *r = req + t * nw;
                    Py_ssize_t w = 0;
                    while (w < nw && (found[w] & r[w]) == r[w]) w++;
                    if (w == nw) got |= alt_bits[t];
                }
            }
        }
        out[j] |= got;
    }
    res = Py_NewRef(Py_None);
done:
    PyMem_Free(next);
    PyMem_Free(starts);
    PyMem_Free(pre);
    PyMem_Free(head8);
    PyMem_Free(head4);
    PyMem_Free(bm8);
    PyMem_Free(bm4);
    PyMem_Free(found);
    PyMem_Free(buf);
    PyMem_Free(by_bit);
    PyMem_Free(by_bit_alt);
    PyBuffer_Release(&bd);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bs);
    PyBuffer_Release(&bl);
    PyBuffer_Release(&bn);
    PyBuffer_Release(&bw);
    PyBuffer_Release(&bb);
    PyBuffer_Release(&br);
    PyBuffer_Release(&ba);
    PyBuffer_Release(&bout);
    return res;
}

/* Byte classes of sentence_counts: SC_ALNUM an ASCII letter or digit; SC_SEP an ASCII byte that is not one nor _
 * (it ends a piece); SC_END . ! ?; SC_NL \n; SC_NUL NUL. */
enum { SC_ALNUM = 1, SC_SEP = 2, SC_END = 4, SC_NL = 8, SC_NUL = 16 };

typedef struct {
    uint64_t key; /* the word's first eight bytes, little-endian, zero-filled */
    int32_t len;  /* 0: an empty slot */
    int32_t k;
} sc_slot_t;

static inline size_t sc_hash(uint64_t key, int32_t len, int bits) {
    return (size_t)(((key ^ (uint64_t)len) * 0x9E3779B97F4A7C15ull) >> (64 - bits));
}

/* Whether the run [a, a + len) of ASCII letters and digits is one of the words (sentence_counts' table); dend: the
 * end of the data, which the eight bytes read at a run of fewer bytes must not pass. */
static inline int sc_is_word(const unsigned char *a, int32_t len, const sc_slot_t *table, int bits, size_t tsize,
                             const unsigned char *words, const Py_ssize_t *starts, const unsigned char *dend) {
    uint64_t key = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* little-endian: byte i at bits 8i, as the byte loop builds it; eight bytes at once where they are inside the
     * data (a copy of a variable length goes through the stack), the bytes after the run masked off */
    if (dend - a >= 8) {
        memcpy(&key, a, 8);
        if (len < 8) key &= ((uint64_t)1 << (8 * len)) - 1;
    } else {
        memcpy(&key, a, (size_t)(len < 8 ? len : 8));
    }
#else
    for (int32_t i = 0; i < len && i < 8; i++) key |= (uint64_t)a[i] << (8 * i);
#endif
    for (size_t s = sc_hash(key, len, bits); table[s].len; s = (s + 1) & (tsize - 1)) {
        if (table[s].key == key && table[s].len == len
            && (len <= 8 || memcmp(words + starts[table[s].k] + 8, a + 8, (size_t)(len - 8)) == 0))
            return 1;
    }
    return 0;
}

#if CHECKCORE_SSE2
/* sentence_counts' anchored count of the row [p, e) by 64-byte blocks: per block, a mask of its ASCII letters and
 * digits (A) and of its segment ends . ! ? \n NUL (S), by SSE2 16 bytes at a time (a byte at a time in the last,
 * partial block); then only the token starts and ends (A's edges) are visited, in order, a token looked up at its
 * end. The count is the number of segments (cut at the S bytes and the row's end) holding a word token: a token
 * (no S byte in it) is in the segment numbered by the S bytes before it, and a segment is counted at its first
 * word token. The byte loop in sentence_counts (the definition, and the path without SSE2) counts the same:
 * each segment end adds whether a word token was seen since the last one. */
static int64_t sc_anchored_blocks(const unsigned char *p, const unsigned char *e, const sc_slot_t *table, int bits,
                                  size_t tsize, const unsigned char *words, const Py_ssize_t *starts,
                                  int32_t maxlen, const unsigned char *dend) {
    int64_t count = 0, segs = 0, last = -1;
    const unsigned char *tstart = p;
    uint64_t carry = 0; /* 1: a token runs on from the previous block */
    for (const unsigned char *b = p; b < e; b += 64) {
        Py_ssize_t cnt = e - b < 64 ? e - b : 64;
        uint64_t A = 0, S = 0;
        if (cnt == 64) {
            for (int h = 0; h < 4; h++) {
                __m128i x = _mm_loadu_si128((const __m128i *)(b + 16 * h));
                __m128i lo = _mm_or_si128(x, _mm_set1_epi8(0x20));
                __m128i t = _mm_xor_si128(_mm_sub_epi8(lo, _mm_set1_epi8('a')), _mm_set1_epi8((char)0x80));
                __m128i d = _mm_xor_si128(_mm_sub_epi8(x, _mm_set1_epi8('0')), _mm_set1_epi8((char)0x80));
                __m128i m = _mm_or_si128(_mm_cmplt_epi8(t, _mm_set1_epi8((char)(-128 + 26))),
                                         _mm_cmplt_epi8(d, _mm_set1_epi8((char)(-128 + 10))));
                __m128i sm = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')),
                                                       _mm_cmpeq_epi8(x, _mm_set1_epi8('!'))),
                                          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('?')),
                                                                    _mm_cmpeq_epi8(x, _mm_set1_epi8('\n'))),
                                                       _mm_cmpeq_epi8(x, _mm_setzero_si128())));
                A |= (uint64_t)(uint16_t)_mm_movemask_epi8(m) << (16 * h);
                S |= (uint64_t)(uint16_t)_mm_movemask_epi8(sm) << (16 * h);
            }
        } else {
            for (Py_ssize_t i = 0; i < cnt; i++) {
                unsigned c = b[i];
                A |= (uint64_t)((unsigned)((c | 0x20) - 'a') < 26 || (unsigned)(c - '0') < 10) << i;
                S |= (uint64_t)(c == '.' || c == '!' || c == '?' || c == '\n' || c == 0) << i;
            }
        }
        uint64_t prev = (A << 1) | carry;
        uint64_t valid = cnt == 64 ? ~(uint64_t)0 : (((uint64_t)1 << cnt) - 1);
        uint64_t ev = ((A & ~prev) | (~A & prev)) & valid; /* token starts, and ends (the byte after a token) */
        while (ev) {
            int i = CTZ64(ev);
            ev &= ev - 1;
            if (A >> i & 1) { /* a start */
                tstart = b + i;
                continue;
            }
            int32_t len = (int32_t)(b + i - tstart);
            if (len <= maxlen && sc_is_word(tstart, len, table, bits, tsize, words, starts, dend)) { /* rare */
                int64_t seg = segs + POPCNT64(S & (((uint64_t)1 << i) - 1));
                count += seg != last;
                last = seg;
            }
        }
        segs += POPCNT64(S);
        carry = cnt == 64 ? A >> 63 : (A >> (cnt - 1)) & 1;
    }
    if (carry) { /* a token up to the row's end */
        int32_t len = (int32_t)(e - tstart);
        if (segs != last && len <= maxlen && sc_is_word(tstart, len, table, bits, tsize, words, starts, dend)) count++;
    }
    return count;
}
#endif

#if CHECKCORE_SSE2
/* sentence_counts' longer count of the row [p, e) (pieces >= 1) by 64-byte blocks: per block, masks of the ASCII
 * letters and digits (A), of the separators (S: the other ASCII bytes but _), of . ! ? (E) and of those and \n
 * (N), by SSE2 16 bytes at a time (in the last, partial block the bytes after the row are read but masked off, or
 * near the data's end, dend, a copy padded with NUL bytes is read); then only the separators are visited, in
 * order, with the byte loop's state (a letter or digit since the last separator; the pieces of the segment so
 * far): a separator ends a piece when a letter or digit came since the one before, . ! ? count the segment they
 * end when it has at least `pieces` pieces, and . ! ? \n start a new one. The byte loop in sentence_counts (the
 * definition, and the path without SSE2) counts the same. */
static int64_t sc_longer_blocks(const unsigned char *p, const unsigned char *e, int pieces, const unsigned char *dend) {
    int64_t count = 0, got = 0;
    uint64_t alnum = 0; /* 1: a letter or digit since the last separator */
    const __m128i x20 = _mm_set1_epi8(0x20), sa = _mm_set1_epi8('a'), s0 = _mm_set1_epi8('0');
    const __m128i top = _mm_set1_epi8((char)0x80), n26 = _mm_set1_epi8((char)(-128 + 26));
    const __m128i n10 = _mm_set1_epi8((char)(-128 + 10)), zero = _mm_setzero_si128();
    for (const unsigned char *b = p; b < e; b += 64) {
        Py_ssize_t cnt = e - b < 64 ? e - b : 64;
        unsigned char pad[64];
        const unsigned char *src = b;
        if (cnt < 64 && dend - b < 64) {
            memset(pad, 0, sizeof pad);
            memcpy(pad, b, (size_t)cnt);
            src = pad;
        }
        uint64_t A = 0, S = 0, E = 0, N = 0;
        for (int h = 0; h < 4; h++) {
            __m128i x = _mm_loadu_si128((const __m128i *)(src + 16 * h));
            __m128i t = _mm_xor_si128(_mm_sub_epi8(_mm_or_si128(x, x20), sa), top);
            __m128i d = _mm_xor_si128(_mm_sub_epi8(x, s0), top);
            __m128i al = _mm_or_si128(_mm_cmplt_epi8(t, n26), _mm_cmplt_epi8(d, n10));
            __m128i ascii = _mm_cmpgt_epi8(x, _mm_set1_epi8(-1)); /* 0x00-0x7F */
            __m128i sep = _mm_andnot_si128(_mm_or_si128(al, _mm_cmpeq_epi8(x, _mm_set1_epi8('_'))), ascii);
            __m128i end = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')),
                                                    _mm_cmpeq_epi8(x, _mm_set1_epi8('!'))),
                                       _mm_cmpeq_epi8(x, _mm_set1_epi8('?')));
            __m128i cut = _mm_or_si128(end, _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));
            A |= (uint64_t)(uint16_t)_mm_movemask_epi8(al) << (16 * h);
            S |= (uint64_t)(uint16_t)_mm_movemask_epi8(sep) << (16 * h);
            E |= (uint64_t)(uint16_t)_mm_movemask_epi8(end) << (16 * h);
            N |= (uint64_t)(uint16_t)_mm_movemask_epi8(cut) << (16 * h);
        }
        (void)zero;
        uint64_t valid = cnt == 64 ? ~(uint64_t)0 : (((uint64_t)1 << cnt) - 1);
        A &= valid;
        S &= valid;
        uint64_t rest = A; /* the letters and digits after the last separator visited */
        while (S) {
            int i = CTZ64(S);
            S &= S - 1;
            alnum |= (rest & (((uint64_t)1 << i) - 1)) != 0;
            rest &= ~(((uint64_t)2 << i) - 1); /* i = 63: 2 << 63 is 0, so every bit goes */
            got += (int64_t)alnum; /* a separator ends a piece */
            alnum = 0;
            count += (int64_t)((E >> i) & 1 & (uint64_t)(got >= pieces)); /* . ! ? end a segment */
            got &= (int64_t)((N >> i) & 1) - 1;                            /* . ! ? \n start a new one */
        }
        alnum |= rest != 0;
    }
    return count + (got + (int64_t)alnum >= pieces);
}
#endif

/* sentence_counts(data, offsets, words, lens, pieces, anchored, longer): per row j (int64 outputs), with the row cut
 * into segments:
 *   anchored[j]: the segments, cut at the bytes . ! ? \n and NUL, that hold a maximal run of ASCII letters and
 *     digits equal to one of words (cut by the int32 lens); not written when words is empty;
 *   longer[j]: the segments, cut at . ! ? and \n, that end with . ! ? or at the row's end (not at a \n) and hold
 *     at least `pieces` pieces with an ASCII letter or digit, the pieces cut at the ASCII bytes other than
 *     letters, digits and _; not written when pieces < 1.
 * reviewtools.rules._sentence_words proves these bounds (an upper one on the seller-feedback detector's anchored
 * sentences, a lower one on its longer sentences) from _sentences and _ANCHOR_TOKEN.
 * With the optional last argument joint = 1 (words given, pieces >= 1): longer[j] counts only those segments of
 *   longer[j] above that hold no maximal run of ASCII letters and digits equal to one of words (a lower bound on
 *   the detector's longer sentences without an anchor: rules._joint_sentence_counts); anchored is not written. */
static PyObject *py_sentence_counts(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer bd, bo, bw, bl, ba, bn;
    int pieces, joint = 0;
    if (!PyArg_ParseTuple(args, "y*y*y*y*iw*w*|i", &bd, &bo, &bw, &bl, &pieces, &ba, &bn, &joint)) return NULL;
    PyObject *res = NULL;
    sc_slot_t *table = NULL;
    Py_ssize_t *starts = NULL;
    Py_ssize_t n = bo.len / (Py_ssize_t)sizeof(int64_t) - 1;
    Py_ssize_t nw = bl.len / (Py_ssize_t)sizeof(int32_t);
    if (n < 0 || check_buffer(&bo, n + 1, sizeof(int64_t), "offsets") < 0
        || check_buffer(&bl, nw, sizeof(int32_t), "lens") < 0
        || check_buffer(&ba, n, sizeof(int64_t), "anchored") < 0
        || check_buffer(&bn, n, sizeof(int64_t), "longer") < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "offsets must hold at least one value");
        goto done;
    }
    const unsigned char *data = (const unsigned char *)bd.buf, *words = (const unsigned char *)bw.buf;
    const int64_t *offsets = (const int64_t *)bo.buf;
    const int32_t *lens = (const int32_t *)bl.buf;
    int64_t *anchored = (int64_t *)ba.buf, *longer = (int64_t *)bn.buf;
    for (Py_ssize_t j = 0; j <= n; j++) {
        if (offsets[j] < 0 || offsets[j] > bd.len || (j && offsets[j] < offsets[j - 1])) {
            PyErr_SetString(PyExc_ValueError, "offsets must be ascending and inside data");
            goto done;
        }
    }
    Py_ssize_t total = 0;
    for (Py_ssize_t k = 0; k < nw; k++) {
        if (lens[k] < 0) {
            PyErr_SetString(PyExc_ValueError, "lens must not be negative");
            goto done;
        }
        total += lens[k];
    }
    if (total != bw.len) {
        PyErr_SetString(PyExc_ValueError, "lens must add up to the words' bytes");
        goto done;
    }
    unsigned char cls[256];
    for (int c = 0; c < 256; c++) {
        int an = (unsigned)((c | 0x20) - 'a') < 26 || (unsigned)(c - '0') < 10;
        cls[c] = (unsigned char)(an ? SC_ALNUM : (c < 0x80 && c != '_') ? SC_SEP : 0);
        if (c == '.' || c == '!' || c == '?') cls[c] |= SC_END;
        if (c == '\n') cls[c] |= SC_NL;
        if (c == 0) cls[c] |= SC_NUL;
    }
    /* the words, by (first eight bytes, length); empty words never equal a run */
    int bits = 4;
    while (((size_t)1 << bits) < (size_t)nw * 4) bits++;
    size_t tsize = (size_t)1 << bits;
    table = (sc_slot_t *)calloc(tsize, sizeof(sc_slot_t));
    starts = (Py_ssize_t *)malloc(((size_t)nw + 1) * sizeof(Py_ssize_t));
    if (table == NULL || starts == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    uint64_t lenbits = 0; /* bit l: a word of l bytes (l < 64) */
    int32_t maxlen = 0;
    {
        Py_ssize_t at = 0;
        for (Py_ssize_t k = 0; k < nw; k++) {
            if (lens[k] < 64) lenbits |= (uint64_t)1 << lens[k];
            if (lens[k] > maxlen) maxlen = lens[k];
            starts[k] = at;
            if (lens[k] > 0) {
                uint64_t key = 0;
                for (int32_t i = 0; i < lens[k] && i < 8; i++) key |= (uint64_t)words[at + i] << (8 * i);
                size_t s = sc_hash(key, lens[k], bits);
                while (table[s].len) s = (s + 1) & (tsize - 1);
                table[s].key = key;
                table[s].len = lens[k];
                table[s].k = (int32_t)k;
            }
            at += lens[k];
        }
    }
    if (joint && (!nw || pieces < 1)) {
        PyErr_SetString(PyExc_ValueError, "joint counts need words and pieces >= 1");
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t j = 0; j < n; j++) {
        const unsigned char *p = data + offsets[j], *e = data + offsets[j + 1];
        if (joint) {
            /* the pieces of the longer count and the runs of the anchored one, side by side (a letter or digit
             * extends both and costs one branch); a segment ends at . ! ? (counted when long enough and without
             * a word run) and at \n (never counted), after the run ending at that byte is looked up */
            int64_t count = 0, got = 0;
            unsigned alnum = 0;
            int has = 0;
            int32_t len = 0;
            uint64_t key = 0;
            for (const unsigned char *q = p;; q++) {
                unsigned t = q < e ? cls[*q] : SC_NUL;
                if (t & SC_ALNUM) {
                    if (len < 8) key |= (uint64_t)*q << (8 * len);
                    len++;
                    alnum = 1;
                    continue;
                }
                if (len) { /* a maximal run [q - len, q) */
                    if (!has && len <= maxlen && (len > 63 || ((lenbits >> len) & 1u))) {
                        for (size_t s = sc_hash(key, len, bits); table[s].len; s = (s + 1) & (tsize - 1)) {
                            if (table[s].key == key && table[s].len == len
                                && (len <= 8 || memcmp(words + starts[table[s].k] + 8, q - len + 8,
                                                       (size_t)(len - 8)) == 0)) {
                                has = 1;
                                break;
                            }
                        }
                    }
                    len = 0;
                    key = 0;
                }
                if (q >= e) {
                    count += (got + alnum >= (unsigned)pieces) & !has;
                    break;
                }
                if (t & SC_SEP) { /* a separator ends a piece */
                    got += alnum;
                    alnum = 0;
                }
                if (t & (SC_END | SC_NL)) {
                    count += (t & SC_END) && got >= pieces && !has;
                    got = 0;
                    has = 0;
                }
            }
            longer[j] = count;
            continue;
        }
        if (nw) {
#if CHECKCORE_SSE2
            anchored[j] = sc_anchored_blocks(p, e, table, bits, tsize, words, starts, maxlen, data + bd.len);
            if (0)
#endif
        {
            int64_t count = 0;
            int has = 0;
            int32_t len = 0;
            uint64_t key = 0;
            for (const unsigned char *q = p;; q++) {
                unsigned t = q < e ? cls[*q] : SC_NUL;
                if (t & SC_ALNUM) {
                    if (len < 8) key |= (uint64_t)*q << (8 * len);
                    len++;
                    continue;
                }
                if (len) { /* a maximal run [q - len, q) */
                    if (!has) {
                        for (size_t s = sc_hash(key, len, bits); table[s].len; s = (s + 1) & (tsize - 1)) {
                            if (table[s].key == key && table[s].len == len
                                && (len <= 8 || memcmp(words + starts[table[s].k] + 8, q - len + 8,
                                                       (size_t)(len - 8)) == 0)) {
                                has = 1;
                                break;
                            }
                        }
                    }
                    len = 0;
                    key = 0;
                }
                if (t & (SC_END | SC_NL | SC_NUL)) {
                    count += has;
                    has = 0;
                }
                if (q >= e) break;
            }
            anchored[j] = count;
        }
        }
        if (pieces >= 1) {
#if CHECKCORE_SSE2
            longer[j] = sc_longer_blocks(p, e, pieces, data + bd.len);
            continue;
#endif
            int64_t count = 0, got = 0;
            unsigned alnum = 0;
            for (const unsigned char *q = p; q < e; q++) {
                unsigned t = cls[*q];
                unsigned sep = (t >> 1) & 1u;
                got += alnum & sep;                         /* a separator ends a piece */
                alnum = (alnum & (sep ^ 1u)) | (t & SC_ALNUM);
                count += (t >> 2) & (unsigned)(got >= pieces); /* . ! ? end a segment */
                got = (t & (SC_END | SC_NL)) ? 0 : got;
            }
            longer[j] = count + (got + alnum >= pieces);
        }
    }
    Py_END_ALLOW_THREADS
    res = Py_NewRef(Py_None);
done:
    free(table);
    free(starts);
    PyBuffer_Release(&bd);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bw);
    PyBuffer_Release(&bl);
    PyBuffer_Release(&ba);
    PyBuffer_Release(&bn);
    return res;
}

/* avx2([on]): whether the AVX2 path (ws_literal_rows' gate) is taken; on (a bool) turns it on (only where the build
 * and the CPU have AVX2) or off (the scalar loop: the same rows), for tests and benches */
static PyObject *py_avx2(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *on = NULL;
    if (!PyArg_ParseTuple(args, "|O", &on)) return NULL;
#if CHECKCORE_AVX2
    if (on) {
        int t = PyObject_IsTrue(on);
        if (t < 0) return NULL;
        use_avx2 = t && __builtin_cpu_supports("avx2");
    }
    return PyBool_FromLong(use_avx2);
#else
    if (on && PyObject_IsTrue(on) < 0) return NULL;
    return PyBool_FromLong(0);
#endif
}

static PyMethodDef methods[] = {
    {"avx2", py_avx2, METH_VARARGS,
     "avx2([on]) -> bool: whether ws_literal_rows' AVX2 gate is taken; on turns it on (where the build and the CPU "
     "have AVX2) or off."},
    {"sentence_counts", py_sentence_counts, METH_VARARGS,
     "sentence_counts(data, offsets, words, lens, pieces, anchored, longer): per row, the segments (cut at .!?\\n "
     "NUL) holding an ASCII alnum run equal to a word, and the segments (cut at .!?\\n, ending at .!? or the row's "
     "end) holding at least pieces ASCII-alnum pieces."},
    {"ws_literal_rows", py_ws_literal_rows, METH_VARARGS,
     "ws_literal_rows(data, offsets, rows, lits, lens, words, bits, nwords, req, alt_bits, out): OR into out[j], j in "
     "rows, the alt_bits of each alternative whose req words of literal bits are all found in row j with its "
     "whitespace runs made one space."},
    {"literal_rows", py_literal_rows, METH_VARARGS,
     "literal_rows(data, offsets, lits, lens, bits, cls, edges, out): OR into out[j] (uint64) the bits[k] (uint64) of "
     "each literal k (lits cut by the int32 lens) found in row j (data[offsets[j]:offsets[j+1]], int64 offsets), "
     "bounded on both sides by a row end or a byte that row cls[k] (int8, -1: none) of edges (256 bytes a row) "
     "marks."},
    {"repeated_tokens", py_repeated_tokens, METH_VARARGS,
     "repeated_tokens(data, offsets, sep, out): out[j] = 1 where row j has three equal tokens in a row (cut at sep "
     "bytes), else 0."},
    {"word_runs", py_word_runs, METH_VARARGS,
     "word_runs(data, offsets, sep, out): out[j] = 1 where row j has tokens (cut at sep bytes) U T T T V, U ending "
     "and V starting with T."},
    {"head_word_counts", py_head_word_counts, METH_VARARGS,
     "head_word_counts(data, offsets, rows, maxlen, keys, longest, tokens, words, letters): per row of rows, "
     "ASCII tokens, key words and letters in its first maxlen bytes (as _vadercore.ascii_word_counts)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_checkcore", "Byte scans of reviewtools.rules' per-review checks in C (optional).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__checkcore(void) {
#if CHECKCORE_AVX2
    __builtin_cpu_init();
    use_avx2 = __builtin_cpu_supports("avx2") != 0;
#endif
    return PyModule_Create(&module);
}
