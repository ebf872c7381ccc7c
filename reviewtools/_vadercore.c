/*
 * reviewtools._vadercore: the hot path of reviewtools.vader.FastVader in C.
 *
 * It computes, for one text at a time, what FastVader (and so vaderSentiment 3.3.2's
 * SentimentIntensityAnalyzer.polarity_scores) computes *before rounding*: the raw compound and the raw
 * neg/neu/pos shares. Python does the final round(x, 4) / round(x, 3), so no rounding happens here.
 *
 * Exactness rules (see reviewtools/vader.py for the Python reference this mirrors line by line):
 * - every number comes from Python: the lexicon, booster, idiom values and every constant are passed to
 *   Core() by vader.py, which reads them from the installed vaderSentiment package;
 * - floating point: IEEE double operations in the same order as the Python code, one operation per
 *   statement, built with -ffp-contract=off (no fused multiply-add) and refused at compile time where
 *   double arithmetic has excess precision (FLT_EVAL_METHOD != 0);
 * - sum(): on CPython < 3.12 the built-in sum of floats adds left to right, which we do; on 3.12+ it is
 *   compensated, so there the valences are handed to the built-in sum itself (sum_via_python);
 * - text: the str is read code point by code point. Splitting and stripping use Py_UNICODE_ISSPACE (what
 *   str.split()/str.strip() use) and ASCII string.punctuation; str.isupper() is re-implemented with the
 *   same Py_UNICODE_IS* predicates. Lower-casing is exact for ASCII; a token holding any other character
 *   is never equal to an ASCII word, so only whether its lower-case form could be ASCII matters: a text
 *   holding a character whose str.lower() contains ASCII (U+0130, U+212A in Python 3.11) is refused and
 *   scored by the Python path, and so is a token that could equal a non-ASCII table key.
 * Anything refused returns None, and vader.py scores that text in Python.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "double arithmetic with excess precision would not match Python's floats; the extension is optional"
#endif

/* Bumped whenever the behaviour changes; vader.py refuses a build whose version differs (a stale .so). */
#define CORE_VERSION 1

/* Marker byte for a non-ASCII character in a lower-cased token: no ASCII key can contain it. */
#define NONASCII 0x80u

/* character classes */
#define C_SPACE 1u  /* Py_UNICODE_ISSPACE */
#define C_PUNCT 2u  /* in string.punctuation */
#define C_LOWT 4u   /* Py_UNICODE_ISLOWER or Py_UNICODE_ISTITLE: makes str.isupper() False */
#define C_UPPER 8u  /* Py_UNICODE_ISUPPER */

/* The words upstream's rules compare tokens with (literals in vaderSentiment's methods). */
enum {
    W_NONE = 0, W_KIND, W_OF, W_NO, W_OR, W_NOR, W_SO, W_THIS, W_NEVER, W_WITHOUT, W_DOUBT, W_LEAST,
    W_AT, W_VERY, W_BUT, W_COUNT
};
static const char *const RULE_WORDS[W_COUNT] = {
    "", "kind", "of", "no", "or", "nor", "so", "this", "never", "without", "doubt", "least", "at", "very", "but",
};

/* ------------------------------------------------------------------------------------- hash table */

typedef struct {
    char *key;            /* NULL: empty slot */
    Py_ssize_t klen;
    uint64_t hash;
    double lex;           /* lexicon valence, or a phrase's value */
    double boost;         /* booster increment */
    unsigned has_lex : 1;
    unsigned has_boost : 1;
    unsigned negate : 1;  /* in NEGATE */
    unsigned first : 1;   /* first word of an idiom / booster n-gram */
    unsigned last : 1;    /* last word of one */
    unsigned ambiguous : 1; /* skeleton of a non-ASCII key: a token matching it is refused */
    unsigned is_int : 1;  /* a phrase value that is a Python int */
    unsigned char word;   /* W_* */
} Entry;

typedef struct {
    Entry *slots;
    size_t mask;
    size_t used;
    Py_ssize_t maxlen;
} Table;

static uint64_t
fnv1a(const unsigned char *s, Py_ssize_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int
table_init(Table *t, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2 + 16) cap <<= 1;
    t->slots = PyMem_Calloc(cap, sizeof(Entry));
    if (!t->slots) { PyErr_NoMemory(); return -1; }
    t->mask = cap - 1;
    t->used = 0;
    t->maxlen = 0;
    return 0;
}

static void
table_free(Table *t)
{
    if (!t->slots) return;
    for (size_t i = 0; i <= t->mask; i++) PyMem_Free(t->slots[i].key);
    PyMem_Free(t->slots);
    t->slots = NULL;
}

static Entry *
table_find(const Table *t, const unsigned char *s, Py_ssize_t n)
{
    if (n > t->maxlen || !t->slots) return NULL;
    uint64_t h = fnv1a(s, n);
    size_t i = (size_t)h & t->mask;
    for (;;) {
        Entry *e = &t->slots[i];
        if (!e->key) return NULL;
        if (e->hash == h && e->klen == n && memcmp(e->key, s, (size_t)n) == 0) return e;
        i = (i + 1) & t->mask;
    }
}

