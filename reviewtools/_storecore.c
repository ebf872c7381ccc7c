/*
 * reviewtools._storecore: the byte scans of reviewtools.incremental (the re-ingest) in C.
 *
 * split(buffer, sep, quoted, start, block_records)
 *     What incremental._split_numpy computes for a file it can split, in one pass over the bytes: the header's
 *     (start, end), every other non-blank record's starts and ends, and (block_records > 0) the block cuts
 *     incremental._block_cuts_numpy computes for those records (one past each block's last record, the same
 *     wrapping uint64 arithmetic, the last cut always the record count), while each record's last bytes are still
 *     in the cache. All three as native int64 in bytearrays. A record
 *     ends at a line feed preceded by an even number of quote characters ('"'; every line feed when `quoted` is
 *     0). Wherever the numpy path would return a reason instead of records (an unbalanced quote, a quote run that
 *     neither opens nor closes a field, a lone carriage return outside quotes, a whitespace-only line, no header),
 *     this returns None and incremental.py runs the numpy path, which gives the reason: this code only has to
 *     recognise those cases exactly, never to word them. The conditions below mirror the numpy expressions one by
 *     one (tests compare both on Hypothesis-generated adversarial bytes).
 *
 * It returns None too when the arguments are not what it expects, so the numpy path runs instead.
 *
 * record_after, count_byte, rows_with_bytes, strip_need, patched_take, string_hashes and repeated serve
 * reviewtools.ingest (see each below); spaced and decay serve reviewtools.pipeline; sha_picks (and sha_first8, its
 * tests' check) reviewtools.respond.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__)) /* __builtin_ctz */
#include <emmintrin.h>
#define HAVE_SSE2 1
#endif

/* Bumped whenever the behaviour changes; incremental.py refuses a build whose version differs (a stale .so). */
#define STORECORE_VERSION 1

typedef struct {
    int64_t *v;
    Py_ssize_t n, cap;
} vec_t;

static int vec_push(vec_t *a, int64_t x) {
    if (a->n == a->cap) {
        Py_ssize_t cap = a->cap ? a->cap * 2 : 1024;
        int64_t *v = (int64_t *)realloc(a->v, (size_t)cap * sizeof(int64_t));
        if (!v) return -1;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = x;
    return 0;
}

/* the scan's state */
typedef struct {
    const unsigned char *d;
    Py_ssize_t size, start;
    int sep, quoted;
    int64_t quotes;         /* quote characters seen so far */
    Py_ssize_t rec_start;   /* start of the current record */
    int64_t hs, he;         /* header, -1 until found */
    uint64_t block;         /* records a block on average (block_cuts), 0 for no cuts */
    vec_t starts, ends, cuts;
    Py_ssize_t target;      /* record_after: the first record end at or after this stops the scan; -1 for split */
    Py_ssize_t found;       /* record_after: one past that record's line feed */
} scan_t;

enum { OK = 0, REFUSE = 1, NOMEM = 2, FOUND = 3 };

/* incremental._block_cuts_numpy's key of the record d[a:b] (its length and last four bytes, wrapping uint64) */
static uint64_t cut_key(const unsigned char *d, Py_ssize_t size, int64_t a, int64_t b) {
    uint64_t key = (uint64_t)(b - a) * 0x9E3779B97F4A7C15ull;
    for (int k = 1; k <= 4; k++) {
        int64_t at = b - k > a ? b - k : a;
        uint64_t c = b > a ? d[at < size - 1 ? at : size - 1] : 0;
        key = (key ^ (c << (8 * k))) * 0xBF58476D1CE4E5B9ull;
    }
    return key ^ (key >> 31);
}

static int is_space(unsigned char c) { /* bytes.strip()'s whitespace */
    return c == 32 || c == 9 || c == 10 || c == 11 || c == 12 || c == 13;
}

/* numpy: blank = length 0, or length 1 and that byte a CR; a non-blank record starting with a space or tab that
   bytes.strip() empties is a whitespace-only line (refused) */
static int finish(scan_t *s, Py_ssize_t a, Py_ssize_t b) {
    Py_ssize_t len = b - a;
    if (len == 0 || (len == 1 && s->d[a] == 13)) return OK;
    if (s->d[a] == 32 || s->d[a] == 9) {
        Py_ssize_t i = a;
        while (i < b && is_space(s->d[i])) i++;
        if (i == b) return REFUSE;
    }
    if (s->hs < 0) {
        s->hs = a;
        s->he = b;
        return OK;
    }
    if (vec_push(&s->starts, a) || vec_push(&s->ends, b)) return NOMEM;
    if (s->block && cut_key(s->d, s->size, a, b) % s->block == 0 && vec_push(&s->cuts, (int64_t)s->starts.n))
        return NOMEM;
    return OK;
}

/* The special byte at p (a line feed, a carriage return or a quote); *next is set past what was consumed. */
static int handle(scan_t *s, Py_ssize_t p, Py_ssize_t *next) {
    const unsigned char *d = s->d;
    unsigned char c = d[p];
    *next = p + 1;
    if (c == 10) {
        if (s->target >= 0 && (!s->quoted || (s->quotes & 1) == 0)) { /* record_after: no records kept */
            if (p >= s->target) {
                s->found = p + 1;
                return FOUND;
            }
            s->rec_start = p + 1;
            return OK;
        }
        if (!s->quoted || (s->quotes & 1) == 0) {
            int r = finish(s, s->rec_start, p);
            if (r) return r;
            s->rec_start = p + 1;
        }
        return OK;
    }
    if (c == 13) {
        int lone = (p == s->size - 1) || d[p + 1] != 10;
        if (lone && (s->quotes & 1) == 0) return REFUSE;
        return OK;
    }
    /* a run of quotes: numpy's `opens` and `closes` of it */
    Py_ssize_t r = p;
    while (r < s->size && d[r] == 34) r++;
    int64_t run_first = s->quotes, run_end = s->quotes + (int64_t)(r - p);
    unsigned char prev = d[p > 0 ? p - 1 : 0];
    int opens = (run_first & 1) == 0 && p != s->start && prev != s->sep && prev != 10 && prev != 13;
    Py_ssize_t last = r - 1;
    unsigned char nxt = d[last + 1 < s->size ? last + 1 : s->size - 1];
    int closes = (run_end & 1) == 0 && last != s->size - 1 && nxt != s->sep && nxt != 10 && nxt != 13;
    if (opens || closes) return REFUSE;
    s->quotes = run_end;
    *next = r;
    return OK;
}

static int is_special(const scan_t *s, unsigned char c) {
    return c == 10 || c == 13 || (s->quoted && c == 34);
}

static int scan(scan_t *s) {
    const unsigned char *d = s->d;
    Py_ssize_t size = s->size, i = 0, next;
    int r;
#ifdef HAVE_SSE2
    const __m128i lf = _mm_set1_epi8(10), cr = _mm_set1_epi8(13), qu = _mm_set1_epi8(34);
    while (i + 16 <= size) {
        __m128i v = _mm_loadu_si128((const __m128i *)(d + i));
        __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr));
        if (s->quoted) m = _mm_or_si128(m, _mm_cmpeq_epi8(v, qu));
        unsigned int mask = (unsigned int)_mm_movemask_epi8(m);
        Py_ssize_t end = i + 16;
        while (mask) {
            Py_ssize_t p = i + __builtin_ctz(mask);
            if ((r = handle(s, p, &next))) return r;
            if (next >= end) {
                end = next;
                break;
            }
            mask &= ~0u << (unsigned int)(next - i); /* next - i <= 15 here */
        }
        i = end;
    }