/* Find or insert; the table was sized for every key up front (never more than half full). */
static Entry *
table_put(Table *t, const unsigned char *s, Py_ssize_t n)
{
    uint64_t h = fnv1a(s, n);
    size_t i = (size_t)h & t->mask;
    for (;;) {
        Entry *e = &t->slots[i];
        if (!e->key) {
            if ((t->used + 1) * 2 > t->mask + 1) {
                PyErr_SetString(PyExc_RuntimeError, "_vadercore: table overfull");
                return NULL;
            }
            e->key = PyMem_Malloc((size_t)n + 1);
            if (!e->key) { PyErr_NoMemory(); return NULL; }
            memcpy(e->key, s, (size_t)n);
            e->key[n] = 0;
            e->klen = n;
            e->hash = h;
            t->used++;
            if (n > t->maxlen) t->maxlen = n;
            return e;
        }
        if (e->hash == h && e->klen == n && memcmp(e->key, s, (size_t)n) == 0) return e;
        i = (i + 1) & t->mask;
    }
}

/* A key as table bytes: ASCII as is; each run of non-ASCII characters becomes one NONASCII byte.
 * Returns the length, sets *nonascii. buf must hold PyUnicode_GET_LENGTH(key) bytes. */
static Py_ssize_t
key_bytes(PyObject *key, unsigned char *buf, int *nonascii)
{
    int kind = PyUnicode_KIND(key);
    const void *data = PyUnicode_DATA(key);
    Py_ssize_t n = PyUnicode_GET_LENGTH(key), m = 0;
    *nonascii = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 128) {
            buf[m++] = (unsigned char)c;
        } else {
            *nonascii = 1;
            if (m == 0 || buf[m - 1] != NONASCII) buf[m++] = NONASCII;
        }
    }
    return m;
}

/* ------------------------------------------------------------------------------------- the object */

typedef struct {
    Py_UCS4 *chars;
    Py_ssize_t n;
} Desc;

typedef struct {
    PyObject_HEAD
    Table words;      /* every single word any rule looks up */
    Table special;    /* multi-word SPECIAL_CASES, "w1 w2[ w3]" -> value */
    Table ngrams;     /* multi-word BOOSTER_DICT, "w1 w2" -> value */
    /* emoji: code point -> description (single code point keys only: upstream iterates characters) */
    Py_UCS4 *emoji_keys;
    Desc *emoji_desc;
    size_t emoji_mask;
    unsigned char ascii_emoji[128];
    Py_ssize_t emoji_maxdesc;
    /* constants, all from Python */
    double c_incr, n_scalar, damp2, damp3, never_so, but_before, but_after, alpha;
    double ep_table[16];
    Py_ssize_t ep_len;
    double qm_table[16];
    Py_ssize_t qm_len;
    int sum_via_python;
    int ascii_only;   /* some rule table holds a non-ASCII key we cannot disambiguate: refuse non-ASCII */
    /* non-ASCII characters whose str.lower() holds ASCII: two bits per code point, filled lazily */
    unsigned char *lower_known;
    unsigned char *lower_ascii;
} Core;

static unsigned char ASCII_CLASS[128];

static void
init_ascii_class(void)
{
    static const char punct[] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"; /* string.punctuation */
    for (int c = 0; c < 128; c++) {
        unsigned char k = 0;
        if (Py_UNICODE_ISSPACE(c)) k |= C_SPACE;
        if (c && strchr(punct, c)) k |= C_PUNCT;
        if (Py_UNICODE_ISLOWER(c) || Py_UNICODE_ISTITLE(c)) k |= C_LOWT;
        if (Py_UNICODE_ISUPPER(c)) k |= C_UPPER;
        ASCII_CLASS[c] = k;
    }
}

static const Desc *
emoji_find(const Core *self, Py_UCS4 c)
{
    if (!self->emoji_keys) return NULL;
    size_t i = ((size_t)c * 2654435761u) & self->emoji_mask;
    for (;;) {
        Py_UCS4 k = self->emoji_keys[i];
        if (k == 0) return NULL;
        if (k == c) return &self->emoji_desc[i];
        i = (i + 1) & self->emoji_mask;
    }
}

/* 1 if str.lower() of the non-ASCII character c contains an ASCII character, 0 if not, -1 on error. */
static int
lower_has_ascii(Core *self, Py_UCS4 c)
{
    size_t byte = c >> 3;
    unsigned char bit = (unsigned char)(1u << (c & 7));
    if (self->lower_known[byte] & bit) return (self->lower_ascii[byte] & bit) != 0;
    PyObject *s = PyUnicode_FromOrdinal((int)c);
    if (!s) return -1;
    PyObject *low = PyObject_CallMethod(s, "lower", NULL);
    Py_DECREF(s);
    if (!low) return -1;
    int has = 0;
    int kind = PyUnicode_KIND(low);
    const void *data = PyUnicode_DATA(low);
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(low); i++)
        if (PyUnicode_READ(kind, data, i) < 128) has = 1;
    Py_DECREF(low);
    self->lower_known[byte] |= bit;
    if (has) self->lower_ascii[byte] |= bit;
    return has;
}

/* ------------------------------------------------------------------------------------- per call */

typedef struct {
    Py_ssize_t start, len;  /* span of the token (stripped or raw, as upstream) in the buffers */
    const Entry *e;         /* its entry in words, or NULL */
    unsigned char upper;    /* str.isupper() of the token */
    unsigned char neg;      /* in NEGATE or contains "n't" */
} Tok;

typedef struct {
    unsigned char *lb;   /* per character: ASCII lower-cased, or NONASCII */
    unsigned char *cls;  /* per character: C_* bits */
    Py_ssize_t cap;
    Tok *tok;
    double *vals;
    Py_ssize_t *where;
    unsigned char *vint;
    Py_ssize_t tcap;
    unsigned char *key;  /* scratch for phrase keys and skeletons */
    Py_ssize_t kcap;
} Work;

static void
work_free(Work *w)
{
    PyMem_Free(w->lb); PyMem_Free(w->cls);
    PyMem_Free(w->tok); PyMem_Free(w->vals); PyMem_Free(w->where); PyMem_Free(w->vint);
    PyMem_Free(w->key);
    memset(w, 0, sizeof(*w));
}

static int
work_chars(Work *w, Py_ssize_t need)
{
    if (need <= w->cap) return 0;
    Py_ssize_t cap = w->cap ? w->cap : 256;
    while (cap < need) cap *= 2;
    unsigned char *lb = PyMem_Realloc(w->lb, (size_t)cap);
    if (!lb) { PyErr_NoMemory(); return -1; }
    w->lb = lb;
    unsigned char *cls = PyMem_Realloc(w->cls, (size_t)cap);
    if (!cls) { PyErr_NoMemory(); return -1; }
    w->cls = cls;
    w->cap = cap;
    return 0;
}

static int
work_tokens(Work *w, Py_ssize_t need)
{
    if (need <= w->tcap) return 0;
    Py_ssize_t cap = w->tcap ? w->tcap : 64;
    while (cap < need) cap *= 2;
    Tok *tok = PyMem_Realloc(w->tok, (size_t)cap * sizeof(Tok));
    if (!tok) { PyErr_NoMemory(); return -1; }
    w->tok = tok;
    double *vals = PyMem_Realloc(w->vals, (size_t)cap * sizeof(double));
    if (!vals) { PyErr_NoMemory(); return -1; }
    w->vals = vals;
    Py_ssize_t *where = PyMem_Realloc(w->where, (size_t)cap * sizeof(Py_ssize_t));
    if (!where) { PyErr_NoMemory(); return -1; }
    w->where = where;
    unsigned char *vint = PyMem_Realloc(w->vint, (size_t)cap);
    if (!vint) { PyErr_NoMemory(); return -1; }
    w->vint = vint;
    w->tcap = cap;
    return 0;
}

static int
work_key(Work *w, Py_ssize_t need)
{
    if (need <= w->kcap) return 0;
    Py_ssize_t cap = w->kcap ? w->kcap : 128;
    while (cap < need) cap *= 2;
    unsigned char *k = PyMem_Realloc(w->key, (size_t)cap);
    if (!k) { PyErr_NoMemory(); return -1; }
    w->key = k;
    w->kcap = cap;
    return 0;
}

/* Result of scoring one text. */
typedef struct {
    int ok;          /* 1 scored, 0 refused (Python path), -1 error */
    double neg, neu, pos, compound;
} Result;

/* Append one character of the emoji-replaced text. Returns 0, 1 (refuse) or -1 (error). */
static inline int
emit(Core *self, Work *w, Py_ssize_t *m, Py_UCS4 c, Py_ssize_t *excl, Py_ssize_t *ques)
{
    Py_ssize_t k = *m;
    if (k >= w->cap && work_chars(w, k + 1) < 0) return -1;
    if (c < 128) {
        unsigned char b = (unsigned char)c;
        w->lb[k] = (b >= 'A' && b <= 'Z') ? (unsigned char)(b + 32) : b;
        w->cls[k] = ASCII_CLASS[b];
        if (b == '!') (*excl)++;
        else if (b == '?') (*ques)++;
    } else {
        int has = lower_has_ascii(self, c);
        if (has < 0) return -1;
        if (has) return 1;
        unsigned char cl = 0;
        if (Py_UNICODE_ISSPACE(c)) cl |= C_SPACE;
        if (Py_UNICODE_ISLOWER(c) || Py_UNICODE_ISTITLE(c)) cl |= C_LOWT;
        if (Py_UNICODE_ISUPPER(c)) cl |= C_UPPER;
        w->lb[k] = NONASCII;
        w->cls[k] = cl;
    }
    *m = k + 1;
    return 0;
}

static inline int
is_word(const Tok *t, int word)
{
    return t->e && t->e->word == word;
}

static inline int
in_lex(const Tok *t)
{
    return t->e && t->e->has_lex;
}

/* The phrase "a b" or "a b c" from tokens, looked up in table; NULL when absent. */
static const Entry *
phrase(const Table *table, Work *w, const Tok *a, const Tok *b, const Tok *c)
{
    Py_ssize_t n = a->len + 1 + b->len + (c ? 1 + c->len : 0);
    if (n > table->maxlen) return NULL;
    unsigned char *k = w->key; /* sized to the longest phrase + 1 at the start of each call */
    memcpy(k, w->lb + a->start, (size_t)a->len);
    Py_ssize_t m = a->len;
    k[m++] = ' ';
    memcpy(k + m, w->lb + b->start, (size_t)b->len);
    m += b->len;
    if (c) {
        k[m++] = ' ';
        memcpy(k + m, w->lb + c->start, (size_t)c->len);
        m += c->len;
    }
    return table_find(table, k, m);
}