#endif
    while (i < size) {
        if (is_special(s, d[i])) {
            if ((r = handle(s, i, &next))) return r;
            i = next;
        } else {
            i++;
        }
    }
    if (s->target >= 0) return REFUSE; /* record_after: no record ends at or after the target */
    if (s->quoted && (s->quotes & 1)) return REFUSE;
    if ((r = finish(s, s->rec_start, size))) return r;
    if (s->hs < 0) return REFUSE;
    if (s->block && s->starts.n && (s->cuts.n == 0 || s->cuts.v[s->cuts.n - 1] != s->starts.n))
        return vec_push(&s->cuts, (int64_t)s->starts.n) ? NOMEM : OK;
    return OK;
}

static PyObject *as_bytearray(const vec_t *a) {
    return PyByteArray_FromStringAndSize(a->v ? (const char *)a->v : "", a->n * (Py_ssize_t)sizeof(int64_t));
}

static PyObject *py_split(PyObject *self, PyObject *args) {
    Py_buffer buf;
    int sep, quoted;
    Py_ssize_t start;
    long long block;
    if (!PyArg_ParseTuple(args, "y*iinL", &buf, &sep, &quoted, &start, &block)) return NULL;
    scan_t s;
    memset(&s, 0, sizeof(s));
    s.d = (const unsigned char *)buf.buf;
    s.size = buf.len;
    s.start = start;
    s.sep = sep;
    s.quoted = quoted;
    s.rec_start = start;
    s.hs = s.he = -1;
    s.block = block > 0 ? (uint64_t)block : 0;
    s.target = -1;
    if (start < 0 || start > buf.len || sep < 0 || sep > 127 || block < 0) {
        PyBuffer_Release(&buf);
        Py_RETURN_NONE;
    }
    int r;
    Py_BEGIN_ALLOW_THREADS
    r = scan(&s);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&buf);
    PyObject *out = NULL;
    if (r == NOMEM) {
        PyErr_NoMemory();
    } else if (r == REFUSE) {
        out = Py_NewRef(Py_None);
    } else {
        PyObject *a = as_bytearray(&s.starts), *b = a ? as_bytearray(&s.ends) : NULL;
        PyObject *c = b ? as_bytearray(&s.cuts) : NULL;
        if (a && b && c) out = Py_BuildValue("LLNNN", (long long)s.hs, (long long)s.he, a, b, c);
        else {
            Py_XDECREF(a);
            Py_XDECREF(b);
            Py_XDECREF(c);
        }
    }
    free(s.starts.v);
    free(s.ends.v);
    free(s.cuts.v);
    return out;
}

/* record_after(buffer, sep, quoted, start, target): one past the line feed that ends the first record ending at or
   after `target`, as split() would find the records (the same scan from `start`, refusing the same quote runs and
   lone carriage returns met on the way, but keeping no records and stopping there), or -1: no such record, or
   something refused before it. reviewtools.ingest parses the bytes before and after it on two threads. */
static PyObject *py_record_after(PyObject *self, PyObject *args) {
    Py_buffer buf;
    int sep, quoted;
    Py_ssize_t start, target;
    if (!PyArg_ParseTuple(args, "y*iinn", &buf, &sep, &quoted, &start, &target)) return NULL;
    if (start < 0 || start > buf.len || sep < 0 || sep > 127 || target < start) {
        PyBuffer_Release(&buf);
        return PyLong_FromLong(-1);
    }
    scan_t s;
    memset(&s, 0, sizeof(s));
    s.d = (const unsigned char *)buf.buf;
    s.size = buf.len;
    s.start = start;
    s.sep = sep;
    s.quoted = quoted;
    s.rec_start = start;
    s.hs = s.he = -1;
    s.target = target;
    s.found = -1;
    int r;
    Py_BEGIN_ALLOW_THREADS
    r = scan(&s);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&buf);
    return PyLong_FromSsize_t(r == FOUND ? s.found : -1);
}

/* count_byte(buffer, byte) -> how many bytes of the buffer equal `byte` (reviewtools.ingest: the CSV's quote
   characters before it is parsed). SSE2 compares 16 bytes at a time, byte counters summed every 255 blocks. */
static Py_ssize_t count_byte(const unsigned char *d, Py_ssize_t size, unsigned char b) {
    Py_ssize_t i = 0, total = 0;
#ifdef HAVE_SSE2
    const __m128i needle = _mm_set1_epi8((char)b), zero = _mm_setzero_si128();
    while (i + 16 <= size) {
        __m128i acc = _mm_setzero_si128();
        int k = 0;
        for (; k < 255 && i + 16 <= size; k++, i += 16)
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(d + i)), needle));
        __m128i sums = _mm_sad_epu8(acc, zero);
        total += (Py_ssize_t)_mm_cvtsi128_si32(sums) + (Py_ssize_t)_mm_cvtsi128_si32(_mm_srli_si128(sums, 8));
    }
#endif
    for (; i < size; i++) total += d[i] == b;
    return total;
}

static PyObject *py_count_byte(PyObject *self, PyObject *args) {
    Py_buffer buf;
    int b;
    if (!PyArg_ParseTuple(args, "y*i", &buf, &b)) return NULL;
    if (b < 0 || b > 255) {
        PyBuffer_Release(&buf);
        PyErr_SetString(PyExc_ValueError, "byte must be in 0..255");
        return NULL;
    }
    Py_ssize_t n;
    Py_BEGIN_ALLOW_THREADS
    n = count_byte((const unsigned char *)buf.buf, buf.len, (unsigned char)b);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&buf);
    return PyLong_FromSsize_t(n);
}

/* rows_with_bytes(offsets, data, width, first, n, chars) -> bytearray of n bytes, 1 where the string
   data[off[first + i]:off[first + i + 1]] holds any byte of `chars` (1 to 4 bytes), else 0: the rows of one Arrow
   string chunk (`offsets` its offsets buffer of `width` 4- or 8-byte integers, `first` the chunk's offset) holding
   one of the characters (reviewtools.ingest._contains_bytes; validity is the caller's). None when the arguments do
   not fit (offsets out of the buffers, decreasing): the caller scans with numpy instead. */
static PyObject *py_rows_with_bytes(PyObject *self, PyObject *args) {
    Py_buffer ob, db, cb;
    int width;
    Py_ssize_t first, n;
    if (!PyArg_ParseTuple(args, "y*y*inny*", &ob, &db, &width, &first, &n, &cb)) return NULL;
    PyObject *out = NULL;
    int ok = (width == 4 || width == 8) && first >= 0 && n >= 0 && cb.len >= 1 && cb.len <= 4 &&
             (first + n + 1) * (Py_ssize_t)width <= ob.len;
    const unsigned char *d = (const unsigned char *)db.buf, *cs = (const unsigned char *)cb.buf;
    int64_t lo = 0, hi = 0;
#define OFF(j) (width == 4 ? (int64_t)((const int32_t *)ob.buf)[j] : ((const int64_t *)ob.buf)[j])
    if (ok) {
        lo = OFF(first);
        hi = OFF(first + n);
        ok = lo >= 0 && lo <= hi && hi <= db.len;
        for (Py_ssize_t j = first; ok && j < first + n; j++)
            if (OFF(j) > OFF(j + 1)) ok = 0;
    }
    if (!ok) {
        out = Py_NewRef(Py_None);
        goto done;
    }
    out = PyByteArray_FromStringAndSize(NULL, n);
    if (!out) goto done;
    unsigned char *hit = (unsigned char *)PyByteArray_AS_STRING(out);
    memset(hit, 0, (size_t)n);
    Py_BEGIN_ALLOW_THREADS
    int nc = (int)cb.len;
    Py_ssize_t row = 0;
    int64_t p = lo;
    while (p < hi && row < n) {
        /* the next byte at or after p that is one of chars */
        int64_t q = p;
#ifdef HAVE_SSE2
        __m128i c0 = _mm_set1_epi8((char)cs[0]), c1 = _mm_set1_epi8((char)cs[nc > 1 ? 1 : 0]),
                c2 = _mm_set1_epi8((char)cs[nc > 2 ? 2 : 0]), c3 = _mm_set1_epi8((char)cs[nc > 3 ? 3 : 0]);
        int found = 0;
        while (q + 16 <= hi) {
            __m128i v = _mm_loadu_si128((const __m128i *)(d + q));
            __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, c0), _mm_cmpeq_epi8(v, c1)),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, c2), _mm_cmpeq_epi8(v, c3)));
            unsigned int mask = (unsigned int)_mm_movemask_epi8(m);
            if (mask) {
                q += __builtin_ctz(mask);
                found = 1;
                break;
            }
            q += 16;
        }
        if (!found)
#endif
        {
            for (; q < hi; q++) {
                unsigned char c = d[q];
                if (c == cs[0] || (nc > 1 && c == cs[1]) || (nc > 2 && c == cs[2]) || (nc > 3 && c == cs[3])) break;
            }
        }
        if (q >= hi) break;
        /* its row: the last row starting at or before q (rows are sorted; empty rows hold nothing) */
        while (row < n && OFF(first + row + 1) <= q) row++;
        if (row >= n) break;
        hit[row] = 1;
        p = OFF(first + row + 1); /* the rest of this row need not be looked at */
        row++;
    }
    Py_END_ALLOW_THREADS
done:
#undef OFF
    PyBuffer_Release(&ob);
    PyBuffer_Release(&db);
    PyBuffer_Release(&cb);
    return out;
}

/* strip_need(offsets, data, width, first, n) -> bytearray of n bytes, 1 where the string
   data[off[first + i]:off[first + i + 1]] is not empty and its first or last byte is <= 0x20 or >= 0x7F (ASCII
   whitespace or a control, or part of a non-ASCII character: the values str.strip() may change), else 0
   (reviewtools.ingest._strip_need; validity is the caller's). The arguments as for rows_with_bytes; None when they
   do not fit. */
static PyObject *py_strip_need(PyObject *self, PyObject *args) {
    Py_buffer ob, db;
    int width;
    Py_ssize_t first, n;
    if (!PyArg_ParseTuple(args, "y*y*inn", &ob, &db, &width, &first, &n)) return NULL;
    PyObject *out = NULL;
    int ok = (width == 4 || width == 8) && first >= 0 && n >= 0 && (first + n + 1) * (Py_ssize_t)width <= ob.len;
    const unsigned char *d = (const unsigned char *)db.buf;
#define OFF(j) (width == 4 ? (int64_t)((const int32_t *)ob.buf)[j] : ((const int64_t *)ob.buf)[j])
    if (ok) {
        int64_t lo = OFF(first), hi = OFF(first + n);
        ok = lo >= 0 && lo <= hi && hi <= db.len;
        for (Py_ssize_t j = first; ok && j < first + n; j++)
            if (OFF(j) > OFF(j + 1)) ok = 0;
    }
    if (!ok) {
        out = Py_NewRef(Py_None);
        goto done;
    }
    out = PyByteArray_FromStringAndSize(NULL, n);
    if (!out) goto done;
    unsigned char *need = (unsigned char *)PyByteArray_AS_STRING(out);
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t a = OFF(first + i), b = OFF(first + i + 1);
        if (a < b) {
            unsigned char f = d[a], l = d[b - 1];
            need[i] = (unsigned char)((f <= 0x20) | (f >= 0x7F) | (l <= 0x20) | (l >= 0x7F));
        } else {
            need[i] = 0;
        }
    }
    Py_END_ALLOW_THREADS
done:
#undef OFF
    PyBuffer_Release(&ob);
    PyBuffer_Release(&db);
    return out;
}