static Result
score_text(Core *self, Work *w, PyObject *text)
{
    Result r = {0, 0.0, 0.0, 0.0, 0.0};
    if (!PyUnicode_CheckExact(text)) return r; /* the Python path raises or handles it */
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    int ascii = PyUnicode_IS_ASCII(text);
    if (!ascii && self->ascii_only) return r;

    /* 1. emoji replacement (upstream's character loop), classification, ! and ? counts */
    if (work_chars(w, len + 1) < 0) { r.ok = -1; return r; } /* emit() grows it for emoji descriptions */
    Py_ssize_t m = 0, excl = 0, ques = 0;
    int prev_space = 1;
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        const Desc *d = NULL;
        if (c >= 128 ? (d = emoji_find(self, c)) != NULL : self->ascii_emoji[c] != 0) {
            if (!d) d = emoji_find(self, c);
            if (!prev_space) {
                int rc = emit(self, w, &m, ' ', &excl, &ques);
                if (rc) { r.ok = rc < 0 ? -1 : 0; return r; }
            }
            for (Py_ssize_t j = 0; j < d->n; j++) {
                int rc = emit(self, w, &m, d->chars[j], &excl, &ques);
                if (rc) { r.ok = rc < 0 ? -1 : 0; return r; }
            }
            prev_space = 0;
        } else {
            int rc = emit(self, w, &m, c, &excl, &ques);
            if (rc) { r.ok = rc < 0 ? -1 : 0; return r; }
            prev_space = c == ' ';
        }
    }

    /* 2. tokens: str.split(), strip string.punctuation unless that leaves <= 2 characters */
    if (work_tokens(w, m / 2 + 2) < 0) { r.ok = -1; return r; }
    const unsigned char *lb = w->lb, *cls = w->cls;
    Py_ssize_t n = 0, caps = 0;
    Py_ssize_t i = 0;
    while (i < m) {
        while (i < m && (cls[i] & C_SPACE)) i++;
        if (i >= m) break;
        Py_ssize_t a = i;
        while (i < m && !(cls[i] & C_SPACE)) i++;
        Py_ssize_t b = i, sa = a, sb = b;
        while (sa < sb && (cls[sa] & C_PUNCT)) sa++;
        while (sb > sa && (cls[sb - 1] & C_PUNCT)) sb--;
        if (sb - sa <= 2) { sa = a; sb = b; }
        Tok *t = &w->tok[n++];
        t->start = sa;
        t->len = sb - sa;
        /* str.isupper() */
        if (t->len == 1) {
            t->upper = (cls[sa] & C_UPPER) != 0;
        } else {
            int cased = 0, lowt = 0;
            for (Py_ssize_t k = sa; k < sb; k++) {
                if (cls[k] & C_LOWT) { lowt = 1; break; }
                if (cls[k] & C_UPPER) cased = 1;
            }
            t->upper = (unsigned char)(!lowt && cased);
        }
        caps += t->upper;
        /* the lower-cased token: its entry, and the "n't" negation */
        const unsigned char *s = lb + sa;
        Py_ssize_t tl = t->len;
        int has_na = memchr(s, NONASCII, (size_t)tl) != NULL;
        if (!has_na) {
            t->e = table_find(&self->words, s, tl);
        } else {
            /* skeleton: runs of non-ASCII collapsed, as the keys were stored */
            t->e = NULL;
            if (work_key(w, tl + 1) < 0) { r.ok = -1; return r; }
            Py_ssize_t q = 0;
            for (Py_ssize_t k = 0; k < tl; k++)
                if (s[k] != NONASCII || q == 0 || w->key[q - 1] != NONASCII) w->key[q++] = s[k];
            const Entry *e = table_find(&self->words, w->key, q);
            if (e && e->ambiguous) return r; /* could equal a non-ASCII key: Python decides */
        }
        int neg = t->e && t->e->negate;
        if (!neg && tl >= 3) {
            for (Py_ssize_t k = 0; k + 2 < tl; k++)
                if (s[k] == 'n' && s[k + 1] == '\'' && s[k + 2] == 't') { neg = 1; break; }
        }
        t->neg = (unsigned char)neg;
    }
    if (n == 0) { r.ok = 1; return r; }

    /* 3. valences: reviewtools.vader.FastVader._valences */
    Py_ssize_t phrase_len = self->special.maxlen > self->ngrams.maxlen ? self->special.maxlen : self->ngrams.maxlen;
    if (work_key(w, phrase_len + 2) < 0) { r.ok = -1; return r; }
    const Tok *T = w->tok;
    const Py_ssize_t last = n - 1;
    const int cap_diff = 0 < n - caps && n - caps < n;
    const double C = self->c_incr, N = self->n_scalar;
    double *vals = w->vals;
    Py_ssize_t *where = w->where;
    unsigned char *vint = w->vint;
    Py_ssize_t nv = 0, bi = -1;
    for (Py_ssize_t k = 0; k < n; k++)
        if (is_word(&T[k], W_BUT)) { bi = k; break; }

    for (Py_ssize_t i = 0; i < n; i++) {
        const Entry *e = T[i].e;
        if (!e || !e->has_lex || e->has_boost) continue;
        if (e->word == W_KIND && i < last && is_word(&T[i + 1], W_OF)) continue;
        const double base = e->lex;
        double valence = base;
        int is_int = 0;
        const Tok *t1 = i > 0 ? &T[i - 1] : NULL;
        const Tok *t2 = i > 1 ? &T[i - 2] : NULL;
        const Tok *t3 = i > 2 ? &T[i - 3] : NULL;
        if (e->word == W_NO && i != last && in_lex(&T[i + 1])) valence = 0.0;
        if ((t1 && is_word(t1, W_NO)) || (t2 && is_word(t2, W_NO))
            || (t3 && is_word(t3, W_NO) && (is_word(t1, W_OR) || is_word(t1, W_NOR)))) {
            valence = base * N;
        }
        if (T[i].upper && cap_diff) {
            if (valence > 0) valence += C;
            else valence -= C;
        }
        /* one word back */
        if (t1 && !in_lex(t1)) {
            if (t1->e && t1->e->has_boost) {
                double s = t1->e->boost;
                if (valence < 0) s *= -1;
                if (t1->upper && cap_diff) {
                    if (valence > 0) s += C;
                    else s -= C;
                }
                valence = valence + s;
            }
            if (t1->neg) valence = valence * N;
        }
        /* two words back */
        if (t2 && !in_lex(t2)) {
            if (t2->e && t2->e->has_boost) {
                double s = t2->e->boost;
                if (valence < 0) s *= -1;
                if (t2->upper && cap_diff) {
                    if (valence > 0) s += C;
                    else s -= C;
                }
                if (s != 0) s = s * self->damp2;
                valence = valence + s;
            }
            if (is_word(t2, W_NEVER) && (is_word(t1, W_SO) || is_word(t1, W_THIS))) {
                valence = valence * self->never_so;
            } else if (is_word(t2, W_WITHOUT) && is_word(t1, W_DOUBT)) {
                /* unchanged */
            } else if (t2->neg) {
                valence = valence * N;
            }
        }
        /* three words back, then the idioms */
        if (t3 && !in_lex(t3)) {
            if (t3->e && t3->e->has_boost) {
                double s = t3->e->boost;
                if (valence < 0) s *= -1;
                if (t3->upper && cap_diff) {
                    if (valence > 0) s += C;
                    else s -= C;
                }
                if (s != 0) s = s * self->damp3;
                valence = valence + s;
            }
            /* upstream precedence slip: (never and so/this) OR (so/this right before the word) */
            if ((is_word(t3, W_NEVER) && (is_word(t2, W_SO) || is_word(t2, W_THIS)))
                || is_word(t1, W_SO) || is_word(t1, W_THIS)) {
                valence = valence * self->never_so;
            } else if (is_word(t3, W_WITHOUT) && (is_word(t2, W_DOUBT) || is_word(t1, W_DOUBT))) {
                /* unchanged */
            } else if (t3->neg) {
                valence = valence * N;
            }
            /* idioms: a lookup can only hit when a first word and a later last word are both present */
#define FIRST(t) ((t)->e && (t)->e->first)
#define LAST(t) ((t)->e && (t)->e->last)
            const Tok *tw = &T[i];
            if ((FIRST(t1) && LAST(tw)) || (FIRST(t2) && (LAST(tw) || LAST(t1)))
                || (FIRST(t3) && (LAST(t1) || LAST(t2)))
                || (FIRST(tw) && i < last && (LAST(&T[i + 1]) || (i + 1 < last && LAST(&T[i + 2]))))) {
                const Entry *hit = NULL;
                if (!(hit = phrase(&self->special, w, t1, tw, NULL))
                    && !(hit = phrase(&self->special, w, t2, t1, tw))
                    && !(hit = phrase(&self->special, w, t2, t1, NULL))
                    && !(hit = phrase(&self->special, w, t3, t2, t1))) {
                    hit = phrase(&self->special, w, t3, t2, NULL);
                }
                if (hit) { valence = hit->lex; is_int = hit->is_int; }
                if (last > i && (hit = phrase(&self->special, w, tw, &T[i + 1], NULL))) {
                    valence = hit->lex; is_int = hit->is_int;
                }
                if (last > i + 1 && (hit = phrase(&self->special, w, tw, &T[i + 1], &T[i + 2]))) {
                    valence = hit->lex; is_int = hit->is_int;
                }
                if ((hit = phrase(&self->ngrams, w, t3, t2, t1))) { valence = valence + hit->lex; is_int = 0; }
                if ((hit = phrase(&self->ngrams, w, t3, t2, NULL))) { valence = valence + hit->lex; is_int = 0; }
                if ((hit = phrase(&self->ngrams, w, t2, t1, NULL))) { valence = valence + hit->lex; is_int = 0; }
            }
#undef FIRST
#undef LAST
        }
        /* "least" */
        if (t1 && is_word(t1, W_LEAST) && !in_lex(t1)) {
            if (t2) {
                if (!is_word(t2, W_AT) && !is_word(t2, W_VERY)) { valence = valence * N; is_int = 0; }
            } else {
                valence = valence * N;
                is_int = 0;
            }
        }
        if (valence != 0) {
            vals[nv] = valence;
            where[nv] = i;
            vint[nv] = (unsigned char)is_int;
            nv++;
        }
    }
    /* 4. upstream's value-based "but" rule (FastVader._but) */
    if (nv && bi >= 0) {
        for (Py_ssize_t k = 0; k < nv; k++) {
            double v = vals[k];
            Py_ssize_t si = 0;
            while (vals[si] != v) si++;
            Py_ssize_t pos = where[si];
            if (pos < bi) { vals[si] = v * self->but_before; vint[si] = 0; }
            else if (pos > bi) { vals[si] = v * self->but_after; vint[si] = 0; }
        }
    }

    /* 5. scores: FastVader.polarity_scores before rounding */
    double sum_s;
    if (nv == 0) {
        sum_s = 0.0;
    } else if (!self->sum_via_python) {
        /* CPython < 3.12 sums floats left to right (bltinmodule.c builtin_sum_impl); ints here are small
         * whole numbers, exact in a double, so its integer fast path gives the same value. */
        sum_s = vals[0];
        for (Py_ssize_t k = 1; k < nv; k++) sum_s = sum_s + vals[k];
    } else {
        PyObject *list = PyList_New(nv);
        if (!list) { r.ok = -1; return r; }
        for (Py_ssize_t k = 0; k < nv; k++) {
            PyObject *x = vint[k] ? PyLong_FromDouble(vals[k]) : PyFloat_FromDouble(vals[k]);
            if (!x) { Py_DECREF(list); r.ok = -1; return r; }
            PyList_SET_ITEM(list, k, x);
        }
        PyObject *builtins = PyEval_GetBuiltins();
        PyObject *sum = builtins ? PyDict_GetItemString(builtins, "sum") : NULL;
        PyObject *res = sum ? PyObject_CallOneArg(sum, list) : NULL;
        Py_DECREF(list);
        if (!res) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_RuntimeError, "_vadercore: builtins.sum not found");
            r.ok = -1;
            return r;
        }
        sum_s = PyFloat_AsDouble(res);
        Py_DECREF(res);
        if (sum_s == -1.0 && PyErr_Occurred()) { r.ok = -1; return r; }
    }
    double punct = self->ep_table[excl < self->ep_len ? excl : self->ep_len - 1]
                   + self->qm_table[ques < self->qm_len ? ques : self->qm_len - 1];
    if (sum_s > 0) sum_s += punct;
    else if (sum_s < 0) sum_s -= punct;
    /* vaderSentiment.normalize */
    double sq = sum_s * sum_s;
    double under = sq + self->alpha;
    double compound = sum_s / sqrt(under);
    if (compound < -1.0) compound = -1.0;
    else if (compound > 1.0) compound = 1.0;
    double pos_sum = 0.0, neg_sum = 0.0;
    for (Py_ssize_t k = 0; k < nv; k++) {
        double v = vals[k];
        if (v > 0) { double x = v + 1; pos_sum += x; }
        if (v < 0) { double x = v - 1; neg_sum += x; }
    }
    double neu_count = (double)(n - nv);
    if (pos_sum > fabs(neg_sum)) pos_sum += punct;
    else if (pos_sum < fabs(neg_sum)) neg_sum -= punct;
    double total = pos_sum + fabs(neg_sum);
    total = total + neu_count;
    r.neg = fabs(neg_sum / total);
    r.neu = fabs(neu_count / total);
    r.pos = fabs(pos_sum / total);
    r.compound = compound;
    r.ok = 1;
    return r;
}