/* patched_take(offsets, data, validity, first, n, keep, rows, p_offsets, p_data, p_first, out_offsets, out_data,
                out_validity, base, bit)
   The kept rows of one Arrow large_string chunk (`offsets` its int64 offsets buffer, `data` its data, `validity` its
   bitmap or b"" when every value is valid, `first` the chunk's offset, `n` its length), with the rows listed in
   `rows` (native int64, sorted, distinct, each in 0..n-1) replaced, in order, by the values
   p_data[po[p_first + q]:po[p_first + q + 1]] (`p_offsets` int64; the replacements are valid values); `keep`: n bytes,
   nonzero for a row kept, or b"" for all (reviewtools.ingest._patched_arrays: the cleaned texts' rows in one copy,
   without the slices of _clean_pieces).
   With the three outputs None: returns (m, bytes, nulls), the kept rows, their bytes and how many are missing.
   Then with writable buffers of (m + 1) * 8 bytes and `bytes` bytes (the caller's, parts of buffers from Arrow's
   allocator) and a zeroed validity bitmap (or None): fills the m + 1 offsets (from `base`: the bytes of the array
   before these rows), the data, and sets the bits bit..bit + m - 1 of the kept values that are valid; returns m.
   None when the arguments do not fit (offsets out of the buffers or decreasing, rows out of order, outputs too
   small). */
static PyObject *py_patched_take(PyObject *self, PyObject *args) {
    Py_buffer ob, db, vb, kb, rb, pob, pdb;
    Py_buffer oob = {0}, odb = {0}, ovb = {0};
    Py_ssize_t first, n, pfirst;
    PyObject *oo_obj, *od_obj, *ov_obj;
    long long base = 0;
    Py_ssize_t bit = 0;
    if (!PyArg_ParseTuple(args, "y*y*y*nny*y*y*y*nOOO|Ln", &ob, &db, &vb, &first, &n, &kb, &rb, &pob, &pdb, &pfirst,
                          &oo_obj, &od_obj, &ov_obj, &base, &bit))
        return NULL;
    PyObject *out = NULL;
    int fill = oo_obj != Py_None, got_oo = 0, got_od = 0, got_ov = 0;
    if (fill) {
        if (PyObject_GetBuffer(oo_obj, &oob, PyBUF_WRITABLE) < 0) goto done;
        got_oo = 1;
        if (PyObject_GetBuffer(od_obj, &odb, PyBUF_WRITABLE) < 0) goto done;
        got_od = 1;
        if (ov_obj != Py_None) {
            if (PyObject_GetBuffer(ov_obj, &ovb, PyBUF_WRITABLE) < 0) goto done;
            got_ov = 1;
        }
    }
    const int64_t *off = (const int64_t *)ob.buf, *rows = (const int64_t *)rb.buf, *po = (const int64_t *)pob.buf;
    const unsigned char *d = (const unsigned char *)db.buf, *pd = (const unsigned char *)pdb.buf;
    const unsigned char *vbits = vb.len ? (const unsigned char *)vb.buf : NULL;
    const unsigned char *keep = kb.len ? (const unsigned char *)kb.buf : NULL;
    Py_ssize_t k = rb.len / 8;
    int ok = first >= 0 && n >= 0 && (first + n + 1) * 8 <= ob.len && rb.len % 8 == 0 && (!keep || kb.len == n) &&
             (!vbits || (first + n + 7) / 8 <= vb.len) && pfirst >= 0 && (k == 0 || (pfirst + k + 1) * 8 <= pob.len);
    if (ok) {
        ok = off[first] >= 0 && off[first + n] <= db.len;
        for (Py_ssize_t j = first; ok && j < first + n; j++)
            if (off[j] > off[j + 1]) ok = 0;
        for (Py_ssize_t q = 0; ok && q < k; q++)
            if (rows[q] < 0 || rows[q] >= n || (q && rows[q] <= rows[q - 1])) ok = 0;
        if (ok && k) {
            ok = po[pfirst] >= 0 && po[pfirst + k] <= pdb.len;
            for (Py_ssize_t q = pfirst; ok && q < pfirst + k; q++)
                if (po[q] > po[q + 1]) ok = 0;
        }
    }
    Py_ssize_t m = 0, nulls = 0;
    int64_t total = 0;
#define VALID(i) (!vbits || ((vbits[(first + (i)) >> 3] >> ((first + (i)) & 7)) & 1))
    if (ok) {
        Py_BEGIN_ALLOW_THREADS
        Py_ssize_t q = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            int patched = q < k && rows[q] == i;
            if (!keep || keep[i]) {
                m++;
                if (patched) {
                    total += po[pfirst + q + 1] - po[pfirst + q];
                } else {
                    total += off[first + i + 1] - off[first + i];
                    nulls += !VALID(i);
                }
            }
            q += patched;
        }
        Py_END_ALLOW_THREADS
    }
    if (ok && fill)
        ok = oob.len >= (m + 1) * 8 && odb.len >= total && base >= 0 && bit >= 0 &&
             (got_ov ? ovb.len >= (bit + m + 7) / 8 : !nulls);
    if (!ok) {
        out = Py_NewRef(Py_None);
        goto done;
    }
    if (!fill) {
        out = Py_BuildValue("(nLn)", m, (long long)total, nulls);
        goto done;
    }
    int64_t *oo = (int64_t *)oob.buf;
    unsigned char *od = (unsigned char *)odb.buf;
    unsigned char *ov = got_ov ? (unsigned char *)ovb.buf : NULL;
    Py_BEGIN_ALLOW_THREADS
    int64_t at = 0, run_a = 0, run_b = 0; /* a run of source bytes not yet copied, written at at - (run_b - run_a) */
    Py_ssize_t j = 0, q = 0;
    oo[0] = base;
    for (Py_ssize_t i = 0; i < n; i++) {
        int patched = q < k && rows[q] == i;
        if (!keep || keep[i]) {
            if (patched) {
                if (run_b > run_a) memcpy(od + at - (run_b - run_a), d + run_a, (size_t)(run_b - run_a));
                run_a = run_b = 0;
                int64_t a = po[pfirst + q], b = po[pfirst + q + 1];
                memcpy(od + at, pd + a, (size_t)(b - a));
                at += b - a;
                if (ov) ov[(bit + j) >> 3] |= (unsigned char)(1u << ((bit + j) & 7));
            } else {
                int64_t a = off[first + i], b = off[first + i + 1];
                if (b > a) {
                    if (a != run_b) {
                        if (run_b > run_a) memcpy(od + at - (run_b - run_a), d + run_a, (size_t)(run_b - run_a));
                        run_a = a;
                    }
                    run_b = b;
                    at += b - a;
                }
                if (ov && VALID(i)) ov[(bit + j) >> 3] |= (unsigned char)(1u << ((bit + j) & 7));
            }
            oo[++j] = base + at;
        }
        q += patched;
    }
    if (run_b > run_a) memcpy(od + at - (run_b - run_a), d + run_a, (size_t)(run_b - run_a));
    Py_END_ALLOW_THREADS
    out = PyLong_FromSsize_t(m);
done:
#undef VALID
    if (got_oo) PyBuffer_Release(&oob);
    if (got_od) PyBuffer_Release(&odb);
    if (got_ov) PyBuffer_Release(&ovb);
    PyBuffer_Release(&ob);
    PyBuffer_Release(&db);
    PyBuffer_Release(&vb);
    PyBuffer_Release(&kb);
    PyBuffer_Release(&rb);
    PyBuffer_Release(&pob);
    PyBuffer_Release(&pdb);
    return out;
}

/* string_hashes(offsets, data, width, first, n, out, at) -> True or None
   Writes into out (a writable buffer of native uint64) at items at..at + n - 1 one hash of each string
   data[off[first + i]:off[first + i + 1]] of an Arrow string chunk (every byte and the length; equal strings have
   equal hashes, different ones may share one). Validity is the caller's (reviewtools.ingest._string_hashes). None
   when the arguments do not fit (offsets out of the buffers or decreasing, out too small). */
#define HK1 0x9E3779B97F4A7C15ULL
#define HK2 0xBF58476D1CE4E5B9ULL
#define HK3 0x94D049BB133111EBULL
#define HK4 0xC2B2AE3D27D4EB4FULL

static inline uint64_t mix64(uint64_t h) {
    h ^= h >> 31;
    h *= HK4;
    h ^= h >> 29;
    return h;
}

static inline uint64_t load64(const unsigned char *p) {
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* the hash of p[0:len], end the end of the readable buffer holding it (tails are read as whole words where the
   buffer allows: bytes put together on the stack stall the load that follows) */
static inline uint64_t bytes_hash(const unsigned char *p, int64_t len, const unsigned char *end) {
    uint64_t h = ((uint64_t)len + 1) * HK3;
    const int64_t full = len;
    while (len >= 8) {
        h = (h ^ (load64(p) * HK1)) * HK2;
        h ^= h >> 32;
        p += 8;
        len -= 8;
    }
    if (len > 0) {
        uint64_t w;
        if (full >= 8) {
            w = load64(p + len - 8) >> (8 * (8 - len)); /* the last len bytes, from the word ending with them */
        } else if (end - p >= 8) {
            w = load64(p) & ((1ULL << (8 * len)) - 1);
        } else {
            w = 0;
            for (int64_t k = len - 1; k >= 0; k--) w = (w << 8) | p[k];
        }
        h = (h ^ (w * HK1)) * HK2;
        h ^= h >> 32;
    }
    return mix64(h);
}

static PyObject *py_string_hashes(PyObject *self, PyObject *args) {
    Py_buffer ob, db, hb;
    int width;
    Py_ssize_t first, n, at;
    if (!PyArg_ParseTuple(args, "y*y*innw*n", &ob, &db, &width, &first, &n, &hb, &at)) return NULL;
    PyObject *out = NULL;
    int ok = (width == 4 || width == 8) && first >= 0 && n >= 0 && at >= 0 &&
             (first + n + 1) * (Py_ssize_t)width <= ob.len && (at + n) * (Py_ssize_t)sizeof(uint64_t) <= hb.len;
    const unsigned char *d = (const unsigned char *)db.buf;
#define OFF(j) (width == 4 ? (int64_t)((const int32_t *)ob.buf)[j] : ((const int64_t *)ob.buf)[j])
    if (ok) {
        int64_t lo = OFF(first), hi = OFF(first + n);
        ok = lo >= 0 && lo <= hi && hi <= db.len;
        for (Py_ssize_t j = first; ok && j < first + n; j++)
            if (OFF(j) > OFF(j + 1)) ok = 0;
    }
    if (!ok) {
        out = Py_NewRef(Py_None);
        goto done;
    }
    uint64_t *h = (uint64_t *)hb.buf + at; /* (numpy's uint64 arrays are aligned) */
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t a = OFF(first + i), b = OFF(first + i + 1);
        h[i] = bytes_hash(d + a, b - a, d + db.len);
    }
    Py_END_ALLOW_THREADS
    out = Py_NewRef(Py_True);
done:
#undef OFF
    PyBuffer_Release(&ob);
    PyBuffer_Release(&db);
    PyBuffer_Release(&hb);
    return out;
}

/* repeated(values, out) -> how many rows repeat
   values: n native 8-byte integers (a buffer of n * 8 bytes); out: n writable bytes, set to 1 where the row's value
   occurs in another row too, else 0 (reviewtools.ingest._multi: one hash table instead of a sort and a lookup).
   MemoryError when the table cannot be allocated. */
static PyObject *py_repeated(PyObject *self, PyObject *args) {
    Py_buffer vb, rb;
    if (!PyArg_ParseTuple(args, "y*w*", &vb, &rb)) return NULL;
    PyObject *out = NULL;
    Py_ssize_t n = vb.len / 8;
    if (vb.len % 8 || rb.len != n) {
        PyErr_SetString(PyExc_ValueError, "values must be n 8-byte integers and out n bytes");
        goto done;
    }
    if ((uint64_t)n > ((uint64_t)1 << 30)) {
        PyErr_SetString(PyExc_ValueError, "too many values");
        goto done;
    }
    size_t cap = 16;
    while (cap < (size_t)n * 2) cap <<= 1;
    const size_t mask = cap - 1;
    /* table: 1 + the first row holding each value, 0 for an empty slot (4 bytes a slot, the values compared where
       they lie: a fresh table of 8-byte keys and a slot per row faulted in ~3x the pages) */
    uint32_t *table = (uint32_t *)PyMem_RawCalloc(cap, sizeof(uint32_t));
    if (!table) {
        PyErr_NoMemory();
        goto done;
    }
    const unsigned char *v = (const unsigned char *)vb.buf;
    unsigned char *r = (unsigned char *)rb.buf;
    Py_ssize_t count = 0;
    Py_BEGIN_ALLOW_THREADS
    memset(r, 0, (size_t)n);
#define VAL(i) load64(v + (size_t)(i) * 8)
#define PREFETCH_AHEAD 16
    for (Py_ssize_t i = 0; i < n; i++) {
#if defined(__GNUC__) || defined(__clang__)
        if (i + PREFETCH_AHEAD < n) __builtin_prefetch(table + ((size_t)mix64(VAL(i + PREFETCH_AHEAD) * HK1) & mask), 1);
#endif
        uint64_t x = VAL(i);
        size_t s = (size_t)mix64(x * HK1) & mask;
        uint32_t t;
        while ((t = table[s]) != 0 && VAL(t - 1) != x) s = (s + 1) & mask;
        if (t) {
            count += !r[t - 1] + 1;
            r[t - 1] = 1;
            r[i] = 1;
        } else {
            table[s] = (uint32_t)(i + 1);
        }
    }
#undef VAL
#undef PREFETCH_AHEAD
    Py_END_ALLOW_THREADS
    PyMem_RawFree(table);
    out = PyLong_FromSsize_t(count);
done:
    PyBuffer_Release(&vb);
    PyBuffer_Release(&rb);
    return out;
}