/* ------------------------------------------------------------------------------------- methods */

static PyObject *
result_compound(Result r)
{
    if (r.ok < 0) return NULL;
    if (r.ok == 0) Py_RETURN_NONE;
    return PyFloat_FromDouble(r.compound);
}

static PyObject *
result_scores(Result r)
{
    if (r.ok < 0) return NULL;
    if (r.ok == 0) Py_RETURN_NONE;
    return Py_BuildValue("(dddd)", r.neg, r.neu, r.pos, r.compound);
}

static PyObject *
many(Core *self, PyObject *texts, PyObject *(*wrap)(Result))
{
    PyObject *seq = PySequence_Fast(texts, "texts must be a sequence of str");
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    PyObject *out = PyList_New(n);
    if (!out) { Py_DECREF(seq); return NULL; }
    Work w;
    memset(&w, 0, sizeof(w));
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = wrap(score_text(self, &w, items[i]));
        if (!x) { work_free(&w); Py_DECREF(out); Py_DECREF(seq); return NULL; }
        PyList_SET_ITEM(out, i, x);
    }
    work_free(&w);
    Py_DECREF(seq);
    return out;
}

static PyObject *
Core_compound_many(Core *self, PyObject *texts)
{
    return many(self, texts, result_compound);
}

static PyObject *
Core_scores_many(Core *self, PyObject *texts)
{
    return many(self, texts, result_scores);
}

static PyObject *
Core_compound(Core *self, PyObject *text)
{
    Work w;
    memset(&w, 0, sizeof(w));
    PyObject *x = result_compound(score_text(self, &w, text));
    work_free(&w);
    return x;
}

static PyObject *
Core_scores(Core *self, PyObject *text)
{
    Work w;
    memset(&w, 0, sizeof(w));
    PyObject *x = result_scores(score_text(self, &w, text));
    work_free(&w);
    return x;
}

static PyMethodDef Core_methods[] = {
    {"compound", (PyCFunction)Core_compound, METH_O,
     "compound(text) -> raw (unrounded) compound, or None when the text must go to the Python path"},
    {"scores", (PyCFunction)Core_scores, METH_O,
     "scores(text) -> raw (neg, neu, pos, compound), or None when the text must go to the Python path"},
    {"compound_many", (PyCFunction)Core_compound_many, METH_O, "compound() of each text, as a list"},
    {"scores_many", (PyCFunction)Core_scores_many, METH_O, "scores() of each text, as a list"},
    {NULL, NULL, 0, NULL},
};

/* ------------------------------------------------------------------------------------- construction */

static int
put_word(Core *self, PyObject *key, Entry **out, unsigned char *buf)
{
    if (!PyUnicode_Check(key)) { PyErr_SetString(PyExc_TypeError, "table keys must be str"); return -1; }
    int nonascii;
    Py_ssize_t n = key_bytes(key, buf, &nonascii);
    Entry *e = table_put(&self->words, buf, n);
    if (!e) return -1;
    if (nonascii) e->ambiguous = 1;
    *out = nonascii ? NULL : e; /* a non-ASCII key only marks its skeleton */
    return 0;
}

static Py_ssize_t
max_key_length(PyObject *keys)
{
    Py_ssize_t mx = 0;
    PyObject *it = PyObject_GetIter(keys), *k;
    if (!it) return -1;
    while ((k = PyIter_Next(it))) {
        if (PyUnicode_Check(k) && PyUnicode_GET_LENGTH(k) > mx) mx = PyUnicode_GET_LENGTH(k);
        Py_DECREF(k);
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : mx;
}

static int
read_table(PyObject *seq, double *out, Py_ssize_t *len, const char *what)
{
    PyObject *fast = PySequence_Fast(seq, what);
    if (!fast) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    if (n < 1 || n > 16) {
        Py_DECREF(fast);
        PyErr_Format(PyExc_ValueError, "%s: 1 to 16 values expected", what);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(fast, i));
        if (out[i] == -1.0 && PyErr_Occurred()) { Py_DECREF(fast); return -1; }
    }
    *len = n;
    Py_DECREF(fast);
    return 0;
}