/* spaced(text) -> " ".join(text.split()) for a str (reviewtools.pipeline's single spacing of hit evidence, one
   call per decided hit): the very object when it is so already (no whitespace but single spaces between other
   characters), an ASCII text built here in one pass, any other text by str.split and str.join themselves
   (PyUnicode_Split, PyUnicode_Join). Whitespace is what str.split() splits on (Py_UNICODE_ISSPACE). None for an
   argument that is not a str (the caller's own path then). */
static PyObject *py_spaced(PyObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) Py_RETURN_NONE;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) return NULL;
#endif
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    /* already single spaced? (a space may not start or end it, nor follow a space; no other whitespace) */
    int prev_space = 1; /* a space first is a change */
    Py_ssize_t i = 0;
    if (PyUnicode_IS_ASCII(text)) {
        const unsigned char *s = (const unsigned char *)data;
#ifdef HAVE_SSE2
        /* 16 bytes at a time while every byte below '!' is a space and no space follows a space (or starts) */
        const __m128i bang = _mm_set1_epi8('!'), space = _mm_set1_epi8(' ');
        unsigned carry = 1;
        for (; i + 16 <= n; i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(s + i)); /* ASCII: signed compares are right */
            unsigned low = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, bang));
            unsigned sp = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, space));
            if (low != sp || (sp & ((sp << 1) | carry))) break; /* the bytes below look at this block again */
            carry = sp >> 15;
        }
        prev_space = i ? (int)carry : 1;
#endif
        for (; i < n; i++) {
            unsigned char c = s[i];
            if (c > ' ') { prev_space = 0; continue; }
            if (c == ' ' && !prev_space) { prev_space = 1; continue; }
            if (!Py_UNICODE_ISSPACE(c)) { prev_space = 0; continue; }
            break; /* a space after a space (or first), or other whitespace */
        }
        if (i == n && !(n && prev_space)) {
        Py_INCREF(text);
        return text;
    }
        /* the words of s, one space between them */
        Py_ssize_t len = 0, words = 0;
        int in_word = 0;
        for (Py_ssize_t k = 0; k < n; k++) {
            if (Py_UNICODE_ISSPACE(s[k])) { in_word = 0; continue; }
            if (!in_word) { words++; in_word = 1; }
            len++;
        }
        if (words > 1) len += words - 1;
        PyObject *out = PyUnicode_New(len, 127);
        if (out == NULL) return NULL;
        unsigned char *o = PyUnicode_1BYTE_DATA(out);
        Py_ssize_t at = 0;
        in_word = 0;
        for (Py_ssize_t k = 0; k < n; k++) {
            unsigned char c = s[k];
            if (Py_UNICODE_ISSPACE(c)) { in_word = 0; continue; }
            if (!in_word) {
                if (at) o[at++] = ' ';
                in_word = 1;
            }
            o[at++] = c;
        }
        return out;
    }
    for (; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == ' ') {
            if (prev_space) break;
            prev_space = 1;
            continue;
        }
        if (Py_UNICODE_ISSPACE(c)) break;
        prev_space = 0;
    }
    if (i == n && !(n && prev_space)) {
        Py_INCREF(text);
        return text;
    }
    PyObject *words = PyUnicode_Split(text, NULL, -1);
    if (words == NULL) return NULL;
    PyObject *sep = PyUnicode_FromStringAndSize(" ", 1);
    if (sep == NULL) {
        Py_DECREF(words);
        return NULL;
    }
    PyObject *out = PyUnicode_Join(sep, words);
    Py_DECREF(sep);
    Py_DECREF(words);
    return out;
}

/* decay(values, base, scale, points, out) -> True, or None: out[i] = 0.0 where values[i] is NaN, else
   points * pow(base, values[i] / scale), for float64 values and out of the same length (reviewtools.pipeline's
   recency points, RECENCY_POINTS * 0.5 ** (days / RECENCY_HALF_LIFE_DAYS) per distinct day): the same IEEE
   operations in the same order as Python's float expression, whose ** calls this libm's pow for a finite base
   other than 0 or 1 (a positive one). None, out then unspecified, when the buffers do not fit, the base is not
   such a base, or a power is infinite from a finite exponent (Python raises OverflowError there): the caller's
   own path then. */
static PyObject *py_decay(PyObject *self, PyObject *args) {
    Py_buffer vb, ob;
    double base, scale, points;
    if (!PyArg_ParseTuple(args, "y*dddw*", &vb, &base, &scale, &points, &ob)) return NULL;
    PyObject *res = Py_None;
    if (vb.len == ob.len && vb.len % (Py_ssize_t)sizeof(double) == 0 && base > 0.0 && base != 1.0
        && base < HUGE_VAL) {
        const Py_ssize_t n = vb.len / (Py_ssize_t)sizeof(double);
        const double *v = (const double *)vb.buf;
        double *o = (double *)ob.buf;
        int bad = 0;
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t i = 0; i < n; i++) {
            double d = v[i];
            if (d != d) {
                o[i] = 0.0;
                continue;
            }
            double e = d / scale;
            double r = pow(base, e);
            if (r == HUGE_VAL && e < HUGE_VAL && e > -HUGE_VAL) {
                bad = 1;
                break;
            }
            o[i] = points * r;
        }
        Py_END_ALLOW_THREADS
        if (!bad) res = Py_True;
    }
    PyBuffer_Release(&vb);
    PyBuffer_Release(&ob);
    Py_INCREF(res);
    return res;
}

/* ---- sha_picks: the phrasing picks of reviewtools.respond's drafts (see respond._picker) ----
 * sha_picks(plan, head) -> a tuple with, for each (options, slot, count) of the tuple plan (options a list or tuple,
 * slot bytes, count an int > 0), options[int.from_bytes(sha256(head + slot).digest()[:8], "big") % count]: what
 * respond._picker's Python function gives for the same plan, one call per draft instead of one SHA-256 object,
 * digest and unpack per pick. SHA-256 is FIPS 180-4's, by the CPU's SHA extensions where it has them (x86-64,
 * checked once with cpuid), else in plain C; tests compare both with hashlib. */