static int
put_phrases(Table *t, PyObject *dict, unsigned char *buf, int *nonascii_any)
{
    PyObject *k, *v;
    Py_ssize_t pos = 0;
    while (PyDict_Next(dict, &pos, &k, &v)) {
        if (!PyUnicode_Check(k)) { PyErr_SetString(PyExc_TypeError, "phrase keys must be str"); return -1; }
        int nonascii;
        Py_ssize_t n = key_bytes(k, buf, &nonascii);
        if (nonascii) { *nonascii_any = 1; continue; }
        double x = PyFloat_AsDouble(v);
        if (x == -1.0 && PyErr_Occurred()) return -1;
        Entry *e = table_put(t, buf, n);
        if (!e) return -1;
        e->lex = x;
        e->has_lex = 1;
        e->is_int = PyLong_Check(v) ? 1 : 0;
    }
    return 0;
}

static int
Core_init(Core *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"lexicon", "boosters", "negate", "special", "booster_ngrams", "first_words",
                             "last_words", "emojis", "constants", "ep_table", "qm_table", "sum_via_python",
                             NULL};
    PyObject *lexicon, *boosters, *negate, *special, *ngrams, *first, *last, *emojis, *constants, *ep, *qm;
    int sum_via_python = -1;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!OO!O!OOO!OOO|p", kwlist, &PyDict_Type, &lexicon,
                                     &PyDict_Type, &boosters, &negate, &PyDict_Type, &special, &PyDict_Type,
                                     &ngrams, &first, &last, &PyDict_Type, &emojis, &constants, &ep, &qm,
                                     &sum_via_python))
        return -1;
    if (self->words.slots) { PyErr_SetString(PyExc_RuntimeError, "Core is already initialised"); return -1; }
#if PY_VERSION_HEX < 0x030C0000
    self->sum_via_python = sum_via_python == 1;
#else
    self->sum_via_python = 1; /* compensated sum(): let the interpreter's own sum do it */
    (void)sum_via_python;
#endif
    /* constants */
    PyObject *cf = PySequence_Fast(constants, "constants must be a sequence of 8 floats");
    if (!cf) return -1;
    if (PySequence_Fast_GET_SIZE(cf) != 8) {
        Py_DECREF(cf);
        PyErr_SetString(PyExc_ValueError, "constants: c_incr, n_scalar, damp2, damp3, never_so, but_before, "
                                          "but_after, alpha expected");
        return -1;
    }
    double *dst[8] = {&self->c_incr, &self->n_scalar, &self->damp2, &self->damp3, &self->never_so,
                      &self->but_before, &self->but_after, &self->alpha};
    for (int i = 0; i < 8; i++) {
        *dst[i] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(cf, i));
        if (*dst[i] == -1.0 && PyErr_Occurred()) { Py_DECREF(cf); return -1; }
    }
    Py_DECREF(cf);
    if (read_table(ep, self->ep_table, &self->ep_len, "ep_table") < 0) return -1;
    if (read_table(qm, self->qm_table, &self->qm_len, "qm_table") < 0) return -1;

    /* word table */
    PyObject *negate_list = PySequence_List(negate);
    if (!negate_list) return -1;
    PyObject *first_list = PySequence_List(first), *last_list = first_list ? PySequence_List(last) : NULL;
    if (!last_list) { Py_DECREF(negate_list); Py_XDECREF(first_list); return -1; }
    int rc = -1;
    unsigned char *buf = NULL;
    Py_ssize_t mx = 64, k1;
    PyObject *tables[] = {lexicon, boosters, negate_list, special, ngrams, first_list, last_list};
    for (int t = 0; t < 7; t++) {
        if ((k1 = max_key_length(tables[t])) < 0) goto done;
        if (k1 > mx) mx = k1;
    }
    buf = PyMem_Malloc((size_t)mx + 1);
    if (!buf) { PyErr_NoMemory(); goto done; }
    size_t expected = (size_t)(PyDict_GET_SIZE(lexicon) + PyDict_GET_SIZE(boosters) + PyList_GET_SIZE(negate_list)
                               + PyList_GET_SIZE(first_list) + PyList_GET_SIZE(last_list) + W_COUNT);
    if (table_init(&self->words, expected) < 0) goto done;
    Entry *e;
    PyObject *k, *v;
    Py_ssize_t pos = 0;
    while (PyDict_Next(lexicon, &pos, &k, &v)) {
        double x = PyFloat_AsDouble(v);
        if (x == -1.0 && PyErr_Occurred()) goto done;
        if (put_word(self, k, &e, buf) < 0) goto done;
        if (e) { e->lex = x; e->has_lex = 1; }
    }
    pos = 0;
    int other_nonascii = 0;
    while (PyDict_Next(boosters, &pos, &k, &v)) {
        double x = PyFloat_AsDouble(v);
        if (x == -1.0 && PyErr_Occurred()) goto done;
        if (put_word(self, k, &e, buf) < 0) goto done;
        if (e) { e->boost = x; e->has_boost = 1; } else other_nonascii = 1;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(negate_list); i++) {
        if (put_word(self, PyList_GET_ITEM(negate_list, i), &e, buf) < 0) goto done;
        if (e) e->negate = 1; else other_nonascii = 1;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(first_list); i++) {
        if (put_word(self, PyList_GET_ITEM(first_list, i), &e, buf) < 0) goto done;
        if (e) e->first = 1; else other_nonascii = 1;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(last_list); i++) {
        if (put_word(self, PyList_GET_ITEM(last_list, i), &e, buf) < 0) goto done;
        if (e) e->last = 1; else other_nonascii = 1;
    }
    for (int w = 1; w < W_COUNT; w++) {
        e = table_put(&self->words, (const unsigned char *)RULE_WORDS[w], (Py_ssize_t)strlen(RULE_WORDS[w]));
        if (!e) goto done;
        e->word = (unsigned char)w;
    }
    if (table_init(&self->special, (size_t)PyDict_GET_SIZE(special)) < 0) goto done;
    if (table_init(&self->ngrams, (size_t)PyDict_GET_SIZE(ngrams)) < 0) goto done;
    if (put_phrases(&self->special, special, buf, &other_nonascii) < 0) goto done;
    if (put_phrases(&self->ngrams, ngrams, buf, &other_nonascii) < 0) goto done;
    /* The rules other than the lexicon compare whole words; a non-ASCII one there is not worth the care. */
    self->ascii_only = other_nonascii;

    /* emoji: single code point keys */
    size_t ecap = 16;
    while (ecap < (size_t)PyDict_GET_SIZE(emojis) * 2 + 16) ecap <<= 1;
    self->emoji_keys = PyMem_Calloc(ecap, sizeof(Py_UCS4));
    self->emoji_desc = PyMem_Calloc(ecap, sizeof(Desc));
    if (!self->emoji_keys || !self->emoji_desc) { PyErr_NoMemory(); goto done; }
    self->emoji_mask = ecap - 1;
    pos = 0;
    while (PyDict_Next(emojis, &pos, &k, &v)) {
        if (!PyUnicode_Check(k) || !PyUnicode_Check(v)) {
            PyErr_SetString(PyExc_TypeError, "emojis must map str to str");
            goto done;
        }
        if (PyUnicode_GET_LENGTH(k) != 1) continue;
        Py_UCS4 c = PyUnicode_READ_CHAR(k, 0);
        if (c == 0) { self->ascii_only = 1; continue; } /* 0 marks an empty slot; never in practice */
        if (c < 128) self->ascii_emoji[c] = 1;
        size_t i = ((size_t)c * 2654435761u) & self->emoji_mask;
        while (self->emoji_keys[i] && self->emoji_keys[i] != c) i = (i + 1) & self->emoji_mask;
        Desc *d = &self->emoji_desc[i];
        PyMem_Free(d->chars);
        self->emoji_keys[i] = c;
        d->n = PyUnicode_GET_LENGTH(v);
        d->chars = PyUnicode_AsUCS4Copy(v);
        if (!d->chars) goto done;
        if (d->n > self->emoji_maxdesc) self->emoji_maxdesc = d->n;
    }
    self->lower_known = PyMem_Calloc(0x110000 / 8, 1);
    self->lower_ascii = PyMem_Calloc(0x110000 / 8, 1);
    if (!self->lower_known || !self->lower_ascii) { PyErr_NoMemory(); goto done; }
    rc = 0;
done:
    PyMem_Free(buf);
    Py_DECREF(negate_list);
    Py_DECREF(first_list);
    Py_DECREF(last_list);
    return rc;
}

static void
Core_dealloc(Core *self)
{
    table_free(&self->words);
    table_free(&self->special);
    table_free(&self->ngrams);
    if (self->emoji_desc) {
        for (size_t i = 0; i <= self->emoji_mask; i++) PyMem_Free(self->emoji_desc[i].chars);
    }
    PyMem_Free(self->emoji_desc);
    PyMem_Free(self->emoji_keys);
    PyMem_Free(self->lower_known);
    PyMem_Free(self->lower_ascii);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
Core_get_sum_via_python(Core *self, void *closure)
{
    return PyBool_FromLong(self->sum_via_python);
}

static PyObject *
Core_get_ascii_only(Core *self, void *closure)
{
    return PyBool_FromLong(self->ascii_only);
}

static PyGetSetDef Core_getset[] = {
    {"sum_via_python", (getter)Core_get_sum_via_python, NULL, "valences summed by the built-in sum()", NULL},
    {"ascii_only", (getter)Core_get_ascii_only, NULL, "non-ASCII texts always go to the Python path", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject CoreType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "reviewtools._vadercore.Core",
    .tp_doc = PyDoc_STR("VADER scoring tables and the native scorer; built by reviewtools.vader.FastVader"),
    .tp_basicsize = sizeof(Core),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Core_init,
    .tp_dealloc = (destructor)Core_dealloc,
    .tp_methods = Core_methods,
    .tp_getset = Core_getset,
};

static struct PyModuleDef vadercore_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "reviewtools._vadercore",
    .m_doc = "Native core of reviewtools.vader.FastVader (optional; the Python path is the reference).",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__vadercore(void)
{
    init_ascii_class();
    if (PyType_Ready(&CoreType) < 0) return NULL;
    PyObject *m = PyModule_Create(&vadercore_module);
    if (!m) return NULL;
    Py_INCREF(&CoreType);
    if (PyModule_AddObject(m, "Core", (PyObject *)&CoreType) < 0) {
        Py_DECREF(&CoreType);
        Py_DECREF(m);
        return NULL;
    }
    if (PyModule_AddIntConstant(m, "CORE_VERSION", CORE_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