static const uint32_t SHA256_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t SHA256_H0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

#define ROR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_blocks_c(uint32_t st[8], const unsigned char *p, size_t blocks) {
    for (; blocks; blocks--, p += 64) {
        uint32_t w[64];
        for (int i = 0; i < 16; i++)
            w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = ROR32(w[i - 15], 7) ^ ROR32(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = ROR32(w[i - 2], 17) ^ ROR32(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
        for (int i = 0; i < 64; i++) {
            uint32_t t1 = h + (ROR32(e, 6) ^ ROR32(e, 11) ^ ROR32(e, 25)) + ((e & f) ^ (~e & g)) + SHA256_K[i] + w[i];
            uint32_t t2 = (ROR32(a, 2) ^ ROR32(a, 13) ^ ROR32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        st[0] += a; st[1] += b; st[2] += c; st[3] += d; st[4] += e; st[5] += f; st[6] += g; st[7] += h;
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHA_NI_CODE 1

/* The same blocks by the SHA extensions (SHA256RNDS2 does two rounds; the state held as ABEF and CDGH). */
__attribute__((target("sha,sse4.1,ssse3")))
static void sha256_blocks_ni(uint32_t st[8], const unsigned char *p, size_t blocks) {
    const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128((const __m128i *)&st[0]);
    __m128i s1 = _mm_loadu_si128((const __m128i *)&st[4]);
    tmp = _mm_shuffle_epi32(tmp, 0xB1);     /* CDAB */
    s1 = _mm_shuffle_epi32(s1, 0x1B);       /* EFGH */
    __m128i s0 = _mm_alignr_epi8(tmp, s1, 8); /* ABEF */
    s1 = _mm_blend_epi16(s1, tmp, 0xF0);    /* CDGH */
    for (; blocks; blocks--, p += 64) {
        __m128i abef = s0, cdgh = s1, w[4];
        for (int i = 0; i < 16; i++) {
            __m128i m;
            if (i < 4) {
                m = w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), mask);
            } else { /* words 4i..4i+3 from the 16 before them: w[i & 3] holds 4(i-4).. */
                __m128i x = _mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]);
                x = _mm_add_epi32(x, _mm_alignr_epi8(w[(i + 3) & 3], w[(i + 2) & 3], 4));
                m = w[i & 3] = _mm_sha256msg2_epu32(x, w[(i + 3) & 3]);
            }
            m = _mm_add_epi32(m, _mm_loadu_si128((const __m128i *)&SHA256_K[4 * i]));
            s1 = _mm_sha256rnds2_epu32(s1, s0, m);
            s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0E));
        }
        s0 = _mm_add_epi32(s0, abef);
        s1 = _mm_add_epi32(s1, cdgh);
    }
    tmp = _mm_shuffle_epi32(s0, 0x1B);      /* FEBA */
    s1 = _mm_shuffle_epi32(s1, 0xB1);       /* DCHG */
    s0 = _mm_blend_epi16(tmp, s1, 0xF0);    /* DCBA */
    s1 = _mm_alignr_epi8(s1, tmp, 8);       /* ABEF */
    _mm_storeu_si128((__m128i *)&st[0], s0);
    _mm_storeu_si128((__m128i *)&st[4], s1);
}

static int sha_ni_usable(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 9)) || !(c & (1u << 19))) return 0; /* SSSE3, SSE4.1 */
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 29) & 1; /* SHA */
}
#endif

typedef void (*sha256_blocks_fn)(uint32_t st[8], const unsigned char *p, size_t blocks);
static sha256_blocks_fn sha256_blocks = NULL;

static sha256_blocks_fn sha256_impl(void) {
    if (sha256_blocks == NULL) {
        sha256_blocks = sha256_blocks_c;
#ifdef HAVE_SHA_NI_CODE
        if (sha_ni_usable()) sha256_blocks = sha256_blocks_ni;
#endif
    }
    return sha256_blocks;
}

/* The first eight bytes of SHA-256(head + slot) as a big-endian integer: head's whole blocks are in mid (the
   state after them, hashed once per call), the rest of head (rest, nrest < 64 bytes) and slot follow. */
static uint64_t sha256_first8(sha256_blocks_fn fn, const uint32_t mid[8], uint64_t done, const unsigned char *rest,
                              size_t nrest, const unsigned char *slot, size_t nslot, unsigned char *buf) {
    uint32_t st[8];
    memcpy(st, mid, sizeof st);
    size_t n = nrest + nslot;
    memcpy(buf, rest, nrest);
    memcpy(buf + nrest, slot, nslot);
    uint64_t bits = (done + (uint64_t)n) * 8u;
    size_t whole = n / 64 * 64, left = n - whole;
    if (whole) fn(st, buf, whole / 64);
    unsigned char *tail = buf + whole;
    tail[left] = 0x80;
    size_t end = left < 56 ? 64 : 128;
    memset(tail + left + 1, 0, end - 8 - left - 1);
    for (int i = 0; i < 8; i++) tail[end - 1 - i] = (unsigned char)(bits >> (8 * i));
    fn(st, tail, end / 64);
    return (uint64_t)st[0] << 32 | st[1];
}

static PyObject *py_sha_picks(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyTuple_Check(args[0]) || !PyBytes_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "sha_picks(plan: tuple, head: bytes)");
        return NULL;
    }
    PyObject *plan = args[0];
    const unsigned char *head = (const unsigned char *)PyBytes_AS_STRING(args[1]);
    size_t nhead = (size_t)PyBytes_GET_SIZE(args[1]);
    Py_ssize_t k = PyTuple_GET_SIZE(plan);
    size_t maxslot = 0;
    for (Py_ssize_t i = 0; i < k; i++) {
        PyObject *item = PyTuple_GET_ITEM(plan, i);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3 || !PyBytes_Check(PyTuple_GET_ITEM(item, 1)) ||
            !PyLong_Check(PyTuple_GET_ITEM(item, 2)) ||
            !(PyList_Check(PyTuple_GET_ITEM(item, 0)) || PyTuple_Check(PyTuple_GET_ITEM(item, 0)))) {
            PyErr_SetString(PyExc_TypeError, "sha_picks: a plan item is not (list or tuple, bytes, int)");
            return NULL;
        }
        size_t ns = (size_t)PyBytes_GET_SIZE(PyTuple_GET_ITEM(item, 1));
        if (ns > maxslot) maxslot = ns;
    }
    sha256_blocks_fn fn = sha256_impl();
    uint32_t mid[8];
    memcpy(mid, SHA256_H0, sizeof mid);
    size_t whole = nhead / 64 * 64;
    if (whole) fn(mid, head, whole / 64);
    size_t need = (nhead - whole) + maxslot + 128;
    unsigned char stack[512];
    unsigned char *buf = need <= sizeof stack ? stack : (unsigned char *)PyMem_Malloc(need);
    if (buf == NULL) return PyErr_NoMemory();
    PyObject *out = PyTuple_New(k);
    for (Py_ssize_t i = 0; out != NULL && i < k; i++) {
        PyObject *item = PyTuple_GET_ITEM(plan, i);
        PyObject *opts = PyTuple_GET_ITEM(item, 0), *slot = PyTuple_GET_ITEM(item, 1);
        unsigned long long count = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(item, 2));
        if (count == (unsigned long long)-1 && PyErr_Occurred()) {
            Py_CLEAR(out);
            break;
        }
        if (count == 0) {
            PyErr_SetString(PyExc_ZeroDivisionError, "integer modulo by zero");
            Py_CLEAR(out);
            break;
        }
        uint64_t x = sha256_first8(fn, mid, whole, head + whole, nhead - whole,
                                   (const unsigned char *)PyBytes_AS_STRING(slot), (size_t)PyBytes_GET_SIZE(slot), buf);
        uint64_t at = x % (uint64_t)count;
        Py_ssize_t len = PyList_Check(opts) ? PyList_GET_SIZE(opts) : PyTuple_GET_SIZE(opts);
        if (at >= (uint64_t)len) {
            PyErr_SetString(PyExc_IndexError, PyList_Check(opts) ? "list index out of range" : "tuple index out of range");
            Py_CLEAR(out);
            break;
        }
        PyObject *got = PyList_Check(opts) ? PyList_GET_ITEM(opts, (Py_ssize_t)at) : PyTuple_GET_ITEM(opts, (Py_ssize_t)at);
        Py_INCREF(got);
        PyTuple_SET_ITEM(out, i, got);
    }
    if (buf != stack) PyMem_Free(buf);
    return out;
}

static PyObject *py_sha_first8(PyObject *self, PyObject *args) {
    /* sha_first8(data, plain) -> int.from_bytes(sha256(data).digest()[:8], "big"), by the plain C blocks when plain
       (the tests' check of both implementations) */
    Py_buffer b;
    int plain = 0;
    if (!PyArg_ParseTuple(args, "y*|p", &b, &plain)) return NULL;
    sha256_blocks_fn fn = plain ? sha256_blocks_c : sha256_impl();
    size_t n = (size_t)b.len, whole = n / 64 * 64;
    uint32_t mid[8];
    memcpy(mid, SHA256_H0, sizeof mid);
    if (whole) fn(mid, (const unsigned char *)b.buf, whole / 64);
    unsigned char buf[192];
    uint64_t x = sha256_first8(fn, mid, whole, (const unsigned char *)b.buf + whole, n - whole, (const unsigned char *)"", 0, buf);
    PyBuffer_Release(&b);
    return PyLong_FromUnsignedLongLong(x);
}

static PyMethodDef methods[] = {
    {"count_byte", py_count_byte, METH_VARARGS,
     "count_byte(buffer, byte) -> how many bytes of buffer equal byte (see reviewtools.ingest)"},
    {"rows_with_bytes", py_rows_with_bytes, METH_VARARGS,
     "rows_with_bytes(offsets, data, width, first, n, chars) -> bytearray of n 0/1 flags: the strings of an Arrow "
     "chunk holding any byte of chars, or None (see reviewtools.ingest)"},
    {"strip_need", py_strip_need, METH_VARARGS,
     "strip_need(offsets, data, width, first, n) -> bytearray of n 0/1 flags: the non-empty strings of an Arrow "
     "chunk whose first or last byte is <= 0x20 or >= 0x7F, or None (see reviewtools.ingest)"},
    {"patched_take", py_patched_take, METH_VARARGS,
     "patched_take(offsets, data, validity, first, n, keep, rows, p_offsets, p_data, p_first, out_offsets, out_data, "
     "out_validity, base, bit) -> (m, bytes, nulls) without outputs, m with them, or None: the kept rows of an Arrow "
     "large_string chunk, some rows replaced (see reviewtools.ingest)"},
    {"string_hashes", py_string_hashes, METH_VARARGS,
     "string_hashes(offsets, data, width, first, n, out, at) -> True or None: a uint64 hash of each string of an "
     "Arrow chunk written into out[at:at + n] (see reviewtools.ingest)"},
    {"repeated", py_repeated, METH_VARARGS,
     "repeated(values, out) -> count: out[i] = 1 where the 8-byte integer values[i] occurs in another row too "
     "(see reviewtools.ingest)"},
    {"record_after", py_record_after, METH_VARARGS,
     "record_after(buffer, sep, quoted, start, target) -> one past the line feed ending the first record that ends "
     "at or after target, or -1 (see reviewtools.ingest)"},
    {"decay", py_decay, METH_VARARGS,
     "decay(values, base, scale, points, out) -> True or None: out[i] = points * base ** (values[i] / scale) of "
     "float64 buffers, 0.0 for NaN (see reviewtools.pipeline)"},
    {"spaced", py_spaced, METH_O,
     "spaced(text) -> ' '.join(text.split()) of a str (the same object when it is so already), None for anything "
     "else (see reviewtools.pipeline)"},
    {"sha_picks", (PyCFunction)(void (*)(void))py_sha_picks, METH_FASTCALL,
     "sha_picks(plan, head) -> per (options, slot, count) of plan, options[first 8 bytes of sha256(head + slot), "
     "big-endian, % count] (see reviewtools.respond._picker)"},
    {"sha_first8", py_sha_first8, METH_VARARGS,
     "sha_first8(data, plain=False) -> the first 8 bytes of sha256(data) as a big-endian int; plain: without the "
     "CPU's SHA extensions (for the tests)"},
    {"split", py_split, METH_VARARGS,
     "split(buffer, sep, quoted, start, block_records) -> (header_start, header_end, starts, ends, cuts) or None (see incremental.py)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = { /* the remaining fields zero */
    PyModuleDef_HEAD_INIT, "_storecore", "Byte scans of reviewtools.incremental in C (optional).", -1, methods,
};

PyMODINIT_FUNC PyInit__storecore(void) {
    PyObject *m = PyModule_Create(&module);
    if (m && PyModule_AddIntConstant(m, "VERSION", STORECORE_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
