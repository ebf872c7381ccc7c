/*
 * reviewtools._vadercore: the hot path of reviewtools.vader.FastVader in C.
 *
 * It computes, for one text at a time, what FastVader (and so vaderSentiment 3.3.2's
 * SentimentIntensityAnalyzer.polarity_scores) computes: the compound and the neg/neu/pos shares, rounded
 * exactly as Python's round(x, 4) / round(x, 3) rounds them (py_round below; C's own rounding functions
 * are never used).
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
#define CORE_VERSION 2

#if defined(__GNUC__) || defined(__clang__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define ALWAYS_INLINE __forceinline
#else
#define ALWAYS_INLINE inline
#endif

static PyObject *BUILTIN_ROUND; /* builtins.round, for what py_round does not cover */
static PyObject *BUILTIN_SUM;   /* builtins.sum, for sum_via_python */
static PyObject *KEY_NEG, *KEY_NEU, *KEY_POS, *KEY_COMPOUND;

/* Marker byte for a non-ASCII character in a lower-cased token: no ASCII key can contain it. */
#define NONASCII 0x80u

/* character classes */
#define C_SPACE 1u  /* Py_UNICODE_ISSPACE */
#define C_PUNCT 2u  /* in string.punctuation */
#define C_LOWT 4u   /* Py_UNICODE_ISLOWER or Py_UNICODE_ISTITLE: makes str.isupper() False */
#define C_UPPER 8u  /* Py_UNICODE_ISUPPER */
#define C_EXCL 16u  /* '!' */
#define C_QUES 32u  /* '?' */
#define C_NONASCII 64u

/* The words upstream's rules compare tokens with (literals in vaderSentiment's methods). */
enum {
    W_NONE = 0, W_KIND, W_OF, W_NO, W_OR, W_NOR, W_SO, W_THIS, W_NEVER, W_WITHOUT, W_DOUBT, W_LEAST,
    W_AT, W_VERY, W_BUT, W_COUNT
};
static const char *const RULE_WORDS[W_COUNT] = {
    "", "kind", "of", "no", "or", "nor", "so", "this", "never", "without", "doubt", "least", "at", "very", "but",
};

/* ------------------------------------------------------------------------------------- hash table */

/* Keys up to this many bytes are stored in the entry itself (all of vaderSentiment 3.3.2's single words);
 * longer ones in long_keys. */
#define KEY_INLINE 24

typedef struct {
    double lex;           /* lexicon valence, or a phrase's value */
    double boost;         /* booster increment */
    uint32_t klen;
    unsigned has_lex : 1;
    unsigned has_boost : 1;
    unsigned negate : 1;  /* in NEGATE */
    unsigned first : 1;   /* first word of an idiom / booster n-gram */
    unsigned last : 1;    /* last word of one */
    unsigned ambiguous : 1; /* skeleton of a non-ASCII key: a token matching it is refused */
    unsigned is_int : 1;  /* a phrase value that is a Python int */
    unsigned word : 8;    /* W_* */
    unsigned char key[KEY_INLINE];
} Entry;

/* Open addressing over a dense entry array sized once (entry pointers stay valid). A 32-bit slot holds
 * 16 bits of the hash and the entry index + 1 (0: empty), so a miss usually reads one small array. */
#define MAX_ENTRIES 65535

typedef struct {
    Entry *entries;
    unsigned char **long_keys;
    size_t n_entries, cap_entries;
    uint32_t *slots;
    size_t mask;
    Py_ssize_t maxlen;
    uint64_t *filt;   /* screen in front of slots: two bits per key in one 64-bit word (filt_word, filt_bits) */
    size_t fmask;     /* filter words - 1 */
} Table;

/* The screen: a key's hash sets two bits (filt_bits) of one 64-bit word (filt_word) of a small bit array (8 KB
 * for the words table, 8 bits per key at most), so most tokens in no table (the common "the", "it", "and" and
 * the rare ones alike) leave table_find after one load from L1 instead of a load from the 64 KB slot array. Bits
 * 24-45 of the hash: the slot index uses the low ones and the tag the top 16. A set pair is only a maybe. */
static ALWAYS_INLINE size_t
filt_word(const Table *t, uint64_t h)
{
    return (size_t)(h >> 24) & t->fmask;
}

static ALWAYS_INLINE uint64_t
filt_bits(uint64_t h)
{
    return ((uint64_t)1 << ((h >> 34) & 63)) | ((uint64_t)1 << ((h >> 40) & 63));
}

static inline uint64_t
hash_bytes(const unsigned char *s, Py_ssize_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL * (uint64_t)(n + 1);
    while (n > 8) {
        uint64_t x;
        memcpy(&x, s, 8);
        h = (h ^ x) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
        s += 8;
        n -= 8;
    }
    /* the last 1-8 bytes without a loop or a read past s + n: two overlapping 4-byte loads, or 3 bytes (n is
     * in the seed, so each length has its own mapping) */
    uint64_t x;
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
        x = (uint64_t)lo | ((uint64_t)hi << 32);
    } else if (n > 0) {
        x = (uint64_t)s[0] | ((uint64_t)s[n >> 1] << 8) | ((uint64_t)s[n - 1] << 16);
    } else {
        x = 0;
    }
    h = (h ^ x) * 0x94d049bb133111ebULL;
    h ^= h >> 29;
    return h;
}

/* Every buffer a table key is read from (table_find) holds KEY_SLACK readable bytes past the key's end: keys are
 * read 8 bytes at a time and the bytes past the end masked off, without a branch on the length. */
#define KEY_SLACK 32

/* The low n bytes (0 <= n, at most 8 of them) of the 8 at s. */
static ALWAYS_INLINE uint64_t
load_low(const unsigned char *s, Py_ssize_t n)
{
    uint64_t x;
    memcpy(&x, s, 8);
    uint64_t m = n >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * (n > 0 ? n : 0))) - 1;
    return x & m;
}

/* The tables' hash of the n bytes at s (KEY_SLACK readable bytes past them). */
static ALWAYS_INLINE uint64_t
hash_key(const unsigned char *s, Py_ssize_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL * (uint64_t)(n + 1);
    while (n > 8) {
        uint64_t x;
        memcpy(&x, s, 8);
        h = (h ^ x) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
        s += 8;
        n -= 8;
    }
    h = (h ^ load_low(s, n)) * 0x94d049bb133111ebULL;
    h ^= h >> 29;
    return h;
}

static int
table_init(Table *t, size_t expected)
{
    if (expected > MAX_ENTRIES) {
        PyErr_SetString(PyExc_ValueError, "_vadercore: more than 65,535 table keys");
        return -1;
    }
    size_t cap = 16;
    while (cap < expected * 2 + 16) cap <<= 1;
    size_t fwords = 8; /* a power of two >= expected / 8: at least 8 bits per key */
    while (fwords * 8 < expected) fwords <<= 1;
    t->slots = PyMem_Calloc(cap, sizeof(uint32_t));
    t->entries = PyMem_Calloc(expected + 1, sizeof(Entry));
    t->long_keys = PyMem_Calloc(expected + 1, sizeof(unsigned char *));
    t->filt = PyMem_Calloc(fwords, sizeof(uint64_t));
    if (!t->slots || !t->entries || !t->long_keys || !t->filt) { PyErr_NoMemory(); return -1; }
    t->fmask = fwords - 1;
    t->mask = cap - 1;
    t->n_entries = 0;
    t->cap_entries = expected + 1;
    t->maxlen = 0;
    return 0;
}

static void
table_free(Table *t)
{
    if (t->long_keys) {
        for (size_t i = 0; i < t->n_entries; i++) PyMem_Free(t->long_keys[i]);
    }
    PyMem_Free(t->long_keys);
    PyMem_Free(t->entries);
    PyMem_Free(t->slots);
    PyMem_Free(t->filt);
    t->long_keys = NULL;
    t->entries = NULL;
    t->slots = NULL;
    t->filt = NULL;
}

/* Whether the screen lets a key of hash h through (a maybe; 0: not a key). */
static ALWAYS_INLINE int
filt_may(const Table *t, uint64_t h)
{
    uint64_t fb = filt_bits(h);
    return (t->filt[filt_word(t, h)] & fb) == fb;
}

/* table_find past the screen: the entry of the n bytes at s (KEY_SLACK readable bytes past them), n at most
 * t->maxlen, h = hash_key(s, n), or NULL. */
static ALWAYS_INLINE const Entry *
table_find_h(const Table *t, const unsigned char *s, Py_ssize_t n, uint64_t h)
{
    uint32_t tag = (uint32_t)(h >> 48);
    size_t i = (size_t)h & t->mask;
    for (;;) {
        uint32_t slot = t->slots[i];
        if (!slot) return NULL;
        if ((slot >> 16) == tag) {
            uint32_t idx = (slot & 0xffffu) - 1;
            const Entry *e = &t->entries[idx];
            if (e->klen == (uint32_t)n) {
                if (n <= KEY_INLINE) {
                    /* an inline key is zero past its length (calloc'ed entries), the token masked to its own */
                    uint64_t k0, k1, k2;
                    memcpy(&k0, e->key, 8);
                    memcpy(&k1, e->key + 8, 8);
                    memcpy(&k2, e->key + 16, 8);
                    if (((load_low(s, n) ^ k0) | (load_low(s + 8, n - 8) ^ k1) | (load_low(s + 16, n - 16) ^ k2))
                        == 0)
                        return e;
                } else if (memcmp(t->long_keys[idx], s, (size_t)n) == 0) {
                    return e;
                }
            }
        }
        i = (i + 1) & t->mask;
    }
}

/* The entry of the n bytes at s (followed by KEY_SLACK readable bytes), or NULL. */
static inline const Entry *
table_find(const Table *t, const unsigned char *s, Py_ssize_t n)
{
    if (n > t->maxlen) return NULL;
    uint64_t h = hash_key(s, n);
    if (!filt_may(t, h)) return NULL; /* in no key's pair of bits: not a key */
    return table_find_h(t, s, n, h);
}

/* Find or insert. */
/* Find or insert the n bytes at s (KEY_SLACK readable bytes past them). */
static Entry *
table_put_padded(Table *t, const unsigned char *s, Py_ssize_t n)
{
    Entry *found = (Entry *)table_find(t, s, n);
    if (found) return found;
    if (t->n_entries >= t->cap_entries || (t->n_entries + 1) * 2 > t->mask + 1) {
        PyErr_SetString(PyExc_RuntimeError, "_vadercore: table overfull");
        return NULL;
    }
    uint64_t h = hash_key(s, n);
    size_t i = (size_t)h & t->mask;
    while (t->slots[i]) i = (i + 1) & t->mask;
    size_t idx = t->n_entries;
    Entry *e = &t->entries[idx];
    if (n <= KEY_INLINE) {
        memcpy(e->key, s, (size_t)n);
    } else {
        t->long_keys[idx] = PyMem_Malloc((size_t)n);
        if (!t->long_keys[idx]) { PyErr_NoMemory(); return NULL; }
        memcpy(t->long_keys[idx], s, (size_t)n);
    }
    e->klen = (uint32_t)n;
    t->n_entries++;
    t->slots[i] = ((uint32_t)(h >> 48) << 16) | (uint32_t)t->n_entries;
    t->filt[filt_word(t, h)] |= filt_bits(h);
    if (n > t->maxlen) t->maxlen = n;
    return e;
}

/* Find or insert the n bytes at key. */
static Entry *
table_put(Table *t, const unsigned char *key, Py_ssize_t n)
{
    unsigned char *s = PyMem_Calloc((size_t)n + KEY_SLACK, 1); /* the key with table_find's slack */
    if (!s) { PyErr_NoMemory(); return NULL; }
    memcpy(s, key, (size_t)n);
    Entry *e = table_put_padded(t, s, n);
    PyMem_Free(s);
    return e;
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
    int any_ascii_emoji;
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

/* Per byte of ASCII text: its C_* class and its lower-case form; IDENTITY maps a class byte to itself. */
static unsigned char ASCII_CLASS[256];
static unsigned char ASCII_LOWER[256];
/* Per ASCII character, five 12-bit counters: punctuation, C_LOWT, C_UPPER, '!', '?' (tokenize_ext sums them
 * over texts shorter than TOKINC_MAX, so no counter can reach 4096 and carry into the next), and in the top bit
 * (TOKINC_IN) whether it is not white space: read from the character's own entry, never from a sum (where it
 * only toggles: its carry leaves the word, and no counter reaches bits 60-63). */
static uint64_t TOKINC[256];
#define TOKINC_MAX 4095
#define TOKINC_IN ((uint64_t)1 << 63)
#define TI_PUNCT(x) ((x) & 0xfffu)
#define TI_LOWT(x) (((x) >> 12) & 0xfffu)
#define TI_UPPER(x) (((x) >> 24) & 0xfffu)
#define TI_EXCL(x) ((Py_ssize_t)(((x) >> 36) & 0xfffu))
#define TI_QUES(x) ((Py_ssize_t)(((x) >> 48) & 0xfffu))
static unsigned char IDENTITY[256];

static void
init_ascii_class(void)
{
    static const char punct[] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"; /* string.punctuation */
    for (int c = 0; c < 256; c++) {
        unsigned char k = 0;
        IDENTITY[c] = (unsigned char)c;
        ASCII_LOWER[c] = (unsigned char)c;
        TOKINC[c] = TOKINC_IN; /* not white space, as ASCII_CLASS says (never read above 127: ASCII text only) */
        if (c >= 128) continue; /* never read: ASCII text only */
        if (Py_UNICODE_ISSPACE(c)) k |= C_SPACE;
        if (c && strchr(punct, c)) k |= C_PUNCT;
        if (Py_UNICODE_ISLOWER(c) || Py_UNICODE_ISTITLE(c)) k |= C_LOWT;
        if (Py_UNICODE_ISUPPER(c)) k |= C_UPPER;
        if (c == '!') k |= C_EXCL;
        if (c == '?') k |= C_QUES;
        ASCII_CLASS[c] = k;
        TOKINC[c] = (uint64_t)((k & C_PUNCT) != 0) | ((uint64_t)((k & C_LOWT) != 0) << 12)
                    | ((uint64_t)((k & C_UPPER) != 0) << 24) | ((uint64_t)((k & C_EXCL) != 0) << 36)
                    | ((uint64_t)((k & C_QUES) != 0) << 48) | ((k & C_SPACE) ? 0 : TOKINC_IN);
        if (c >= 'A' && c <= 'Z') ASCII_LOWER[c] = (unsigned char)(c + 32);
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
    unsigned char neg;      /* in NEGATE or contains "n't"; 2 until asked (tok_neg) */
    unsigned char word;     /* e->word, or W_NONE without an entry */
    unsigned char fl;       /* TF_* bits of e (0 without one): the rules read these, not the entry */
} Tok;

#define TF_LEX 1u    /* e->has_lex */
#define TF_BOOST 2u  /* e->has_boost */
#define TF_FIRST 4u  /* e->first */
#define TF_LAST 8u   /* e->last */
#define TF_NEG 16u   /* e->negate */

/* A token's entry and the copies of its rule bits. */
static inline void
tok_set_entry(Tok *t, const Entry *e)
{
    t->e = e;
    if (e) {
        t->word = (unsigned char)e->word;
        t->fl = (unsigned char)((e->has_lex ? TF_LEX : 0u) | (e->has_boost ? TF_BOOST : 0u)
                                | (e->first ? TF_FIRST : 0u) | (e->last ? TF_LAST : 0u)
                                | (e->negate ? TF_NEG : 0u));
    } else {
        t->word = W_NONE;
        t->fl = 0;
    }
}

/* score_tokens looks at a token only when it has a lexicon value and no booster increment (the rest only
 * serve as the words before or after one) or is a "but" (the first one's position) */
static ALWAYS_INLINE int
tok_cand(const Tok *t)
{
    return ((t->fl & (TF_LEX | TF_BOOST)) == TF_LEX) | (t->word == W_BUT);
}

/* What scoring a stretch of an already tokenized text needs per token (Core_compound_spans): the raw
 * token's extent (str.split()'s piece, before stripping) and the counts of upper-case tokens, '!' and '?'
 * up to and including this token. */
typedef struct {
    Py_ssize_t raw_a, raw_b;
    Py_ssize_t caps, excl, ques;
} TokExt;

typedef struct {
    unsigned char *lb;   /* per character: ASCII lower-cased, or NONASCII */
    unsigned char *cls;  /* per character: C_* bits */
    Py_ssize_t cap;
    Tok *tok;
    double *vals;
    Py_ssize_t *where;
    unsigned char *vint;
    int32_t *cand;       /* tokenize_ext: the tokens score_tokens looks at (tok_cand), in order */
    Py_ssize_t ncand;
    double *cval;        /* score_tokens(keep): per candidate (as cand), its valence before the "but" rule */
    unsigned char *cint; /* and whether that value is a Python int */
    int kcapd;           /* the cap_diff of that pass */
    Py_ssize_t tcap;
    unsigned char *key;  /* scratch for phrase keys and skeletons */
    Py_ssize_t kcap;
    uint64_t *pre;       /* tokenize_ext's fast path: per token edge, running TOKINC sums */
    int32_t *edg;        /* and the tokens' edges */
    Py_ssize_t pcap;
    uint64_t *mh;        /* tokenize_ext's fast path: the hashes of the tokens the screen lets through */
    int32_t *mp;         /* and their positions, in order (tokens, as w->tok) */
} Work;

static void
work_free(Work *w)
{
    PyMem_Free(w->lb); PyMem_Free(w->cls);
    PyMem_Free(w->tok); PyMem_Free(w->vals); PyMem_Free(w->where); PyMem_Free(w->vint); PyMem_Free(w->cand);
    PyMem_Free(w->cval); PyMem_Free(w->cint);
    PyMem_Free(w->key);
    PyMem_Free(w->pre); PyMem_Free(w->edg);
    PyMem_Free(w->mh); PyMem_Free(w->mp);
    memset(w, 0, sizeof(*w));
}

static int
work_chars(Work *w, Py_ssize_t need)
{
    if (need <= w->cap) return 0;
    Py_ssize_t cap = w->cap ? w->cap : 256;
    while (cap < need) cap *= 2;
    unsigned char *lb = PyMem_Realloc(w->lb, (size_t)cap + KEY_SLACK); /* table_find reads past a token */
    if (!lb) { PyErr_NoMemory(); return -1; }
    w->lb = lb;
    unsigned char *cls = PyMem_Realloc(w->cls, (size_t)cap);
    if (!cls) { PyErr_NoMemory(); return -1; }
    w->cls = cls;
    w->cap = cap;
    return 0;
}

static int
work_pre(Work *w, Py_ssize_t need)
{
    if (need <= w->pcap) return 0;
    Py_ssize_t cap = w->pcap ? w->pcap : 1024;
    while (cap < need) cap *= 2;
    uint64_t *pre = PyMem_Realloc(w->pre, (size_t)cap * sizeof(uint64_t));
    if (!pre) { PyErr_NoMemory(); return -1; }
    w->pre = pre;
    int32_t *edg = PyMem_Realloc(w->edg, (size_t)cap * sizeof(int32_t));
    if (!edg) { PyErr_NoMemory(); return -1; }
    w->edg = edg;
    w->pcap = cap;
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
    int32_t *cand = PyMem_Realloc(w->cand, (size_t)cap * sizeof(int32_t));
    if (!cand) { PyErr_NoMemory(); return -1; }
    w->cand = cand;
    double *cval = PyMem_Realloc(w->cval, (size_t)cap * sizeof(double));
    if (!cval) { PyErr_NoMemory(); return -1; }
    w->cval = cval;
    unsigned char *cint = PyMem_Realloc(w->cint, (size_t)cap);
    if (!cint) { PyErr_NoMemory(); return -1; }
    w->cint = cint;
    uint64_t *mh = PyMem_Realloc(w->mh, (size_t)cap * sizeof(uint64_t));
    if (!mh) { PyErr_NoMemory(); return -1; }
    w->mh = mh;
    int32_t *mp = PyMem_Realloc(w->mp, (size_t)cap * sizeof(int32_t));
    if (!mp) { PyErr_NoMemory(); return -1; }
    w->mp = mp;
    w->tcap = cap;
    return 0;
}

static int
work_key(Work *w, Py_ssize_t need)
{
    if (need <= w->kcap) return 0;
    Py_ssize_t cap = w->kcap ? w->kcap : 128;
    while (cap < need) cap *= 2;
    unsigned char *k = PyMem_Realloc(w->key, (size_t)cap + KEY_SLACK);
    if (!k) { PyErr_NoMemory(); return -1; }
    w->key = k;
    w->kcap = cap;
    return 0;
}

/* Result of scoring one text. */
typedef struct {
    int ok;          /* 1 scored, 0 refused (Python path), -1 error */
    double neg, neu, pos, compound;
    Py_ssize_t ntok; /* the tokens scored (score_tokens) */
} Result;

/* Append one character of the emoji-replaced text to the class buffer (its lower-case byte is written
 * by tokenize). Returns 0, 1 (refuse) or -1 (error). */
static inline int
emit(Core *self, Work *w, Py_ssize_t *m, Py_UCS4 c)
{
    Py_ssize_t k = *m;
    if (k >= w->cap && work_chars(w, k + 1) < 0) return -1;
    if (c < 128) {
        w->lb[k] = ASCII_LOWER[c];
        w->cls[k] = ASCII_CLASS[c];
    } else {
        int has = lower_has_ascii(self, c);
        if (has < 0) return -1;
        if (has) return 1;
        unsigned char cl = 0;
        if (Py_UNICODE_ISSPACE(c)) cl |= C_SPACE;
        if (Py_UNICODE_ISLOWER(c) || Py_UNICODE_ISTITLE(c)) cl |= C_LOWT;
        if (Py_UNICODE_ISUPPER(c)) cl |= C_UPPER;
        w->lb[k] = NONASCII;
        w->cls[k] = cl | C_NONASCII;
    }
    *m = k + 1;
    return 0;
}

/* upstream negated([word]): in NEGATE, or "n't" in the lower-cased word */
static inline int
tok_neg(Tok *t, const unsigned char *lb)
{
    if (t->neg == 2) {
        int neg = (t->fl & TF_NEG) != 0;
        const unsigned char *s = lb + t->start;
        for (Py_ssize_t k = 0; !neg && k + 2 < t->len; k++)
            if (s[k] == 'n' && s[k + 1] == '\'' && s[k + 2] == 't') neg = 1;
        t->neg = (unsigned char)neg;
    }
    return t->neg;
}

/* tokenize_ext's fast path asks for the entry of the token this many screened tokens on (its slot read ahead) */
#ifndef LOOKUP_AHEAD
#define LOOKUP_AHEAD 4
#endif
#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* str.split() into tokens, each stripped of string.punctuation unless that leaves <= 2 characters, with
 * its str.isupper() and its entry. src[i] is a byte whose class is ctab[src[i]]: the ASCII text itself
 * (direct: its lower-case bytes are written to w->lb here) or the class buffer of emit().
 * Returns 0, 1 (refuse) or -1 (error). */
static ALWAYS_INLINE int
tokenize_ext(Core *self, Work *w, const unsigned char *src, const unsigned char *ctab, Py_ssize_t m, int direct,
             Py_ssize_t *n_out, Py_ssize_t *caps_out, Py_ssize_t *excl_out, Py_ssize_t *ques_out, TokExt *ext)
{
    unsigned char *lb = w->lb;
    Tok *tok = w->tok;
    int32_t *cand = w->cand;
    Py_ssize_t n = 0, caps = 0, excl = 0, ques = 0, i = 0, nc = 0;
    if (direct) /* ASCII text: lower-case it all at once (a loop the compiler vectorizes) */
        for (Py_ssize_t k = 0; k < m; k++) {
            unsigned char c = src[k];
            lb[k] = (unsigned char)(c + ((unsigned char)(c - 'A') < 26u ? 32 : 0));
        }
    if (direct && ctab == ASCII_CLASS && m <= TOKINC_MAX) {
        /* ASCII text: without a branch per character, the tokens' edges (start, end, start, end, ...) and the
         * running sums of TOKINC; then per token, the classes it holds are differences of those sums (what the
         * loop below ORs together), and its running '!' and '?' counts the sums at its end. Same tokens. */
        if (work_pre(w, m + 2) < 0) return -1;
        uint64_t *pre = w->pre;
        int32_t *edg = w->edg;
        const Table *words = &self->words;
        uint64_t *mh = w->mh;
        int32_t *mp = w->mp;
        Py_ssize_t nm = 0;
        uint64_t run = 0;
        unsigned prev = 0;
        Py_ssize_t ne = 0;
        /* pre[e]: the running sum before the character at edge e (edg[e]), kept per edge instead of per
         * character (the same stores, into a few cache lines instead of 8 bytes a character) */
        for (Py_ssize_t k = 0; k < m; k++) {
            uint64_t inc = TOKINC[src[k]];
            unsigned in = (unsigned)(inc >> 63); /* !(ASCII_CLASS[c] & C_SPACE), from the same load */
            edg[ne] = (int32_t)k;
            pre[ne] = run;
            ne += in ^ prev;
            prev = in;
            run += inc;
        }
        edg[ne] = (int32_t)m;
        pre[ne] = run;
        ne += prev;
        for (Py_ssize_t q = 0; q < ne; q += 2) {
            Py_ssize_t a = edg[q], b = edg[q + 1], sa = a, sb = b;
            uint64_t d = pre[q + 1] - pre[q];
            if (TI_PUNCT(d)) {
                while (sa < sb && (ASCII_CLASS[src[sa]] & C_PUNCT)) sa++;
                while (sb > sa && (ASCII_CLASS[src[sb - 1]] & C_PUNCT)) sb--;
                if (sb - sa <= 2) { sa = a; sb = b; }
            }
            if (ext) ext[n].raw_a = a, ext[n].raw_b = b;
            Tok *t = &tok[n++];
            Py_ssize_t tl = sb - sa;
            t->start = sa;
            t->len = tl;
            if (tl == 1) t->upper = (ASCII_CLASS[src[sa]] & C_UPPER) != 0;
            else t->upper = !TI_LOWT(d) && TI_UPPER(d);
            caps += t->upper;
            if (ext) ext[n - 1].caps = caps, ext[n - 1].excl = TI_EXCL(pre[q + 1]), ext[n - 1].ques = TI_QUES(pre[q + 1]);
            /* the entry later (below): here its hash and the screen, the token kept when the screen lets it
             * through (no branch); a token the screen stops has no entry */
            t->e = NULL;
            t->word = W_NONE;
            t->fl = 0;
            /* "n't" needs an apostrophe, which is punctuation: without any, negated is whether it is in NEGATE
             * (set below for a token with an entry) */
            t->neg = TI_PUNCT(d) ? 2 : 0;
            if (tl <= words->maxlen) {
                uint64_t h = hash_key(lb + sa, tl);
                int may = filt_may(words, h);
                mh[nm] = h;
                mp[nm] = (int32_t)(n - 1);
                nm += may;
            }
        }
        /* the entries of the tokens the screen let through, in token order: table_find's own probe (the same
         * entry), the slot of the one LOOKUP_AHEAD on read to ask for its entry while this one is looked up */
        for (Py_ssize_t k = 0; k < nm; k++) {
            if (k + LOOKUP_AHEAD < nm) {
                uint64_t h2 = mh[k + LOOKUP_AHEAD];
                uint32_t slot = words->slots[(size_t)h2 & words->mask];
                PREFETCH(&words->entries[slot ? (slot & 0xffffu) - 1 : 0]);
            }
            Tok *t = &tok[mp[k]];
            tok_set_entry(t, table_find_h(words, lb + t->start, t->len, mh[k]));
            if (t->neg != 2) t->neg = (t->fl & TF_NEG) != 0;
            cand[nc] = mp[k]; /* kept when it is one (no branch); a token without an entry is none */
            nc += tok_cand(t);
        }
        w->ncand = nc;
        *n_out = n;
        *caps_out = caps;
        *excl_out = TI_EXCL(run);
        *ques_out = TI_QUES(run);
        return 0;
    }
    while (i < m) {
        while (i < m && (ctab[src[i]] & C_SPACE)) i++;
        if (i >= m) break;
        Py_ssize_t a = i;
        unsigned acc = 0;
        for (; i < m; i++) {
            unsigned k = ctab[src[i]];
            if (k & C_SPACE) break;
            acc |= k;
        }
        Py_ssize_t b = i, sa = a, sb = b;
        if (acc & (C_EXCL | C_QUES)) /* rare: count them in a second look at the token */
            for (Py_ssize_t k = a; k < b; k++) {
                unsigned c = ctab[src[k]];
                excl += (c & C_EXCL) != 0;
                ques += (c & C_QUES) != 0;
            }
        if (acc & C_PUNCT) {
            while (sa < sb && (ctab[src[sa]] & C_PUNCT)) sa++;
            while (sb > sa && (ctab[src[sb - 1]] & C_PUNCT)) sb--;
            if (sb - sa <= 2) { sa = a; sb = b; }
        }
        if (ext) ext[n].raw_a = a, ext[n].raw_b = b;
        Tok *t = &tok[n++];
        Py_ssize_t tl = sb - sa;
        t->start = sa;
        t->len = tl;
        t->neg = 2;
        /* str.isupper(): the stripped characters are ASCII punctuation, which is uncased */
        if (tl == 1) t->upper = (ctab[src[sa]] & C_UPPER) != 0;
        else t->upper = !(acc & C_LOWT) && (acc & C_UPPER);
        caps += t->upper;
        if (ext) ext[n - 1].caps = caps, ext[n - 1].excl = excl, ext[n - 1].ques = ques;
        if (!(acc & C_NONASCII)) {
            tok_set_entry(t, table_find(&self->words, lb + sa, tl));
            cand[nc] = (int32_t)(n - 1);
            nc += tok_cand(t);
            t->neg = (acc & C_PUNCT) ? 2 : (t->fl & TF_NEG) != 0; /* as above */
        } else {
            /* skeleton: runs of non-ASCII collapsed, as non-ASCII keys were stored */
            tok_set_entry(t, NULL);
            if (tl <= self->words.maxlen) {
                if (work_key(w, tl + 1) < 0) return -1;
                const unsigned char *s = lb + sa;
                Py_ssize_t q = 0;
                for (Py_ssize_t k = 0; k < tl; k++)
                    if (s[k] != NONASCII || q == 0 || w->key[q - 1] != NONASCII) w->key[q++] = s[k];
                const Entry *e = table_find(&self->words, w->key, q);
                if (e && e->ambiguous) return 1; /* could equal a non-ASCII key: Python decides */
            }
        }
    }
    w->ncand = nc;
    *n_out = n;
    *caps_out = caps;
    *excl_out = excl;
    *ques_out = ques;
    return 0;
}

static ALWAYS_INLINE int
tokenize(Core *self, Work *w, const unsigned char *src, const unsigned char *ctab, Py_ssize_t m, int direct,
         Py_ssize_t *n_out, Py_ssize_t *caps_out, Py_ssize_t *excl_out, Py_ssize_t *ques_out)
{
    return tokenize_ext(self, w, src, ctab, m, direct, n_out, caps_out, excl_out, ques_out, NULL);
}

static inline int
is_word(const Tok *t, int word)
{
    return t->word == word; /* word != W_NONE */
}

static inline int
in_lex(const Tok *t)
{
    return (t->fl & TF_LEX) != 0;
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

static ALWAYS_INLINE Result
score_tokens(Core *self, Work *w, Tok *T, Py_ssize_t n, Py_ssize_t caps, Py_ssize_t excl, Py_ssize_t ques,
             const int32_t *cand, Py_ssize_t nc, Py_ssize_t base, int keep, Py_ssize_t reuse);

/* Score the len code points at data (PyUnicode kind ``kind``); ascii: all of them are below 128 (kind 1). */
static Result
score_data(Core *self, Work *w, int kind, const void *data, Py_ssize_t len, int ascii)
{
    Result r = {0, 0.0, 0.0, 0.0, 0.0};
    if (!ascii && self->ascii_only) return r;

    Py_ssize_t n = 0, caps = 0, excl = 0, ques = 0;
    int rc;
    if (ascii && !self->any_ascii_emoji) {
        /* ASCII text: no emoji to replace, every character is its own class byte */
        if (work_chars(w, len + 1) < 0 || work_tokens(w, len / 2 + 2) < 0) { r.ok = -1; return r; }
        rc = tokenize(self, w, (const unsigned char *)data, ASCII_CLASS, len, 1, &n, &caps, &excl, &ques);
    } else {
        /* 1. emoji replacement (upstream's character loop) into the class and lower-case buffers */
        if (work_chars(w, len + 1) < 0) { r.ok = -1; return r; } /* emit() grows them for descriptions */
        Py_ssize_t m = 0;
        int prev_space = 1;
        for (Py_ssize_t i = 0; i < len; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            const Desc *d = c >= 128 || self->ascii_emoji[c] ? emoji_find(self, c) : NULL;
            if (d) {
                if (!prev_space && (rc = emit(self, w, &m, ' '))) { r.ok = rc < 0 ? -1 : 0; return r; }
                for (Py_ssize_t j = 0; j < d->n; j++)
                    if ((rc = emit(self, w, &m, d->chars[j]))) { r.ok = rc < 0 ? -1 : 0; return r; }
                prev_space = 0;
            } else {
                if ((rc = emit(self, w, &m, c))) { r.ok = rc < 0 ? -1 : 0; return r; }
                prev_space = c == ' ';
            }
        }
        /* 2. tokens */
        if (work_tokens(w, m / 2 + 2) < 0) { r.ok = -1; return r; }
        rc = tokenize(self, w, w->cls, IDENTITY, m, 0, &n, &caps, &excl, &ques);
    }
    if (rc) { r.ok = rc < 0 ? -1 : 0; return r; }
    return score_tokens(self, w, w->tok, n, caps, excl, ques, w->cand, w->ncand, 0, 0, -1);
}

/* Steps 3-5 of score_data over the n tokens at T (in w's buffers: w->lb holds their lower-case bytes, the
 * per-token buffers hold at least n items), caps of them upper case, excl '!' and ques '?' in their text.
 * cand[0..nc) are the positions (in w->tok, T being w->tok + base) of the tokens among them for which tok_cand
 * holds, in order: the others add no value of their own. */
static ALWAYS_INLINE Result
score_tokens(Core *self, Work *w, Tok *T, Py_ssize_t n, Py_ssize_t caps, Py_ssize_t excl, Py_ssize_t ques,
             const int32_t *cand, Py_ssize_t nc, Py_ssize_t base, int keep, Py_ssize_t reuse)
{
    Result r = {0, 0.0, 0.0, 0.0, 0.0};
    const unsigned char *lb = w->lb;
    if (n == 0) { r.ok = 1; return r; }
    if (reuse >= 0 && nc == 0 && self->alpha > 0) {
        /* a sentence span without a token that adds a value: step 5 gives 0.0 / sqrt(0.0 + alpha) = +0.0 */
        r.compound = 0.0;
        r.ntok = n;
        r.ok = 1;
        return r;
    }

    /* 3. valences: reviewtools.vader.FastVader._valences */
    Py_ssize_t phrase_len = self->special.maxlen > self->ngrams.maxlen ? self->special.maxlen : self->ngrams.maxlen;
    if (work_key(w, phrase_len + 2) < 0) { r.ok = -1; return r; }
    const Py_ssize_t last = n - 1;
    const int cap_diff = 0 < n - caps && n - caps < n;
    const double C = self->c_incr, N = self->n_scalar;
    double *vals = w->vals;
    Py_ssize_t *where = w->where;
    unsigned char *vint = w->vint;
    Py_ssize_t nv = 0, bi = -1; /* bi: the first "but" (read only after the loop) */
    /* keep: this is a whole text's pass whose tokens a sentence pass may take a stretch of; each candidate's
     * valence (before the "but" rule) is kept, as cand. reuse >= 0: cand is w->cand + reuse (a stretch of the
     * kept pass's list, T a stretch of its tokens) and when cap_diff is the kept pass's, a candidate with three
     * tokens before it and two after it in this stretch has the very valence the kept pass gave it: the value
     * reads T[i - 3 .. i + 2], cap_diff and the tables only, and the conditions on i < last hold in both. */
    const double *rv = reuse >= 0 && cap_diff == w->kcapd ? w->cval + reuse : NULL;
    const unsigned char *ri = rv ? w->cint + reuse : NULL;
    if (keep) w->kcapd = cap_diff;
    for (Py_ssize_t j = 0; j < nc; j++) {
        const Py_ssize_t i = cand[j] - base;
        if (bi < 0 && is_word(&T[i], W_BUT)) bi = i;
        if ((T[i].fl & (TF_LEX | TF_BOOST)) != TF_LEX) continue;
        double valence;
        int is_int;
        if (rv && i >= 3 && i + 2 <= last) {
            valence = rv[j];
            is_int = ri[j];
            goto have;
        }
        const Entry *e = T[i].e;
        if (T[i].word == W_KIND && i < last && is_word(&T[i + 1], W_OF)) {
            if (keep) { w->cval[j] = 0.0; w->cint[j] = 0; } /* no value: as 0 (not stored) */
            continue;
        }
        const double base = e->lex;
        valence = base;
        is_int = 0;
        Tok *t1 = i > 0 ? &T[i - 1] : NULL;
        Tok *t2 = i > 1 ? &T[i - 2] : NULL;
        Tok *t3 = i > 2 ? &T[i - 3] : NULL;
        if (T[i].word == W_NO && i != last && in_lex(&T[i + 1])) valence = 0.0;
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
            if (t1->fl & TF_BOOST) {
                double s = t1->e->boost;
                if (valence < 0) s *= -1;
                if (t1->upper && cap_diff) {
                    if (valence > 0) s += C;
                    else s -= C;
                }
                valence = valence + s;
            }
            if (tok_neg(t1, lb)) valence = valence * N;
        }
        /* two words back */
        if (t2 && !in_lex(t2)) {
            if (t2->fl & TF_BOOST) {
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
            } else if (tok_neg(t2, lb)) {
                valence = valence * N;
            }
        }
        /* three words back, then the idioms */
        if (t3 && !in_lex(t3)) {
            if (t3->fl & TF_BOOST) {
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
            } else if (tok_neg(t3, lb)) {
                valence = valence * N;
            }
            /* idioms: a lookup can only hit when a first word and a later last word are both present */
#define FIRST(t) (((t)->fl & TF_FIRST) != 0)
#define LAST(t) (((t)->fl & TF_LAST) != 0)
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
        if (keep) { w->cval[j] = valence; w->cint[j] = (unsigned char)is_int; }
    have:
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
        PyObject *res = PyObject_CallOneArg(BUILTIN_SUM, list);
        Py_DECREF(list);
        if (!res) { r.ok = -1; return r; }
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
    if (reuse >= 0) { /* a sentence span (span_do): only its compound is read */
        r.compound = compound;
        r.ntok = n;
        r.ok = 1;
        return r;
    }
    double pos_sum = 0.0, neg_sum = 0.0;
    for (Py_ssize_t k = 0; k < nv; k++) {
        /* without a branch on the sign: adding +0.0 leaves either sum as it is (pos_sum is +0.0 or above,
         * neg_sum +0.0 or below, never -0.0), the same additions in the same order */
        double v = vals[k];
        pos_sum += v > 0 ? v + 1 : 0.0;
        neg_sum += v < 0 ? v - 1 : 0.0;
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
    r.ntok = n;
    r.ok = 1;
    return r;
}

static Result
score_text(Core *self, Work *w, PyObject *text)
{
    Result r = {0, 0.0, 0.0, 0.0, 0.0};
    if (!PyUnicode_CheckExact(text)) return r; /* the Python path raises or handles it */
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) { r.ok = -1; return r; } /* a legacy string built by the old C API */
#endif
    return score_data(self, w, PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text),
                      PyUnicode_IS_ASCII(text));
}

/* score_text of a str that is not ASCII, as score_data's character path scores it, its tokens kept with their
 * extents (ext, grown to the tokens) for the spans of Core_joined_spans_into: *aligned is 1 when no character
 * was replaced by an emoji description (then a class-buffer position is the code point's position). */
static Result
score_text_ext(Core *self, Work *w, PyObject *text, TokExt **ext, Py_ssize_t *ecap, Py_ssize_t *tn_out,
               int *aligned)
{
    Result r = {0, 0.0, 0.0, 0.0, 0.0};
    *aligned = 0;
    *tn_out = 0;
    if (!PyUnicode_CheckExact(text)) return r;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) { r.ok = -1; return r; }
#endif
    if (self->ascii_only) return r;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    if (work_chars(w, len + 1) < 0) { r.ok = -1; return r; }
    Py_ssize_t m = 0;
    int prev_space = 1, replaced = 0, rc;
    for (Py_ssize_t i = 0; i < len; i++) { /* score_data's step 1, unchanged */
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        const Desc *d = c >= 128 || self->ascii_emoji[c] ? emoji_find(self, c) : NULL;
        if (d) {
            replaced = 1;
            if (!prev_space && (rc = emit(self, w, &m, ' '))) { r.ok = rc < 0 ? -1 : 0; return r; }
            for (Py_ssize_t j = 0; j < d->n; j++)
                if ((rc = emit(self, w, &m, d->chars[j]))) { r.ok = rc < 0 ? -1 : 0; return r; }
            prev_space = 0;
        } else {
            if ((rc = emit(self, w, &m, c))) { r.ok = rc < 0 ? -1 : 0; return r; }
            prev_space = c == ' ';
        }
    }
    if (work_tokens(w, m / 2 + 2) < 0) { r.ok = -1; return r; }
    if (m / 2 + 2 > *ecap) {
        Py_ssize_t cap = *ecap ? *ecap : 256;
        while (cap < m / 2 + 2) cap *= 2;
        TokExt *ne = PyMem_Realloc(*ext, (size_t)cap * sizeof(TokExt));
        if (!ne) { PyErr_NoMemory(); r.ok = -1; return r; }
        *ext = ne;
        *ecap = cap;
    }
    Py_ssize_t n = 0, caps = 0, excl = 0, ques = 0;
    rc = tokenize_ext(self, w, w->cls, IDENTITY, m, 0, &n, &caps, &excl, &ques, *ext);
    if (rc) { r.ok = rc < 0 ? -1 : 0; return r; }
    r = score_tokens(self, w, w->tok, n, caps, excl, ques, w->cand, w->ncand, 0, 1, -1);
    *tn_out = n;
    *aligned = !replaced && m == len;
    return r;
}

/* ------------------------------------------------------------------------------------- rounding */


/* Python's round(x, ndigits) for a float, 0 <= ndigits <= 4, as a new float object.
 *
 * CPython rounds x to the nearest multiple of 10**-ndigits of its *exact* binary value, ties to the even
 * last digit (_Py_dg_dtoa mode 3), and converts that decimal back to the nearest double (_Py_dg_strtod),
 * negative results that round to zero giving -0.0. Here |x| * 10**ndigits is computed exactly in 128-bit
 * integers (|x| = m * 2**-sh with m < 2**53, the power of ten < 2**14), rounded half-even to the integer
 * q, and q / 10**ndigits is the nearest double to that decimal because IEEE division is correctly rounded.
 * Outside |x| <= 1, or without 128-bit integers, Python's own round() is called. */
static int
round_to(double x, int ndigits, double *out)
{
#if defined(__SIZEOF_INT128__)
    static const uint64_t POW10[] = {1, 10, 100, 1000, 10000};
    if (ndigits >= 0 && ndigits <= 4 && fabs(x) <= 1.0) {
        if (x == 0.0) { *out = x; return 0; } /* keeps the sign of zero, as round() does */
        uint64_t bits;
        memcpy(&bits, &x, sizeof(bits));
        unsigned bexp = (unsigned)(bits >> 52) & 0x7ffu;
        /* |x| = m * 2**-sh exactly: a normal x has the implicit bit, a subnormal one (bexp 0) does not */
        uint64_t m = (bits & (((uint64_t)1 << 52) - 1)) | (bexp ? (uint64_t)1 << 52 : 0);
        int sh = bexp ? 1075 - (int)bexp : 1074; /* >= 52 as |x| <= 1 */
        uint64_t q;
        unsigned __int128 p = (unsigned __int128)m * POW10[ndigits]; /* < 2**67 */
        if (sh >= 68) {
            q = 0; /* |x| * 10**ndigits < 2**67 * 2**-68 = 1/2 */
        } else {
            uint64_t k = (uint64_t)(p >> sh);
            unsigned __int128 rem = p - ((unsigned __int128)k << sh);
            unsigned __int128 half = (unsigned __int128)1 << (sh - 1);
            q = rem > half ? k + 1 : rem < half ? k : k + (k & 1);
        }
        double r = (double)q / (double)POW10[ndigits];
        *out = copysign(r, x);
        return 0;
    }
#endif
    PyObject *fx = PyFloat_FromDouble(x);
    if (!fx) return -1;
    PyObject *res = PyObject_CallFunction(BUILTIN_ROUND, "Oi", fx, ndigits);
    Py_DECREF(fx);
    if (!res) return -1;
    double v = PyFloat_AsDouble(res);
    Py_DECREF(res);
    if (v == -1.0 && PyErr_Occurred()) return -1;
    *out = v;
    return 0;
}

/* round_to as a new float object. */
static PyObject *
py_round(double x, int ndigits)
{
    double v;
    if (round_to(x, ndigits, &v) < 0) return NULL;
    return PyFloat_FromDouble(v);
}

static PyObject *
vc_round(PyObject *module, PyObject *args)
{
    double x;
    int ndigits;
    if (!PyArg_ParseTuple(args, "di", &x, &ndigits)) return NULL;
    return py_round(x, ndigits);
}

/* ------------------------------------------------------------------------------------- methods */

static PyObject *
result_compound(Result r)
{
    if (r.ok < 0) return NULL;
    if (r.ok == 0) Py_RETURN_NONE;
    return py_round(r.compound, 4);
}

/* upstream's dict: {"neg": round(neg, 3), "neu": round(neu, 3), "pos": round(pos, 3), "compound": round(c, 4)} */
static PyObject *
result_scores(Result r)
{
    if (r.ok < 0) return NULL;
    if (r.ok == 0) Py_RETURN_NONE;
    PyObject *d = PyDict_New();
    if (!d) return NULL;
    PyObject *keys[4] = {KEY_NEG, KEY_NEU, KEY_POS, KEY_COMPOUND};
    double vals[4] = {r.neg, r.neu, r.pos, r.compound};
    for (int i = 0; i < 4; i++) {
        PyObject *v = py_round(vals[i], i == 3 ? 4 : 3);
        if (!v || PyDict_SetItem(d, keys[i], v) < 0) {
            Py_XDECREF(v);
            Py_DECREF(d);
            return NULL;
        }
        Py_DECREF(v);
    }
    return d;
}

static PyObject *
result_raw(Result r)
{
    if (r.ok < 0) return NULL;
    if (r.ok == 0) Py_RETURN_NONE;
    PyObject *t = PyTuple_New(4);
    if (!t) return NULL;
    double vals[4] = {r.neg, r.neu, r.pos, r.compound};
    for (int i = 0; i < 4; i++) {
        PyObject *v = PyFloat_FromDouble(vals[i]);
        if (!v) { Py_DECREF(t); return NULL; }
        PyTuple_SET_ITEM(t, i, v);
    }
    return t;
}

/* (results, declined): one result per text, None where the text is left to the Python path, whose
 * positions are listed in declined. */
static PyObject *
many(Core *self, PyObject *texts, PyObject *(*wrap)(Result))
{
    PyObject *seq = PySequence_Fast(texts, "texts must be a sequence of str");
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    PyObject *out = PyList_New(n), *declined = PyList_New(0);
    Work w;
    memset(&w, 0, sizeof(w));
    if (!out || !declined) goto fail;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = wrap(score_text(self, &w, items[i]));
        if (!x) goto fail;
        PyList_SET_ITEM(out, i, x);
        if (x == Py_None) {
            PyObject *pos = PyLong_FromSsize_t(i);
            if (!pos || PyList_Append(declined, pos) < 0) { Py_XDECREF(pos); goto fail; }
            Py_DECREF(pos);
        }
    }
    work_free(&w);
    Py_DECREF(seq);
    PyObject *res = PyTuple_Pack(2, out, declined);
    Py_DECREF(out);
    Py_DECREF(declined);
    return res;
fail:
    work_free(&w);
    Py_XDECREF(out);
    Py_XDECREF(declined);
    Py_DECREF(seq);
    return NULL;
}

static PyObject *
one(Core *self, PyObject *text, PyObject *(*wrap)(Result))
{
    Work w;
    memset(&w, 0, sizeof(w));
    PyObject *x = wrap(score_text(self, &w, text));
    work_free(&w);
    return x;
}

static PyObject *Core_compound(Core *self, PyObject *t) { return one(self, t, result_compound); }
static PyObject *Core_scores(Core *self, PyObject *t) { return one(self, t, result_scores); }
static PyObject *Core_raw(Core *self, PyObject *t) { return one(self, t, result_raw); }
static PyObject *Core_compound_many(Core *self, PyObject *t) { return many(self, t, result_compound); }
static PyObject *Core_scores_many(Core *self, PyObject *t) { return many(self, t, result_scores); }

/* ------------------------------------------------------------------------------------- into arrays */

/* A C-contiguous buffer of n items of size bytes each (numpy arrays: int64 / float64). */
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

static int
append_index(PyObject *list, Py_ssize_t i)
{
    PyObject *pos = PyLong_FromSsize_t(i);
    if (!pos) return -1;
    int rc = PyList_Append(list, pos);
    Py_DECREF(pos);
    return rc;
}

/* scores_into(texts, out) -> declined: out (a float64 buffer of 4 * len(texts)) gets each text's
 * round(neg, 3), round(neu, 3), round(pos, 3), round(compound, 4) (upstream's dict values, in its key
 * order); the texts left to the Python path get NaN and their positions are returned. */
static PyObject *
Core_scores_into(Core *self, PyObject *args)
{
    PyObject *texts;
    Py_buffer ob;
    if (!PyArg_ParseTuple(args, "Ow*", &texts, &ob)) return NULL;
    PyObject *seq = PySequence_Fast(texts, "texts must be a sequence of str");
    PyObject *declined = NULL;
    Work w;
    memset(&w, 0, sizeof(w));
    if (!seq) goto fail;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    if (check_buffer(&ob, 4 * n, sizeof(double), "out") < 0) goto fail;
    double *out = (double *)ob.buf;
    declined = PyList_New(0);
    if (!declined) goto fail;
    for (Py_ssize_t i = 0; i < n; i++) {
        Result r = score_text(self, &w, items[i]);
        double *o = out + 4 * i;
        if (r.ok < 0) goto fail;
        if (r.ok == 0) {
            o[0] = o[1] = o[2] = o[3] = Py_NAN;
            if (append_index(declined, i) < 0) goto fail;
            continue;
        }
        if (round_to(r.neg, 3, o) < 0 || round_to(r.neu, 3, o + 1) < 0 || round_to(r.pos, 3, o + 2) < 0
            || round_to(r.compound, 4, o + 3) < 0)
            goto fail;
    }
    work_free(&w);
    Py_DECREF(seq);
    PyBuffer_Release(&ob);
    return declined;
fail:
    work_free(&w);
    Py_XDECREF(seq);
    Py_XDECREF(declined);
    PyBuffer_Release(&ob);
    return NULL;
}

/* Whether a str is non-empty and not all str.isspace() characters: a part review_string keeps. */
static int
part_present(PyObject *s)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *d = PyUnicode_DATA(s);
    for (Py_ssize_t k = 0; k < n; k++)
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, d, k))) return 1;
    return 0;
}

/* joined_scores_into(firsts, seconds, sep, out) -> declined: as scores_into of the strings
 * sep.join(p for p in (firsts[i], seconds[i]) if p and not p.isspace()) ("" when neither part is kept), without
 * a str per pair: two ASCII parts are joined in a scratch buffer (a non-ASCII pair is joined as a str). Pairs
 * with a part that is not an exact str, and those the core leaves to Python, get NaN and are returned. */
static PyObject *
Core_joined_scores_into(Core *self, PyObject *args)
{
    PyObject *firsts, *seconds, *sep;
    Py_buffer ob;
    if (!PyArg_ParseTuple(args, "OOUw*", &firsts, &seconds, &sep, &ob)) return NULL;
    PyObject *fa = PySequence_Fast(firsts, "firsts must be a sequence of str");
    PyObject *fb = fa ? PySequence_Fast(seconds, "seconds must be a sequence of str") : NULL;
    PyObject *declined = NULL;
    unsigned char *buf = NULL;
    Py_ssize_t bcap = 0;
    Work w;
    memset(&w, 0, sizeof(w));
    if (!fa || !fb) goto fail;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(sep) < 0) goto fail;
#endif
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fa);
    if (PySequence_Fast_GET_SIZE(fb) != n) {
        PyErr_Format(PyExc_ValueError, "firsts and seconds differ in length: %zd, %zd", n,
                     PySequence_Fast_GET_SIZE(fb));
        goto fail;
    }
    PyObject **as = PySequence_Fast_ITEMS(fa), **bs = PySequence_Fast_ITEMS(fb);
    if (check_buffer(&ob, 4 * n, sizeof(double), "out") < 0) goto fail;
    double *out = (double *)ob.buf;
    const int sep_ascii = PyUnicode_IS_ASCII(sep);
    const Py_ssize_t slen = PyUnicode_GET_LENGTH(sep);
    declined = PyList_New(0);
    if (!declined) goto fail;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *a = as[i], *b = bs[i];
        double *o = out + 4 * i;
        Result r = {0, 0.0, 0.0, 0.0, 0.0};
        if (PyUnicode_CheckExact(a) && PyUnicode_CheckExact(b)) {
#if PY_VERSION_HEX < 0x030C0000
            if (PyUnicode_READY(a) < 0 || PyUnicode_READY(b) < 0) goto fail;
#endif
            int pa = part_present(a), pb = part_present(b);
            if (pa && pb) {
                if (sep_ascii && PyUnicode_IS_ASCII(a) && PyUnicode_IS_ASCII(b)) {
                    Py_ssize_t la = PyUnicode_GET_LENGTH(a), lb = PyUnicode_GET_LENGTH(b), len = la + slen + lb;
                    if (len > bcap) {
                        Py_ssize_t cap = bcap ? bcap : 1024;
                        while (cap < len) cap *= 2;
                        unsigned char *nb = PyMem_Realloc(buf, (size_t)cap);
                        if (!nb) { PyErr_NoMemory(); goto fail; }
                        buf = nb;
                        bcap = cap;
                    }
                    memcpy(buf, PyUnicode_DATA(a), (size_t)la);
                    memcpy(buf + la, PyUnicode_DATA(sep), (size_t)slen);
                    memcpy(buf + la + slen, PyUnicode_DATA(b), (size_t)lb);
                    r = score_data(self, &w, PyUnicode_1BYTE_KIND, buf, len, 1);
                } else {
                    PyObject *head = PyUnicode_Concat(a, sep);
                    PyObject *joined = head ? PyUnicode_Concat(head, b) : NULL;
                    Py_XDECREF(head);
                    if (!joined) goto fail;
                    r = score_text(self, &w, joined);
                    Py_DECREF(joined);
                }
            } else if (pa || pb) {
                r = score_text(self, &w, pa ? a : b);
            } else {
                r.ok = 1; /* polarity_scores(""): every score 0.0 */
            }
        }
        if (r.ok < 0) goto fail;
        if (r.ok == 0) {
            o[0] = o[1] = o[2] = o[3] = Py_NAN;
            if (append_index(declined, i) < 0) goto fail;
            continue;
        }
        if (round_to(r.neg, 3, o) < 0 || round_to(r.neu, 3, o + 1) < 0 || round_to(r.pos, 3, o + 2) < 0
            || round_to(r.compound, 4, o + 3) < 0)
            goto fail;
    }
    PyMem_Free(buf);
    work_free(&w);
    Py_DECREF(fa);
    Py_DECREF(fb);
    PyBuffer_Release(&ob);
    return declined;
fail:
    PyMem_Free(buf);
    work_free(&w);
    Py_XDECREF(fa);
    Py_XDECREF(fb);
    Py_XDECREF(declined);
    PyBuffer_Release(&ob);
    return NULL;
}

/* The spans of one compound_spans / joined_spans_into call: texts[owner[k]][start[k]:end[k]] for each k, the
 * memo of equal spans and what became of each span. */
typedef struct {
    PyObject **items;       /* the texts */
    Py_ssize_t n;
    const int64_t *own, *st, *en;
    Py_ssize_t ns;
    double *out;
    uint64_t *slots;        /* the memo: (32 bits of the hash) << 32 | (span index + 1); 0 empty */
    size_t cap;
    unsigned char *state;   /* per span: 0 not yet, 1 scored, 2 left to Python */
    PyObject *declined;     /* positions left to Python */
    int64_t *words;         /* when not NULL: per span its str.split() pieces where known, else -1 */
} SpanJob;

static void
span_job_free(SpanJob *j)
{
    PyMem_Free(j->slots);
    PyMem_Free(j->state);
    Py_XDECREF(j->declined);
    memset(j, 0, sizeof(*j));
}

/* Check the buffers and every span (the first bad one, in span order, raises), allocate the memo. */
static int
span_job_init(SpanJob *j, PyObject *seq, Py_buffer *bo, Py_buffer *bs, Py_buffer *be, Py_buffer *bout)
{
    memset(j, 0, sizeof(*j));
    j->n = PySequence_Fast_GET_SIZE(seq);
    j->items = PySequence_Fast_ITEMS(seq);
    Py_ssize_t ns = bo->len / (Py_ssize_t)sizeof(int64_t);
    if (check_buffer(bo, ns, sizeof(int64_t), "owner") < 0 || check_buffer(bs, ns, sizeof(int64_t), "start") < 0
        || check_buffer(be, ns, sizeof(int64_t), "end") < 0 || check_buffer(bout, ns, sizeof(double), "out") < 0)
        return -1;
    j->ns = ns;
    j->own = (const int64_t *)bo->buf;
    j->st = (const int64_t *)bs->buf;
    j->en = (const int64_t *)be->buf;
    j->out = (double *)bout->buf;
    if (ns >= (Py_ssize_t)UINT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "too many spans for one call");
        return -1;
    }
    for (Py_ssize_t i = 0; i < ns; i++) {
        int64_t o = j->own[i], a = j->st[i], b = j->en[i];
        if (o < 0 || o >= j->n) {
            PyErr_Format(PyExc_IndexError, "span %zd: owner %lld outside the %zd texts", i, (long long)o, j->n);
            return -1;
        }
        PyObject *text = j->items[o];
        if (!PyUnicode_CheckExact(text)) continue; /* left to the Python path, which raises or handles it */
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(text) < 0) return -1;
#endif
        Py_ssize_t len = PyUnicode_GET_LENGTH(text);
        if (a < 0 || b < a || b > len) {
            PyErr_Format(PyExc_IndexError, "span %zd: [%lld, %lld) outside text %lld of length %zd", i,
                         (long long)a, (long long)b, (long long)o, len);
            return -1;
        }
    }
    size_t cap = 16;
    while (cap < (size_t)ns + (size_t)ns / 2) cap <<= 1; /* load factor at most 2/3 */
    j->cap = cap;
    j->slots = (uint64_t *)PyMem_Calloc(cap, sizeof(uint64_t));
    j->state = (unsigned char *)PyMem_Calloc(ns ? (size_t)ns : 1, 1);
    j->declined = PyList_New(0);
    if (!j->slots || !j->state) { PyErr_NoMemory(); return -1; }
    return j->declined ? 0 : -1;
}

/* The tokens of the string a span's text sits in (Core_joined_spans_into: the review string), or none. */
typedef struct {
    Work *w;            /* its tokens and lower-case bytes; NULL: none */
    const TokExt *ext;
    Py_ssize_t n;       /* tokens */
    Py_ssize_t off;     /* where the span's text begins in that string */
    Py_ssize_t hint;    /* where the last span's tokens ended: the next one's search starts there */
    Py_ssize_t chint;   /* and where its candidates (w->cand) ended */
} SpanTokens;

/* Score span i (0 or -1 on error). When tk has tokens and the span's edges cut none of them, its tokens are
 * a stretch of those (str.split() of the span: the same pieces, stripped, cased and looked up alike; its '!',
 * '?' and upper-case counts are differences of the running counts). Otherwise an equal span scored already
 * (through the memo) gives its value, or it is scored on its own with w. */
static int
span_do(Core *self, SpanJob *j, Py_ssize_t i, Work *w, SpanTokens *tk)
{
    int64_t o = j->own[i], a = j->st[i], b = j->en[i];
    PyObject *text = j->items[o];
    double *out = j->out;
    Result r = {0, 0.0, 0.0, 0.0, 0.0};
    if (tk && tk->w) { /* from the tokens, when the span's edges cut none (cheaper than the memo's lookup) */
        const TokExt *ext = tk->ext;
        Py_ssize_t ta = tk->off + a, tb = tk->off + b, tn = tk->n;
        Py_ssize_t lo = tk->hint, hi = tn;
        if (lo >= 0 && lo <= tn && (lo == 0 || ext[lo - 1].raw_b <= ta)) {
            /* spans in text order (sentences): every token before the hint ends by ta, so the first token
             * ending after ta is at or after it, and near */
            while (lo < tn && ext[lo].raw_b <= ta) lo++;
        } else {
            lo = 0;
            while (lo < hi) { /* the first token ending after ta */
                Py_ssize_t mid = lo + (hi - lo) / 2;
                if (ext[mid].raw_b > ta) hi = mid;
                else lo = mid + 1;
            }
        }
        hi = lo;
        while (hi < tn && ext[hi].raw_a < tb) hi++;
        tk->hint = hi;
        if (hi == lo) { /* no token: as polarity_scores of whitespace */
            r.ok = 1;
        } else if (ext[lo].raw_a >= ta && ext[hi - 1].raw_b <= tb) {
            Py_ssize_t caps = ext[hi - 1].caps, excl = ext[hi - 1].excl, ques = ext[hi - 1].ques;
            if (lo > 0) {
                caps -= ext[lo - 1].caps;
                excl -= ext[lo - 1].excl;
                ques -= ext[lo - 1].ques;
            }
            /* the candidates within [lo, hi): after the last span's when this one starts after them */
            const int32_t *cand = tk->w->cand;
            Py_ssize_t nc = tk->w->ncand, ca = tk->chint;
            if (ca < 0 || ca > nc || (ca > 0 && cand[ca - 1] >= lo)) ca = 0;
            while (ca < nc && cand[ca] < lo) ca++;
            Py_ssize_t cb = ca;
            while (cb < nc && cand[cb] < hi) cb++;
            tk->chint = cb;
            r = score_tokens(self, tk->w, tk->w->tok + lo, hi - lo, caps, excl, ques, cand + ca, cb - ca, lo, 0, ca);
            if (r.ok < 0) return -1;
        }
        if (r.ok > 0) { /* (the ASCII path never leaves a text to Python) */
            j->state[i] = 1;
            if (j->words) j->words[i] = hi - lo; /* VADER's tokens are the span's str.split() pieces */
            return round_to(r.compound, 4, out + i);
        }
    }
    if (j->words) j->words[i] = -1;
    if (!PyUnicode_CheckExact(text)) {
        out[i] = Py_NAN;
        j->state[i] = 2;
        return append_index(j->declined, i);
    }
    int kind = PyUnicode_KIND(text);
    const unsigned char *p = (const unsigned char *)PyUnicode_DATA(text) + (size_t)a * (size_t)kind;
    Py_ssize_t m = (Py_ssize_t)(b - a), nbytes = m * kind;
    uint64_t h = hash_bytes(p, nbytes) ^ ((uint64_t)kind << 61);
    uint64_t tag = h & 0xFFFFFFFF00000000ULL;
    size_t cap = j->cap;
    size_t at = (size_t)h & (cap - 1);
    while (j->slots[at]) {
        uint64_t sl = j->slots[at];
        Py_ssize_t k = (Py_ssize_t)(sl & 0xFFFFFFFFULL) - 1;
        if ((sl & 0xFFFFFFFF00000000ULL) == tag) {
            PyObject *tk2 = j->items[j->own[k]];
            int kk = PyUnicode_KIND(tk2);
            if (kk == kind && j->en[k] - j->st[k] == m
                && memcmp((const unsigned char *)PyUnicode_DATA(tk2) + (size_t)j->st[k] * (size_t)kk, p,
                          (size_t)nbytes) == 0) { /* scored already */
                out[i] = out[k];
                j->state[i] = j->state[k];
                if (j->words) j->words[i] = j->words[k];
                return j->state[k] == 2 ? append_index(j->declined, i) : 0;
            }
        }
        at = (at + 1) & (cap - 1);
    }
    j->slots[at] = tag | (uint64_t)(i + 1);
    int ascii = PyUnicode_IS_ASCII(text);
    if (!ascii && kind == PyUnicode_1BYTE_KIND) { /* an ASCII stretch of a Latin-1 text */
        ascii = 1;
        for (Py_ssize_t k = 0; k < m; k++)
            if (p[k] >= 128) { ascii = 0; break; }
    }
    r = score_data(self, w, kind, p, m, ascii);
    if (r.ok < 0) return -1;
    if (r.ok == 0) {
        out[i] = Py_NAN;
        j->state[i] = 2;
        return append_index(j->declined, i);
    }
    /* ASCII without emoji: the tokens are the str.split() pieces (an emoji description would add some) */
    if (j->words && ascii && !self->any_ascii_emoji) j->words[i] = r.ntok;
    j->state[i] = 1;
    return round_to(r.compound, 4, out + i);
}

/* compound_spans(texts, owner, start, end, out) -> declined: for each span k (int64 buffers owner, start,
 * end), out[k] (a float64 buffer) = round(compound, 4) of texts[owner[k]][start[k]:end[k]], read in place (no
 * str per span). Equal spans (same code points, same string kind) are scored once per call. Spans left to the
 * Python path get NaN and their positions are returned. */
static PyObject *
Core_compound_spans(Core *self, PyObject *args)
{
    PyObject *texts;
    Py_buffer bo, bs, be, bout;
    if (!PyArg_ParseTuple(args, "Oy*y*y*w*", &texts, &bo, &bs, &be, &bout)) return NULL;
    PyObject *seq = PySequence_Fast(texts, "texts must be a sequence of str");
    PyObject *declined = NULL;
    SpanJob job;
    memset(&job, 0, sizeof(job));
    Work w;
    memset(&w, 0, sizeof(w));
    if (!seq) goto done;
    if (span_job_init(&job, seq, &bo, &bs, &be, &bout) < 0) goto done;
    for (Py_ssize_t i = 0; i < job.ns; i++)
        if (span_do(self, &job, i, &w, NULL) < 0) goto done;
    declined = job.declined;
    job.declined = NULL;
done:
    span_job_free(&job);
    work_free(&w);
    Py_XDECREF(seq);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bs);
    PyBuffer_Release(&be);
    PyBuffer_Release(&bout);
    return declined;
}

/* The next text's str object asked for while this one is worked on: a block's texts (~10 MB) are out of the
 * caches by the time a pass over them reads them, and the first read of each (its header, then its first bytes)
 * waited for memory. The header and first PREFETCH_LINES cache lines of the object (a compact str's characters
 * follow its header); the hardware prefetcher follows the rest as the pass walks on. Reads nothing itself, and
 * prefetching past an object's end is harmless (a prefetch never faults). */
#define PREFETCH_LINES 4
static inline void
prefetch_str(const PyObject *x)
{
#if defined(__GNUC__)
    const char *p = (const char *)x;
    for (int k = 0; k < PREFETCH_LINES; k++) __builtin_prefetch(p + 64 * k);
#else
    (void)x;
#endif
}

/* prefetch_str of a title (its header and first line) and of a text. */
static inline void
prefetch_pair(const PyObject *a, const PyObject *b)
{
#if defined(__GNUC__)
    __builtin_prefetch((const char *)a);
    __builtin_prefetch((const char *)a + 64);
#endif
    prefetch_str(b);
}

/* joined_spans_into(firsts, seconds, sep, out, texts, owner, start, end, outc) -> (declined, declined_spans):
 * joined_scores_into(firsts, seconds, sep, out) and compound_spans(texts, owner, start, end, outc) in one pass.
 * The spans of seconds[i] (owner i, where texts[i] is seconds[i]) that follow one another in the span order
 * are scored right after pair i; when pair i was scored from ASCII tokens, a span whose edges cut no token is
 * scored from a stretch of the joined string's tokens (the separator must be whitespace for that, or a part
 * left out) instead of being tokenized again. Every other span is scored as compound_spans scores it. */
static PyObject *
Core_joined_spans_into(Core *self, PyObject *args)
{
    PyObject *firsts, *seconds, *sep, *texts, *words_obj = Py_None;
    Py_buffer ob, bo, bs, be, bout, bw;
    if (!PyArg_ParseTuple(args, "OOUw*Oy*y*y*w*|O", &firsts, &seconds, &sep, &ob, &texts, &bo, &bs, &be, &bout,
                          &words_obj))
        return NULL;
    memset(&bw, 0, sizeof(bw));
    if (words_obj != Py_None && PyObject_GetBuffer(words_obj, &bw, PyBUF_WRITABLE | PyBUF_FORMAT) < 0) {
        PyBuffer_Release(&ob);
        PyBuffer_Release(&bo);
        PyBuffer_Release(&bs);
        PyBuffer_Release(&be);
        PyBuffer_Release(&bout);
        return NULL;
    }
    PyObject *fa = PySequence_Fast(firsts, "firsts must be a sequence of str");
    PyObject *fb = fa ? PySequence_Fast(seconds, "seconds must be a sequence of str") : NULL;
    PyObject *seq = fb ? PySequence_Fast(texts, "texts must be a sequence of str") : NULL;
    PyObject *declined = NULL, *result = NULL;
    unsigned char *buf = NULL;
    Py_ssize_t bcap = 0, ecap = 0;
    TokExt *ext = NULL;
    SpanJob job;
    memset(&job, 0, sizeof(job));
    Work w, wf; /* w: the pair's tokens; wf: spans scored on their own */
    memset(&w, 0, sizeof(w));
    memset(&wf, 0, sizeof(wf));
    if (!seq) goto done;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(sep) < 0) goto done;
#endif
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fa);
    if (PySequence_Fast_GET_SIZE(fb) != n) {
        PyErr_Format(PyExc_ValueError, "firsts and seconds differ in length: %zd, %zd", n,
                     PySequence_Fast_GET_SIZE(fb));
        goto done;
    }
    PyObject **as = PySequence_Fast_ITEMS(fa), **bs2 = PySequence_Fast_ITEMS(fb);
    if (check_buffer(&ob, 4 * n, sizeof(double), "out") < 0) goto done;
    if (span_job_init(&job, seq, &bo, &bs, &be, &bout) < 0) goto done;
    if (words_obj != Py_None) {
        if (check_buffer(&bw, job.ns, sizeof(int64_t), "words") < 0) goto done;
        if (bw.format && strcmp(bw.format, "q") != 0 && strcmp(bw.format, "l") != 0) {
            PyErr_SetString(PyExc_TypeError, "words must be an int64 buffer");
            goto done;
        }
        job.words = (int64_t *)bw.buf;
    }
    double *out = (double *)ob.buf;
    const int sep_ascii = PyUnicode_IS_ASCII(sep);
    const Py_ssize_t slen = PyUnicode_GET_LENGTH(sep);
    /* the separator keeps the parts' tokens apart: all of it whitespace (and not empty) */
    int sep_space = slen > 0 && sep_ascii;
    for (Py_ssize_t k = 0; sep_space && k < slen; k++)
        if (!(ASCII_CLASS[PyUnicode_1BYTE_DATA(sep)[k]] & C_SPACE)) sep_space = 0;
    const int tokens_ok = !self->any_ascii_emoji;
    declined = PyList_New(0);
    if (!declined) goto done;
    Py_ssize_t cur = 0; /* the next span in span order */
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *a = as[i], *b = bs2[i];
        if (i + 1 < n) prefetch_pair(as[i + 1], bs2[i + 1]);
        double *o = out + 4 * i;
        Result r = {0, 0.0, 0.0, 0.0, 0.0};
        SpanTokens tk = {NULL, NULL, 0, 0, 0, 0};
        if (PyUnicode_CheckExact(a) && PyUnicode_CheckExact(b)) {
#if PY_VERSION_HEX < 0x030C0000
            if (PyUnicode_READY(a) < 0 || PyUnicode_READY(b) < 0) goto done;
#endif
            int pa = part_present(a), pb = part_present(b);
            const unsigned char *src = NULL; /* an ASCII string to tokenize in place */
            Py_ssize_t len = 0, off = 0;
            if (pa && pb && sep_ascii && PyUnicode_IS_ASCII(a) && PyUnicode_IS_ASCII(b)) {
                Py_ssize_t la = PyUnicode_GET_LENGTH(a), lb = PyUnicode_GET_LENGTH(b);
                len = la + slen + lb;
                if (len > bcap) {
                    Py_ssize_t cap = bcap ? bcap : 1024;
                    while (cap < len) cap *= 2;
                    unsigned char *nb = PyMem_Realloc(buf, (size_t)cap);
                    if (!nb) { PyErr_NoMemory(); goto done; }
                    buf = nb;
                    bcap = cap;
                }
                memcpy(buf, PyUnicode_DATA(a), (size_t)la);
                memcpy(buf + la, PyUnicode_DATA(sep), (size_t)slen);
                memcpy(buf + la + slen, PyUnicode_DATA(b), (size_t)lb);
                src = buf;
                off = sep_space ? la + slen : -1;
            } else if (pb && !pa && PyUnicode_IS_ASCII(b)) {
                src = PyUnicode_1BYTE_DATA(b);
                len = PyUnicode_GET_LENGTH(b);
            } else if (pa && !pb && PyUnicode_IS_ASCII(a)) {
                src = PyUnicode_1BYTE_DATA(a);
                len = PyUnicode_GET_LENGTH(a);
                off = -1;
            }
            if (src && tokens_ok) { /* score_data's ASCII path, its tokens kept for the spans */
                Py_ssize_t tn = 0, caps = 0, excl = 0, ques = 0;
                if (work_chars(&w, len + 1) < 0 || work_tokens(&w, len / 2 + 2) < 0) goto done;
                if (len / 2 + 2 > ecap) {
                    Py_ssize_t cap = ecap ? ecap : 256;
                    while (cap < len / 2 + 2) cap *= 2;
                    TokExt *ne = PyMem_Realloc(ext, (size_t)cap * sizeof(TokExt));
                    if (!ne) { PyErr_NoMemory(); goto done; }
                    ext = ne;
                    ecap = cap;
                }
                if (tokenize_ext(self, &w, src, ASCII_CLASS, len, 1, &tn, &caps, &excl, &ques, ext) < 0) goto done;
                r = score_tokens(self, &w, w.tok, tn, caps, excl, ques, w.cand, w.ncand, 0, 1, -1);
                if (off >= 0 && i < job.n && job.items[i] == b) {
                    tk.w = &w;
                    tk.ext = ext;
                    tk.n = tn;
                    tk.off = off;
                }
            } else if (src) {
                r = score_data(self, &w, PyUnicode_1BYTE_KIND, src, len, 1);
            } else if ((pa && pb && sep_space) || (pb && !pa)) {
                /* a text that is not ASCII: its tokens kept for its spans too, as above, when no emoji
                 * description moved its characters */
                PyObject *joined = b;
                Py_INCREF(joined);
                Py_ssize_t joff = 0, tn = 0;
                if (pa) {
                    PyObject *head = PyUnicode_Concat(a, sep);
                    Py_SETREF(joined, head ? PyUnicode_Concat(head, b) : NULL);
                    Py_XDECREF(head);
                    if (!joined) goto done;
                    joff = PyUnicode_GET_LENGTH(a) + slen;
                }
                int aligned = 0;
                r = score_text_ext(self, &w, joined, &ext, &ecap, &tn, &aligned);
                Py_DECREF(joined);
                if (r.ok > 0 && aligned && tokens_ok && i < job.n && job.items[i] == b) {
                    tk.w = &w;
                    tk.ext = ext;
                    tk.n = tn;
                    tk.off = joff;
                }
            } else if (pa && pb) {
                PyObject *head = PyUnicode_Concat(a, sep);
                PyObject *joined = head ? PyUnicode_Concat(head, b) : NULL;
                Py_XDECREF(head);
                if (!joined) goto done;
                r = score_text(self, &w, joined);
                Py_DECREF(joined);
            } else if (pa || pb) {
                r = score_text(self, &w, pa ? a : b);
            } else {
                r.ok = 1; /* polarity_scores(""): every score 0.0 */
            }
        }
        if (r.ok < 0) goto done;
        if (r.ok == 0) {
            o[0] = o[1] = o[2] = o[3] = Py_NAN;
            if (append_index(declined, i) < 0) goto done;
        } else if (round_to(r.neg, 3, o) < 0 || round_to(r.neu, 3, o + 1) < 0 || round_to(r.pos, 3, o + 2) < 0
                   || round_to(r.compound, 4, o + 3) < 0) {
            goto done;
        }
        for (; cur < job.ns && job.own[cur] == i; cur++)
            if (span_do(self, &job, cur, &wf, &tk) < 0) goto done;
    }
    for (Py_ssize_t k = 0; k < job.ns; k++) /* titles' spans, and any out of order */
        if (!job.state[k] && span_do(self, &job, k, &wf, NULL) < 0) goto done;
    result = PyTuple_Pack(2, declined, job.declined);
done:
    PyMem_Free(buf);
    PyMem_Free(ext);
    span_job_free(&job);
    work_free(&w);
    work_free(&wf);
    Py_XDECREF(fa);
    Py_XDECREF(fb);
    Py_XDECREF(seq);
    Py_XDECREF(declined);
    PyBuffer_Release(&ob);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bs);
    PyBuffer_Release(&be);
    PyBuffer_Release(&bout);
    if (words_obj != Py_None) PyBuffer_Release(&bw);
    return result;
}

static PyMethodDef Core_methods[] = {
    {"compound", (PyCFunction)Core_compound, METH_O,
     "compound(text) -> polarity_scores(text)['compound'], or None when the text is left to the Python path"},
    {"scores", (PyCFunction)Core_scores, METH_O,
     "scores(text) -> the polarity_scores(text) dict, or None when the text is left to the Python path"},
    {"raw", (PyCFunction)Core_raw, METH_O,
     "raw(text) -> unrounded (neg, neu, pos, compound), or None when the text is left to the Python path"},
    {"compound_many", (PyCFunction)Core_compound_many, METH_O,
     "compound_many(texts) -> (list of compound() per text, positions of the texts left to Python)"},
    {"scores_many", (PyCFunction)Core_scores_many, METH_O,
     "scores_many(texts) -> (list of scores() per text, positions of the texts left to Python)"},
    {"scores_into", (PyCFunction)Core_scores_into, METH_VARARGS,
     "scores_into(texts, out) -> positions left to Python; out (float64, 4 per text) gets neg, neu, pos, compound"},
    {"joined_scores_into", (PyCFunction)Core_joined_scores_into, METH_VARARGS,
     "joined_scores_into(firsts, seconds, sep, out) -> positions left to Python; out (float64, 4 per pair) gets "
     "scores_into of sep.join(each pair's parts that are not empty or whitespace), no str per pair"},
    {"compound_spans", (PyCFunction)Core_compound_spans, METH_VARARGS,
     "compound_spans(texts, owner, start, end, out) -> positions left to Python; out[k] gets the compound of "
     "texts[owner[k]][start[k]:end[k]] (int64 spans, float64 out; equal spans scored once)"},
    {"joined_spans_into", (PyCFunction)Core_joined_spans_into, METH_VARARGS,
     "joined_spans_into(firsts, seconds, sep, out, texts, owner, start, end, outc) -> (positions, span positions) "
     "left to Python: joined_scores_into and compound_spans in one pass, a text's spans scored from the tokens "
     "of its pair's joined string where their edges cut no token"},
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
    if (self->words.entries) { PyErr_SetString(PyExc_RuntimeError, "Core is already initialised"); return -1; }
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
        if (c < 128) { self->ascii_emoji[c] = 1; self->any_ascii_emoji = 1; }
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

/* ascii_word_counts(heads, keys, longest, tokens, words, letters): for each ASCII str of heads, the number of
 * tokens (maximal runs of ASCII letters and digits), of those tokens of at most longest (<= 8) characters whose
 * lower-cased bytes, read as a little-endian uint64, are among keys (a uint64 buffer of non-zero keys), and of ASCII
 * letters, written into the int64 buffers tokens, words and letters (reviewtools.sentiment's English
 * function-word test; its numpy path is the reference). */
/* Per byte: 2 an ASCII letter, 1 an ASCII digit, 0 anything else (the word characters of ascii_word_counts). */
static const unsigned char HC_CLASS[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['a'] = 2, ['b'] = 2, ['c'] = 2, ['d'] = 2, ['e'] = 2, ['f'] = 2, ['g'] = 2, ['h'] = 2, ['i'] = 2, ['j'] = 2,
    ['k'] = 2, ['l'] = 2, ['m'] = 2, ['n'] = 2, ['o'] = 2, ['p'] = 2, ['q'] = 2, ['r'] = 2, ['s'] = 2, ['t'] = 2,
    ['u'] = 2, ['v'] = 2, ['w'] = 2, ['x'] = 2, ['y'] = 2, ['z'] = 2,
    ['A'] = 2, ['B'] = 2, ['C'] = 2, ['D'] = 2, ['E'] = 2, ['F'] = 2, ['G'] = 2, ['H'] = 2, ['I'] = 2, ['J'] = 2,
    ['K'] = 2, ['L'] = 2, ['M'] = 2, ['N'] = 2, ['O'] = 2, ['P'] = 2, ['Q'] = 2, ['R'] = 2, ['S'] = 2, ['T'] = 2,
    ['U'] = 2, ['V'] = 2, ['W'] = 2, ['X'] = 2, ['Y'] = 2, ['Z'] = 2,
};

static inline __attribute__((always_inline)) uint64_t tp_load(const unsigned char *p, Py_ssize_t take, Py_ssize_t avail);

static PyObject *
vc_ascii_word_counts(PyObject *module, PyObject *args)
{
    PyObject *heads;
    Py_buffer bk, bt, bw, bl;
    int longest;
    if (!PyArg_ParseTuple(args, "Oy*iw*w*w*", &heads, &bk, &longest, &bt, &bw, &bl)) return NULL;
    PyObject *seq = PySequence_Fast(heads, "heads must be a sequence of str");
    PyObject *res = NULL;
    if (!seq) goto done;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    Py_ssize_t nk = bk.len / (Py_ssize_t)sizeof(uint64_t);
    if (check_buffer(&bk, nk, sizeof(uint64_t), "keys") < 0 || check_buffer(&bt, n, sizeof(int64_t), "tokens") < 0
        || check_buffer(&bw, n, sizeof(int64_t), "words") < 0 || check_buffer(&bl, n, sizeof(int64_t), "letters") < 0)
        goto done;
    if (longest < 0 || longest > 8) {
        PyErr_SetString(PyExc_ValueError, "longest must be between 0 and 8");
        goto done;
    }
    const uint64_t *keys = (const uint64_t *)bk.buf;
    int64_t *tokens = (int64_t *)bt.buf, *words = (int64_t *)bw.buf, *letters = (int64_t *)bl.buf;
    /* the keys in an open-addressing set (a key is never 0: every word has a first byte) */
    size_t cap = 16;
    while (cap < (size_t)nk * 4) cap <<= 1;
    int shift = 64;
    for (size_t c = cap; c > 1; c >>= 1) shift--;
    uint64_t *set = (uint64_t *)PyMem_Calloc(cap, sizeof(uint64_t));
    if (!set) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t k = 0; k < nk; k++) {
        size_t at = (size_t)((keys[k] * 0x9E3779B97F4A7C15ULL) >> shift);
        while (set[at] && set[at] != keys[k]) at = (at + 1) & (cap - 1);
        set[at] = keys[k];
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *h = items[i];
        if (!PyUnicode_CheckExact(h) || !PyUnicode_IS_ASCII(h)) {
            PyErr_Format(PyExc_ValueError, "heads[%zd] is not an ASCII str", i);
            PyMem_Free(set);
            goto done;
        }
        const unsigned char *c = (const unsigned char *)PyUnicode_DATA(h);
        Py_ssize_t len = PyUnicode_GET_LENGTH(h);
        int64_t nt = 0, nw = 0, nl = 0;
        Py_ssize_t k = 0;
        while (k < len) {
            unsigned char x = c[k];
            unsigned char lx = x | 0x20;
            int is_letter = lx >= 'a' && lx <= 'z', is_digit = x >= '0' && x <= '9';
            if (!is_letter && !is_digit) { k++; continue; }
            Py_ssize_t a = k;
            uint64_t packed = 0;
            for (; k < len; k++) {
                x = c[k];
                lx = x | 0x20;
                if (lx >= 'a' && lx <= 'z') nl++;
                else if (!(x >= '0' && x <= '9')) break;
                if (k - a < 8) packed |= (uint64_t)lx << (8 * (k - a));
            }
            nt++;
            if (k - a <= longest) {
                size_t at = (size_t)((packed * 0x9E3779B97F4A7C15ULL) >> shift);
                while (set[at] && set[at] != packed) at = (at + 1) & (cap - 1);
                nw += set[at] == packed;
            }
        }
        tokens[i] = nt;
        words[i] = nw;
        letters[i] = nl;
    }
    PyMem_Free(set);
    res = Py_None;
    Py_INCREF(res);
done:
    Py_XDECREF(seq);
    PyBuffer_Release(&bk);
    PyBuffer_Release(&bt);
    PyBuffer_Release(&bw);
    PyBuffer_Release(&bl);
    return res;
}

/* ascii_head_counts(texts, keys, longest, max_chars, tokens, words, letters, state) -> None: for each text
 * that is an ASCII str, ascii_word_counts of its head text.strip()[:max_chars] into tokens, words and letters,
 * and state 2 when the stripped text is no longer than max_chars (the head is all of it), else 1; state 0 (and
 * zero counts) for any other text. str.strip() removes the characters Py_UNICODE_ISSPACE holds. */
static PyObject *
vc_ascii_head_counts(PyObject *module, PyObject *args)
{
    PyObject *texts;
    Py_buffer bk, bt, bw, bl, bs;
    int longest;
    Py_ssize_t max_chars;
    if (!PyArg_ParseTuple(args, "Oy*inw*w*w*w*", &texts, &bk, &longest, &max_chars, &bt, &bw, &bl, &bs)) return NULL;
    PyObject *seq = PySequence_Fast(texts, "texts must be a sequence of str");
    PyObject *res = NULL;
    uint64_t *set = NULL;
    Py_ssize_t *edges = NULL, ecap = 0;
    if (!seq) goto done;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    Py_ssize_t nk = bk.len / (Py_ssize_t)sizeof(uint64_t);
    if (check_buffer(&bk, nk, sizeof(uint64_t), "keys") < 0 || check_buffer(&bt, n, sizeof(int64_t), "tokens") < 0
        || check_buffer(&bw, n, sizeof(int64_t), "words") < 0 || check_buffer(&bl, n, sizeof(int64_t), "letters") < 0
        || check_buffer(&bs, n, 1, "state") < 0)
        goto done;
    if (longest < 0 || longest > 8) {
        PyErr_SetString(PyExc_ValueError, "longest must be between 0 and 8");
        goto done;
    }
    if (max_chars < 0) {
        PyErr_SetString(PyExc_ValueError, "max_chars must not be negative");
        goto done;
    }
    const uint64_t *keys = (const uint64_t *)bk.buf;
    int64_t *tokens = (int64_t *)bt.buf, *words = (int64_t *)bw.buf, *letters = (int64_t *)bl.buf;
    int8_t *state = (int8_t *)bs.buf;
    size_t cap = 16;
    while (cap < (size_t)nk * 4) cap <<= 1;
    int shift = 64;
    for (size_t c = cap; c > 1; c >>= 1) shift--;
    set = (uint64_t *)PyMem_Calloc(cap, sizeof(uint64_t));
    if (!set) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t k = 0; k < nk; k++) {
        size_t at = (size_t)((keys[k] * 0x9E3779B97F4A7C15ULL) >> shift);
        while (set[at] && set[at] != keys[k]) at = (at + 1) & (cap - 1);
        set[at] = keys[k];
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *h = items[i];
        tokens[i] = words[i] = letters[i] = 0;
        state[i] = 0;
        if (!PyUnicode_CheckExact(h)) continue;
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(h) < 0) goto done;
#endif
        if (!PyUnicode_IS_ASCII(h)) continue;
        const unsigned char *c = (const unsigned char *)PyUnicode_DATA(h);
        Py_ssize_t lo = 0, hi = PyUnicode_GET_LENGTH(h);
        while (lo < hi && Py_UNICODE_ISSPACE(c[lo])) lo++;
        while (hi > lo && Py_UNICODE_ISSPACE(c[hi - 1])) hi--;
        state[i] = hi - lo <= max_chars ? 2 : 1;
        if (hi - lo > max_chars) hi = lo + max_chars;
        c += lo;
        Py_ssize_t len = hi - lo;
        int64_t nt = 0, nw = 0, nl = 0;
        /* the counts of vc_ascii_word_counts' loop, without a branch per character: letters counted and the
         * words' edges (runs of ASCII letters and digits: start, end, start, end, ...) found first, then each
         * word no longer than `longest` packed (its bytes | 0x20, as that loop lower-cases them) and looked up */
        if (len + 2 > ecap) {
            Py_ssize_t ncap = ecap ? ecap : 512;
            while (ncap < len + 2) ncap *= 2;
            Py_ssize_t *ne = PyMem_Realloc(edges, sizeof(Py_ssize_t) * (size_t)ncap);
            if (!ne) { PyErr_NoMemory(); goto done; }
            edges = ne;
            ecap = ncap;
        }
        Py_ssize_t ne_ = 0;
        unsigned prev = 0;
        for (Py_ssize_t k = 0; k < len; k++) {
            unsigned w = HC_CLASS[c[k]];
            nl += w >> 1;
            w = w != 0;
            edges[ne_] = k;
            ne_ += w ^ prev;
            prev = w;
        }
        edges[ne_] = len;
        ne_ += prev;
        nt = ne_ / 2;
        for (Py_ssize_t q = 0; q < ne_; q += 2) {
            Py_ssize_t a = edges[q], wl = edges[q + 1] - a;
            if (wl > longest) continue;
            uint64_t packed = tp_load(c + a, wl, len - a)
                              | (0x2020202020202020ULL & (wl < 8 ? (((uint64_t)1 << (8 * wl)) - 1) : ~0ULL));
            size_t at = (size_t)((packed * 0x9E3779B97F4A7C15ULL) >> shift);
            while (set[at] && set[at] != packed) at = (at + 1) & (cap - 1);
            nw += set[at] == packed;
        }
        tokens[i] = nt;
        words[i] = nw;
        letters[i] = nl;
    }
    res = Py_None;
    Py_INCREF(res);
done:
    PyMem_Free(set);
    PyMem_Free(edges);
    Py_XDECREF(seq);
    PyBuffer_Release(&bk);
    PyBuffer_Release(&bt);
    PyBuffer_Release(&bw);
    PyBuffer_Release(&bl);
    PyBuffer_Release(&bs);
    return res;
}

/* ------------------------------------------------------------------------------------- sentences */

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define HAS(sp, ch, bit) (((sp)->cls[(ch)] & (sp)->bit) != 0)

/* The class bits of reviewtools.sentiment's splitter for one ASCII character, from its table (passed in). */
typedef struct {
    const uint16_t *cls;   /* ncls entries */
    const uint16_t *opener; /* ncls entries: 1 for the characters split_sentences strips before a full stop */
    int ncls;              /* 128 (split_ascii) or 256 (split_mapped: bytes 128-255 stand for non-ASCII classes) */
    unsigned ws, nl, t, c, up, lo, dig, content, re_digit;
    PyObject *abbreviations; /* {lower-case abbreviation: 1 prefix, 2 before_number, 3 may_end} */
    /* the same, when every key is an ASCII str of 1 to 8 characters and every value an int: an open-addressing
     * set of (key bytes as a little-endian integer, length) -> value, so a word is looked up with no str */
    uint64_t *ab_key;
    unsigned char *ab_len;
    long *ab_val;
    size_t ab_mask;
    /* the bytes of the nl and t classes (split_find): their count, 0 when none, -1 when more than 4 (the byte
     * loop then); under SSE2 each byte broadcast to a vector (the set padded with its first byte) */
    int n_nl, n_t;
#ifdef __SSE2__
    __m128i v_nl[4], v_t[4];
#endif
} Splitter;

/* Collect the bytes of the class bit of sp's table into n (-1 when more than 4) and, under SSE2, v. */
static void
splitter_byte_set(const Splitter *sp, unsigned bit, int *n
#ifdef __SSE2__
                  , __m128i *v
#endif
)
{
    unsigned char set[4] = {0, 0, 0, 0};
    int k = 0;
    for (int ch = 0; ch < sp->ncls; ch++) {
        if (!(sp->cls[ch] & bit)) continue;
        if (k == 4) { *n = -1; return; }
        set[k++] = (unsigned char)ch;
    }
    *n = k;
    (void)set;
#ifdef __SSE2__
    for (int j = 0; j < 4; j++) v[j] = _mm_set1_epi8((char)set[j < k ? j : 0]);
#endif
}

/* The first i in [i, end) whose byte x[i] has the class bit (n, v: its byte set, splitter_byte_set), else end.
 * len is x's length: 16-byte loads stay inside it (a block may reach past end; its bits there are dropped). */
static inline Py_ssize_t
split_find(const Splitter *sp, const unsigned char *x, Py_ssize_t i, Py_ssize_t end, Py_ssize_t len,
           unsigned bit, int n
#ifdef __SSE2__
           , const __m128i *v
#endif
)
{
    if (n == 0) return end < i ? i : end;
#ifdef __SSE2__
    if (n > 0) {
        while (i < end && i + 16 <= len) {
            __m128i b = _mm_loadu_si128((const __m128i *)(x + i));
            __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, v[0]), _mm_cmpeq_epi8(b, v[1])),
                                     _mm_or_si128(_mm_cmpeq_epi8(b, v[2]), _mm_cmpeq_epi8(b, v[3])));
            unsigned mask = (unsigned)_mm_movemask_epi8(m);
            if (end - i < 16) mask &= (1u << (end - i)) - 1u;
            if (mask) return i + __builtin_ctz(mask);
            i += 16;
        }
    }
#endif
    while (i < end && !(sp->cls[x[i]] & bit)) i++;
    return i;
}
#ifdef __SSE2__
#define SPLIT_FIND(sp, x, i, end, len, which) split_find(sp, x, i, end, len, (sp)->which, (sp)->n_##which, (sp)->v_##which)
#else
#define SPLIT_FIND(sp, x, i, end, len, which) split_find(sp, x, i, end, len, (sp)->which, (sp)->n_##which)
#endif

static void
splitter_unpack(Splitter *sp)
{
    PyMem_Free(sp->ab_key);
    PyMem_Free(sp->ab_len);
    PyMem_Free(sp->ab_val);
    sp->ab_key = NULL;
    sp->ab_len = NULL;
    sp->ab_val = NULL;
}

/* Fill sp's packed abbreviation set from sp->abbreviations; 0 (set built, or left NULL when some key or value
 * does not fit: the dict is used then) or -1 on error. */
static int
splitter_pack(Splitter *sp)
{
    sp->ab_key = NULL;
    sp->ab_len = NULL;
    sp->ab_val = NULL;
    Py_ssize_t n = PyDict_GET_SIZE(sp->abbreviations), pos = 0;
    PyObject *k, *v;
    while (PyDict_Next(sp->abbreviations, &pos, &k, &v)) {
        if (!PyUnicode_CheckExact(k) || !PyUnicode_IS_ASCII(k) || PyUnicode_GET_LENGTH(k) < 1
            || PyUnicode_GET_LENGTH(k) > 8 || !PyLong_CheckExact(v))
            return 0;
    }
    size_t cap = 16;
    while (cap < (size_t)n * 4) cap <<= 1;
    sp->ab_key = PyMem_Calloc(cap, sizeof(uint64_t));
    sp->ab_len = PyMem_Calloc(cap, 1);
    sp->ab_val = PyMem_Calloc(cap, sizeof(long));
    if (!sp->ab_key || !sp->ab_len || !sp->ab_val) { PyErr_NoMemory(); return -1; }
    sp->ab_mask = cap - 1;
    pos = 0;
    while (PyDict_Next(sp->abbreviations, &pos, &k, &v)) {
        const unsigned char *b = PyUnicode_1BYTE_DATA(k);
        Py_ssize_t len = PyUnicode_GET_LENGTH(k);
        uint64_t x = 0;
        for (Py_ssize_t j = 0; j < len; j++) x |= (uint64_t)b[j] << (8 * j);
        long val = PyLong_AsLong(v);
        if (val == -1 && PyErr_Occurred()) { /* too big for a long: the dict path raises only if it is met */
            PyErr_Clear();
            splitter_unpack(sp);
            return 0;
        }
        size_t at = (size_t)((x * 0x9E3779B97F4A7C15ULL) >> 40) & sp->ab_mask;
        while (sp->ab_len[at]) at = (at + 1) & sp->ab_mask;
        sp->ab_key[at] = x;
        sp->ab_len[at] = (unsigned char)len;
        sp->ab_val[at] = val;
    }
    return 0;
}



/* reviewtools.sentiment._boundary for an ASCII line [ls, le) of x: whether the terminator [s, e) ends the
 * sentence that began at sent (all absolute positions). 1 yes, 0 no, -1 error. */
static int
boundary(const Splitter *sp, const unsigned char *x, Py_ssize_t ls, Py_ssize_t le, Py_ssize_t sent, Py_ssize_t s,
         Py_ssize_t e)
{
    if (e >= le) return 1;
    if (!HAS(sp, x[e], ws)) /* no whitespace after the terminator: only "great.Works" */
        return s > ls && HAS(sp, x[s - 1], lo) && e + 1 < le && x[e] >= 'A' && x[e] <= 'Z' && x[e + 1] >= 'a'
               && x[e + 1] <= 'z';
    Py_ssize_t nx = e;
    while (nx < le && HAS(sp, x[nx], ws)) nx++;
    if (nx >= le) return 1; /* only whitespace to the end of the line */
    unsigned char nxt = x[nx];
    Py_ssize_t dots = 0;
    int excl = 0, ell = 0;
    for (Py_ssize_t k = s; k < e; k++) {
        if (x[k] == '!' || x[k] == '?') excl = 1;
        if (HAS(sp, x[k], t)) {
            dots = k - s + 1; /* run.rstrip(closers): the terminators come first */
            ell |= x[k] >= 128; /* split_mapped: the one non-ASCII terminator, U+2026 */
        }
    }
    if (excl) return 1;
    if (dots >= 2 || ell) return HAS(sp, nxt, up); /* an ellipsis */
    /* a single full stop: the word it ends */
    Py_ssize_t tok = s;
    while (tok > ls && x[tok - 1] != ' ') tok--;
    if (tok < sent) tok = sent;
    while (tok < s && sp->opener[x[tok]]) tok++;
    Py_ssize_t tlen = s - tok;
    char buf[64];
    if (tlen > 0 && tlen < (Py_ssize_t)sizeof(buf)) {
        for (Py_ssize_t k = 0; k < tlen; k++) {
            unsigned char ch = x[tok + k];
            buf[k] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
        }
        int found = 0;
        long k = 0;
        if (sp->ab_key) { /* the packed set: keys of 1 to 8 bytes */
            if (tlen <= 8) {
                uint64_t x = 0;
                for (Py_ssize_t j = 0; j < tlen; j++) x |= (uint64_t)(unsigned char)buf[j] << (8 * j);
                size_t at = (size_t)((x * 0x9E3779B97F4A7C15ULL) >> 40) & sp->ab_mask;
                while (sp->ab_len[at]) {
                    if (sp->ab_key[at] == x && sp->ab_len[at] == tlen) {
                        found = 1;
                        k = sp->ab_val[at];
                        break;
                    }
                    at = (at + 1) & sp->ab_mask;
                }
            }
        } else {
            PyObject *key = PyUnicode_FromStringAndSize(buf, tlen);
            if (!key) return -1;
            PyObject *kind = PyDict_GetItemWithError(sp->abbreviations, key);
            Py_DECREF(key);
            if (!kind && PyErr_Occurred()) return -1;
            if (kind) {
                found = 1;
                k = PyLong_AsLong(kind);
                if (k == -1 && PyErr_Occurred()) return -1;
            }
        }
        if (found) {
            if (k == 1) return 0;
            if (k == 2) return !HAS(sp, nxt, dig);
            if (k == 3) return HAS(sp, nxt, up);
        }
    } else if (tlen > 0) {
        return -2; /* longer than any abbreviation buffer: decided by Python (never for real abbreviations) */
    }
    /* initials: (?:[A-Z]\.)*[A-Z], but not "I" */
    if (tlen % 2 == 1 && !(tlen == 1 && x[tok] == 'I')) {
        int initials = 1;
        for (Py_ssize_t k = 0; k < tlen; k++) {
            unsigned char ch = x[tok + k];
            if (k % 2 == 0 ? !(ch >= 'A' && ch <= 'Z') : ch != '.') { initials = 0; break; }
        }
        if (initials) return 0;
    }
    /* a list marker as the whole sentence so far: \(?(?:\d{1,3}|[A-Za-z]) after strip() */
    Py_ssize_t y0 = sent, y1 = s;
    while (y0 < y1 && HAS(sp, x[y0], ws)) y0++;
    while (y1 > y0 && HAS(sp, x[y1 - 1], ws)) y1--;
    if (y0 < y1 && x[y0] == '(') y0++;
    Py_ssize_t rl = y1 - y0;
    if (rl >= 1 && rl <= 3) {
        int digits = 1;
        for (Py_ssize_t k = y0; k < y1; k++)
            if (!HAS(sp, x[k], re_digit)) { digits = 0; break; }
        unsigned char l = x[y0] | 0x20;
        if (digits || (rl == 1 && l >= 'a' && l <= 'z')) return 0;
    }
    return 1;
}

typedef struct {
    int64_t *v;
    Py_ssize_t n, cap;
} Spans;

static int
spans_push(Spans *out, int64_t o, int64_t a, int64_t b)
{
    if (out->n + 3 > out->cap) {
        Py_ssize_t cap = out->cap ? out->cap * 2 : 3 * 1024;
        int64_t *v = (int64_t *)PyMem_Realloc(out->v, (size_t)cap * sizeof(int64_t));
        if (!v) { PyErr_NoMemory(); return -1; }
        out->v = v;
        out->cap = cap;
    }
    out->v[out->n++] = o;
    out->v[out->n++] = a;
    out->v[out->n++] = b;
    return 0;
}

/* split_sentences of one ASCII text x[0:len), its spans appended to out as (owner, start, end). 0 done,
 * -1 error, -2 left to Python. */
static int
split_one(const Splitter *sp, const unsigned char *x, Py_ssize_t len, int64_t owner, Spans *out)
{
    Py_ssize_t first = out->n; /* this text's spans start here */
    Py_ssize_t ls = 0;
    while (ls < len) {
        if (HAS(sp, x[ls], nl)) { ls++; continue; }
        Py_ssize_t le = SPLIT_FIND(sp, x, ls, len, len, nl);
        /* the line [ls, le): terminators in order, pieces between the accepted ones */
        Py_ssize_t sent = ls, i = ls;
        for (;;) {
            Py_ssize_t a, b;
            int last = 0;
            i = SPLIT_FIND(sp, x, i, le, len, t);
            if (i < le) {
                Py_ssize_t s = i, e = i;
                while (e < le && HAS(sp, x[e], t)) e++;
                while (e < le && HAS(sp, x[e], c)) e++;
                i = e;
                int ok = boundary(sp, x, ls, le, sent, s, e);
                if (ok < 0) return ok;
                if (!ok) continue;
                a = sent;
                b = e;
                sent = e;
            } else {
                if (sent >= le) break;
                a = sent;
                b = le;
                last = 1;
            }
            while (a < b && HAS(sp, x[a], ws)) a++;
            while (b > a && HAS(sp, x[b - 1], ws)) b--;
            if (a < b) {
                int content = 0;
                for (Py_ssize_t k = a; k < b; k++)
                    if (HAS(sp, x[k], content)) { content = 1; break; }
                if (!content && out->n > first) {
                    out->v[out->n - 1] = b; /* no letter, digit or symbol: part of the sentence before */
                } else if (spans_push(out, owner, a, b) < 0) {
                    return -1;
                }
            }
            if (last) break;
        }
        ls = le;
    }
    return 0;
}

/* split_ascii(texts, table, opener, bits, abbreviations) -> (spans, left): spans is bytes of int64 triples
 * (owner, start, end) in text order, reviewtools.sentiment.split_sentences of each ASCII text; left lists the
 * texts left to Python (a word before a full stop too long for the abbreviation buffer). */
static PyObject *
vc_split_ascii(PyObject *module, PyObject *args)
{
    PyObject *texts, *abbreviations;
    Py_buffer bc, bo;
    Splitter sp;
    if (!PyArg_ParseTuple(args, "Oy*y*(IIIIIIIII)O!", &texts, &bc, &bo, &sp.ws, &sp.nl, &sp.t, &sp.c, &sp.up,
                          &sp.lo, &sp.dig, &sp.content, &sp.re_digit, &PyDict_Type, &abbreviations))
        return NULL;
    sp.ab_key = NULL;
    sp.ab_len = NULL;
    sp.ab_val = NULL;
    PyObject *seq = PySequence_Fast(texts, "texts must be a sequence of str");
    PyObject *res = NULL, *left = NULL;
    Spans out = {NULL, 0, 0};
    if (!seq) goto done;
    if (check_buffer(&bc, 128, sizeof(uint16_t), "table") < 0 || check_buffer(&bo, 128, sizeof(uint16_t), "opener") < 0)
        goto done;
    sp.cls = (const uint16_t *)bc.buf;
    sp.opener = (const uint16_t *)bo.buf;
    sp.ncls = 128;
    sp.abbreviations = abbreviations;
#ifdef __SSE2__
    splitter_byte_set(&sp, sp.nl, &sp.n_nl, sp.v_nl);
    splitter_byte_set(&sp, sp.t, &sp.n_t, sp.v_t);
#else
    splitter_byte_set(&sp, sp.nl, &sp.n_nl);
    splitter_byte_set(&sp, sp.t, &sp.n_t);
#endif
    if (splitter_pack(&sp) < 0) goto done;
    left = PyList_New(0);
    if (!left) goto done;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = items[i];
        if (!PyUnicode_CheckExact(x) || !PyUnicode_IS_ASCII(x)) {
            PyErr_Format(PyExc_ValueError, "texts[%zd] is not an ASCII str", i);
            goto done;
        }
        Py_ssize_t mark = out.n;
        int rc = split_one(&sp, (const unsigned char *)PyUnicode_DATA(x), PyUnicode_GET_LENGTH(x), (int64_t)i, &out);
        if (rc == -1) goto done;
        if (rc == -2) {
            out.n = mark;
            if (append_index(left, i) < 0) goto done;
        }
    }
    PyObject *bytes = PyBytes_FromStringAndSize((const char *)out.v, (Py_ssize_t)(out.n * sizeof(int64_t)));
    if (!bytes) goto done;
    res = PyTuple_Pack(2, bytes, left);
    Py_DECREF(bytes);
done:
    splitter_unpack(&sp);
    PyMem_Free(out.v);
    Py_XDECREF(left);
    Py_XDECREF(seq);
    PyBuffer_Release(&bc);
    PyBuffer_Release(&bo);
    return res;
}

/* split_mapped(texts, table, opener, bits, abbreviations, cmap) -> (spans, left): split_ascii for texts of one or
 * two bytes per character (ASCII ones read in place). Each character below 128 is itself; one at or above it is read as the byte
 * cmap[c] (cmap: 65,536 uint8, one per BMP code point), a byte 128-253 standing for a set of characters with the
 * same class bits and opener flag (table, opener: 256 entries, bytes 128-253 those classes). No rule compares a
 * non-ASCII character with anything but its classes, except the abbreviation lookup (the word's lower case:
 * a word with a byte >= 128 matches no ASCII key, so the packed set is required) and U+2026, the one non-ASCII
 * terminator (boundary: a terminator byte >= 128 is an ellipsis). left lists the texts not split: a character
 * whose byte is 254 (never: the caller keeps those for Python) or 255 (not mapped yet), a text of four bytes per
 * character, a word too long for the abbreviation buffer, an item not a str; spans are those of the others, in
 * text order.
 * Returns None when the abbreviations do not pack (the caller splits the texts itself). */
static PyObject *
vc_split_mapped(PyObject *module, PyObject *args)
{
    PyObject *texts, *abbreviations;
    Py_buffer bc, bo, bm;
    Splitter sp;
    if (!PyArg_ParseTuple(args, "Oy*y*(IIIIIIIII)O!y*", &texts, &bc, &bo, &sp.ws, &sp.nl, &sp.t, &sp.c, &sp.up,
                          &sp.lo, &sp.dig, &sp.content, &sp.re_digit, &PyDict_Type, &abbreviations, &bm))
        return NULL;
    sp.ab_key = NULL;
    sp.ab_len = NULL;
    sp.ab_val = NULL;
    PyObject *seq = PySequence_Fast(texts, "texts must be a sequence of str");
    PyObject *res = NULL, *left = NULL;
    Spans out = {NULL, 0, 0};
    unsigned char *buf = NULL;
    Py_ssize_t bcap = 0;
    if (!seq) goto done;
    if (check_buffer(&bc, 256, sizeof(uint16_t), "table") < 0 || check_buffer(&bo, 256, sizeof(uint16_t), "opener") < 0
        || check_buffer(&bm, 65536, 1, "cmap") < 0)
        goto done;
    sp.cls = (const uint16_t *)bc.buf;
    sp.opener = (const uint16_t *)bo.buf;
    sp.ncls = 256;
    sp.abbreviations = abbreviations;
#ifdef __SSE2__
    splitter_byte_set(&sp, sp.nl, &sp.n_nl, sp.v_nl);
    splitter_byte_set(&sp, sp.t, &sp.n_t, sp.v_t);
#else
    splitter_byte_set(&sp, sp.nl, &sp.n_nl);
    splitter_byte_set(&sp, sp.t, &sp.n_t);
#endif
    if (splitter_pack(&sp) < 0) goto done;
    if (!sp.ab_key) { res = Py_NewRef(Py_None); goto done; }
    const unsigned char *cmap = (const unsigned char *)bm.buf;
    left = PyList_New(0);
    if (!left) goto done;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = items[i];
        if (i + 1 < n) prefetch_str(items[i + 1]);
        if (!PyUnicode_Check(x)) { /* not a str: left (the caller's str methods raise) */
            if (append_index(left, i) < 0) goto done;
            continue;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(x);
        int kind = PyUnicode_KIND(x);
        if (PyUnicode_IS_ASCII(x)) { /* every character is its own byte: split in place */
            Py_ssize_t mark = out.n;
            int rc = split_one(&sp, (const unsigned char *)PyUnicode_DATA(x), len, (int64_t)i, &out);
            if (rc == -1) goto done;
            if (rc == -2) {
                out.n = mark;
                if (append_index(left, i) < 0) goto done;
            }
            continue;
        }
        if (kind == PyUnicode_4BYTE_KIND) {
            if (append_index(left, i) < 0) goto done;
            continue;
        }
        if (len + 1 > bcap) {
            Py_ssize_t cap = bcap ? bcap : 1024;
            while (cap < len + 1) cap *= 2;
            unsigned char *nb = PyMem_Realloc(buf, (size_t)cap);
            if (!nb) { PyErr_NoMemory(); goto done; }
            buf = nb;
            bcap = cap;
        }
        unsigned char bad = 0;
        if (kind == PyUnicode_1BYTE_KIND) {
            const Py_UCS1 *d = PyUnicode_1BYTE_DATA(x);
            for (Py_ssize_t k = 0; k < len; k++) {
                unsigned char b = d[k] < 128 ? d[k] : cmap[d[k]];
                bad |= (unsigned char)(b >= 254);
                buf[k] = b;
            }
        } else {
            const Py_UCS2 *d = PyUnicode_2BYTE_DATA(x);
            for (Py_ssize_t k = 0; k < len; k++) {
                unsigned char b = d[k] < 128 ? (unsigned char)d[k] : cmap[d[k]];
                bad |= (unsigned char)(b >= 254);
                buf[k] = b;
            }
        }
        if (bad) {
            if (append_index(left, i) < 0) goto done;
            continue;
        }
        Py_ssize_t mark = out.n;
        int rc = split_one(&sp, buf, len, (int64_t)i, &out);
        if (rc == -1) goto done;
        if (rc == -2) {
            out.n = mark;
            if (append_index(left, i) < 0) goto done;
        }
    }
    PyObject *bytes = PyBytes_FromStringAndSize((const char *)out.v, (Py_ssize_t)(out.n * sizeof(int64_t)));
    if (!bytes) goto done;
    res = PyTuple_Pack(2, bytes, left);
    Py_DECREF(bytes);
done:
    splitter_unpack(&sp);
    PyMem_Free(out.v);
    PyMem_Free(buf);
    Py_XDECREF(left);
    Py_XDECREF(seq);
    PyBuffer_Release(&bc);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bm);
    return res;
}

/* review_aggregates(flat, count, threshold, mean, negative, worst, worst_at): per review i, over its count[i]
 * values of flat (reviews one after another): the mean summed one by one from 0.0 then divided by the count
 * (numpy's sum of fewer than 8 values; reviewtools.sentiment overrides the mean of longer reviews with numpy's
 * pairwise one), the number of values <= threshold, the first lowest value and its position in flat (-1, and
 * 0.0 everywhere, for a review without values). Values are never NaN. */
static PyObject *
vc_review_aggregates(PyObject *module, PyObject *args)
{
    Py_buffer bf, bc, bm, bn, bw, ba;
    double threshold;
    if (!PyArg_ParseTuple(args, "y*y*dw*w*w*w*", &bf, &bc, &threshold, &bm, &bn, &bw, &ba)) return NULL;
    PyObject *res = NULL;
    Py_ssize_t nf = bf.len / (Py_ssize_t)sizeof(double), n = bc.len / (Py_ssize_t)sizeof(int64_t);
    if (check_buffer(&bf, nf, sizeof(double), "flat") < 0 || check_buffer(&bc, n, sizeof(int64_t), "count") < 0
        || check_buffer(&bm, n, sizeof(double), "mean") < 0 || check_buffer(&bn, n, sizeof(int64_t), "negative") < 0
        || check_buffer(&bw, n, sizeof(double), "worst") < 0 || check_buffer(&ba, n, sizeof(int64_t), "worst_at") < 0)
        goto done;
    const double *flat = (const double *)bf.buf;
    const int64_t *count = (const int64_t *)bc.buf;
    double *mean = (double *)bm.buf, *worst = (double *)bw.buf;
    int64_t *negative = (int64_t *)bn.buf, *worst_at = (int64_t *)ba.buf;
    Py_ssize_t at = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t m = count[i];
        if (m < 0 || m > nf - at) {
            PyErr_Format(PyExc_ValueError, "count[%zd] = %lld runs past the %zd values", i, (long long)m, nf);
            goto done;
        }
        if (m == 0) {
            mean[i] = 0.0;
            negative[i] = 0;
            worst[i] = 0.0;
            worst_at[i] = -1;
            continue;
        }
        double total = 0.0, low = flat[at];
        int64_t neg = 0, low_at = at;
        for (int64_t k = 0; k < m; k++) {
            double v = flat[at + k];
            total = total + v;
            if (v <= threshold) neg++;
            if (v < low) { low = v; low_at = at + k; }
        }
        mean[i] = total / (double)m;
        negative[i] = neg;
        worst[i] = low;
        worst_at[i] = low_at;
        at += m;
    }
    res = Py_None;
    Py_INCREF(res);
done:
    PyBuffer_Release(&bf);
    PyBuffer_Release(&bc);
    PyBuffer_Release(&bm);
    PyBuffer_Release(&bn);
    PyBuffer_Release(&bw);
    PyBuffer_Release(&ba);
    return res;
}

/* span_word_counts(texts, owner, start, end, out): len(texts[owner[k]][start[k]:end[k]].split()) into the int64
 * buffer out: runs of characters that are not Py_UNICODE_ISSPACE (what str.split() splits on). */
static PyObject *
vc_span_word_counts(PyObject *module, PyObject *args)
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
        int in_word = 0;
        for (Py_ssize_t k = (Py_ssize_t)a; k < (Py_ssize_t)b; k++) {
            int space = Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k));
            if (!space && !in_word) words++;
            in_word = !space;
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

/* span_strings(texts, owner, start, end, qs) -> list: for each q of the int64 buffer qs, None when q < 0, else
 * texts[owner[q]][start[q]:end[q]] (PyUnicode_Substring for a str; a whole exact str is itself). */
static PyObject *
vc_span_strings(PyObject *module, PyObject *args)
{
    PyObject *texts;
    Py_buffer bo, bs, be, bq;
    if (!PyArg_ParseTuple(args, "Oy*y*y*y*", &texts, &bo, &bs, &be, &bq)) return NULL;
    PyObject *seq = PySequence_Fast(texts, "texts must be a sequence of str");
    PyObject *res = NULL;
    if (!seq) goto done;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    Py_ssize_t ns = bo.len / (Py_ssize_t)sizeof(int64_t), nq = bq.len / (Py_ssize_t)sizeof(int64_t);
    if (check_buffer(&bo, ns, sizeof(int64_t), "owner") < 0 || check_buffer(&bs, ns, sizeof(int64_t), "start") < 0
        || check_buffer(&be, ns, sizeof(int64_t), "end") < 0 || check_buffer(&bq, nq, sizeof(int64_t), "qs") < 0)
        goto done;
    const int64_t *own = (const int64_t *)bo.buf, *st = (const int64_t *)bs.buf, *en = (const int64_t *)be.buf;
    const int64_t *qs = (const int64_t *)bq.buf;
    res = PyList_New(nq);
    if (!res) goto done;
    for (Py_ssize_t i = 0; i < nq; i++) {
        int64_t q = qs[i];
        PyObject *x;
        if (q < 0) {
            x = Py_None;
            Py_INCREF(x);
        } else {
            if (q >= ns || own[q] < 0 || own[q] >= n || !PyUnicode_Check(items[own[q]])) {
                PyErr_Format(PyExc_IndexError, "qs[%zd] = %lld is not a span of one of the %zd texts", i,
                             (long long)q, n);
                Py_CLEAR(res);
                goto done;
            }
            PyObject *text = items[own[q]];
#if PY_VERSION_HEX < 0x030C0000
            if (PyUnicode_READY(text) < 0) { Py_CLEAR(res); goto done; }
#endif
            int64_t a = st[q], b = en[q];
            if (a < 0 || b < a || b > PyUnicode_GET_LENGTH(text)) {
                PyErr_Format(PyExc_IndexError, "span %lld: [%lld, %lld) outside its text", (long long)q,
                             (long long)a, (long long)b);
                Py_CLEAR(res);
                goto done;
            }
            x = PyUnicode_Substring(text, (Py_ssize_t)a, (Py_ssize_t)b);
            if (!x) { Py_CLEAR(res); goto done; }
        }
        PyList_SET_ITEM(res, i, x);
    }
done:
    Py_XDECREF(seq);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bs);
    PyBuffer_Release(&be);
    PyBuffer_Release(&bq);
    return res;
}

/* ascii_flags(texts, out) -> bool: out[i] (a bool buffer) = texts[i].isascii(); False (out unfinished) at the
 * first item that is not a str. */
static PyObject *
vc_ascii_flags(PyObject *module, PyObject *args)
{
    PyObject *texts;
    Py_buffer bout;
    if (!PyArg_ParseTuple(args, "Ow*", &texts, &bout)) return NULL;
    PyObject *seq = PySequence_Fast(texts, "texts must be a sequence of str");
    PyObject *res = NULL;
    if (!seq) goto done;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    if (check_buffer(&bout, n, 1, "out") < 0) goto done;
    unsigned char *out = (unsigned char *)bout.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = items[i];
        if (!PyUnicode_Check(t)) { /* the caller's own path decides (str.isascii raises) */
            res = Py_False;
            Py_INCREF(res);
            goto done;
        }
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(t) < 0) goto done;
#endif
        out[i] = PyUnicode_IS_ASCII(t) ? 1 : 0;
    }
    res = Py_True;
    Py_INCREF(res);
done:
    Py_XDECREF(seq);
    PyBuffer_Release(&bout);
    return res;
}

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define HAVE_F16C_PATH 1
/* One row by the F16C instruction (exact IEEE float16 -> float32 widening, as numpy's cast), 8 at a time; NaNs
 * (which the hardware may quiet) and the tail read the lut, so the result is lut[src[c]] for every c. */
__attribute__((target("avx,f16c"))) static void
row_f16c(const uint16_t *src, float *dst, Py_ssize_t ncols, const float *lut)
{
    Py_ssize_t c = 0;
    for (; c + 8 <= ncols; c += 8) {
        __m256 v = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + c)));
        _mm256_storeu_ps(dst + c, v);
        if (_mm256_movemask_ps(_mm256_cmp_ps(v, v, _CMP_UNORD_Q))) {
            for (int k = 0; k < 8; k++) dst[c + k] = lut[src[c + k]];
        }
    }
    for (; c < ncols; c++) dst[c] = lut[src[c]];
}
#endif

/* lut_rows(table, ncols, rows, lut, out): out[r, c] = lut[table[rows[r], c]] for a uint16 table of ncols
 * columns, int64 row indexes, a float32 lut of 65536 entries and a float32 out of len(rows) * ncols. With
 * lut = numpy's own float16 -> float32 conversion of every bit pattern, out equals
 * table.view(float16)[rows].astype(float32) (reviewtools.rules: py3langid's weights, gathered per text).
 * Where the CPU has F16C the non-NaN values are widened by it (exact, the same floats as the lut's). */
static PyObject *
vc_lut_rows(PyObject *module, PyObject *args)
{
    Py_buffer bt, br, bl, bo;
    Py_ssize_t ncols;
    if (!PyArg_ParseTuple(args, "y*ny*y*w*", &bt, &ncols, &br, &bl, &bo)) return NULL;
    PyObject *res = NULL;
    Py_ssize_t nrows = br.len / (Py_ssize_t)sizeof(int64_t);
    Py_ssize_t tab_rows = ncols > 0 ? bt.len / ((Py_ssize_t)sizeof(uint16_t) * ncols) : 0;
    if (ncols <= 0) {
        PyErr_SetString(PyExc_ValueError, "ncols must be positive");
        goto done;
    }
    if (check_buffer(&bt, tab_rows * ncols, sizeof(uint16_t), "table") < 0
        || check_buffer(&br, nrows, sizeof(int64_t), "rows") < 0
        || check_buffer(&bl, 65536, sizeof(float), "lut") < 0
        || check_buffer(&bo, nrows * ncols, sizeof(float), "out") < 0)
        goto done;
    const uint16_t *table = (const uint16_t *)bt.buf;
    const int64_t *rows = (const int64_t *)br.buf;
    const float *lut = (const float *)bl.buf;
    float *out = (float *)bo.buf;
    int f16c = 0;
#ifdef HAVE_F16C_PATH
    __builtin_cpu_init();
    f16c = __builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c");
#endif
    for (Py_ssize_t r = 0; r < nrows; r++) {
        int64_t row = rows[r];
        if (row < 0 || row >= tab_rows) {
            PyErr_Format(PyExc_IndexError, "rows[%zd] = %lld outside the table's %zd rows", r, (long long)row,
                         tab_rows);
            goto done;
        }
        const uint16_t *src = table + (Py_ssize_t)row * ncols;
        float *dst = out + r * ncols;
#ifdef HAVE_F16C_PATH
        if (f16c) {
            row_f16c(src, dst, ncols, lut);
            continue;
        }
#endif
        for (Py_ssize_t c = 0; c < ncols; c++) dst[c] = lut[src[c]];
    }
    res = Py_None;
    Py_INCREF(res);
done:
    PyBuffer_Release(&bt);
    PyBuffer_Release(&br);
    PyBuffer_Release(&bl);
    PyBuffer_Release(&bo);
    return res;
}

/* lang_visits(data, offsets, nextmove, rowbase, output, nfeat, feat, counts, ends): py3langid's visit_counts
 * (its byte automaton: state = nextmove[rowbase[state] + byte], feature output[state] when >= 0, a Counter of
 * them) for each text data[offsets[i]:offsets[i + 1]], its distinct features in first-seen order (a Counter's
 * order) with their counts into feat[offsets[i]:ends[i]] and counts[...]. data: bytes; offsets: int64 (n + 1);
 * nextmove: uint32; rowbase, output: int64 per state; feat, counts: int64 of len(data); ends: int64 (n). */
/* Texts walked together by lang_visits (their cache misses overlap). */
#define LANG_WALK 8

static PyObject *
vc_lang_visits(PyObject *module, PyObject *args)
{
    Py_buffer bd, bo, bm, br, bu, bf, bc, be;
    Py_ssize_t nfeat;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*nw*w*w*", &bd, &bo, &bm, &br, &bu, &nfeat, &bf, &bc, &be)) return NULL;
    PyObject *res = NULL;
    int32_t *mark = NULL;
    int64_t *slot = NULL;
    Py_ssize_t n = bo.len / (Py_ssize_t)sizeof(int64_t) - 1, total = bd.len;
    Py_ssize_t nmove = bm.len / (Py_ssize_t)sizeof(uint32_t), nstate = br.len / (Py_ssize_t)sizeof(int64_t);
    if (n < 0 || n >= INT32_MAX || nfeat <= 0) {
        PyErr_SetString(PyExc_ValueError, "offsets must hold n + 1 >= 1 entries (n < 2**31) and nfeat be positive");
        goto done;
    }
    if (check_buffer(&bo, n + 1, sizeof(int64_t), "offsets") < 0
        || check_buffer(&bm, nmove, sizeof(uint32_t), "nextmove") < 0
        || check_buffer(&br, nstate, sizeof(int64_t), "rowbase") < 0
        || check_buffer(&bu, nstate, sizeof(int64_t), "output") < 0
        || check_buffer(&bf, total, sizeof(int64_t), "feat") < 0
        || check_buffer(&bc, total, sizeof(int64_t), "counts") < 0
        || check_buffer(&be, n, sizeof(int64_t), "ends") < 0)
        goto done;
    const unsigned char *data = (const unsigned char *)bd.buf;
    const int64_t *offsets = (const int64_t *)bo.buf, *rowbase = (const int64_t *)br.buf;
    const int64_t *output = (const int64_t *)bu.buf;
    const uint32_t *nextmove = (const uint32_t *)bm.buf;
    int64_t *feat = (int64_t *)bf.buf, *counts = (int64_t *)bc.buf, *ends = (int64_t *)be.buf;
    mark = (int32_t *)calloc((size_t)nfeat, sizeof(int32_t));
    slot = (int64_t *)malloc((size_t)nfeat * sizeof(int64_t));
    if (!mark || !slot) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (offsets[i] < 0 || offsets[i + 1] < offsets[i] || offsets[i + 1] > total) {
            PyErr_Format(PyExc_ValueError, "offsets[%zd:%zd] = %lld:%lld outside the %zd bytes", i, i + 2,
                         (long long)offsets[i], (long long)offsets[i + 1], total);
            goto done;
        }
    }
    /* The walk: LANG_WALK texts at a time, a byte of each in turn, so that their table reads (a dependent chain
     * per text over a table of tens of MB) overlap; each position's feature (or -1) into feat. */
    for (Py_ssize_t g = 0; g < n; g += LANG_WALK) {
        int64_t pos[LANG_WALK], end[LANG_WALK], state[LANG_WALK];
        int live = 0;
        Py_ssize_t m = n - g < LANG_WALK ? n - g : LANG_WALK;
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
                int64_t at = rowbase[state[k]] + data[pos[k]];
                if (at < 0 || at >= nmove) {
                    PyErr_Format(PyExc_ValueError, "automaton move %lld outside the %zd entries", (long long)at,
                                 nmove);
                    goto done;
                }
                int64_t st = (int64_t)nextmove[at];
                if (st >= nstate) {
                    PyErr_Format(PyExc_ValueError, "automaton state %lld outside the %zd states", (long long)st,
                                 nstate);
                    goto done;
                }
                state[k] = st;
                feat[pos[k]] = output[st];
                if (++pos[k] < end[k]) live++;
            }
        }
    }
    /* The counts: per text, its features in first-seen order (compacted in place) and how often each came. */
    for (Py_ssize_t i = 0; i < n; i++) {
        int32_t tag = (int32_t)(i + 1);
        int64_t w = offsets[i];
        for (int64_t p = offsets[i]; p < offsets[i + 1]; p++) {
            int64_t f = feat[p];
            if (f < 0) continue;
            if (f >= nfeat) {
                PyErr_Format(PyExc_ValueError, "feature %lld outside the %zd features", (long long)f, nfeat);
                goto done;
            }
            if (mark[f] != tag) {
                mark[f] = tag;
                slot[f] = w;
                feat[w] = f; /* w <= p: a position already read */
                counts[w] = 1;
                w++;
            } else {
                counts[slot[f]]++;
            }
        }
        ends[i] = w;
    }
    res = Py_None;
    Py_INCREF(res);
done:
    free(mark);
    free(slot);
    PyBuffer_Release(&bd);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bm);
    PyBuffer_Release(&br);
    PyBuffer_Release(&bu);
    PyBuffer_Release(&bf);
    PyBuffer_Release(&bc);
    PyBuffer_Release(&be);
    return res;
}

/* ---- topics: candidate phrase attempts (reviewtools.topics._candidate_attempts, issue 8) ---- */

/* The word-presence prefilter of reviewtools.topics for a block of lower-cased texts, in one pass per text:
   its words (maximal runs of Python re's \w: Py_UNICODE_ISALNUM or '_'), the units each word satisfies (it
   equals an exact literal, or starts with a prefix literal of one of the prefix lengths), which units the text
   has, and then, at each word that can begin some phrase's first token, each such phrase (in the order of the
   word's sorted units, then the unit's phrases) whose units the text all has: (text, offset in characters,
   phrase). The Python path (numpy and Arrow) is the reference; tests compare the two. */

#define TP_HASH_SEED 0x9E3779B97F4A7C15ULL
#define TP_HASH_PRIME 0x100000001B3ULL
#define TP_MAX_PLEN 64
#define TP_MAX_UNITS 256  /* units one word can satisfy (more: ValueError; the caller checks the bound) */
#define TP_PDIRECT 8  /* at most this many prefix literals: compared one by one, not hashed */
#define TP_SHORT_MUL 0x9E3779B97F4A7C15ULL
#define TP_BLOOM_WORDS 256  /* 16,384 bits, indexed by a hash's top 14 bits */

typedef struct {
    uint64_t hash;
    Py_ssize_t lit;
} TpSlot;

typedef struct {
    Py_ssize_t n;
    uint64_t *hash;    /* per literal */
    Py_ssize_t *off;   /* per literal: its code points are pool[off[i] : off[i] + len[i]] */
    Py_ssize_t *len;
    uint32_t *pool;
    uint64_t *key8;    /* per literal: its characters as bytes (little-endian), when all are Latin-1 and at most 8 */
    unsigned char *short1;  /* per literal: whether key8 holds it */
    TpSlot *slot;      /* open addressing (load <= 1/2): the literal's hash and index, or index -1 */
    uint64_t mask;
    uint64_t bloom[TP_BLOOM_WORDS];  /* bit (hash >> 50) of each literal: most words miss here, in 2 KB */
} TpTable;

/* Up to 8 bytes at p as a little-endian integer, the first `take` of them (take <= 8); avail: how many bytes
   may be read at p (a whole 8-byte load only when 8 are there). */
static inline __attribute__((always_inline)) uint64_t tp_load(const unsigned char *p, Py_ssize_t take,
                                                               Py_ssize_t avail)
{
    uint64_t v = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (avail >= 8) {
        memcpy(&v, p, 8);
        return take < 8 ? v & (((uint64_t)1 << (8 * take)) - 1) : v;
    }
#else
    (void)avail;
#endif
    for (Py_ssize_t k = 0; k < take; k++) v |= (uint64_t)p[k] << (8 * k);
    return v;
}

/* The hash of a word's first n characters, from their low bytes (bytes p, avail readable): 8 characters per
   multiply, then a final mix (good top bits for the bloom filter, low bits for the slots). Equal words have
   equal hashes; a collision (even of characters equal in their low byte only) just costs the comparison
   tp_lookup makes with the whole code points. */
static inline __attribute__((always_inline)) uint64_t tp_hash(const unsigned char *p, Py_ssize_t n,
                                                               Py_ssize_t avail)
{
    uint64_t h = TP_HASH_SEED ^ (uint64_t)n;
    Py_ssize_t k = 0;
    for (; k + 8 <= n; k += 8) h = (h ^ tp_load(p + k, 8, avail - k)) * TP_HASH_PRIME;
    if (k < n) h = (h ^ tp_load(p + k, n - k, avail - k)) * TP_HASH_PRIME;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    return h;
}

static void tp_table_free(TpTable *t)
{
    free(t->hash); free(t->off); free(t->len); free(t->pool); free(t->slot); free(t->key8); free(t->short1);
    memset(t, 0, sizeof(*t));
}

static int tp_is_word(Py_UCS4 c)
{
    if (c < 128)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    return Py_UNICODE_ISALNUM(c);
}

/* tp_is_word of each Latin-1 character (filled on first use). */
static unsigned char tp_word1[256];
static int tp_word1_ready = 0;

static void tp_init_word1(void)
{
    if (tp_word1_ready) return;
    for (int c = 0; c < 256; c++) tp_word1[c] = (unsigned char)tp_is_word((Py_UCS4)c);
    tp_word1_ready = 1;
}

/* 0 on success, -1 with a Python error set. */
static int tp_table_build(TpTable *t, PyObject *keys)
{
    memset(t, 0, sizeof(*t));
    if (!PyList_Check(keys)) {
        PyErr_SetString(PyExc_TypeError, "topic_attempts: literals must be a list of str");
        return -1;
    }
    Py_ssize_t n = PyList_GET_SIZE(keys), total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *k = PyList_GET_ITEM(keys, i);
        if (!PyUnicode_Check(k)) {
            PyErr_SetString(PyExc_TypeError, "topic_attempts: literals must be a list of str");
            return -1;
        }
        total += PyUnicode_GET_LENGTH(k);
    }
    uint64_t cap = 16;
    while (cap < (uint64_t)n * 2 + 2) cap <<= 1;
    t->n = n;
    t->hash = malloc(sizeof(uint64_t) * (n + 1));
    t->off = malloc(sizeof(Py_ssize_t) * (n + 1));
    t->len = malloc(sizeof(Py_ssize_t) * (n + 1));
    t->pool = malloc(sizeof(uint32_t) * (total + 1));
    t->slot = malloc(sizeof(TpSlot) * cap);
    t->key8 = calloc((size_t)n + 1, sizeof(uint64_t));
    t->short1 = calloc((size_t)n + 1, 1);
    t->mask = cap - 1;
    if (!t->hash || !t->off || !t->len || !t->pool || !t->slot || !t->key8 || !t->short1) {
        tp_table_free(t);
        PyErr_NoMemory();
        return -1;
    }
    for (uint64_t s = 0; s < cap; s++) { t->slot[s].hash = 0; t->slot[s].lit = -1; }
    Py_ssize_t used = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *k = PyList_GET_ITEM(keys, i);
        int kind = PyUnicode_KIND(k);
        const void *data = PyUnicode_DATA(k);
        Py_ssize_t len = PyUnicode_GET_LENGTH(k);
        unsigned char *low = malloc((size_t)len + 1);
        if (!low) {
            tp_table_free(t);
            PyErr_NoMemory();
            return -1;
        }
        int is1 = len <= 8;
        for (Py_ssize_t j = 0; j < len; j++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, j);
            t->pool[used + j] = (uint32_t)c;
            low[j] = (unsigned char)(c & 0xFF);
            if (c > 0xFF) is1 = 0;
        }
        if (is1) {
            t->short1[i] = 1;
            t->key8[i] = tp_load(low, len, len);
        }
        uint64_t h = tp_hash(low, len, len);
        free(low);
        t->hash[i] = h;
        t->off[i] = used;
        t->len[i] = len;
        used += len;
        uint64_t s = h & t->mask;
        while (t->slot[s].lit >= 0) s = (s + 1) & t->mask;
        t->slot[s].hash = h;
        t->slot[s].lit = i;
        t->bloom[(h >> 50) >> 6] |= (uint64_t)1 << ((h >> 50) & 63);
    }
    return 0;
}

/* The literal equal to text[start : start + len] (hash h), or -1. */
static inline __attribute__((always_inline)) Py_ssize_t tp_lookup(const TpTable *t, uint64_t h, int kind,
                                                                  const void *data, Py_ssize_t start, Py_ssize_t len,
                                                                  const unsigned char *bytes, Py_ssize_t avail)
{
    if (!(t->bloom[(h >> 50) >> 6] & ((uint64_t)1 << ((h >> 50) & 63)))) return -1;  /* no literal has this hash */
    for (uint64_t s = h & t->mask;; s = (s + 1) & t->mask) {
        Py_ssize_t i = t->slot[s].lit;
        if (i < 0) return -1;
        if (t->slot[s].hash != h || t->len[i] != len) continue;
        if (bytes && t->short1[i]) {  /* a Latin-1 text and a literal of at most 8 Latin-1 characters */
            if (tp_load(bytes + start, len, avail) == t->key8[i]) return i;
            continue;
        }
        const uint32_t *p = t->pool + t->off[i];
        Py_ssize_t j = 0;
        while (j < len && p[j] == (uint32_t)PyUnicode_READ(kind, data, start + j)) j++;
        if (j == len) return i;
    }
}

typedef struct {
    int64_t *v;
    Py_ssize_t n, cap;
} TpVec;

static __attribute__((noinline)) int tp_grow(TpVec *v)
{
    Py_ssize_t cap = v->cap ? v->cap * 2 : 1024;
    int64_t *nv = realloc(v->v, sizeof(int64_t) * cap);
    if (!nv) { PyErr_NoMemory(); return -1; }
    v->v = nv;
    v->cap = cap;
    return 0;
}

static inline __attribute__((always_inline)) int tp_push(TpVec *v, int64_t x)
{
    if (v->n == v->cap && tp_grow(v) < 0) return -1;
    v->v[v->n++] = x;
    return 0;
}

static PyObject *tp_vec_bytes(TpVec *v)
{
    return PyBytes_FromStringAndSize((const char *)v->v, (Py_ssize_t)(sizeof(int64_t) * v->n));
}

/* A read-only C-contiguous int64 buffer's values, or NULL with an error set. */
static const int64_t *tp_int64s(PyObject *obj, Py_buffer *view, const char *what)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return NULL;
    if (view->itemsize != 8 || !view->format || (strcmp(view->format, "q") && strcmp(view->format, "l")
                                                 && strcmp(view->format, "<q") && strcmp(view->format, "<l"))) {
        PyErr_Format(PyExc_TypeError, "topic_attempts: %s must be a C-contiguous int64 array", what);
        PyBuffer_Release(view);
        view->obj = NULL;
        return NULL;
    }
    return (const int64_t *)view->buf;
}

/* The words' edges of a Latin-1 text (maximal runs of tp_word1 bytes): start, end, start, end, ... into edges
   (room for len + 2); returns how many (twice the words). 64 bytes at a time by SSE2 compares where they are
   all ASCII (a-z, A-Z, 0-9, '_': tp_is_word below 128), by the table otherwise, each block's word-byte mask's
   changes read off by ctz; then the tail byte by byte. */
static Py_ssize_t tp_edges(const unsigned char *b, Py_ssize_t len, Py_ssize_t *edges)
{
    Py_ssize_t k = 0, j = 0;
    uint64_t prev = 0;
#if defined(__SSE2__) && !defined(TOPICS_NO_SIMD)
    const __m128i c20 = _mm_set1_epi8(0x20), a1 = _mm_set1_epi8('a' - 1), z1 = _mm_set1_epi8('z' + 1),
                  d0 = _mm_set1_epi8('0' - 1), d9 = _mm_set1_epi8('9' + 1), us = _mm_set1_epi8('_');
    for (; j + 64 <= len; j += 64) {
        uint64_t m = 0;
        for (int c = 0; c < 4; c++) {
            __m128i v = _mm_loadu_si128((const __m128i *)(b + j + 16 * c));
            unsigned w;
            if (_mm_movemask_epi8(v)) {  /* a byte >= 128: the table */
                w = 0;
                for (int q = 0; q < 16; q++) w |= (unsigned)tp_word1[b[j + 16 * c + q]] << q;
            } else {
                __m128i l = _mm_or_si128(v, c20);
                __m128i az = _mm_and_si128(_mm_cmpgt_epi8(l, a1), _mm_cmplt_epi8(l, z1));
                __m128i dg = _mm_and_si128(_mm_cmpgt_epi8(v, d0), _mm_cmplt_epi8(v, d9));
                w = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(az, dg), _mm_cmpeq_epi8(v, us)));
            }
            m |= (uint64_t)w << (16 * c);
        }
        uint64_t t = m ^ ((m << 1) | prev);
        prev = m >> 63;
        while (t) {
            edges[k++] = j + __builtin_ctzll(t);
            t &= t - 1;
        }
    }
#endif
    unsigned pv = (unsigned)prev;
    for (; j < len; j++) {
        unsigned w = tp_word1[b[j]];
        edges[k] = j;
        k += w ^ pv;
        pv = w;
    }
    edges[k] = len;
    k += pv;
    return k;
}

/* The first position >= at of a Latin-1 text b[0:len] holding one of the nmk ASCII bytes mk (is_mark: the same
   as a table), or len: 16 bytes at a time by SSE2 compares when there are at most 8 such bytes. */
static Py_ssize_t tp_next_mark(const unsigned char *b, Py_ssize_t at, Py_ssize_t len, const char *is_mark,
                               const unsigned char *mk, int nmk)
{
#if defined(__SSE2__) && !defined(TOPICS_NO_SIMD)
    if (nmk <= 8) {
        __m128i m[8];
        for (int q = 0; q < 8; q++) m[q] = _mm_set1_epi8((char)mk[q < nmk ? q : 0]);
        for (; at + 16 <= len; at += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(b + at));
            __m128i hit = _mm_cmpeq_epi8(v, m[0]);
            for (int q = 1; q < nmk; q++) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, m[q]));
            unsigned bits = (unsigned)_mm_movemask_epi8(hit);
            if (bits) return at + __builtin_ctz(bits);
        }
    }
#else
    (void)mk; (void)nmk;
#endif
    while (at < len && !(b[at] < 128 && is_mark[b[at]])) at++;
    return at;
}

/* topic_attempts' clause walk: the OR into cm (tw words, bit n_units set) of the unit sets (lmask rows; none:
   the empty row) of a Latin-1 text's words w0, w0 + 1, ... that start before bar (wlit: a word's fast literal,
   -1 for no units, -2 for units found another way); 1 (cm not complete) when one of them is a -2 word: such a
   word counts as satisfying every unit. */
static inline int tp_clause_units(const Py_ssize_t *wlit, const Py_ssize_t *edges, Py_ssize_t nw, Py_ssize_t w0,
                                  Py_ssize_t bar, const uint64_t *lmask, Py_ssize_t tw, Py_ssize_t none, uint64_t *cm,
                                  Py_ssize_t n_units)
{
    memset(cm, 0, sizeof(uint64_t) * (size_t)tw);
    cm[n_units >> 6] = (uint64_t)1 << (n_units & 63);
    for (Py_ssize_t w = w0; w < nw && edges[2 * w] < bar; w++) {
        Py_ssize_t wl = wlit[w];
        if (wl == -2) return 1;
        const uint64_t *lm = lmask + tw * (wl < 0 ? none : wl);
        if (tw == 8) {
#if defined(__SSE2__) && !defined(TOPICS_NO_SIMD)
            for (int k = 0; k < 8; k += 2)
                _mm_storeu_si128((__m128i *)(cm + k), _mm_or_si128(_mm_loadu_si128((const __m128i *)(cm + k)),
                                                                  _mm_loadu_si128((const __m128i *)(lm + k))));
#else
            for (int k = 0; k < 8; k++) cm[k] |= lm[k];
#endif
        } else
            for (Py_ssize_t k = 0; k < tw; k++) cm[k] |= lm[k];
    }
    return 0;
}

static PyObject *
vc_topic_attempts(PyObject *self, PyObject *args)
{
    PyObject *texts, *exact_keys, *prefix_keys;
    PyObject *o_exact_ptr, *o_exact_units, *o_prefix_ptr, *o_prefix_units, *o_first_ptr, *o_first_phrases,
        *o_phrase_ptr, *o_phrase_units;
    Py_ssize_t n_units;
    PyObject *marks = Py_None;
    if (!PyArg_ParseTuple(args, "O!OOOOOOOOOOn|O", &PyList_Type, &texts, &exact_keys, &o_exact_ptr,
                          &o_exact_units, &prefix_keys, &o_prefix_ptr, &o_prefix_units, &o_first_ptr,
                          &o_first_phrases, &o_phrase_ptr, &o_phrase_units, &n_units, &marks))
        return NULL;
    /* marks (optional): characters no phrase match can hold (the caller's clause marks). Then an attempt is
       kept only when every unit of its phrase is satisfied by a word starting at or after the attempt's offset
       and before the next of those characters: a match there would have to hold such words (each token of a
       match begins a word that satisfies its unit, inside the match), so the dropped attempts cannot match. */
    char is_mark[128];
    memset(is_mark, 0, sizeof(is_mark));
    unsigned char mk[128];  /* the distinct marks */
    int use_marks = 0, nmk = 0;
    if (marks != Py_None) {
        if (!PyUnicode_Check(marks)) {
            PyErr_SetString(PyExc_TypeError, "topic_attempts: marks must be a str or None");
            return NULL;
        }
        for (Py_ssize_t k = 0; k < PyUnicode_GET_LENGTH(marks); k++) {
            Py_UCS4 c = PyUnicode_READ_CHAR(marks, k);
            if (c >= 128 || tp_is_word(c)) {
                PyErr_SetString(PyExc_ValueError, "topic_attempts: marks must be ASCII non-word characters");
                return NULL;
            }
            if (!is_mark[c]) mk[nmk++] = (unsigned char)c;
            is_mark[c] = 1;
            use_marks = 1;
        }
    }
    Py_buffer bv[8];
    memset(bv, 0, sizeof(bv));
    PyObject *res = NULL;
    TpTable exact, prefix;
    memset(&exact, 0, sizeof(exact));
    memset(&prefix, 0, sizeof(prefix));
    TpVec rows = {0}, offs = {0}, phr = {0}, pend = {0}, pool = {0};
    int64_t *pstamp = NULL;
    /* this text's units seen, one bit each (bit n_units always set), tw words of 64 bits (at least 8), and per
       fast exact literal (below) its units as such a bit set: a literal word ORs its set in, no branch */
    uint64_t *tm = NULL, *lmask = NULL;
    Py_ssize_t tw = 8;
    unsigned char *wbuf = NULL;
    Py_ssize_t *edges = NULL, ecap = 0;
    char *fast_ok = NULL, *fast_firsts = NULL;
    int64_t *fast_uptr = NULL, *fast_fptr = NULL;
    TpVec fast_units = {0}, fast_phr = {0};
    /* with marks, per word of a Latin-1 text: its exact literal when the fast path took it, -1 for no unit,
       -2 for units found another way (not kept: such a word counts as satisfying every unit) */
    Py_ssize_t *wlbuf = NULL, wlcap = 0;
    int wide_word = 0;  /* (see mbuf below) */
    unsigned char *mbuf = NULL;
    Py_ssize_t mcap = 0;
    uint64_t *cm = NULL;  /* the units of the words of one pending word's clause (below), as tm */
    /* the exact literals of 1-8 Latin-1 characters (no NUL) by their bytes as one integer, which no other word
       shares (a word holds no NUL): open addressing on skey (0 = empty), a bloom filter in front */
    uint64_t *skey = NULL, smask = 0, sbloom[TP_BLOOM_WORDS];
    int32_t *slit = NULL;
    /* per exact literal: -stamp when none of the phrases it begins is a candidate in this text */
    int64_t *lstamp = NULL;
    /* per exact literal of at most 64 phrases: which of its phrases (bit f - fast_fptr[lit]) are candidates in the
       text whose stamp lstamp holds (worked out at its first pending word, read by the others) */
    uint64_t *lokm = NULL;
    /* per phrase of at most 4 units: its units, padded with n_units (always seen), so that whether all are
       seen is 4 bit tests and no branch; pbig: a phrase with more units (the loop) */
    int32_t *pu4 = NULL;
    char *pbig = NULL;
    uint64_t pk8[TP_PDIRECT];  /* per prefix literal (when pdirect): its first 8 characters' bytes */
    int pdirect = 0;
    unsigned char pfirst[256];  /* per byte: whether some prefix literal's first character may have it */
    /* per pair of bytes (first | second << 8): whether some prefix literal begins so (pf2_ok: every prefix
       literal has at least two characters and its first two are Latin-1; then min_plen >= 2) */
    uint64_t pf2[1024];
    int pf2_ok = 1;
    Py_ssize_t min_plen = PY_SSIZE_T_MAX;
    const int64_t *exact_ptr = tp_int64s(o_exact_ptr, &bv[0], "exact_ptr");
    const int64_t *exact_units = exact_ptr ? tp_int64s(o_exact_units, &bv[1], "exact_units") : NULL;
    const int64_t *prefix_ptr = exact_units ? tp_int64s(o_prefix_ptr, &bv[2], "prefix_ptr") : NULL;
    const int64_t *prefix_units = prefix_ptr ? tp_int64s(o_prefix_units, &bv[3], "prefix_units") : NULL;
    const int64_t *first_ptr = prefix_units ? tp_int64s(o_first_ptr, &bv[4], "first_ptr") : NULL;
    const int64_t *first_phrases = first_ptr ? tp_int64s(o_first_phrases, &bv[5], "first_phrases") : NULL;
    const int64_t *phrase_ptr = first_phrases ? tp_int64s(o_phrase_ptr, &bv[6], "phrase_ptr") : NULL;
    const int64_t *phrase_units = phrase_ptr ? tp_int64s(o_phrase_units, &bv[7], "phrase_units") : NULL;
    if (!phrase_units) goto done;
    if (tp_table_build(&exact, exact_keys) < 0 || tp_table_build(&prefix, prefix_keys) < 0) goto done;
    if (bv[0].len / 8 != exact.n + 1 || bv[2].len / 8 != prefix.n + 1 || bv[4].len / 8 != n_units + 1) {
        PyErr_SetString(PyExc_ValueError, "topic_attempts: CSR offsets do not fit the literals or units");
        goto done;
    }
    /* the prefix lengths (a word is looked up by its prefixes of these lengths only) */
    char is_plen[TP_MAX_PLEN + 1];
    memset(is_plen, 0, sizeof(is_plen));
    Py_ssize_t max_plen = 0, max_exact = 0, plens[TP_MAX_PLEN];
    int n_plens = 0;
    for (Py_ssize_t i = 0; i < prefix.n; i++) {
        if (prefix.len[i] < 1 || prefix.len[i] > TP_MAX_PLEN) {
            PyErr_SetString(PyExc_ValueError, "topic_attempts: a prefix literal of 0 or more than 64 characters");
            goto done;
        }
        is_plen[prefix.len[i]] = 1;
        if (prefix.len[i] > max_plen) max_plen = prefix.len[i];
    }
    for (Py_ssize_t k = 1; k <= max_plen; k++)
        if (is_plen[k]) plens[n_plens++] = k;  /* increasing */
    for (Py_ssize_t i = 0; i < exact.n; i++)
        if (exact.len[i] > max_exact) max_exact = exact.len[i];
    tp_init_word1();
    /* a wider text's word as low bytes, as long as a literal can be */
    Py_ssize_t wcap = (max_plen > max_exact ? max_plen : max_exact) + 8;
    wbuf = malloc((size_t)wcap);
    if (!wbuf) { PyErr_NoMemory(); goto done; }
    while (tw * 64 <= n_units) tw++;
    tm = calloc((size_t)tw, sizeof(uint64_t));
    /* per phrase: 2 * stamp + whether all its units are seen, once asked for that text */
    pstamp = calloc((size_t)(bv[6].len / 8 > 0 ? bv[6].len / 8 : 1), sizeof(int64_t));
    cm = calloc((size_t)tw, sizeof(uint64_t));
    if (!tm || !pstamp || !cm) { PyErr_NoMemory(); goto done; }
    Py_ssize_t n = PyList_GET_SIZE(texts);
    for (Py_ssize_t k = 0; k < bv[5].len / 8; k++)
        if (first_phrases[k] < 0 || first_phrases[k] + 1 >= bv[6].len / 8) {
            PyErr_SetString(PyExc_ValueError, "topic_attempts: a phrase out of range");
            goto done;
        }
    for (Py_ssize_t k = 0; k < bv[7].len / 8; k++)
        if (phrase_units[k] < 0 || phrase_units[k] >= n_units) {
            PyErr_SetString(PyExc_ValueError, "topic_attempts: a unit out of range");
            goto done;
        }
    /* Per exact literal, its units sorted and distinct (what the loop below makes of a word that matches that
       literal and no prefix literal, nearly every matching word), whether one of them begins a phrase, and the
       phrases those units begin in the order the attempts are tried (units in order, then each unit's
       phrases). A literal whose units are out of range or too many keeps the general path (and its errors). */
    fast_ok = calloc((size_t)(exact.n > 0 ? exact.n : 1), 1);
    fast_firsts = calloc((size_t)(exact.n > 0 ? exact.n : 1), 1);
    fast_uptr = malloc(sizeof(int64_t) * (size_t)(exact.n + 1));
    fast_fptr = malloc(sizeof(int64_t) * (size_t)(exact.n + 1));
    if (!fast_ok || !fast_firsts || !fast_uptr || !fast_fptr) { PyErr_NoMemory(); goto done; }
    fast_uptr[0] = 0;
    fast_fptr[0] = 0;
    for (Py_ssize_t lit = 0; lit < exact.n; lit++) {
        int64_t cnt = exact_ptr[lit + 1] - exact_ptr[lit];
        int good = exact_ptr[lit] >= 0 && cnt >= 0 && cnt <= TP_MAX_UNITS
                   && exact_ptr[lit + 1] <= (int64_t)(bv[1].len / 8);
        int64_t tmp[TP_MAX_UNITS];
        int m = 0;
        if (good) {
            int nu = 0;
            for (int64_t j = exact_ptr[lit]; j < exact_ptr[lit + 1]; j++) tmp[nu++] = exact_units[j];
            for (int a = 1; a < nu; a++) {
                int64_t x = tmp[a];
                int b = a - 1;
                while (b >= 0 && tmp[b] > x) { tmp[b + 1] = tmp[b]; b--; }
                tmp[b + 1] = x;
            }
            for (int a = 0; a < nu; a++) {
                if (m && tmp[m - 1] == tmp[a]) continue;
                if (tmp[a] < 0 || tmp[a] >= n_units) { good = 0; break; }
                tmp[m++] = tmp[a];
            }
        }
        fast_ok[lit] = (char)good;
        if (!good) m = 0;
        for (int a = 0; a < m; a++) {
            if (tp_push(&fast_units, tmp[a]) < 0) goto done;
            int64_t u = tmp[a];
            for (int64_t f = first_ptr[u]; f < first_ptr[u + 1]; f++) {
                fast_firsts[lit] = 1;
                if (tp_push(&fast_phr, first_phrases[f]) < 0) goto done;
            }
        }
        fast_uptr[lit + 1] = fast_units.n;
        fast_fptr[lit + 1] = fast_phr.n;
    }
    {
        uint64_t cap = 64;
        while (cap < (uint64_t)exact.n * 4) cap <<= 1;
        skey = calloc((size_t)cap, sizeof(uint64_t));
        slit = calloc((size_t)cap, sizeof(int32_t));
        lstamp = calloc((size_t)(exact.n > 0 ? exact.n : 1), sizeof(int64_t));
        lokm = calloc((size_t)(exact.n > 0 ? exact.n : 1), sizeof(uint64_t));
        if (!skey || !slit || !lstamp || !lokm) { PyErr_NoMemory(); goto done; }
        smask = cap - 1;
        memset(sbloom, 0, sizeof(sbloom));
        for (Py_ssize_t lit = 0; lit < exact.n; lit++) {
            if (!exact.short1[lit] || exact.len[lit] < 1) continue;
            uint64_t key = exact.key8[lit], x = key * TP_SHORT_MUL;
            int nul = 0;
            for (Py_ssize_t k = 0; k < exact.len[lit]; k++) nul |= !(key >> (8 * k) & 0xFF);
            if (nul) continue;  /* no word equals it */
            x ^= x >> 32;
            sbloom[(x >> 20 & 16383) >> 6] |= (uint64_t)1 << (x >> 20 & 63);
            uint64_t s = x & smask;
            while (skey[s]) s = (s + 1) & smask;
            skey[s] = key;
            slit[s] = (int32_t)lit;
        }
        lmask = calloc((size_t)tw * ((size_t)exact.n + 1), sizeof(uint64_t));  /* [exact.n]: no units */
        if (!lmask) { PyErr_NoMemory(); goto done; }
        for (Py_ssize_t q = 0; q < exact.n; q++)
            for (int64_t j = fast_uptr[q]; j < fast_uptr[q + 1]; j++)
                lmask[tw * q + (fast_units.v[j] >> 6)] |= (uint64_t)1 << (fast_units.v[j] & 63);
        Py_ssize_t nph = bv[6].len / 8 - 1;
        pu4 = malloc(sizeof(int32_t) * 4 * (size_t)(nph > 0 ? nph : 1));
        pbig = calloc((size_t)(nph > 0 ? nph : 1), 1);
        if (!pu4 || !pbig) { PyErr_NoMemory(); goto done; }
        for (Py_ssize_t q = 0; q < nph; q++) {
            int64_t cnt = phrase_ptr[q + 1] - phrase_ptr[q];
            pbig[q] = cnt > 4 || n_units > INT32_MAX;  /* (int32 units: else the loop) */
            for (int k = 0; k < 4; k++)
                pu4[4 * q + k] = k < cnt && cnt <= 4 ? (int32_t)phrase_units[phrase_ptr[q] + k] : (int32_t)n_units;
        }
        memset(pfirst, 0, sizeof(pfirst));
        memset(pf2, 0, sizeof(pf2));
        for (Py_ssize_t q = 0; q < prefix.n; q++) {
            uint32_t c0 = prefix.len[q] > 0 ? prefix.pool[prefix.off[q]] : 0;
            if (c0 > 0xFF) memset(pfirst, 1, sizeof(pfirst));  /* (hashed by low bytes: any byte) */
            else pfirst[c0] = 1;
            uint32_t c1 = prefix.len[q] > 1 ? prefix.pool[prefix.off[q] + 1] : 0x100;
            if (c0 > 0xFF || c1 > 0xFF) pf2_ok = 0;
            else pf2[(c0 | c1 << 8) >> 6] |= (uint64_t)1 << ((c0 | c1 << 8) & 63);
        }
        pdirect = prefix.n <= TP_PDIRECT;
        for (Py_ssize_t q = 0; q < prefix.n; q++) {
            Py_ssize_t pn = prefix.len[q];
            if (pn < min_plen) min_plen = pn;
            unsigned char b[8];
            for (Py_ssize_t k = 0; k < 8 && k < pn; k++) {
                uint32_t c = prefix.pool[prefix.off[q] + k];
                if (c > 0xFF) pdirect = 0;
                b[k] = (unsigned char)c;
            }
            if (pdirect) pk8[q] = tp_load(b, pn < 8 ? pn : 8, pn < 8 ? pn : 8);
        }
    }
    /* A text of wider characters takes the Latin-1 path on a copy of its characters as bytes (mbuf: a character
       above 0xFF becomes wide_word when it is a word character, else a space), the literals still compared
       with its own characters where they are read as code points: so when no literal holds a character above
       0xFF or wide_word (then no word with such a character equals a literal or begins with a prefix literal,
       and a word of Latin-1 characters hashes and compares as before). Such a text keeps no clause marks
       (wlit NULL), as the character loop below has none. wide_word: a non-ASCII word byte no literal holds. */
    {
        unsigned char held[256];
        memset(held, 0, sizeof(held));
        int over = 0;
        const TpTable *tabs[2] = {&exact, &prefix};
        for (int q = 0; q < 2; q++) {
            Py_ssize_t total = 0;
            for (Py_ssize_t i = 0; i < tabs[q]->n; i++) total += tabs[q]->len[i];
            for (Py_ssize_t k = 0; k < total; k++) {
                uint32_t c = tabs[q]->pool[k];
                if (c > 0xFF) over = 1;
                else held[c] = 1;
            }
        }
        for (int c = 0x80; c < 0x100 && !over && !wide_word; c++)
            if (tp_word1[c] && !held[c]) wide_word = c;
    }
    int64_t units[TP_MAX_UNITS];
    for (Py_ssize_t r = 0; r < n; r++) {
        PyObject *s = PyList_GET_ITEM(texts, r);
        if (!PyUnicode_Check(s)) {
            PyErr_Format(PyExc_TypeError, "topic_attempts: text %zd is not a str", r);
            goto done;
        }
        int kind = PyUnicode_KIND(s);
        const void *data = PyUnicode_DATA(s);
        Py_ssize_t len = PyUnicode_GET_LENGTH(s);
        int64_t stamp = (int64_t)r + 1;
        pend.n = 0;
        pool.n = 0;
        memset(tm, 0, sizeof(uint64_t) * (size_t)tw);
        tm[n_units >> 6] = (uint64_t)1 << (n_units & 63);
        Py_ssize_t i = 0, nw = 0, wi = 0;
        Py_ssize_t *wlit = NULL;  /* with marks, a Latin-1 text's words' literals (see wlbuf) */
        const Py_UCS1 *bytes = kind == PyUnicode_1BYTE_KIND ? (const Py_UCS1 *)data : NULL;
        int mapped = 0;
        if (!bytes && wide_word) {  /* the text's characters as bytes (see mbuf) */
            if (len + 1 > mcap) {
                Py_ssize_t cap = mcap ? mcap : 1024;
                while (cap < len + 1) cap *= 2;
                unsigned char *nm = realloc(mbuf, (size_t)cap);
                if (!nm) { PyErr_NoMemory(); goto done; }
                mbuf = nm;
                mcap = cap;
            }
            if (kind == PyUnicode_2BYTE_KIND) {
                const Py_UCS2 *d2 = (const Py_UCS2 *)data;
                for (Py_ssize_t k = 0; k < len; k++)
                    mbuf[k] = d2[k] <= 0xFF ? (unsigned char)d2[k] : tp_is_word(d2[k]) ? (unsigned char)wide_word : ' ';
            } else
                for (Py_ssize_t k = 0; k < len; k++) {
                    Py_UCS4 c = PyUnicode_READ(kind, data, k);
                    mbuf[k] = c <= 0xFF ? (unsigned char)c : tp_is_word(c) ? (unsigned char)wide_word : ' ';
                }
            bytes = mbuf;
            mapped = 1;
        }
        if (bytes) {  /* the words' edges first, without a branch per character: start, end, start, end, ... */
            if (len + 2 > ecap) {
                Py_ssize_t cap = ecap ? ecap : 1024;
                while (cap < len + 2) cap *= 2;
                Py_ssize_t *ne = realloc(edges, sizeof(Py_ssize_t) * (size_t)cap);
                if (!ne) { PyErr_NoMemory(); goto done; }
                edges = ne;
                ecap = cap;
            }
            nw = tp_edges(bytes, len, edges) / 2;
            if (use_marks && !mapped) {
                if (nw > wlcap) {
                    Py_ssize_t cap = wlcap ? wlcap : 256;
                    while (cap < nw) cap *= 2;
                    Py_ssize_t *nb = realloc(wlbuf, sizeof(Py_ssize_t) * (size_t)cap);
                    if (!nb) { PyErr_NoMemory(); goto done; }
                    wlbuf = nb;
                    wlcap = cap;
                }
                wlit = wlbuf;
                for (Py_ssize_t w = 0; w < nw; w++) wlit[w] = -1;
            }
        }
        {  /* room for 4 pending values per word: a fast literal's are written without a test */
            Py_ssize_t need = 4 * (bytes ? nw : len / 2 + 1) + 4;
            while (pend.cap < need)
                if (tp_grow(&pend) < 0) goto done;
        }
        while (i < len) {
            Py_ssize_t start;
            Py_ssize_t lit = -1, plit[TP_MAX_PLEN];
            int npl = 0;
            if (bytes) {  /* Latin-1 text (most reviews): the next word from the edges */
                if (wi == nw) break;
                start = edges[2 * wi];
                i = edges[2 * wi + 1];
                wi++;
                const unsigned char *wb = bytes + start;
                Py_ssize_t avail = len - start, wlen = i - start;
                if (wlen <= 8) {  /* the word's bytes as one integer: the short literals' table */
                    uint64_t key = tp_load(wb, wlen, avail), x = key * TP_SHORT_MUL;
                    x ^= x >> 32;
                    if (sbloom[(x >> 20 & 16383) >> 6] & (uint64_t)1 << (x >> 20 & 63))
                        for (uint64_t s = x & smask;; s = (s + 1) & smask) {
                            if (skey[s] == key) { lit = slit[s]; break; }
                            if (!skey[s]) break;
                        }
                } else if (wlen <= max_exact)
                    lit = tp_lookup(&exact, tp_hash(wb, wlen, avail), kind, data, start, wlen, bytes, avail);
                if (wlen >= min_plen
                    && (pf2_ok ? pf2[(wb[0] | wb[1] << 8) >> 6] >> ((wb[0] | wb[1] << 8) & 63) & 1 : pfirst[wb[0]])) {
                    if (pdirect)  /* few prefix literals: compared, not hashed */
                        for (Py_ssize_t q = 0; q < prefix.n; q++) {
                            Py_ssize_t pn = prefix.len[q];
                            if (pn > wlen || tp_load(wb, pn < 8 ? pn : 8, avail) != pk8[q]) continue;
                            const uint32_t *pp = prefix.pool + prefix.off[q];
                            Py_ssize_t j = 8;
                            while (j < pn && pp[j] == wb[j]) j++;
                            if (j >= pn) plit[npl++] = q;
                        }
                    else
                        for (int q = 0; q < n_plens && plens[q] <= wlen; q++) {
                            Py_ssize_t pq = tp_lookup(&prefix, tp_hash(wb, plens[q], avail), kind, data, start,
                                                      plens[q], bytes, avail);
                            if (pq >= 0) plit[npl++] = pq;
                        }
                }
            } else {
                if (!tp_is_word(PyUnicode_READ(kind, data, i))) { i++; continue; }
                start = i;
                Py_UCS4 c;
                while (i < len && tp_is_word(c = PyUnicode_READ(kind, data, i))) {
                    if (i - start < wcap) wbuf[i - start] = (unsigned char)(c & 0xFF);
                    i++;
                }
                Py_ssize_t avail = i - start < wcap ? i - start : wcap, wlen = i - start;
                for (int q = 0; q < n_plens && plens[q] <= wlen; q++) {
                    Py_ssize_t pq = tp_lookup(&prefix, tp_hash(wbuf, plens[q], avail), kind, data, start, plens[q],
                                              NULL, avail);
                    if (pq >= 0) plit[npl++] = pq;
                }
                if (wlen <= max_exact)  /* else no exact literal is so long */
                    lit = tp_lookup(&exact, tp_hash(wbuf, wlen, avail), kind, data, start, wlen, NULL, avail);
            }
            int nu = 0;
            if (lit >= 0 && fast_ok[lit] && !npl) {  /* the literal's units, worked out once: ORed in */
                const uint64_t *lm = lmask + tw * lit;
                if (tw == 8) {
#if defined(__SSE2__) && !defined(TOPICS_NO_SIMD)
                    for (int k = 0; k < 8; k += 2)
                        _mm_storeu_si128((__m128i *)(tm + k), _mm_or_si128(_mm_loadu_si128((const __m128i *)(tm + k)),
                                                                          _mm_loadu_si128((const __m128i *)(lm + k))));
#else
                    for (int k = 0; k < 8; k++) tm[k] |= lm[k];
#endif
                } else
                    for (Py_ssize_t k = 0; k < tw; k++) tm[k] |= lm[k];
                if (wlit) wlit[wi - 1] = lit;
                int64_t *pe = pend.v + pend.n;  /* (room made above) kept when the literal begins a phrase */
                pe[0] = (int64_t)start;
                pe[1] = -1 - (int64_t)lit;
                pe[2] = 0;
                pe[3] = (int64_t)wi - 1;
                pend.n += 4 & -(Py_ssize_t)fast_firsts[lit];
                continue;
            }
            if (lit >= 0)
                for (int64_t j = exact_ptr[lit]; j < exact_ptr[lit + 1]; j++) {
                    if (nu == TP_MAX_UNITS) goto too_many;
                    units[nu++] = exact_units[j];
                }
            for (int q = 0; q < npl; q++)
                for (int64_t j = prefix_ptr[plit[q]]; j < prefix_ptr[plit[q] + 1]; j++) {
                    if (nu == TP_MAX_UNITS) goto too_many;
                    units[nu++] = prefix_units[j];
                }
            if (!nu) continue;
            if (wlit) wlit[wi - 1] = -2;
            /* sorted, distinct (few units: insertion sort) */
            for (int a = 1; a < nu; a++) {
                int64_t x = units[a];
                int b = a - 1;
                while (b >= 0 && units[b] > x) { units[b + 1] = units[b]; b--; }
                units[b + 1] = x;
            }
            int m = 0, firsts = 0;
            for (int a = 0; a < nu; a++) {
                if (m && units[m - 1] == units[a]) continue;
                int64_t u = units[a];
                if (u < 0 || u >= n_units) {
                    PyErr_SetString(PyExc_ValueError, "topic_attempts: a unit out of range");
                    goto done;
                }
                units[m++] = u;
                tm[u >> 6] |= (uint64_t)1 << (u & 63);
                if (first_ptr[u + 1] > first_ptr[u]) firsts = 1;
            }
            if (firsts) {
                if (tp_push(&pend, (int64_t)start) < 0 || tp_push(&pend, (int64_t)pool.n) < 0
                    || tp_push(&pend, (int64_t)m) < 0 || tp_push(&pend, (int64_t)wi - 1) < 0)
                    goto done;
                for (int a = 0; a < m; a++)
                    if (tp_push(&pool, units[a]) < 0) goto done;
            }
        }
        Py_ssize_t bar = -1;  /* the first mark at or after the latest pending offset (offsets increase) */
        /* One walk per pending word w0 that needs it (and its bar): the OR of the unit sets of the words from
           w0 up to the bar (cm), and whether one of them has units found another way (walk_any). */
        Py_ssize_t walk_bar = -1, walk_from = -1;
        int walk_any = 0;
        for (Py_ssize_t q = 0; q < pend.n; q += 4) {
            int64_t at = pend.v[q], base = pend.v[q + 1], cnt = pend.v[q + 2], w0 = pend.v[q + 3];
            int clause_known = 0, any_word = 0;  /* this pending word's clause units: not yet gathered */
            if (base < 0 && fast_fptr[-base] - fast_fptr[-1 - base] <= 64) {
                /* an exact literal's phrases, precomputed; which are candidates (all units seen) once per text
                   and literal (a bit each, in order), then per pending word the clause check of those */
                int64_t lit = -1 - base, f0 = fast_fptr[lit];
                uint64_t okm;
                if (lstamp[lit] == stamp)
                    okm = lokm[lit];
                else {
                    okm = 0;
                    for (int64_t f = f0; f < fast_fptr[lit + 1]; f++) {
                        int64_t p = fast_phr.v[f];
                        int ok = 1;
                        if (!pbig[p]) {
                            const int32_t *u4 = pu4 + 4 * p;
                            ok = (int)(tm[u4[0] >> 6] >> (u4[0] & 63) & tm[u4[1] >> 6] >> (u4[1] & 63)
                                       & tm[u4[2] >> 6] >> (u4[2] & 63) & tm[u4[3] >> 6] >> (u4[3] & 63) & 1);
                        } else if (pstamp[p] >> 1 == stamp)
                            ok = (int)(pstamp[p] & 1);
                        else {
                            for (int64_t j = phrase_ptr[p]; j < phrase_ptr[p + 1]; j++)
                                if (!(tm[phrase_units[j] >> 6] >> (phrase_units[j] & 63) & 1)) { ok = 0; break; }
                            pstamp[p] = 2 * stamp + ok;
                        }
                        okm |= (uint64_t)ok << (f - f0);
                    }
                    lstamp[lit] = stamp;
                    lokm[lit] = okm;
                }
                for (; okm; okm &= okm - 1) {
                    int64_t p = fast_phr.v[f0 + __builtin_ctzll(okm)];
                    int ok = 1;
                    if (wlit) {  /* every unit of p satisfied by a word from here to the next mark */
                        if (!clause_known) {
                            clause_known = 1;
                            if (bar < at) {
                                bar = at;
                                bar = tp_next_mark(bytes, bar, len, is_mark, mk, nmk);
                            }
                            if (walk_bar != bar || walk_from != w0) {
                                walk_bar = bar;
                                walk_from = w0;
                                walk_any = tp_clause_units(wlit, edges, nw, w0, bar, lmask, tw, exact.n, cm, n_units);
                            }
                            any_word = walk_any;
                        }
                        if (!any_word) {
                            if (!pbig[p]) {
                                const int32_t *u4 = pu4 + 4 * p;
                                ok = (int)(cm[u4[0] >> 6] >> (u4[0] & 63) & cm[u4[1] >> 6] >> (u4[1] & 63)
                                           & cm[u4[2] >> 6] >> (u4[2] & 63) & cm[u4[3] >> 6] >> (u4[3] & 63) & 1);
                            } else
                                for (int64_t j = phrase_ptr[p]; j < phrase_ptr[p + 1]; j++)
                                    if (!(cm[phrase_units[j] >> 6] >> (phrase_units[j] & 63) & 1)) { ok = 0; break; }
                        }
                    }
                    if (ok && (tp_push(&rows, (int64_t)r) < 0 || tp_push(&offs, at) < 0 || tp_push(&phr, p) < 0))
                        goto done;
                }
                continue;
            }
            if (base < 0) {  /* an exact literal's phrases (more than 64), precomputed */
                int64_t lit = -1 - base;
                if (lstamp[lit] == -stamp) continue;  /* none of them is a candidate in this text (found before) */
                int any_ok = 0;
                for (int64_t f = fast_fptr[lit]; f < fast_fptr[lit + 1]; f++) {
                    int64_t p = fast_phr.v[f];
                    int ok = 1;
                    if (!pbig[p]) {
                        const int32_t *u4 = pu4 + 4 * p;
                        ok = (int)(tm[u4[0] >> 6] >> (u4[0] & 63) & tm[u4[1] >> 6] >> (u4[1] & 63)
                                   & tm[u4[2] >> 6] >> (u4[2] & 63) & tm[u4[3] >> 6] >> (u4[3] & 63) & 1);
                    } else if (pstamp[p] >> 1 == stamp)
                        ok = (int)(pstamp[p] & 1);
                    else {
                        for (int64_t j = phrase_ptr[p]; j < phrase_ptr[p + 1]; j++)
                            if (!(tm[phrase_units[j] >> 6] >> (phrase_units[j] & 63) & 1)) { ok = 0; break; }
                        pstamp[p] = 2 * stamp + ok;
                    }
                    any_ok |= ok;
                    if (ok && wlit) {  /* every unit of p satisfied by a word from here to the next mark */
                        if (!clause_known) {
                            clause_known = 1;
                            if (bar < at) {
                                bar = at;
                                bar = tp_next_mark(bytes, bar, len, is_mark, mk, nmk);
                            }
                            if (walk_bar != bar || walk_from != w0) {
                                walk_bar = bar;
                                walk_from = w0;
                                walk_any = tp_clause_units(wlit, edges, nw, w0, bar, lmask, tw, exact.n, cm, n_units);
                            }
                            any_word = walk_any;
                        }
                        if (!any_word) {
                            if (!pbig[p]) {
                                const int32_t *u4 = pu4 + 4 * p;
                                ok = (int)(cm[u4[0] >> 6] >> (u4[0] & 63) & cm[u4[1] >> 6] >> (u4[1] & 63)
                                           & cm[u4[2] >> 6] >> (u4[2] & 63) & cm[u4[3] >> 6] >> (u4[3] & 63) & 1);
                            } else
                                for (int64_t j = phrase_ptr[p]; j < phrase_ptr[p + 1]; j++)
                                    if (!(cm[phrase_units[j] >> 6] >> (phrase_units[j] & 63) & 1)) { ok = 0; break; }
                        }
                    }
                    if (ok && (tp_push(&rows, (int64_t)r) < 0 || tp_push(&offs, at) < 0 || tp_push(&phr, p) < 0))
                        goto done;
                }
                if (!any_ok) lstamp[lit] = -stamp;
                continue;
            }
            for (int64_t a = 0; a < cnt; a++) {
                int64_t u = pool.v[base + a];
                for (int64_t f = first_ptr[u]; f < first_ptr[u + 1]; f++) {
                    int64_t p = first_phrases[f];
                    int ok = 1;
                    if (pstamp[p] >> 1 == stamp)  /* this text's answer for the phrase, found before */
                        ok = (int)(pstamp[p] & 1);
                    else {
                        for (int64_t j = phrase_ptr[p]; j < phrase_ptr[p + 1]; j++)
                            if (!(tm[phrase_units[j] >> 6] >> (phrase_units[j] & 63) & 1)) { ok = 0; break; }
                        pstamp[p] = 2 * stamp + ok;
                    }
                    if (ok && wlit) {  /* every unit of p satisfied by a word from here to the next mark */
                        if (!clause_known) {
                            clause_known = 1;
                            if (bar < at) {
                                bar = at;
                                bar = tp_next_mark(bytes, bar, len, is_mark, mk, nmk);
                            }
                            if (walk_bar != bar || walk_from != w0) {
                                walk_bar = bar;
                                walk_from = w0;
                                walk_any = tp_clause_units(wlit, edges, nw, w0, bar, lmask, tw, exact.n, cm, n_units);
                            }
                            any_word = walk_any;
                        }
                        if (!any_word) {
                            if (!pbig[p]) {
                                const int32_t *u4 = pu4 + 4 * p;
                                ok = (int)(cm[u4[0] >> 6] >> (u4[0] & 63) & cm[u4[1] >> 6] >> (u4[1] & 63)
                                           & cm[u4[2] >> 6] >> (u4[2] & 63) & cm[u4[3] >> 6] >> (u4[3] & 63) & 1);
                            } else
                                for (int64_t j = phrase_ptr[p]; j < phrase_ptr[p + 1]; j++)
                                    if (!(cm[phrase_units[j] >> 6] >> (phrase_units[j] & 63) & 1)) { ok = 0; break; }
                        }
                    }
                    if (ok && (tp_push(&rows, (int64_t)r) < 0 || tp_push(&offs, at) < 0 || tp_push(&phr, p) < 0))
                        goto done;
                }
            }
        }
    }
    {
        PyObject *a = tp_vec_bytes(&rows), *b = tp_vec_bytes(&offs), *c = tp_vec_bytes(&phr);
        if (a && b && c) res = PyTuple_Pack(3, a, b, c);
        Py_XDECREF(a);
        Py_XDECREF(b);
        Py_XDECREF(c);
    }
    goto done;
too_many:
    PyErr_SetString(PyExc_ValueError, "topic_attempts: a word satisfies more than 256 units");
done:
    for (int k = 0; k < 8; k++)
        if (bv[k].obj) PyBuffer_Release(&bv[k]);
    tp_table_free(&exact);
    tp_table_free(&prefix);
    free(rows.v); free(offs.v); free(phr.v); free(pend.v); free(pool.v);
    free(tm);
    free(pstamp);
    free(wbuf);
    free(edges);
    free(fast_ok); free(fast_firsts); free(fast_uptr); free(fast_fptr);
    free(fast_units.v); free(fast_phr.v); free(wlbuf); free(cm); free(mbuf);
    free(skey); free(slit); free(lstamp); free(lokm); free(pu4); free(pbig); free(lmask);
    return res;
}


/* reviewtools.topics._clause_doc's scans of one context window (curly apostrophes already made straight):
   whether a token runs across start or end (_crosses), one past the last clause mark before start
   (_last_clause_mark_end), where the clause after the match stops, and the tokens (findall of
   \w+(?:'\w+)*, \w as Python's re has it) of the pieces before, of and after the match. */

static inline int tp_is_mark(Py_UCS4 c)
{
    return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\n';
}

/* _token_char(text, i): a word character, or an apostrophe between two of them. */
static int tp_token_char(int kind, const void *data, Py_ssize_t size, Py_ssize_t i)
{
    Py_UCS4 c = PyUnicode_READ(kind, data, i);
    if (tp_is_word(c)) return 1;
    return c == '\'' && i > 0 && i < size - 1 && tp_is_word(PyUnicode_READ(kind, data, i - 1))
           && tp_is_word(PyUnicode_READ(kind, data, i + 1));
}

static int tp_crosses(int kind, const void *data, Py_ssize_t size, Py_ssize_t pos)
{
    if (!(pos > 0 && pos < size)) return 0;
    return tp_token_char(kind, data, size, pos - 1) && tp_token_char(kind, data, size, pos);
}

/* text[a:b] as a str for the judge's token lists: an ASCII token of at most TP_WCACHE_MAX characters comes from
   a small cache of str objects (direct mapped by tp_word_hash of its bytes; an equal str, so set lookups
   reuse its cached hash and no str is allocated per token); any other through PyUnicode_Substring. A new
   reference, or NULL with an error set. */
#define TP_WCACHE_SLOTS 4096
#define TP_WCACHE_MAX 24
static PyObject *tp_wcache[TP_WCACHE_SLOTS];

/* The cache slot of the len (1..TP_WCACHE_MAX) bytes at s: a multiply hash of at most three overlapping
   8-byte loads (4-byte or single-byte loads for shorter words) and the length, reading only those bytes.
   Only which words share a slot depends on it: a hit is still checked byte for byte. */
static inline uint64_t tp_load8(const unsigned char *s) { uint64_t v; memcpy(&v, s, 8); return v; }
static inline uint32_t tp_load4(const unsigned char *s) { uint32_t v; memcpy(&v, s, 4); return v; }
static inline size_t tp_word_hash(const unsigned char *s, size_t len)
{
    uint64_t x, y = 0;
    if (len >= 8) {
        x = tp_load8(s);
        y = tp_load8(s + len - 8);
        if (len > 16) x ^= tp_load8(s + 8) * 0xC2B2AE3D27D4EB4Full;
    } else if (len >= 4) {
        x = (uint64_t)tp_load4(s) | ((uint64_t)tp_load4(s + len - 4) << 32);
    } else {
        x = (uint64_t)s[0] | ((uint64_t)s[len / 2] << 8) | ((uint64_t)s[len - 1] << 16);
    }
    uint64_t h = (x ^ (uint64_t)len) * 0x9E3779B97F4A7C15ull;
    h ^= (y + (uint64_t)len) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 29;
    return (size_t)(h >> 40) & (TP_WCACHE_SLOTS - 1);
}

static PyObject *tp_word_str(PyObject *text, Py_ssize_t a, Py_ssize_t b)
{
    Py_ssize_t len = b - a;
    if (len <= 0 || len > TP_WCACHE_MAX || !PyUnicode_IS_ASCII(text)) return PyUnicode_Substring(text, a, b);
    const unsigned char *src = PyUnicode_1BYTE_DATA(text) + a;
    PyObject **slot = &tp_wcache[tp_word_hash(src, (size_t)len)];
    PyObject *w = *slot;
    if (w && PyUnicode_GET_LENGTH(w) == len && memcmp(PyUnicode_1BYTE_DATA(w), src, (size_t)len) == 0) {
        Py_INCREF(w);
        return w;
    }
    w = PyUnicode_Substring(text, a, b);
    if (!w) return NULL;
    if (!PyUnicode_IS_ASCII(w)) return w;  /* cannot happen for an ASCII text; kept exact regardless */
    Py_INCREF(w);
    Py_XSETREF(*slot, w);
    return w;
}

/* Append the tokens of text[lo:hi] as re.findall(r"\w+(?:'\w+)*", text, lo, hi) finds them to out; with
   breaks, *broken is set when one of them is in that set. 0, or -1 with an error set. */
static int tp_tokens(PyObject *out, PyObject *text, int kind, const void *data, Py_ssize_t lo, Py_ssize_t hi,
                     PyObject *breaks, int *broken)
{
    Py_ssize_t i = lo;
    while (i < hi) {
        if (!tp_is_word(PyUnicode_READ(kind, data, i))) { i++; continue; }
        Py_ssize_t a = i;
        while (i < hi && tp_is_word(PyUnicode_READ(kind, data, i))) i++;
        while (i + 1 < hi && PyUnicode_READ(kind, data, i) == '\'' && tp_is_word(PyUnicode_READ(kind, data, i + 1))) {
            i += 1;
            while (i < hi && tp_is_word(PyUnicode_READ(kind, data, i))) i++;
        }
        PyObject *w = tp_word_str(text, a, i);
        if (!w) return -1;
        if (!*broken) {
            int in = PySet_Contains(breaks, w);
            if (in < 0) { Py_DECREF(w); return -1; }
            *broken = in;
        }
        int bad = PyList_Append(out, w);
        Py_DECREF(w);
        if (bad < 0) return -1;
    }
    return 0;
}


/* Where _UP_TO_LAST_TOKEN_RE.match(text, 0, hi) puts its group: the last position p < hi where \w+ starts,
   not after a word character nor after an apostrophe that follows one; -1 when there is none. */
static Py_ssize_t tp_last_token_start(int kind, const void *data, Py_ssize_t hi)
{
    for (Py_ssize_t p = hi - 1; p >= 0; p--) {
        if (!tp_is_word(PyUnicode_READ(kind, data, p))) continue;
        if (p >= 1 && tp_is_word(PyUnicode_READ(kind, data, p - 1))) continue;
        if (p >= 2 && PyUnicode_READ(kind, data, p - 1) == '\'' && tp_is_word(PyUnicode_READ(kind, data, p - 2)))
            continue;
        return p;
    }
    return -1;
}

/* The end of the token \w+(?:'\w+)* that starts at a (a word character), bounded by hi. */
static Py_ssize_t tp_token_end(int kind, const void *data, Py_ssize_t a, Py_ssize_t hi)
{
    Py_ssize_t i = a;
    while (i < hi && tp_is_word(PyUnicode_READ(kind, data, i))) i++;
    while (i + 1 < hi && PyUnicode_READ(kind, data, i) == '\'' && tp_is_word(PyUnicode_READ(kind, data, i + 1))) {
        i += 1;
        while (i < hi && tp_is_word(PyUnicode_READ(kind, data, i))) i++;
    }
    return i;
}

/* Append the tokens of text[lo:hi] with their clause and sentence numbers as reviewtools.topics._add_tokens
   numbers them (a clause mark ends a clause, . ! ? and a line break a sentence, a word in breaks opens a
   clause); with limit >= 0, stop after that many tokens (the marker reach past a sentence). 0, or -1.
   With clauses NULL (and sentences NULL), each token's clause and sentence numbers are pushed to cv instead
   (two values per token) and no int objects are made. */
static int tp_numbered_x(PyObject *text, int kind, const void *data, Py_ssize_t lo, Py_ssize_t hi, PyObject *breaks,
                         Py_ssize_t *clause, Py_ssize_t *sentence, PyObject *words, PyObject *clauses,
                         PyObject *sentences, Py_ssize_t limit, TpVec *cv)
{
    Py_ssize_t i = lo;
    while (i < hi) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (tp_is_mark(c)) {
            *clause += 1;
            if (c == '.' || c == '!' || c == '?' || c == '\n') *sentence += 1;
            i++;
            continue;
        }
        if (!tp_is_word(c)) { i++; continue; }
        Py_ssize_t a = i;
        while (i < hi && tp_is_word(PyUnicode_READ(kind, data, i))) i++;
        while (i + 1 < hi && PyUnicode_READ(kind, data, i) == '\'' && tp_is_word(PyUnicode_READ(kind, data, i + 1))) {
            i += 1;
            while (i < hi && tp_is_word(PyUnicode_READ(kind, data, i))) i++;
        }
        PyObject *w = tp_word_str(text, a, i);
        if (!w) return -1;
        int in = PySet_Contains(breaks, w);
        if (in < 0) { Py_DECREF(w); return -1; }
        if (in) *clause += 1;
        if (!clauses) {
            int bad = PyList_Append(words, w) < 0 || tp_push(cv, (int64_t)*clause) < 0
                      || tp_push(cv, (int64_t)*sentence) < 0;
            Py_DECREF(w);
            if (bad) return -1;
            if (limit >= 0 && --limit == 0) break;
            continue;
        }
        PyObject *cl = PyLong_FromSsize_t(*clause), *se = cl ? PyLong_FromSsize_t(*sentence) : NULL;
        int bad = !se || PyList_Append(words, w) < 0 || PyList_Append(clauses, cl) < 0
                  || PyList_Append(sentences, se) < 0;
        Py_DECREF(w);
        Py_XDECREF(cl);
        Py_XDECREF(se);
        if (bad) return -1;
        if (limit >= 0 && --limit == 0) break;
    }
    return 0;
}

#define tp_numbered(...) tp_numbered_x(__VA_ARGS__, NULL)

/* tp_window_doc's tokens without int objects: 1 with *words a new list of the tokens, cv their clause and
   sentence numbers (two per token, cv emptied first), *first and *last as tp_window_doc gives them; 0 where
   tp_window_doc gives None; -1 with an error set. */
static int tp_window_doc_c(PyObject *text, Py_ssize_t start, Py_ssize_t end, PyObject *breaks, Py_ssize_t reach,
                           TpVec *cv, PyObject **words_out, Py_ssize_t *first, Py_ssize_t *last)
{
    *words_out = NULL;
    cv->n = 0;
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    if (start < 0 || end < start || end > size) {
        PyErr_SetString(PyExc_ValueError, "topic_window: need 0 <= start <= end <= len(text)");
        return -1;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    tp_init_word1();
    if (tp_crosses(kind, data, size, start) || tp_crosses(kind, data, size, end)) return 0;
    Py_ssize_t origin = 0, mark = -1;
    for (Py_ssize_t i = start - 1; i >= 0; i--) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == '.' || c == '!' || c == '?' || c == '\n') { mark = i; break; }
    }
    if (mark > 0) {
        Py_ssize_t p = tp_last_token_start(kind, data, mark);
        if (p >= 0) origin = p;
    }
    Py_ssize_t stop = size;
    for (Py_ssize_t i = end; i < size; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == '.' || c == '!' || c == '?' || c == '\n') { stop = i; break; }
    }
    PyObject *words = PyList_New(0);
    Py_ssize_t clause = 0, sentence = 0;
    if (!words) return -1;
    if (tp_numbered_x(text, kind, data, origin, start, breaks, &clause, &sentence, words, NULL, NULL, -1, cv) < 0)
        goto fail;
    *first = PyList_GET_SIZE(words);
    if (tp_numbered_x(text, kind, data, start, end, breaks, &clause, &sentence, words, NULL, NULL, -1, cv) < 0)
        goto fail;
    *last = PyList_GET_SIZE(words) - 1;
    if (tp_numbered_x(text, kind, data, end, stop, breaks, &clause, &sentence, words, NULL, NULL, -1, cv) < 0)
        goto fail;
    if (stop < size && tp_numbered_x(text, kind, data, stop, size, breaks, &clause, &sentence, words, NULL, NULL,
                                     reach, cv) < 0)
        goto fail;
    *words_out = words;
    return 1;
fail:
    Py_DECREF(words);
    return -1;
}

/* reviewtools.topics._window_doc's tokens of one context window (curly apostrophes already made straight):
   None when a token runs across start or end, else (words, clauses, sentences, first, last): from the last
   token before the match's sentence to the sentence's end, then at most reach tokens past it. */
static PyObject *tp_window_doc(PyObject *text, Py_ssize_t start, Py_ssize_t end, PyObject *breaks, Py_ssize_t reach);

static PyObject *
vc_topic_window(PyObject *self, PyObject *args)
{
    PyObject *text, *breaks;
    Py_ssize_t start, end, reach;
    if (!PyArg_ParseTuple(args, "UnnO!n", &text, &start, &end, &PyFrozenSet_Type, &breaks, &reach)) return NULL;
    return tp_window_doc(text, start, end, breaks, reach);
}

/* vc_topic_window's work on parsed arguments. */
static PyObject *tp_window_doc(PyObject *text, Py_ssize_t start, Py_ssize_t end, PyObject *breaks, Py_ssize_t reach)
{
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    if (start < 0 || end < start || end > size) {
        PyErr_SetString(PyExc_ValueError, "topic_window: need 0 <= start <= end <= len(text)");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    tp_init_word1();
    if (tp_crosses(kind, data, size, start) || tp_crosses(kind, data, size, end)) Py_RETURN_NONE;
    Py_ssize_t origin = 0, mark = -1;
    for (Py_ssize_t i = start - 1; i >= 0; i--) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == '.' || c == '!' || c == '?' || c == '\n') { mark = i; break; }
    }
    if (mark > 0) {
        Py_ssize_t p = tp_last_token_start(kind, data, mark);
        if (p >= 0) origin = p;
    }
    Py_ssize_t stop = size;
    for (Py_ssize_t i = end; i < size; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == '.' || c == '!' || c == '?' || c == '\n') { stop = i; break; }
    }
    PyObject *words = PyList_New(0), *clauses = PyList_New(0), *sentences = PyList_New(0);
    Py_ssize_t clause = 0, sentence = 0, first = 0, last = 0;
    if (!words || !clauses || !sentences) goto fail;
    if (tp_numbered(text, kind, data, origin, start, breaks, &clause, &sentence, words, clauses, sentences, -1) < 0)
        goto fail;
    first = PyList_GET_SIZE(words);
    if (tp_numbered(text, kind, data, start, end, breaks, &clause, &sentence, words, clauses, sentences, -1) < 0)
        goto fail;
    last = PyList_GET_SIZE(words) - 1;
    if (tp_numbered(text, kind, data, end, stop, breaks, &clause, &sentence, words, clauses, sentences, -1) < 0)
        goto fail;
    if (stop < size && tp_numbered(text, kind, data, stop, size, breaks, &clause, &sentence, words, clauses,
                                   sentences, reach) < 0)
        goto fail;
    return Py_BuildValue("NNNnn", words, clauses, sentences, first, last);
fail:
    Py_XDECREF(words);
    Py_XDECREF(clauses);
    Py_XDECREF(sentences);
    return NULL;
}

/* reviewtools.topics._clause_doc's tokens of one context window (curly apostrophes already made straight):
   None when a token runs across start or end, else (words, clauses, first, last). Without a contrast word
   (breaks) or a clause mark in the pieces: the tokens from one past the last clause mark before the match to
   the match's end (after: to the next clause mark), all of clause 1, and before them, when the first is a
   quantified negator, the last token before that mark (clause 0). Otherwise the tokens from the last token
   before that mark (or the mark itself), numbered clause by clause (tp_numbered). */
static PyObject *tp_clause_doc(PyObject *text, Py_ssize_t start, Py_ssize_t end, int after, PyObject *breaks,
                               PyObject *quantified);

static PyObject *
vc_topic_clause(PyObject *self, PyObject *args)
{
    PyObject *text, *breaks, *quantified;
    Py_ssize_t start, end;
    int after;
    if (!PyArg_ParseTuple(args, "UnnpO!O!", &text, &start, &end, &after, &PyFrozenSet_Type, &breaks,
                          &PyFrozenSet_Type, &quantified))
        return NULL;
    return tp_clause_doc(text, start, end, after, breaks, quantified);
}

/* vc_topic_clause's work on parsed arguments (text a str, breaks and quantified frozensets). */
static PyObject *tp_clause_doc(PyObject *text, Py_ssize_t start, Py_ssize_t end, int after, PyObject *breaks,
                               PyObject *quantified)
{
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    if (start < 0 || end < start || end > size) {
        PyErr_SetString(PyExc_ValueError, "topic_clause: need 0 <= start <= end <= len(text)");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    tp_init_word1();
    if (tp_crosses(kind, data, size, start) || tp_crosses(kind, data, size, end)) Py_RETURN_NONE;
    Py_ssize_t mark_end = 0;
    for (Py_ssize_t i = start - 1; i >= 0; i--)
        if (tp_is_mark(PyUnicode_READ(kind, data, i))) { mark_end = i + 1; break; }
    Py_ssize_t stop = end;
    if (after) {
        stop = size;
        for (Py_ssize_t i = end; i < size; i++)
            if (tp_is_mark(PyUnicode_READ(kind, data, i))) { stop = i; break; }
    }
    int simple = 1;
    for (Py_ssize_t i = start; i < end && simple; i++) simple = !tp_is_mark(PyUnicode_READ(kind, data, i));
    PyObject *words = PyList_New(0), *clauses = NULL, *sentences = NULL;
    if (!words) return NULL;
    int broken = 0;
    Py_ssize_t first = 0, last = 0, n;
    if (simple) {
        if (tp_tokens(words, text, kind, data, mark_end, start, breaks, &broken) < 0) goto fail;
        first = PyList_GET_SIZE(words);
        if (tp_tokens(words, text, kind, data, start, end, breaks, &broken) < 0) goto fail;
        last = PyList_GET_SIZE(words) - 1;
        if (stop > end && tp_tokens(words, text, kind, data, end, stop, breaks, &broken) < 0) goto fail;
        simple = !broken;
    }
    if (simple) {
        int head = 0;
        if (mark_end && last >= first) {
            int q = PySet_Contains(quantified, PyList_GET_ITEM(words, 0));
            if (q < 0) goto fail;
            if (q) {
                Py_ssize_t p = tp_last_token_start(kind, data, mark_end - 1);
                if (p >= 0) {
                    PyObject *w = tp_word_str(text, p, tp_token_end(kind, data, p, mark_end - 1));
                    if (!w || PyList_Insert(words, 0, w) < 0) { Py_XDECREF(w); goto fail; }
                    Py_DECREF(w);
                    head = 1;
                    first++;
                    last++;
                }
            }
        }
        n = PyList_GET_SIZE(words);
        clauses = PyList_New(n);
        if (!clauses) goto fail;
        PyObject *zero = PyLong_FromLong(0), *one = PyLong_FromLong(1);
        if (!zero || !one) { Py_XDECREF(zero); Py_XDECREF(one); goto fail; }
        for (Py_ssize_t k = 0; k < n; k++) {
            PyObject *v = (k < head) ? zero : one;
            Py_INCREF(v);
            PyList_SET_ITEM(clauses, k, v);
        }
        Py_DECREF(zero);
        Py_DECREF(one);
    } else {
        Py_ssize_t origin = 0, clause = 0, sentence = 0;
        if (mark_end) {
            Py_ssize_t p = tp_last_token_start(kind, data, mark_end - 1);
            origin = p >= 0 ? p : mark_end - 1;
        }
        Py_SETREF(words, PyList_New(0));
        clauses = PyList_New(0);
        sentences = PyList_New(0);
        if (!words || !clauses || !sentences) goto fail;
        if (tp_numbered(text, kind, data, origin, start, breaks, &clause, &sentence, words, clauses, sentences, -1) < 0)
            goto fail;
        first = PyList_GET_SIZE(words);
        if (tp_numbered(text, kind, data, start, end, breaks, &clause, &sentence, words, clauses, sentences, -1) < 0)
            goto fail;
        last = PyList_GET_SIZE(words) - 1;
        if (stop > end
            && tp_numbered(text, kind, data, end, stop, breaks, &clause, &sentence, words, clauses, sentences, -1) < 0)
            goto fail;
        Py_CLEAR(sentences);
    }
    return Py_BuildValue("NNnn", words, clauses, first, last);
fail:
    Py_XDECREF(words);
    Py_XDECREF(clauses);
    Py_XDECREF(sentences);
    return NULL;
}

/* tp_clause_doc's tokens without int objects: 1 with *words_out a new list of the tokens, cv their clause
   numbers (two values per token: clause, 0; cv emptied first), *first and *last as tp_clause_doc gives them;
   0 where tp_clause_doc gives None; -1 with an error set. */
static int tp_clause_doc_c(PyObject *text, Py_ssize_t start, Py_ssize_t end, int after, PyObject *breaks,
                           PyObject *quantified, TpVec *cv, PyObject **words_out, Py_ssize_t *first_out,
                           Py_ssize_t *last_out)
{
    *words_out = NULL;
    cv->n = 0;
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    if (start < 0 || end < start || end > size) {
        PyErr_SetString(PyExc_ValueError, "topic_clause: need 0 <= start <= end <= len(text)");
        return -1;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    tp_init_word1();
    if (tp_crosses(kind, data, size, start) || tp_crosses(kind, data, size, end)) return 0;
    Py_ssize_t mark_end = 0;
    for (Py_ssize_t i = start - 1; i >= 0; i--)
        if (tp_is_mark(PyUnicode_READ(kind, data, i))) { mark_end = i + 1; break; }
    Py_ssize_t stop = end;
    if (after) {
        stop = size;
        for (Py_ssize_t i = end; i < size; i++)
            if (tp_is_mark(PyUnicode_READ(kind, data, i))) { stop = i; break; }
    }
    int simple = 1;
    for (Py_ssize_t i = start; i < end && simple; i++) simple = !tp_is_mark(PyUnicode_READ(kind, data, i));
    PyObject *words = PyList_New(0);
    if (!words) return -1;
    int broken = 0;
    Py_ssize_t first = 0, last = 0, n;
    if (simple) {
        if (tp_tokens(words, text, kind, data, mark_end, start, breaks, &broken) < 0) goto fail;
        first = PyList_GET_SIZE(words);
        if (tp_tokens(words, text, kind, data, start, end, breaks, &broken) < 0) goto fail;
        last = PyList_GET_SIZE(words) - 1;
        if (stop > end && tp_tokens(words, text, kind, data, end, stop, breaks, &broken) < 0) goto fail;
        simple = !broken;
    }
    if (simple) {
        int head = 0;
        if (mark_end && last >= first) {
            int q = PySet_Contains(quantified, PyList_GET_ITEM(words, 0));
            if (q < 0) goto fail;
            if (q) {
                Py_ssize_t p = tp_last_token_start(kind, data, mark_end - 1);
                if (p >= 0) {
                    PyObject *w = tp_word_str(text, p, tp_token_end(kind, data, p, mark_end - 1));
                    if (!w || PyList_Insert(words, 0, w) < 0) { Py_XDECREF(w); goto fail; }
                    Py_DECREF(w);
                    head = 1;
                    first++;
                    last++;
                }
            }
        }
        n = PyList_GET_SIZE(words);
        for (Py_ssize_t k = 0; k < n; k++)
            if (tp_push(cv, k < head ? 0 : 1) < 0 || tp_push(cv, 0) < 0) goto fail;
    } else {
        Py_ssize_t origin = 0, clause = 0, sentence = 0;
        if (mark_end) {
            Py_ssize_t p = tp_last_token_start(kind, data, mark_end - 1);
            origin = p >= 0 ? p : mark_end - 1;
        }
        Py_SETREF(words, PyList_New(0));
        if (!words) goto fail;
        cv->n = 0;
        if (tp_numbered_x(text, kind, data, origin, start, breaks, &clause, &sentence, words, NULL, NULL, -1, cv) < 0)
            goto fail;
        first = PyList_GET_SIZE(words);
        if (tp_numbered_x(text, kind, data, start, end, breaks, &clause, &sentence, words, NULL, NULL, -1, cv) < 0)
            goto fail;
        last = PyList_GET_SIZE(words) - 1;
        if (stop > end
            && tp_numbered_x(text, kind, data, end, stop, breaks, &clause, &sentence, words, NULL, NULL, -1, cv) < 0)
            goto fail;
    }
    *words_out = words;
    *first_out = first;
    *last_out = last;
    return 1;
fail:
    Py_XDECREF(words);
    return -1;
}

/* reviewtools.topics._Doc.negator_before(i) on the tokens words (a list of str) with clause numbers cl: the
   negator within nw tokens before token i in its clause (a quantified negator within qw, unless after "a" or
   "quite"; "not"/"no" before a not-quantifier, as the words joined by a space). *out: a new reference, or NULL
   for none. 0, or -1 with an error set. */
static int tp_negator_before(PyObject *words, const Py_ssize_t *cl, Py_ssize_t n, Py_ssize_t i, PyObject *negators,
                             PyObject *quantified, PyObject *not_quantifiers, Py_ssize_t nw, Py_ssize_t qw,
                             PyObject **out)
{
    *out = NULL;
    Py_ssize_t clause = cl[i], lo = i - 1 - qw;
    if (lo < -1) lo = -1;
    for (Py_ssize_t j = i - 1; j > lo; j--) {
        if (cl[j] != clause) break;
        PyObject *w = PyList_GET_ITEM(words, j);
        int in;
        if (i - j <= nw) {
            if ((in = PySet_Contains(negators, w)) < 0) return -1;
            if (in) { Py_INCREF(w); *out = w; return 0; }
        }
        if ((in = PySet_Contains(quantified, w)) < 0) return -1;
        if (in) {
            int after_a = 0;
            if (j > 0) {
                PyObject *p = PyList_GET_ITEM(words, j - 1);
                after_a = PyUnicode_CompareWithASCIIString(p, "a") == 0
                          || PyUnicode_CompareWithASCIIString(p, "quite") == 0;
            }
            if (!after_a) { Py_INCREF(w); *out = w; return 0; }
        }
        if ((PyUnicode_CompareWithASCIIString(w, "not") == 0 || PyUnicode_CompareWithASCIIString(w, "no") == 0)
            && j + 1 < i) {
            PyObject *w1 = PyList_GET_ITEM(words, j + 1);
            int is_a = PyUnicode_CompareWithASCIIString(w1, "a") == 0, hit;
            if ((hit = PySet_Contains(not_quantifiers, w1)) < 0) return -1;
            if (!hit && j + 2 < i && is_a) {
                if ((hit = PySet_Contains(not_quantifiers, PyList_GET_ITEM(words, j + 2))) < 0) return -1;
            }
            if (hit) {
                Py_ssize_t stop = j + (is_a ? 3 : 2);
                if (stop > n) stop = n;
                PyObject *piece = PyList_GetSlice(words, j, stop), *sep = piece ? PyUnicode_FromString(" ") : NULL;
                *out = sep ? PyUnicode_Join(sep, piece) : NULL;
                Py_XDECREF(piece);
                Py_XDECREF(sep);
                return *out ? 0 : -1;
            }
        }
    }
    return 0;
}

/* reviewtools.topics' clause-first verdict of one match in one call: _clause_doc's tokens of the window (as
   topic_clause makes them), then _judge_verdict's negator (negator_before the match, else the first negator
   in the match that is not one of the phrase's own words) and, for a mention (kind 2), _judge_polarity's
   nearest cue (the least (distance, sign, index) within cw tokens of the match in its clause; sign 0 for a
   negative cue, 1 for a positive one) and the cue's own negator_before.
   topic_verdict(text, start, end, kind, breaks, quantified, negators, not_quantifiers, vocabulary, negative,
   positive, nw, qw, cw) -> None when topic_clause gives None (or no token in the match), else
   (negator, cue, sign, cue_negator): '' for none, sign -1 without a cue (always for kinds 0 and 1). */
static PyObject *tp_verdict(PyObject *text, Py_ssize_t start, Py_ssize_t end, long kind, PyObject *breaks,
                            PyObject *quantified, PyObject *negators, PyObject *not_quantifiers,
                            PyObject *vocabulary, PyObject *negative, PyObject *positive, Py_ssize_t nw,
                            Py_ssize_t qw, Py_ssize_t cw);

static PyObject *
vc_topic_verdict(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 14) {
        PyErr_SetString(PyExc_TypeError, "topic_verdict takes 14 arguments");
        return NULL;
    }
    PyObject *text = args[0];
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "topic_verdict: text must be a str");
        return NULL;
    }
    for (int k = 4; k < 11; k++)
        if (!PyFrozenSet_Check(args[k])) {
            PyErr_SetString(PyExc_TypeError, "topic_verdict: the word sets must be frozensets");
            return NULL;
        }
    Py_ssize_t start = PyLong_AsSsize_t(args[1]), end = PyLong_AsSsize_t(args[2]);
    long kind = PyLong_AsLong(args[3]);
    Py_ssize_t nw = PyLong_AsSsize_t(args[11]), qw = PyLong_AsSsize_t(args[12]), cw = PyLong_AsSsize_t(args[13]);
    if (PyErr_Occurred()) return NULL;
    if (kind < 0 || kind > 2 || nw < 0 || qw < 0 || cw < 0) {
        PyErr_SetString(PyExc_ValueError, "topic_verdict: kind in 0..2, windows >= 0");
        return NULL;
    }
    return tp_verdict(text, start, end, kind, args[4], args[5], args[6], args[7], args[8], args[9], args[10], nw,
                      qw, cw);
}

/* vc_topic_verdict's work on checked arguments (text a str, the word sets frozensets). */
static PyObject *tp_verdict(PyObject *text, Py_ssize_t start, Py_ssize_t end, long kind, PyObject *breaks,
                            PyObject *quantified, PyObject *negators, PyObject *not_quantifiers,
                            PyObject *vocabulary, PyObject *negative, PyObject *positive, Py_ssize_t nw,
                            Py_ssize_t qw, Py_ssize_t cw)
{
    static TpVec cv;  /* reused (the GIL is held; nothing here runs Python code that could come back) */
    PyObject *doc = NULL;  /* the tokens (tp_clause_doc's words) */
    Py_ssize_t first = 0, last = 0;
    int got = tp_clause_doc_c(text, start, end, kind == 2, breaks, quantified, &cv, &doc, &first, &last);
    if (got < 0) return NULL;
    if (!got) Py_RETURN_NONE;
    PyObject *words = doc;
    Py_ssize_t n = PyList_GET_SIZE(words);
    PyObject *res = NULL, *negator = NULL, *cue = NULL, *cue_neg = NULL;
    Py_ssize_t *cl = NULL;
    if (last < first || first >= n) {  /* _clause_doc's None (no token in the match) */
        Py_DECREF(doc);
        Py_RETURN_NONE;
    }
    cl = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n ? n : 1));
    if (!cl) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t k = 0; k < n; k++) cl[k] = (Py_ssize_t)cv.v[2 * k];
    if (tp_negator_before(words, cl, n, first, negators, quantified, not_quantifiers, nw, qw, &negator) < 0)
        goto done;
    if (!negator) {  /* a negator inside a '...' gap, not part of the phrase's own words */
        Py_ssize_t stop = last + 1 < n ? last + 1 : n;
        for (Py_ssize_t j = first; j < stop; j++) {
            PyObject *w = PyList_GET_ITEM(words, j);
            int in = PySet_Contains(negators, w);
            if (in < 0) goto done;
            if (in) {
                if ((in = PySet_Contains(vocabulary, w)) < 0) goto done;
                if (!in) { Py_INCREF(w); negator = w; break; }
            }
        }
    }
    long sign = -1;
    if (kind == 2) {  /* a mention: the nearest cue in the match's clause, outward by distance */
        Py_ssize_t clause = cl[first], best_j = -1;
        for (Py_ssize_t dist = 1; dist <= cw && best_j < 0; dist++) {
            Py_ssize_t cand[2] = {first - dist, last + dist};
            for (int c = 0; c < 2; c++) {
                Py_ssize_t j = cand[c];
                if (j < 0 || j >= n || cl[j] != clause) continue;
                PyObject *w = PyList_GET_ITEM(words, j);
                int in = PySet_Contains(negative, w), s = -1;
                if (in < 0) goto done;
                if (in) s = 0;
                else {
                    if ((in = PySet_Contains(positive, w)) < 0) goto done;
                    if (in) s = 1;
                }
                /* (sign, index) least: before the match (the smaller index) is tried first at one distance */
                if (s >= 0 && (best_j < 0 || s < sign)) { sign = s; best_j = j; }
            }
        }
        if (best_j >= 0) {
            cue = PyList_GET_ITEM(words, best_j);
            Py_INCREF(cue);
            if (tp_negator_before(words, cl, n, best_j, negators, quantified, not_quantifiers, nw, qw, &cue_neg) < 0)
                goto done;
        }
    }
    {
        PyObject *empty = PyUnicode_New(0, 0);
        if (!empty) goto done;
        res = Py_BuildValue("OOlO", negator ? negator : empty, cue ? cue : empty, sign, cue_neg ? cue_neg : empty);
        Py_DECREF(empty);
    }
done:
    PyMem_Free(cl);
    Py_XDECREF(negator);
    Py_XDECREF(cue);
    Py_XDECREF(cue_neg);
    Py_DECREF(doc);
    return res;
}

/* reviewtools.topics._verdict_of in C: from tp_verdict's (negator, cue, sign, cue_negator) and the phrase's
   info (kind, vocabulary, negative, positive, rule id, phrase, quoted opening), the match's judged tuple
   (rule id, start, end, phrase, polarity, negated, negator, cue, reason) when the verdict is no complaint; a
   complaint (which a context rule may still void) as (topic, start, end, phrase, verdict) with verdict the
   5-tuple (polarity, negated, negator, cue, reason). */
static PyObject *tp_s_neutral, *tp_s_complaint, *tp_s_praise, *tp_s_negative, *tp_s_positive;

static int tp_init_strings(void)
{
    if (tp_s_neutral) return 0;
    tp_s_neutral = PyUnicode_InternFromString("neutral");
    tp_s_complaint = PyUnicode_InternFromString("complaint");
    tp_s_praise = PyUnicode_InternFromString("praise");
    tp_s_negative = PyUnicode_InternFromString("negative");
    tp_s_positive = PyUnicode_InternFromString("positive");
    if (!tp_s_neutral || !tp_s_complaint || !tp_s_praise || !tp_s_negative || !tp_s_positive) {
        Py_CLEAR(tp_s_neutral);
        return -1;
    }
    return 0;
}

/* A mention's reason, "mention %R with no cue word nearby" (tone NULL) or "mention %R with %U cue %R", from a
   small direct-mapped memo keyed by the phrase object (held: the same pointer is the same str), the tone (one
   of the static tp_s_* strs) and the cue's characters, so each (phrase, tone, cue) is formatted once. The
   result equals PyUnicode_FromFormat's (a str's repr depends on its characters only); a phrase or cue that is
   not an exact str is formatted every time. A new reference, or NULL with an error set. */
#define TP_REASON_SLOTS 1024
static struct { PyObject *phrase, *tone, *cue, *reason; } tp_reasons[TP_REASON_SLOTS];

static PyObject *tp_mention_reason(PyObject *phrase, PyObject *tone, PyObject *cue)
{
    if (!PyUnicode_CheckExact(phrase) || (tone && !PyUnicode_CheckExact(cue)))
        return tone ? PyUnicode_FromFormat("mention %R with %U cue %R", phrase, tone, cue)
                    : PyUnicode_FromFormat("mention %R with no cue word nearby", phrase);
    Py_hash_t hc = 0;
    if (tone && (hc = PyObject_Hash(cue)) == -1) return NULL;
    size_t h = ((size_t)phrase >> 4) * 0x9E3779B97F4A7C15ull ^ ((size_t)tone >> 4) ^ (size_t)hc;
    h ^= h >> 31;
    size_t at = (h * 0xFF51AFD7ED558CCDull) >> 54 & (TP_REASON_SLOTS - 1);
    if (tp_reasons[at].phrase == phrase && tp_reasons[at].tone == tone && tp_reasons[at].reason) {
        PyObject *c = tp_reasons[at].cue;
        int same = !tone || (c && (c == cue || (PyUnicode_GET_LENGTH(c) == PyUnicode_GET_LENGTH(cue)
                                                && PyUnicode_Compare(c, cue) == 0)));
        if (same) {
            Py_INCREF(tp_reasons[at].reason);
            return tp_reasons[at].reason;
        }
    }
    PyObject *r = tone ? PyUnicode_FromFormat("mention %R with %U cue %R", phrase, tone, cue)
                       : PyUnicode_FromFormat("mention %R with no cue word nearby", phrase);
    if (!r) return NULL;
    Py_INCREF(phrase);
    Py_XINCREF(tone);
    if (tone) Py_INCREF(cue);
    Py_XSETREF(tp_reasons[at].phrase, phrase);
    Py_XSETREF(tp_reasons[at].tone, tone);
    Py_XSETREF(tp_reasons[at].cue, tone ? cue : NULL);
    Py_INCREF(r);
    Py_XSETREF(tp_reasons[at].reason, r);
    return r;
}

static PyObject *tp_judged(PyObject *t, long long start, long long end, PyObject *ph, PyObject *info,
                           PyObject *found)
{
    long kind = PyLong_AsLong(PyTuple_GET_ITEM(info, 0));
    PyObject *rule_id = PyTuple_GET_ITEM(info, 4), *phrase = PyTuple_GET_ITEM(info, 5),
             *quoted = PyTuple_GET_ITEM(info, 6);
    PyObject *negator = PyTuple_GET_ITEM(found, 0), *cue = PyTuple_GET_ITEM(found, 1),
             *cue_neg = PyTuple_GET_ITEM(found, 3);
    long sign = PyLong_AsLong(PyTuple_GET_ITEM(found, 2));
    if (PyErr_Occurred()) return NULL;
    int has_neg = PyUnicode_GET_LENGTH(negator) > 0;
    PyObject *polarity, *reason, *neg_out, *cue_out;
    int negated;
    PyObject *empty = PyUnicode_New(0, 0);
    if (!empty) return NULL;
    if (kind == 0 || kind == 1) {
        cue_out = empty;
        if (has_neg) {
            polarity = kind == 0 ? tp_s_neutral : tp_s_complaint;
            negated = 1;
            neg_out = negator;
            reason = PyUnicode_FromFormat("%U negated by %R", quoted, negator);
        } else {
            polarity = kind == 0 ? tp_s_complaint : tp_s_praise;
            negated = 0;
            neg_out = empty;
            reason = quoted;
            Py_INCREF(reason);
        }
    } else if (sign < 0) {
        polarity = tp_s_neutral;
        negated = has_neg;
        neg_out = negator;
        cue_out = empty;
        reason = tp_mention_reason(phrase, NULL, NULL);
    } else {
        PyObject *tone = sign == 0 ? tp_s_negative : tp_s_positive;
        cue_out = cue;
        if (PyUnicode_GET_LENGTH(cue_neg) > 0) {
            polarity = sign == 0 ? tp_s_neutral : tp_s_complaint;
            negated = 1;
            neg_out = cue_neg;
            reason = PyUnicode_FromFormat("mention %R with %U cue %R negated by %R", phrase, tone, cue, cue_neg);
        } else {
            polarity = sign == 0 ? tp_s_complaint : tp_s_praise;
            negated = 0;
            neg_out = empty;
            reason = tp_mention_reason(phrase, tone, cue);
        }
    }
    PyObject *res = NULL;
    if (reason) {
        /* (the tuples Py_BuildValue("OLLO(OOOOO)") and ("OLLOOOOOO") make, without reading a format) */
        PyObject *s_obj = PyLong_FromLongLong(start), *e_obj = s_obj ? PyLong_FromLongLong(end) : NULL;
        if (e_obj && polarity == tp_s_complaint) {
            PyObject *v = PyTuple_Pack(5, polarity, negated ? Py_True : Py_False, neg_out, cue_out, reason);
            res = v ? PyTuple_Pack(5, t, s_obj, e_obj, ph, v) : NULL;
            Py_XDECREF(v);
        } else if (e_obj)
            res = PyTuple_Pack(9, rule_id, s_obj, e_obj, ph, polarity, negated ? Py_True : Py_False, neg_out, cue_out,
                               reason);
        Py_XDECREF(s_obj);
        Py_XDECREF(e_obj);
        Py_DECREF(reason);
    }
    Py_DECREF(empty);
    return res;
}

/* reviewtools.topics._Doc._marker_at: the end token (exclusive) of marker (a tuple of frozensets of
   alternatives, an alternative of two words written "w1 w2") when it starts at token j of words, else -1; -2
   with an error set. */
static Py_ssize_t tp_marker_at(PyObject *words, Py_ssize_t n, Py_ssize_t j, PyObject *marker)
{
    Py_ssize_t k = j;
    for (Py_ssize_t a = 0; a < PyTuple_GET_SIZE(marker); a++) {
        PyObject *alts = PyTuple_GET_ITEM(marker, a);
        if (k >= n) return -1;
        PyObject *w = PyList_GET_ITEM(words, k);
        int in = PySet_Contains(alts, w);
        if (in < 0) return -2;
        if (in) { k += 1; continue; }
        if (k + 1 >= n) return -1;
        PyObject *two = PyUnicode_FromFormat("%U %U", w, PyList_GET_ITEM(words, k + 1));
        if (!two) return -2;
        in = PySet_Contains(alts, two);
        Py_DECREF(two);
        if (in < 0) return -2;
        if (!in) return -1;
        k += 2;
    }
    return k;
}

static PyObject *tp_join_words(PyObject *words, Py_ssize_t lo, Py_ssize_t hi)
{
    PyObject *piece = PyList_GetSlice(words, lo, hi), *sep = piece ? PyUnicode_FromString(" ") : NULL;
    PyObject *res = sep ? PyUnicode_Join(sep, piece) : NULL;
    Py_XDECREF(piece);
    Py_XDECREF(sep);
    return res;
}

/* reviewtools.topics._Doc.context_veto (with _conditional and _marker_at) on a window's tokens: the first
   context rule, in order, whose marker voids a complaint of topic on tokens first..last. rules: per rule
   (topics, except_topics, scope 0 clause / 1 sentence / 2 conditional, before, after, reset, markers_by_start,
   reason); start_masks: per word a marker can start with, the bit mask of the rules with such a marker (a
   rule none of whose first words is among the tokens is skipped, as _rules_that_can_start does). 1 with
   *reason and *marker (new references) set, 0 for none, -1 with an error set. */
static int tp_veto(PyObject *words, const Py_ssize_t *cl, const Py_ssize_t *se, Py_ssize_t n, Py_ssize_t first,
                   Py_ssize_t last, PyObject *topic, PyObject *rules, PyObject *start_masks, PyObject *modals,
                   PyObject *breaks, PyObject **reason, PyObject **marker_out)
{
    *reason = *marker_out = NULL;
    if (first >= n) return 0;
    unsigned long long present = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *mask = PyDict_GetItemWithError(start_masks, PyList_GET_ITEM(words, k));
        if (!mask) {
            if (PyErr_Occurred()) return -1;
            continue;
        }
        present |= PyLong_AsUnsignedLongLong(mask);
        if (PyErr_Occurred()) return -1;
    }
    Py_ssize_t clause = cl[first], sentence = se[first];
    for (Py_ssize_t r = 0; r < PyTuple_GET_SIZE(rules) && present; r++) {
        if (!(present >> r & 1)) continue;
        PyObject *rule = PyTuple_GET_ITEM(rules, r);
        PyObject *topics = PyTuple_GET_ITEM(rule, 0), *except = PyTuple_GET_ITEM(rule, 1),
                 *reset = PyTuple_GET_ITEM(rule, 5), *starts = PyTuple_GET_ITEM(rule, 6);
        long scope = PyLong_AsLong(PyTuple_GET_ITEM(rule, 2));
        Py_ssize_t before = PyLong_AsSsize_t(PyTuple_GET_ITEM(rule, 3)), after = PyLong_AsSsize_t(PyTuple_GET_ITEM(rule, 4));
        if (PyErr_Occurred()) return -1;
        int in;
        if (PySet_GET_SIZE(topics)) {
            if ((in = PySet_Contains(topics, topic)) < 0) return -1;
            if (!in) continue;
        }
        if ((in = PySet_Contains(except, topic)) < 0) return -1;
        if (in) continue;
        if (scope == 2) {  /* _conditional */
            Py_ssize_t j = first;
            while (j > 0 && se[j - 1] == se[first]) j--;
            for (Py_ssize_t k = j; k < first; k++) {
                PyObject *ms = PyDict_GetItemWithError(starts, PyList_GET_ITEM(words, k));
                if (!ms) {
                    if (PyErr_Occurred()) return -1;
                    continue;
                }
                for (Py_ssize_t q = 0; q < PyTuple_GET_SIZE(ms); q++) {
                    Py_ssize_t end = tp_marker_at(words, n, k, PyTuple_GET_ITEM(ms, q));
                    if (end == -2) return -1;
                    if (end < 0 || end > first) continue;
                    int hit = cl[first] == cl[k];
                    if (!hit && cl[first] == cl[k] + 1) {
                        Py_ssize_t stop = last + 1 < n ? last + 1 : n;
                        for (Py_ssize_t m = end; m < stop && !hit; m++) {
                            if (cl[m] != cl[k] + 1) continue;
                            if ((in = PySet_Contains(modals, PyList_GET_ITEM(words, m))) < 0) return -1;
                            hit = in;
                        }
                    }
                    if (hit) {
                        *marker_out = tp_join_words(words, k, end);
                        if (!*marker_out) return -1;
                        *reason = PyTuple_GET_ITEM(rule, 7);
                        Py_INCREF(*reason);
                        return 1;
                    }
                }
            }
            continue;
        }
        const Py_ssize_t *same = scope == 0 ? cl : se;
        Py_ssize_t unit = scope == 0 ? clause : sentence, lo = first, hi = last + 1;
        while (lo > 0 && first - lo < before && same[lo - 1] == unit) lo--;
        while (hi < n && hi - last - 1 < after && same[hi] == unit) hi++;
        for (Py_ssize_t j = lo; j < hi; j++) {
            if (j == first) j = last + 1;  /* the tokens before the match, then those after it */
            if (j >= hi) break;
            PyObject *ms = PyDict_GetItemWithError(starts, PyList_GET_ITEM(words, j));
            if (!ms) {
                if (PyErr_Occurred()) return -1;
                continue;
            }
            for (Py_ssize_t q = 0; q < PyTuple_GET_SIZE(ms); q++) {
                Py_ssize_t end = tp_marker_at(words, n, j, PyTuple_GET_ITEM(ms, q));
                if (end == -2) return -1;
                if (end < 0 || (j < first && end > first)) continue;
                if (j < first) {
                    int reset_hit = 0;
                    for (Py_ssize_t k = end; k < first && !reset_hit; k++) {
                        PyObject *w = PyList_GET_ITEM(words, k);
                        if ((in = PySet_Contains(reset, w)) < 0) return -1;
                        if (!in && (in = PySet_Contains(breaks, w)) < 0) return -1;
                        reset_hit = in;
                    }
                    if (reset_hit) continue;
                }
                *marker_out = tp_join_words(words, j, end);
                if (!*marker_out) return -1;
                *reason = PyTuple_GET_ITEM(rule, 7);
                Py_INCREF(*reason);
                return 1;
            }
        }
    }
    return 0;
}

/* A complaint's judged tuple (topic, start, end, phrase, verdict) from tp_judged, finished as
   reviewtools.topics._finish_judged does: the window's sentence tokens (tp_window_doc), and the verdict voided
   (neutral, the reason naming the rule and the marker) when a context rule's marker voids it; the 9-tuple with
   the rule id. Py_None when the window's tokens are None (the caller judges it), NULL with an error set. */
static PyObject *tp_finish_complaint(PyObject *item, PyObject *window, Py_ssize_t start, Py_ssize_t end,
                                     PyObject *rule_id, PyObject *topic_id, PyObject *breaks, Py_ssize_t reach,
                                     PyObject *rules, PyObject *start_masks, PyObject *modals)
{
    static TpVec cv;  /* reused (the GIL is held; nothing here runs Python code that could come back) */
    PyObject *doc = NULL;  /* the tokens (tp_window_doc's words) */
    Py_ssize_t first = 0, last = 0;
    int got = tp_window_doc_c(window, start, end, breaks, reach, &cv, &doc, &first, &last);
    if (got < 0) return NULL;
    if (!got) Py_RETURN_NONE;
    PyObject *words = doc;
    Py_ssize_t n = PyList_GET_SIZE(words);
    PyObject *res = NULL, *reason = NULL, *marker = NULL;
    Py_ssize_t *cl = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(2 * n + 1));
    if (!cl) { PyErr_NoMemory(); goto done; }
    Py_ssize_t *se = cl + n;
    for (Py_ssize_t k = 0; k < n; k++) {
        cl[k] = (Py_ssize_t)cv.v[2 * k];
        se[k] = (Py_ssize_t)cv.v[2 * k + 1];
    }
    if (last < first) { res = Py_None; Py_INCREF(res); goto done; }
    int vetoed = tp_veto(words, cl, se, n, first, last, topic_id, rules, start_masks, modals, breaks, &reason, &marker);
    if (vetoed < 0) goto done;
    PyObject *v = PyTuple_GET_ITEM(item, 4);
    if (vetoed) {
        PyObject *why = PyUnicode_FromFormat("%U, void: %U (%R)", PyTuple_GET_ITEM(v, 4), reason, marker);
        if (why)
            res = Py_BuildValue("OOOOOOOON", rule_id, PyTuple_GET_ITEM(item, 1), PyTuple_GET_ITEM(item, 2),
                                PyTuple_GET_ITEM(item, 3), tp_s_neutral, PyTuple_GET_ITEM(v, 1),
                                PyTuple_GET_ITEM(v, 2), PyTuple_GET_ITEM(v, 3), why);
    } else
        res = Py_BuildValue("OOOOOOOOO", rule_id, PyTuple_GET_ITEM(item, 1), PyTuple_GET_ITEM(item, 2),
                            PyTuple_GET_ITEM(item, 3), PyTuple_GET_ITEM(v, 0), PyTuple_GET_ITEM(v, 1),
                            PyTuple_GET_ITEM(v, 2), PyTuple_GET_ITEM(v, 3), PyTuple_GET_ITEM(v, 4));
done:
    PyMem_Free(cl);
    Py_XDECREF(reason);
    Py_XDECREF(marker);
    Py_DECREF(doc);
    return res;
}

/* topic_tried's clause-first verdict on the bytes of a one-byte text (Latin-1 kind): tp_verdict's work with
   the tokens as spans of the text (no str per token, no list) and the lexicon's word sets as C tables, the
   same answer. A str is made only for what the verdict returns (the negator, the cue and its negator). */

/* A frozenset of words as a C table, for membership of a one-byte token: its exact-str members of one-byte
   kind (a member of a wider kind has a character past U+00FF, so it never equals one) in open addressing
   (load <= 1/2) by tp_hash | 1. usable: every member is an exact str (else the caller asks the set). */
typedef struct {
    PyObject *set;          /* held, so its address stays its own */
    int usable;
    uint64_t mask;          /* slots - 1 */
    uint64_t *hash;         /* per slot: 0 empty */
    uint32_t *off, *len;    /* per slot: the member's bytes in pool */
    unsigned char *pool;
    uint32_t firstlen[256]; /* per first byte, bit min(length, 31) of each member: most tokens miss here */
} TpWordSet;

/* The tables made so far, by the set's address (direct probing; made once per set and process). */
#define TP_WSETS 2048
static TpWordSet *tp_wsets[TP_WSETS];
static Py_ssize_t tp_wsets_n = 0;

static int tp_wordset_fill(TpWordSet *w, PyObject *set)
{
    Py_ssize_t n = PySet_GET_SIZE(set), slots = 8, bytes = 0;
    while (slots < 2 * n + 2) slots *= 2;
    PyObject *it = PyObject_GetIter(set), *key;
    if (!it) return -1;
    while ((key = PyIter_Next(it))) {
        int exact = PyUnicode_CheckExact(key);
        if (exact && PyUnicode_KIND(key) == PyUnicode_1BYTE_KIND) bytes += PyUnicode_GET_LENGTH(key);
        Py_DECREF(key);
        if (!exact) { Py_DECREF(it); return 0; }
    }
    Py_DECREF(it);
    if (PyErr_Occurred() || bytes > UINT32_MAX) return -1;
    w->mask = (uint64_t)slots - 1;
    w->hash = calloc((size_t)slots, sizeof(uint64_t));
    w->off = calloc((size_t)slots, sizeof(uint32_t));
    w->len = calloc((size_t)slots, sizeof(uint32_t));
    w->pool = malloc((size_t)bytes + 1);
    if (!w->hash || !w->off || !w->len || !w->pool || !(it = PyObject_GetIter(set))) return -1;
    size_t at = 0;
    while ((key = PyIter_Next(it))) {
        if (PyUnicode_KIND(key) == PyUnicode_1BYTE_KIND) {
            Py_ssize_t len = PyUnicode_GET_LENGTH(key);
            const unsigned char *src = PyUnicode_1BYTE_DATA(key);
            uint64_t h = tp_hash(src, len, len) | 1, i = h & w->mask;
            while (w->hash[i]) i = (i + 1) & w->mask;
            w->hash[i] = h;
            w->off[i] = (uint32_t)at;
            w->len[i] = (uint32_t)len;
            if (len) w->firstlen[src[0]] |= (uint32_t)1 << (len < 31 ? len : 31);
            memcpy(w->pool + at, src, (size_t)len);
            at += (size_t)len;
        }
        Py_DECREF(key);
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) return -1;
    w->usable = 1;
    return 0;
}

/* set's table, or NULL when it cannot be read here (not a frozenset, a member not an exact str, no room, no
   memory): the caller then takes the str path. Never sets an error. */
static const TpWordSet *tp_wordset(PyObject *set)
{
    if (!PyFrozenSet_CheckExact(set)) return NULL;
    size_t at = (size_t)((((uint64_t)(uintptr_t)set >> 4) * 0x9E3779B97F4A7C15ull) >> 40) & (TP_WSETS - 1);
    for (TpWordSet *w; (w = tp_wsets[at]); at = (at + 1) & (TP_WSETS - 1))
        if (w->set == set) return w->usable ? w : NULL;
    if (tp_wsets_n >= TP_WSETS / 2) return NULL;
    TpWordSet *w = calloc(1, sizeof(TpWordSet));
    if (!w) return NULL;
    if (tp_wordset_fill(w, set) < 0) {
        PyErr_Clear();
        free(w->hash); free(w->off); free(w->len); free(w->pool); free(w);
        return NULL;
    }
    Py_INCREF(set);
    w->set = set;
    tp_wsets[at] = w;
    tp_wsets_n++;
    return w->usable ? w : NULL;
}

static inline int tp_ws_has(const TpWordSet *w, const unsigned char *s, Py_ssize_t n, uint64_t h)
{
    for (uint64_t i = h & w->mask;; i = (i + 1) & w->mask) {
        uint64_t x = w->hash[i];
        if (!x) return 0;
        if (x == h && w->len[i] == (uint64_t)n && memcmp(w->pool + w->off[i], s, (size_t)n) == 0) return 1;
    }
}

/* A token of the window: its span in the window, its hash (tp_hash | 1) and its clause number. */
typedef struct {
    Py_ssize_t a, b, cl, se;
    uint64_t h;
} TpTok;

typedef struct {
    const unsigned char *s;  /* the window's bytes */
    Py_ssize_t size, avail;  /* the window's length; bytes readable at s */
    TpTok *t;
    Py_ssize_t n, cap;
} TpToks;

static __attribute__((noinline)) int tp_toks_grow(TpToks *k)
{
    Py_ssize_t cap = k->cap ? k->cap * 2 : 256;
    TpTok *nt = realloc(k->t, sizeof(TpTok) * (size_t)cap);
    if (!nt) { PyErr_NoMemory(); return -1; }
    k->t = nt;
    k->cap = cap;
    return 0;
}

static inline int tp_b_mark(unsigned char c)
{
    return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\n';
}

/* A clause mark (tp_b_mark; sentence: only . ! ? and a line break) in s[at:hi]: the first one (hi when none), or
   before at: the last one (-1 when none); 16 bytes at a time with SSE2. */
#if defined(__SSE2__) && !defined(TOPICS_NO_SIMD)
static inline unsigned tp_b_marks16(const unsigned char *p, int sentence)
{
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')), _mm_cmpeq_epi8(v, _mm_set1_epi8('!'))),
                               _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('?')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))));
    if (!sentence)
        hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')),
                                             _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(';')),
                                                          _mm_cmpeq_epi8(v, _mm_set1_epi8(':')))));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

static inline int tp_b_is_mark(unsigned char c, int sentence)
{
    return c == '.' || c == '!' || c == '?' || c == '\n' || (!sentence && (c == ',' || c == ';' || c == ':'));
}

static Py_ssize_t tp_b_next_mark(const unsigned char *s, Py_ssize_t at, Py_ssize_t hi, int sentence)
{
#if defined(__SSE2__) && !defined(TOPICS_NO_SIMD)
    for (; at + 16 <= hi; at += 16) {
        unsigned bits = tp_b_marks16(s + at, sentence);
        if (bits) return at + __builtin_ctz(bits);
    }
#endif
    for (; at < hi; at++)
        if (tp_b_is_mark(s[at], sentence)) return at;
    return hi;
}

static Py_ssize_t tp_b_prev_mark(const unsigned char *s, Py_ssize_t at, int sentence)
{
#if defined(__SSE2__) && !defined(TOPICS_NO_SIMD)
    for (; at >= 16; at -= 16) {
        unsigned bits = tp_b_marks16(s + at - 16, sentence);
        if (bits) return at - 16 + (31 - __builtin_clz(bits));
    }
#endif
    while (at > 0)
        if (tp_b_is_mark(s[--at], sentence)) return at;
    return -1;
}

/* tp_token_end / tp_last_token_start / tp_crosses on the window's bytes. */
static Py_ssize_t tp_b_token_end(const unsigned char *s, Py_ssize_t a, Py_ssize_t hi)
{
    Py_ssize_t i = a;
    while (i < hi && tp_word1[s[i]]) i++;
    while (i + 1 < hi && s[i] == '\'' && tp_word1[s[i + 1]]) {
        i += 1;
        while (i < hi && tp_word1[s[i]]) i++;
    }
    return i;
}

static Py_ssize_t tp_b_last_token_start(const unsigned char *s, Py_ssize_t hi)
{
    for (Py_ssize_t p = hi - 1; p >= 0; p--) {
        if (!tp_word1[s[p]]) continue;
        if (p >= 1 && tp_word1[s[p - 1]]) continue;
        if (p >= 2 && s[p - 1] == '\'' && tp_word1[s[p - 2]]) continue;
        return p;
    }
    return -1;
}

static int tp_b_token_char(const unsigned char *s, Py_ssize_t size, Py_ssize_t i)
{
    if (tp_word1[s[i]]) return 1;
    return s[i] == '\'' && i > 0 && i < size - 1 && tp_word1[s[i - 1]] && tp_word1[s[i + 1]];
}

static int tp_b_crosses(const unsigned char *s, Py_ssize_t size, Py_ssize_t pos)
{
    if (!(pos > 0 && pos < size)) return 0;
    return tp_b_token_char(s, size, pos - 1) && tp_b_token_char(s, size, pos);
}

static inline int tp_b_push(TpToks *k, Py_ssize_t a, Py_ssize_t b, Py_ssize_t cl)
{
    if (k->n == k->cap && tp_toks_grow(k) < 0) return -1;
    TpTok *t = &k->t[k->n++];
    t->a = a;
    t->b = b;
    t->cl = cl;
    t->h = 0;  /* made on first use */
    return 0;
}

/* Whether token j (b > a) may be in w: its first byte and length are a member's. */
static inline int tp_b_may(const TpToks *k, const TpWordSet *w, Py_ssize_t j)
{
    const TpTok *t = &k->t[j];
    Py_ssize_t len = t->b - t->a;
    return w->firstlen[k->s[t->a]] >> (len < 31 ? len : 31) & 1;
}

static inline uint64_t tp_b_hash(const TpToks *k, Py_ssize_t j)
{
    TpTok *t = &k->t[j];
    if (!t->h) t->h = tp_hash(k->s + t->a, t->b - t->a, k->avail - t->a) | 1;
    return t->h;
}

static inline int tp_b_in(const TpToks *k, const TpWordSet *w, Py_ssize_t j)
{
    if (!tp_b_may(k, w, j)) return 0;
    const TpTok *t = &k->t[j];
    return tp_ws_has(w, k->s + t->a, t->b - t->a, tp_b_hash(k, j));
}

/* The word runs (\w+) of s[lo:hi] as tp_edges gives them (start, end, ... relative to lo) in a buffer kept
   between calls: how many edges, or -1 with an error set. */
static Py_ssize_t tp_b_edges(const unsigned char *s, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t **out)
{
    static Py_ssize_t *buf = NULL, cap = 0;
    if (hi - lo + 2 > cap) {
        Py_ssize_t nc = cap ? cap : 512;
        while (nc < hi - lo + 2) nc *= 2;
        Py_ssize_t *nb = realloc(buf, sizeof(Py_ssize_t) * (size_t)nc);
        if (!nb) { PyErr_NoMemory(); return -1; }
        buf = nb;
        cap = nc;
    }
    *out = buf;
    return hi > lo ? tp_edges(s + lo, hi - lo, buf) : 0;
}

/* tp_tokens of s[lo:hi] (clause number 1), *broken set when one of them is in breaks: from the word runs, a run
   joined to the next one when only an apostrophe is between them. */
static int tp_b_tokens(TpToks *k, Py_ssize_t lo, Py_ssize_t hi, const TpWordSet *breaks, int *broken)
{
    const unsigned char *s = k->s;
    Py_ssize_t *e, ne = tp_b_edges(s, lo, hi, &e);
    if (ne < 0) return -1;
    for (Py_ssize_t w = 0; w < ne; ) {
        Py_ssize_t a = lo + e[w], b = lo + e[w + 1];
        w += 2;
        while (w < ne && lo + e[w] == b + 1 && s[b] == '\'') {
            b = lo + e[w + 1];
            w += 2;
        }
        if (tp_b_push(k, a, b, 1) < 0) return -1;
        if (!*broken) *broken = tp_b_in(k, breaks, k->n - 1);
    }
    return 0;
}

/* tp_numbered_x of s[lo:hi]: the tokens with their clause and sentence numbers, at most limit of them when
   limit >= 0 (as tp_numbered_x counts it). */
static int tp_b_numbered(TpToks *k, Py_ssize_t lo, Py_ssize_t hi, const TpWordSet *breaks, Py_ssize_t *clause,
                         Py_ssize_t *sentence, Py_ssize_t limit)
{
    const unsigned char *s = k->s;
    Py_ssize_t *e, ne = tp_b_edges(s, lo, hi, &e), at = lo;  /* at: where the marks are not yet counted */
    if (ne < 0) return -1;
    for (Py_ssize_t w = 0; w < ne; ) {  /* the tokens from the word runs (as tp_b_tokens), the marks between */
        Py_ssize_t a = lo + e[w], b = lo + e[w + 1];
        w += 2;
        while (w < ne && lo + e[w] == b + 1 && s[b] == '\'') {
            b = lo + e[w + 1];
            w += 2;
        }
        for (; at < a; at++) {
            unsigned char c = s[at];
            if (tp_b_mark(c)) {
                *clause += 1;
                if (c == '.' || c == '!' || c == '?' || c == '\n') *sentence += 1;
            }
        }
        at = b;
        if (tp_b_push(k, a, b, 0) < 0) return -1;
        if (tp_b_in(k, breaks, k->n - 1)) *clause += 1;
        k->t[k->n - 1].cl = *clause;
        k->t[k->n - 1].se = *sentence;
        if (limit >= 0 && --limit == 0) return 0;
    }
    for (; at < hi; at++) {
        unsigned char c = s[at];
        if (tp_b_mark(c)) {
            *clause += 1;
            if (c == '.' || c == '!' || c == '?' || c == '\n') *sentence += 1;
        }
    }
    return 0;
}

/* tp_clause_doc_c on the window's bytes: the tokens in k (k->n, their clause numbers), 1 with *first and
   *last; 0 where tp_clause_doc gives None; -1 with an error set. */
static int tp_b_clause_doc(TpToks *k, Py_ssize_t start, Py_ssize_t end, int after, const TpWordSet *breaks,
                           const TpWordSet *quantified, Py_ssize_t *first_out, Py_ssize_t *last_out)
{
    const unsigned char *s = k->s;
    Py_ssize_t size = k->size;
    k->n = 0;
    if (start < 0 || end < start || end > size) {
        PyErr_SetString(PyExc_ValueError, "topic_clause: need 0 <= start <= end <= len(text)");
        return -1;
    }
    if (tp_b_crosses(s, size, start) || tp_b_crosses(s, size, end)) return 0;
    Py_ssize_t mark_end = tp_b_prev_mark(s, start, 0) + 1;
    Py_ssize_t stop = after ? tp_b_next_mark(s, end, size, 0) : end;
    int simple = tp_b_next_mark(s, start, end, 0) == end;
    int broken = 0;
    Py_ssize_t first = 0, last = 0;
    if (simple) {
        if (tp_b_tokens(k, mark_end, start, breaks, &broken) < 0) return -1;
        first = k->n;
        if (tp_b_tokens(k, start, end, breaks, &broken) < 0) return -1;
        last = k->n - 1;
        if (stop > end && tp_b_tokens(k, end, stop, breaks, &broken) < 0) return -1;
        simple = !broken;
    }
    if (simple) {
        if (mark_end && last >= first && tp_b_in(k, quantified, 0)) {
            Py_ssize_t p = tp_b_last_token_start(s, mark_end - 1);
            if (p >= 0) {  /* the token before the clause mark, first, in clause 0 */
                if (k->n == k->cap && tp_toks_grow(k) < 0) return -1;
                memmove(k->t + 1, k->t, sizeof(TpTok) * (size_t)k->n);
                k->n++;
                k->t[0].a = p;
                k->t[0].b = tp_b_token_end(s, p, mark_end - 1);
                k->t[0].cl = 0;
                k->t[0].h = 0;
                first++;
                last++;
            }
        }
    } else {
        Py_ssize_t origin = 0, clause = 0, sentence = 0;
        if (mark_end) {
            Py_ssize_t p = tp_b_last_token_start(s, mark_end - 1);
            origin = p >= 0 ? p : mark_end - 1;
        }
        k->n = 0;
        if (tp_b_numbered(k, origin, start, breaks, &clause, &sentence, -1) < 0) return -1;
        first = k->n;
        if (tp_b_numbered(k, start, end, breaks, &clause, &sentence, -1) < 0) return -1;
        last = k->n - 1;
        if (stop > end && tp_b_numbered(k, end, stop, breaks, &clause, &sentence, -1) < 0) return -1;
    }
    *first_out = first;
    *last_out = last;
    return 1;
}

static inline int tp_b_is(const TpToks *k, Py_ssize_t j, const char *w, Py_ssize_t len)
{
    const TpTok *t = &k->t[j];
    return t->b - t->a == len && memcmp(k->s + t->a, w, (size_t)len) == 0;
}

/* Tokens lo..hi-1 joined by a space, as a str (tp_join_words' result). */
static PyObject *tp_b_join(const TpToks *k, Py_ssize_t lo, Py_ssize_t hi)
{
    Py_ssize_t len = 0, at = 0;
    for (Py_ssize_t q = lo; q < hi; q++) len += k->t[q].b - k->t[q].a + (q > lo);
    unsigned char *dst = PyMem_Malloc((size_t)len + 1);
    if (!dst) { PyErr_NoMemory(); return NULL; }
    for (Py_ssize_t q = lo; q < hi; q++) {
        if (q > lo) dst[at++] = ' ';
        memcpy(dst + at, k->s + k->t[q].a, (size_t)(k->t[q].b - k->t[q].a));
        at += k->t[q].b - k->t[q].a;
    }
    PyObject *res = PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, dst, len);
    PyMem_Free(dst);
    return res;
}

/* Token j as a str (text: the whole text, the window starting at lo in it). */
static inline PyObject *tp_b_str(const TpToks *k, PyObject *text, Py_ssize_t lo, Py_ssize_t j)
{
    return tp_word_str(text, lo + k->t[j].a, lo + k->t[j].b);
}

/* tp_negator_before on the window's tokens. */
static int tp_b_negator_before(const TpToks *k, PyObject *text, Py_ssize_t lo, Py_ssize_t i,
                               const TpWordSet *negators, const TpWordSet *quantified,
                               const TpWordSet *not_quantifiers, Py_ssize_t nw, Py_ssize_t qw, PyObject **out)
{
    *out = NULL;
    Py_ssize_t n = k->n, clause = k->t[i].cl, stop_at = i - 1 - qw;
    if (stop_at < -1) stop_at = -1;
    for (Py_ssize_t j = i - 1; j > stop_at; j--) {
        if (k->t[j].cl != clause) break;
        if (i - j <= nw && tp_b_in(k, negators, j)) return (*out = tp_b_str(k, text, lo, j)) ? 0 : -1;
        if (tp_b_in(k, quantified, j)) {
            int after_a = j > 0 && (tp_b_is(k, j - 1, "a", 1) || tp_b_is(k, j - 1, "quite", 5));
            if (!after_a) return (*out = tp_b_str(k, text, lo, j)) ? 0 : -1;
        }
        if ((tp_b_is(k, j, "not", 3) || tp_b_is(k, j, "no", 2)) && j + 1 < i) {
            int is_a = tp_b_is(k, j + 1, "a", 1), hit = tp_b_in(k, not_quantifiers, j + 1);
            if (!hit && j + 2 < i && is_a) hit = tp_b_in(k, not_quantifiers, j + 2);
            if (hit) {  /* the words joined by a space */
                Py_ssize_t stop = j + (is_a ? 3 : 2);
                return (*out = tp_b_join(k, j, stop < n ? stop : n)) ? 0 : -1;
            }
        }
    }
    return 0;
}

/* tp_verdict of the window text[lo:hi] of a one-byte text (start and end in the window) with the word sets'
   tables (sets: breaks, quantified, negators, not_quantifiers, vocabulary, negative, positive): the same
   None or (negator, cue, sign, cue_negator). */
static PyObject *tp_b_verdict(PyObject *text, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t start, Py_ssize_t end,
                              long kind, const TpWordSet *const *sets, Py_ssize_t nw, Py_ssize_t qw, Py_ssize_t cw)
{
    static TpToks k;  /* reused (the GIL is held; nothing here runs Python code that could come back) */
    const TpWordSet *breaks = sets[0], *quantified = sets[1], *negators = sets[2], *not_quantifiers = sets[3],
                    *vocabulary = sets[4], *negative = sets[5], *positive = sets[6];
    k.s = PyUnicode_1BYTE_DATA(text) + lo;
    k.size = hi - lo;
    k.avail = PyUnicode_GET_LENGTH(text) - lo;
    tp_init_word1();
    Py_ssize_t first = 0, last = 0;
    int got = tp_b_clause_doc(&k, start, end, kind == 2, breaks, quantified, &first, &last);
    if (got < 0) return NULL;
    Py_ssize_t n = k.n;
    if (!got || last < first || first >= n) Py_RETURN_NONE;  /* _clause_doc's None (or no token in the match) */
    PyObject *res = NULL, *negator = NULL, *cue = NULL, *cue_neg = NULL;
    if (tp_b_negator_before(&k, text, lo, first, negators, quantified, not_quantifiers, nw, qw, &negator) < 0)
        goto done;
    if (!negator) {  /* a negator inside a '...' gap, not part of the phrase's own words */
        Py_ssize_t stop = last + 1 < n ? last + 1 : n;
        for (Py_ssize_t j = first; j < stop; j++)
            if (tp_b_in(&k, negators, j) && !tp_b_in(&k, vocabulary, j)) {
                if (!(negator = tp_b_str(&k, text, lo, j))) goto done;
                break;
            }
    }
    long sign = -1;
    if (kind == 2) {  /* a mention: the nearest cue in the match's clause, outward by distance */
        Py_ssize_t clause = k.t[first].cl, best_j = -1;
        for (Py_ssize_t dist = 1; dist <= cw && best_j < 0; dist++) {
            Py_ssize_t cand[2] = {first - dist, last + dist};
            for (int c = 0; c < 2; c++) {
                Py_ssize_t j = cand[c];
                if (j < 0 || j >= n || k.t[j].cl != clause) continue;
                int s = tp_b_in(&k, negative, j) ? 0 : tp_b_in(&k, positive, j) ? 1 : -1;
                /* (sign, index) least: before the match (the smaller index) is tried first at one distance */
                if (s >= 0 && (best_j < 0 || s < sign)) { sign = s; best_j = j; }
            }
        }
        if (best_j >= 0) {
            if (!(cue = tp_b_str(&k, text, lo, best_j))) goto done;
            if (tp_b_negator_before(&k, text, lo, best_j, negators, quantified, not_quantifiers, nw, qw, &cue_neg) < 0)
                goto done;
        }
    }
    {
        PyObject *empty = PyUnicode_New(0, 0);
        if (!empty) goto done;
        PyObject *sign_obj = PyLong_FromLong(sign);
        res = sign_obj ? PyTuple_Pack(4, negator ? negator : empty, cue ? cue : empty, sign_obj,
                                      cue_neg ? cue_neg : empty) : NULL;
        Py_XDECREF(sign_obj);
        Py_DECREF(empty);
    }
done:
    Py_XDECREF(negator);
    Py_XDECREF(cue);
    Py_XDECREF(cue_neg);
    return res;
}

/* A phrase's vocabulary, negative and positive cue sets as tables (tp_wordset), looked up once per call:
   state 1 all three usable (in sets), 2 not. */
typedef struct {
    int state;
    const TpWordSet *sets[3];
} TpPhraseSets;

static int tp_phrase_sets(TpPhraseSets *ps, Py_ssize_t p, PyObject *info, const TpWordSet **out)
{
    TpPhraseSets *e = &ps[p];
    if (!e->state) {
        for (int q = 0; q < 3; q++) e->sets[q] = tp_wordset(PyTuple_GET_ITEM(info, q + 1));
        e->state = e->sets[0] && e->sets[1] && e->sets[2] ? 1 : 2;
    }
    if (e->state != 1) return 0;
    out[0] = e->sets[0];
    out[1] = e->sets[1];
    out[2] = e->sets[2];
    return 1;
}

/* topic_tried's start masks (word -> the bit mask of the context rules a marker can start with it) as a C
   table for one-byte tokens (a TpWordSet with a value per slot), made per call. usable: every key an exact
   str and every value an unsigned 64-bit int, and each rule's markers_by_start holding exactly the one-byte
   words whose mask has the rule's bit (so a token without the bit is not looked up there). */
typedef struct {
    TpWordSet w;
    uint64_t *val;  /* per slot */
} TpMaskMap;

static void tp_maskmap_free(TpMaskMap *mm)
{
    free(mm->w.hash); free(mm->w.off); free(mm->w.len); free(mm->w.pool); free(mm->val);
    memset(mm, 0, sizeof(*mm));
}

static inline uint64_t tp_mm_get(const TpMaskMap *mm, const unsigned char *s, Py_ssize_t n, uint64_t h)
{
    const TpWordSet *w = &mm->w;
    for (uint64_t i = h & w->mask;; i = (i + 1) & w->mask) {
        uint64_t x = w->hash[i];
        if (!x) return 0;
        if (x == h && w->len[i] == (uint64_t)n && memcmp(w->pool + w->off[i], s, (size_t)n) == 0) return mm->val[i];
    }
}

static uint64_t tp_mm_of(const TpMaskMap *mm, PyObject *key)
{
    Py_ssize_t len = PyUnicode_GET_LENGTH(key);
    const unsigned char *src = PyUnicode_1BYTE_DATA(key);
    return tp_mm_get(mm, src, len, tp_hash(src, len, len) | 1);
}

/* 1 usable, 0 not (no error set either way). */
static int tp_maskmap_build(TpMaskMap *mm, PyObject *masks, PyObject *rules)
{
    memset(mm, 0, sizeof(*mm));
    Py_ssize_t n = PyDict_GET_SIZE(masks), slots = 8, bytes = 0, pos = 0;
    PyObject *key, *val;
    while (slots < 2 * n + 2) slots *= 2;
    while (PyDict_Next(masks, &pos, &key, &val)) {
        if (!PyUnicode_CheckExact(key) || !PyLong_Check(val)) return 0;
        PyLong_AsUnsignedLongLong(val);
        if (PyErr_Occurred()) { PyErr_Clear(); return 0; }
        if (PyUnicode_KIND(key) == PyUnicode_1BYTE_KIND) bytes += PyUnicode_GET_LENGTH(key);
    }
    if (bytes > UINT32_MAX) return 0;
    TpWordSet *w = &mm->w;
    w->mask = (uint64_t)slots - 1;
    w->hash = calloc((size_t)slots, sizeof(uint64_t));
    w->off = calloc((size_t)slots, sizeof(uint32_t));
    w->len = calloc((size_t)slots, sizeof(uint32_t));
    w->pool = malloc((size_t)bytes + 1);
    mm->val = calloc((size_t)slots, sizeof(uint64_t));
    if (!w->hash || !w->off || !w->len || !w->pool || !mm->val) { tp_maskmap_free(mm); return 0; }
    size_t at = 0;
    pos = 0;
    while (PyDict_Next(masks, &pos, &key, &val)) {
        if (PyUnicode_KIND(key) != PyUnicode_1BYTE_KIND) continue;
        Py_ssize_t len = PyUnicode_GET_LENGTH(key);
        const unsigned char *src = PyUnicode_1BYTE_DATA(key);
        uint64_t h = tp_hash(src, len, len) | 1, i = h & w->mask;
        while (w->hash[i]) i = (i + 1) & w->mask;
        w->hash[i] = h;
        w->off[i] = (uint32_t)at;
        w->len[i] = (uint32_t)len;
        if (len) w->firstlen[src[0]] |= (uint32_t)1 << (len < 31 ? len : 31);
        mm->val[i] = PyLong_AsUnsignedLongLong(val);
        memcpy(w->pool + at, src, (size_t)len);
        at += (size_t)len;
    }
    Py_ssize_t n_rules = PyTuple_GET_SIZE(rules);
    for (Py_ssize_t r = 0; r < n_rules; r++) {  /* each rule's starts: among the words with its bit */
        PyObject *starts = PyTuple_GET_ITEM(PyTuple_GET_ITEM(rules, r), 6);
        pos = 0;
        while (PyDict_Next(starts, &pos, &key, &val)) {
            if (!PyUnicode_CheckExact(key)) { tp_maskmap_free(mm); return 0; }
            if (PyUnicode_KIND(key) == PyUnicode_1BYTE_KIND && !(tp_mm_of(mm, key) >> r & 1)) {
                tp_maskmap_free(mm);
                return 0;
            }
        }
    }
    pos = 0;
    while (PyDict_Next(masks, &pos, &key, &val)) {  /* and each word with rule r's bit among its starts */
        if (PyUnicode_KIND(key) != PyUnicode_1BYTE_KIND) continue;
        uint64_t bits = PyLong_AsUnsignedLongLong(val);
        if (n_rules < 64) bits &= ((uint64_t)1 << n_rules) - 1;  /* the rule loop never reads the others */
        for (; bits; bits &= bits - 1)
            if (PyDict_Contains(PyTuple_GET_ITEM(PyTuple_GET_ITEM(rules, __builtin_ctzll(bits)), 6), key) != 1) {
                PyErr_Clear();
                tp_maskmap_free(mm);
                return 0;
            }
    }
    w->usable = 1;
    return 1;
}

/* tp_window_doc_c on the window's bytes: the tokens in k with their clause and sentence numbers; 1 with
   *first and *last, 0 where tp_window_doc gives None, -1 with an error set. */
static int tp_b_window_doc(TpToks *k, Py_ssize_t start, Py_ssize_t end, const TpWordSet *breaks, Py_ssize_t reach,
                           Py_ssize_t *first, Py_ssize_t *last)
{
    const unsigned char *s = k->s;
    Py_ssize_t size = k->size;
    k->n = 0;
    if (start < 0 || end < start || end > size) {
        PyErr_SetString(PyExc_ValueError, "topic_window: need 0 <= start <= end <= len(text)");
        return -1;
    }
    if (tp_b_crosses(s, size, start) || tp_b_crosses(s, size, end)) return 0;
    Py_ssize_t origin = 0, mark = tp_b_prev_mark(s, start, 1);
    if (mark > 0) {
        Py_ssize_t p = tp_b_last_token_start(s, mark);
        if (p >= 0) origin = p;
    }
    Py_ssize_t stop = tp_b_next_mark(s, end, size, 1);
    Py_ssize_t clause = 0, sentence = 0;
    if (tp_b_numbered(k, origin, start, breaks, &clause, &sentence, -1) < 0) return -1;
    *first = k->n;
    if (tp_b_numbered(k, start, end, breaks, &clause, &sentence, -1) < 0) return -1;
    *last = k->n - 1;
    if (tp_b_numbered(k, end, stop, breaks, &clause, &sentence, -1) < 0) return -1;
    if (stop < size && tp_b_numbered(k, stop, size, breaks, &clause, &sentence, reach) < 0) return -1;
    return 1;
}

/* Token j as a str made on first use and kept in ws[j] (borrowed), NULL with an error set. */
static inline PyObject *tp_b_word(const TpToks *k, PyObject **ws, PyObject *text, Py_ssize_t lo, Py_ssize_t j)
{
    if (!ws[j]) ws[j] = tp_b_str(k, text, lo, j);
    return ws[j];
}

/* tp_marker_at on the window's tokens. */
static Py_ssize_t tp_b_marker_at(const TpToks *k, PyObject **ws, PyObject *text, Py_ssize_t lo, Py_ssize_t j,
                                 PyObject *marker)
{
    Py_ssize_t n = k->n, at = j;
    for (Py_ssize_t a = 0; a < PyTuple_GET_SIZE(marker); a++) {
        PyObject *alts = PyTuple_GET_ITEM(marker, a);
        if (at >= n) return -1;
        PyObject *w = tp_b_word(k, ws, text, lo, at);
        if (!w) return -2;
        int in = PySet_Contains(alts, w);
        if (in < 0) return -2;
        if (in) { at += 1; continue; }
        if (at + 1 >= n) return -1;
        PyObject *w1 = tp_b_word(k, ws, text, lo, at + 1);
        if (!w1) return -2;
        PyObject *two = PyUnicode_FromFormat("%U %U", w, w1);
        if (!two) return -2;
        in = PySet_Contains(alts, two);
        Py_DECREF(two);
        if (in < 0) return -2;
        if (!in) return -1;
        at += 2;
    }
    return at;
}

/* tp_veto on the window's tokens, tm: each token's start mask. */
static int tp_b_veto(const TpToks *k, PyObject **ws, PyObject *text, Py_ssize_t lo, const uint64_t *tm,
                     Py_ssize_t first, Py_ssize_t last, PyObject *topic, PyObject *rules, PyObject *modals,
                     const TpWordSet *breaks, PyObject **reason, PyObject **marker_out)
{
    *reason = *marker_out = NULL;
    Py_ssize_t n = k->n;
    if (first >= n) return 0;
    const TpTok *t = k->t;
    unsigned long long present = 0;
    for (Py_ssize_t q = 0; q < n; q++) present |= tm[q];
    Py_ssize_t clause = t[first].cl, sentence = t[first].se;
    for (Py_ssize_t r = 0; r < PyTuple_GET_SIZE(rules) && present; r++) {
        if (!(present >> r & 1)) continue;
        PyObject *rule = PyTuple_GET_ITEM(rules, r);
        PyObject *topics = PyTuple_GET_ITEM(rule, 0), *except = PyTuple_GET_ITEM(rule, 1),
                 *reset = PyTuple_GET_ITEM(rule, 5), *starts = PyTuple_GET_ITEM(rule, 6);
        long scope = PyLong_AsLong(PyTuple_GET_ITEM(rule, 2));
        Py_ssize_t before = PyLong_AsSsize_t(PyTuple_GET_ITEM(rule, 3)), after = PyLong_AsSsize_t(PyTuple_GET_ITEM(rule, 4));
        if (PyErr_Occurred()) return -1;
        int in;
        if (PySet_GET_SIZE(topics)) {
            if ((in = PySet_Contains(topics, topic)) < 0) return -1;
            if (!in) continue;
        }
        if ((in = PySet_Contains(except, topic)) < 0) return -1;
        if (in) continue;
        if (scope == 2) {  /* _conditional */
            Py_ssize_t j = first;
            while (j > 0 && t[j - 1].se == t[first].se) j--;
            for (Py_ssize_t q = j; q < first; q++) {
                if (!(tm[q] >> r & 1)) continue;  /* not in starts */
                PyObject *w = tp_b_word(k, ws, text, lo, q);
                if (!w) return -1;
                PyObject *ms = PyDict_GetItemWithError(starts, w);
                if (!ms) {
                    if (PyErr_Occurred()) return -1;
                    continue;
                }
                for (Py_ssize_t z = 0; z < PyTuple_GET_SIZE(ms); z++) {
                    Py_ssize_t end = tp_b_marker_at(k, ws, text, lo, q, PyTuple_GET_ITEM(ms, z));
                    if (end == -2) return -1;
                    if (end < 0 || end > first) continue;
                    int hit = t[first].cl == t[q].cl;
                    if (!hit && t[first].cl == t[q].cl + 1) {
                        Py_ssize_t stop = last + 1 < n ? last + 1 : n;
                        for (Py_ssize_t m = end; m < stop && !hit; m++) {
                            if (t[m].cl != t[q].cl + 1) continue;
                            PyObject *wm = tp_b_word(k, ws, text, lo, m);
                            if (!wm || (in = PySet_Contains(modals, wm)) < 0) return -1;
                            hit = in;
                        }
                    }
                    if (hit) {
                        if (!(*marker_out = tp_b_join(k, q, end))) return -1;
                        *reason = PyTuple_GET_ITEM(rule, 7);
                        Py_INCREF(*reason);
                        return 1;
                    }
                }
            }
            continue;
        }
        Py_ssize_t unit = scope == 0 ? clause : sentence, lo_j = first, hi_j = last + 1;
#define TP_SAME(q) (scope == 0 ? t[q].cl : t[q].se)
        while (lo_j > 0 && first - lo_j < before && TP_SAME(lo_j - 1) == unit) lo_j--;
        while (hi_j < n && hi_j - last - 1 < after && TP_SAME(hi_j) == unit) hi_j++;
#undef TP_SAME
        for (Py_ssize_t j = lo_j; j < hi_j; j++) {
            if (j == first) j = last + 1;  /* the tokens before the match, then those after it */
            if (j >= hi_j) break;
            if (!(tm[j] >> r & 1)) continue;  /* not in starts */
            PyObject *w = tp_b_word(k, ws, text, lo, j);
            if (!w) return -1;
            PyObject *ms = PyDict_GetItemWithError(starts, w);
            if (!ms) {
                if (PyErr_Occurred()) return -1;
                continue;
            }
            for (Py_ssize_t z = 0; z < PyTuple_GET_SIZE(ms); z++) {
                Py_ssize_t end = tp_b_marker_at(k, ws, text, lo, j, PyTuple_GET_ITEM(ms, z));
                if (end == -2) return -1;
                if (end < 0 || (j < first && end > first)) continue;
                if (j < first) {
                    int reset_hit = 0;
                    for (Py_ssize_t q = end; q < first && !reset_hit; q++) {
                        PyObject *wq = tp_b_word(k, ws, text, lo, q);
                        if (!wq || (in = PySet_Contains(reset, wq)) < 0) return -1;
                        reset_hit = in || tp_b_in(k, breaks, q);
                    }
                    if (reset_hit) continue;
                }
                if (!(*marker_out = tp_b_join(k, j, end))) return -1;
                *reason = PyTuple_GET_ITEM(rule, 7);
                Py_INCREF(*reason);
                return 1;
            }
        }
    }
    return 0;
}

/* tp_finish_complaint of the window text[lo:hi] of a one-byte text on its bytes (start and end in the window;
   breaks and the start masks as C tables): the same result. */
static PyObject *tp_b_finish_complaint(PyObject *item, PyObject *text, Py_ssize_t lo, Py_ssize_t hi,
                                       Py_ssize_t start, Py_ssize_t end, PyObject *rule_id, PyObject *topic_id,
                                       const TpWordSet *breaks, Py_ssize_t reach, PyObject *rules,
                                       const TpMaskMap *masks, PyObject *modals)
{
    static TpToks k;  /* reused (the GIL is held; nothing here runs Python code that could come back) */
    k.s = PyUnicode_1BYTE_DATA(text) + lo;
    k.size = hi - lo;
    k.avail = PyUnicode_GET_LENGTH(text) - lo;
    tp_init_word1();
    Py_ssize_t first = 0, last = 0;
    int got = tp_b_window_doc(&k, start, end, breaks, reach, &first, &last);
    if (got < 0) return NULL;
    if (!got || last < first) Py_RETURN_NONE;
    Py_ssize_t n = k.n;
    PyObject *res = NULL, *reason = NULL, *marker = NULL;
    uint64_t *tm = PyMem_Malloc(sizeof(uint64_t) * (size_t)(n + 1));
    PyObject **ws = PyMem_Calloc((size_t)(n + 1), sizeof(PyObject *));
    if (!tm || !ws) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t q = 0; q < n; q++)
        tm[q] = tp_b_may(&k, &masks->w, q) ? tp_mm_get(masks, k.s + k.t[q].a, k.t[q].b - k.t[q].a, tp_b_hash(&k, q)) : 0;
    int vetoed = tp_b_veto(&k, ws, text, lo, tm, first, last, topic_id, rules, modals, breaks, &reason, &marker);
    if (vetoed < 0) goto done;
    PyObject *v = PyTuple_GET_ITEM(item, 4);
    if (vetoed) {
        PyObject *why = PyUnicode_FromFormat("%U, void: %U (%R)", PyTuple_GET_ITEM(v, 4), reason, marker);
        if (why) {
            res = PyTuple_Pack(9, rule_id, PyTuple_GET_ITEM(item, 1), PyTuple_GET_ITEM(item, 2),
                               PyTuple_GET_ITEM(item, 3), tp_s_neutral, PyTuple_GET_ITEM(v, 1), PyTuple_GET_ITEM(v, 2),
                               PyTuple_GET_ITEM(v, 3), why);
            Py_DECREF(why);
        }
    } else
        res = PyTuple_Pack(9, rule_id, PyTuple_GET_ITEM(item, 1), PyTuple_GET_ITEM(item, 2), PyTuple_GET_ITEM(item, 3),
                           PyTuple_GET_ITEM(v, 0), PyTuple_GET_ITEM(v, 1), PyTuple_GET_ITEM(v, 2),
                           PyTuple_GET_ITEM(v, 3), PyTuple_GET_ITEM(v, 4));
done:
    if (ws)
        for (Py_ssize_t q = 0; q < n; q++) Py_XDECREF(ws[q]);
    PyMem_Free(ws);
    PyMem_Free(tm);
    Py_XDECREF(reason);
    Py_XDECREF(marker);
    return res;
}

/* topic_tried's judge state kept from one call to the next (the GIL is held; only a call that is not inside
   another one, through a Python matcher, reads or changes it): the per-phrase info last validated (held: a tuple
   of tuples of immutable objects, so the same object needs no second look) with its phrases' word-set tables,
   and the context rules and start masks last validated with the start masks' table (held, with a snapshot of
   the items of the start masks and of each rule's markers_by_start, held too: while the same dicts hold the
   same objects, neither is needed again). */
static PyObject *tp_info_ok;
static TpPhraseSets *tp_info_sets;
static PyObject *tp_rules_ok, *tp_masks_ok;
static PyObject **tp_rules_snap;  /* keys and values, a NULL after each dict */
static Py_ssize_t tp_rules_nsnap;
static TpMaskMap tp_rules_mm;
static int tp_tried_depth;

static void tp_info_remember(PyObject *info)
{
    PyMem_Free(tp_info_sets);
    tp_info_sets = PyMem_Calloc((size_t)PyTuple_GET_SIZE(info) + 1, sizeof(TpPhraseSets));
    Py_XSETREF(tp_info_ok, tp_info_sets ? Py_NewRef(info) : NULL);
}

static void tp_rules_forget(void)
{
    for (Py_ssize_t i = 0; i < tp_rules_nsnap; i++) Py_XDECREF(tp_rules_snap[i]);
    PyMem_Free(tp_rules_snap);
    tp_rules_snap = NULL;
    tp_rules_nsnap = 0;
    Py_CLEAR(tp_rules_ok);
    Py_CLEAR(tp_masks_ok);
    tp_maskmap_free(&tp_rules_mm);
}

/* Walk the items of masks and of each rule's markers_by_start: with fill, into tp_rules_snap (room for
   tp_rules_nsnap); else compare with it. 1 when all the same (or filled), 0 when not. */
static int tp_rules_walk(PyObject *masks, PyObject *rules, int fill)
{
    Py_ssize_t at = 0;
    for (Py_ssize_t r = -1; r < PyTuple_GET_SIZE(rules); r++) {
        PyObject *d = r < 0 ? masks : PyTuple_GET_ITEM(PyTuple_GET_ITEM(rules, r), 6), *key, *val;
        Py_ssize_t pos = 0;
        while (PyDict_Next(d, &pos, &key, &val)) {
            if (at + 3 > tp_rules_nsnap) return 0;
            if (fill) {
                tp_rules_snap[at++] = Py_NewRef(key);
                tp_rules_snap[at++] = Py_NewRef(val);
            } else if (tp_rules_snap[at++] != key || tp_rules_snap[at++] != val)
                return 0;
        }
        if (at >= tp_rules_nsnap || tp_rules_snap[at++] != NULL) return 0;
    }
    return at == tp_rules_nsnap;
}

static int tp_rules_same(PyObject *masks, PyObject *rules)
{
    return tp_rules_ok == rules && tp_masks_ok == masks && tp_rules_walk(masks, rules, 0);
}

/* After rules and masks were validated: their snapshot and table (nothing kept when out of memory). */
static void tp_rules_remember(PyObject *masks, PyObject *rules)
{
    tp_rules_forget();
    Py_ssize_t n = 2 * PyDict_GET_SIZE(masks) + 1;
    for (Py_ssize_t r = 0; r < PyTuple_GET_SIZE(rules); r++)
        n += 2 * PyDict_GET_SIZE(PyTuple_GET_ITEM(PyTuple_GET_ITEM(rules, r), 6)) + 1;
    if (!(tp_rules_snap = PyMem_Calloc((size_t)n, sizeof(PyObject *)))) return;
    tp_rules_nsnap = n;
    if (!tp_rules_walk(masks, rules, 1)) { tp_rules_forget(); return; }
    tp_maskmap_build(&tp_rules_mm, masks, rules);
    tp_rules_ok = Py_NewRef(rules);
    tp_masks_ok = Py_NewRef(masks);
}

/* reviewtools.topics._field_matches' attempts and _leftmost_per_topic for a block, in one call: at each attempt
   (rows, offsets, phrase ids: int64 buffers as topic_attempts gives them, grouped by text) the phrase's bound
   regex match (matchers[p](lows[row], offset)), kept when it ends after the offset; then per text, per topic,
   the non-overlapping matches leftmost first and at one position the highest priority (the least priority
   number), as (topic, start, end, phrase) with the phrase entries' own objects (phrases[p] = (topic, priority,
   phrase)). Returns ([(row, matches), ...], next): the texts with a match, in row order, from attempt index at
   (the first of its text's attempts) on, at most limit of them (limit <= 0: all); next is the attempt index to
   go on from (len when done). Python's cyclic GC counts the tuples and lists made here: a caller that consumes
   them in bounded pieces keeps the young generation from filling up.
   With judge, each kept match is judged at once (reviewtools.topics._judge_matches' clause-first path: its
   context window, topic_verdict's work and _verdict_of, tp_judged): the judged tuple, or for a complaint or
   where there is no clause-first verdict (topic, start, end, phrase, verdict or None) for the caller.
   With a sink as well, a text whose matches are all judged here is not returned: its matches are appended to
   the 11 column lists of reviewtools.topics._field_columns (topic, start, end, evidence from the original
   text, phrase, kind, polarity, negated, negator, cue, reason) and first/count[base + row] say where. */
typedef struct {
    long long t, start, prio, end, p;
} TpTried;

/* reviewtools._langcore's topic literal matchers called directly (its _topic_literal_api capsule, version 1):
   match(matcher, text, pos) is the end of matcher's match at pos, -1 for none, -2 with an error set; the same
   answer as calling the matcher and its match's end(). Looked up once per process (NULL: not built, or
   another version: the matchers are called). */
typedef struct {
    int version;
    PyTypeObject *type;
    Py_ssize_t (*match)(PyObject *matcher, PyObject *text, Py_ssize_t pos);
} TpLiteralApi;

static const TpLiteralApi *tp_literal_api(void)
{
    static const TpLiteralApi *api = NULL;
    static int looked = 0;
    if (!looked) {
        looked = 1;
        const TpLiteralApi *a = PyCapsule_Import("reviewtools._langcore._topic_literal_api", 0);
        if (!a) PyErr_Clear();
        else if (a->version == 1 && a->type && a->match) api = a;
    }
    return api;
}

static PyObject *
vc_topic_tried(PyObject *self, PyObject *args)
{
    PyObject *lows, *matchers, *phrases;
    Py_buffer br = {0}, bo = {0}, bp = {0};
    Py_ssize_t at = 0, limit = 0, found = 0;
    PyObject *judge = Py_None, *sink = Py_None, *out = NULL, *end_name = NULL;
    TpTried *tried = NULL;
    long long *kept_p = NULL;  /* the phrase id of each match kept for the row, in order */
    Py_buffer bfirst = {0}, bcount = {0};
    PyObject *j_breaks = NULL, *j_quant = NULL, *j_negs = NULL, *j_notq = NULL, *j_info = NULL, *curly = NULL,
             *straight = NULL, *j_rules = NULL, *j_masks = NULL, *j_modals = NULL;
    Py_ssize_t j_nw = 0, j_qw = 0, j_cw = 0, j_ctx = 0, j_reach = 0;
    const TpWordSet *j_sets[7] = {NULL};
    const TpMaskMap *j_mm = NULL;  /* the start masks' table for one-byte texts (the bytes path) */
    TpPhraseSets *ph_sets = NULL;  /* per phrase id: its word sets' tables, looked up on first use */
    int outer = tp_tried_depth == 0;  /* not called from a matcher inside another call: the kept state */
    if (!PyArg_ParseTuple(args, "O!y*y*y*O!O!|nnOO", &PyList_Type, &lows, &br, &bo, &bp, &PyTuple_Type, &matchers,
                          &PyTuple_Type, &phrases, &at, &limit, &judge, &sink))
        return NULL;
    tp_tried_depth++;  /* (undone at done) */
    /* sink (with judge and its context rules): (originals, the 11 column lists, first, count, base) */
    PyObject *s_orig = NULL, *s_cols = NULL;
    Py_ssize_t s_base = 0;
    if (sink != Py_None) {
        if (judge == Py_None || !PyArg_ParseTuple(sink, "O!O!w*w*n", &PyList_Type, &s_orig, &PyList_Type, &s_cols,
                                                  &bfirst, &bcount, &s_base)) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "topic_tried: a sink needs judge");
            goto done;
        }
        int ok = PyList_GET_SIZE(s_cols) == 11 && PyList_GET_SIZE(s_orig) == PyList_GET_SIZE(lows)
                 && bfirst.len == bcount.len && bfirst.len % 8 == 0 && s_base >= 0
                 && s_base + PyList_GET_SIZE(lows) <= bfirst.len / 8;
        for (Py_ssize_t k = 0; ok && k < 11; k++) ok = PyList_Check(PyList_GET_ITEM(s_cols, k));
        if (!ok) {
            PyErr_SetString(PyExc_ValueError, "topic_tried: sink is (originals as long as lows, 11 lists, int64 "
                            "first and count holding base + len(lows) rows, base)");
            goto done;
        }
    }
    /* judge: (breaks, quantified, negators, not_quantifiers, nw, qw, cw, context chars, per-phrase info) */
    if (judge != Py_None) {
        /* optionally, for the context rules: (..., marker reach, rules, start masks, modals) */
        if (!PyArg_ParseTuple(judge, "O!O!O!O!nnnnO!|nO!O!O!", &PyFrozenSet_Type, &j_breaks, &PyFrozenSet_Type,
                              &j_quant, &PyFrozenSet_Type, &j_negs, &PyFrozenSet_Type, &j_notq, &j_nw, &j_qw, &j_cw,
                              &j_ctx, &PyTuple_Type, &j_info, &j_reach, &PyTuple_Type, &j_rules, &PyDict_Type,
                              &j_masks, &PyFrozenSet_Type, &j_modals)
            || tp_init_strings() < 0)
            goto done;
        if (j_rules) {
            if (!j_modals || j_reach < 0 || PyTuple_GET_SIZE(j_rules) > 64) {
                PyErr_SetString(PyExc_ValueError, "topic_tried: the context rules need reach >= 0, at most 64 "
                                "rules, start masks and modals");
                goto done;
            }
            if (!(outer && tp_rules_same(j_masks, j_rules))) {  /* else validated before, unchanged */
                for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(j_rules); k++) {
                    PyObject *r = PyTuple_GET_ITEM(j_rules, k);
                    if (!PyTuple_Check(r) || PyTuple_GET_SIZE(r) != 8 || !PyFrozenSet_Check(PyTuple_GET_ITEM(r, 0))
                        || !PyFrozenSet_Check(PyTuple_GET_ITEM(r, 1)) || !PyLong_Check(PyTuple_GET_ITEM(r, 2))
                        || !PyLong_Check(PyTuple_GET_ITEM(r, 3)) || !PyLong_Check(PyTuple_GET_ITEM(r, 4))
                        || !PyFrozenSet_Check(PyTuple_GET_ITEM(r, 5)) || !PyDict_Check(PyTuple_GET_ITEM(r, 6))
                        || !PyUnicode_Check(PyTuple_GET_ITEM(r, 7))) {
                        PyErr_SetString(PyExc_TypeError, "topic_tried: a rule is (topics, except_topics, scope, before, "
                                        "after, reset, markers_by_start, reason)");
                        goto done;
                    }
                    PyObject *key, *val;
                    Py_ssize_t pos = 0;
                    while (PyDict_Next(PyTuple_GET_ITEM(r, 6), &pos, &key, &val)) {
                        int ok = PyTuple_Check(val);
                        for (Py_ssize_t q = 0; ok && q < PyTuple_GET_SIZE(val); q++) {
                            PyObject *mk = PyTuple_GET_ITEM(val, q);
                            ok = PyTuple_Check(mk);
                            for (Py_ssize_t z = 0; ok && z < PyTuple_GET_SIZE(mk); z++)
                                ok = PyFrozenSet_Check(PyTuple_GET_ITEM(mk, z));
                        }
                        if (!ok) {
                            PyErr_SetString(PyExc_TypeError, "topic_tried: markers are tuples of frozensets");
                            goto done;
                        }
                    }
                }
                if (outer) tp_rules_remember(j_masks, j_rules);
            }
        }
        if (PyTuple_GET_SIZE(j_info) != PyTuple_GET_SIZE(phrases) || j_nw < 0 || j_qw < 0 || j_cw < 0 || j_ctx < 0) {
            PyErr_SetString(PyExc_ValueError, "topic_tried: judge needs windows >= 0 and one info per phrase");
            goto done;
        }
        if (!(outer && j_info == tp_info_ok)) {  /* else validated before (the same object) */
            for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(j_info); k++) {
                PyObject *in = PyTuple_GET_ITEM(j_info, k);
                if (!PyTuple_Check(in) || PyTuple_GET_SIZE(in) != 8 || !PyLong_Check(PyTuple_GET_ITEM(in, 0))
                    || PyLong_AsLong(PyTuple_GET_ITEM(in, 0)) < 0 || PyLong_AsLong(PyTuple_GET_ITEM(in, 0)) > 2
                    || !PyFrozenSet_Check(PyTuple_GET_ITEM(in, 1)) || !PyFrozenSet_Check(PyTuple_GET_ITEM(in, 2))
                    || !PyFrozenSet_Check(PyTuple_GET_ITEM(in, 3)) || !PyUnicode_Check(PyTuple_GET_ITEM(in, 6))) {
                    if (!PyErr_Occurred())
                        PyErr_SetString(PyExc_TypeError, "topic_tried: info is (kind 0..2, vocabulary, negative, "
                                        "positive, rule id, phrase, quoted, kind) per phrase");
                    goto done;
                }
            }
            if (outer) tp_info_remember(j_info);
        }
        curly = PyUnicode_FromOrdinal(0x2019);
        straight = PyUnicode_FromOrdinal('\'');
        if (!curly || !straight) goto done;
        /* the word sets as C tables for one-byte texts (all four, else the str path) */
        j_sets[0] = tp_wordset(j_breaks);
        j_sets[1] = tp_wordset(j_quant);
        j_sets[2] = tp_wordset(j_negs);
        j_sets[3] = tp_wordset(j_notq);
        if (!j_sets[1] || !j_sets[2] || !j_sets[3]) j_sets[0] = NULL;
        if (outer && j_rules && tp_rules_ok == j_rules && tp_masks_ok == j_masks && tp_rules_mm.w.usable)
            j_mm = &tp_rules_mm;
        ph_sets = outer && tp_info_ok == j_info ? tp_info_sets : NULL;
        if (!ph_sets) j_sets[0] = NULL;
    }
    Py_ssize_t cap = 0;
    Py_ssize_t n = br.len / 8, n_lows = PyList_GET_SIZE(lows), n_phr = PyTuple_GET_SIZE(phrases);
    if (br.len % 8 || bo.len != br.len || bp.len != br.len) {
        PyErr_SetString(PyExc_ValueError, "topic_tried: rows, offsets and phrase ids must be int64 of one length");
        goto done;
    }
    if (PyTuple_GET_SIZE(matchers) != n_phr) {
        PyErr_SetString(PyExc_ValueError, "topic_tried: one matcher per phrase");
        goto done;
    }
    if (at < 0 || at > n || (at > 0 && at < n && ((const int64_t *)br.buf)[at - 1] == ((const int64_t *)br.buf)[at])) {
        PyErr_SetString(PyExc_ValueError, "topic_tried: start at the first attempt of a text");
        goto done;
    }
    const int64_t *rows = br.buf, *offs = bo.buf, *phr = bp.buf;
    const TpLiteralApi *lit_api = n > at ? tp_literal_api() : NULL;
    end_name = PyUnicode_InternFromString("end");
    out = PyList_New(0);
    if (!end_name || !out) goto fail;
    Py_ssize_t i = at;
    while (i < n && (limit <= 0 || found < limit)) {
        int64_t row = rows[i];
        if (row < 0 || row >= n_lows || !PyUnicode_Check(PyList_GET_ITEM(lows, row))) {
            PyErr_SetString(PyExc_ValueError, "topic_tried: a row out of range (or not a str)");
            goto fail;
        }
        PyObject *low = PyList_GET_ITEM(lows, row);
        Py_ssize_t nt = 0;
        for (; i < n && rows[i] == row; i++) {
            int64_t p = phr[i];
            if (p < 0 || p >= n_phr) {
                PyErr_SetString(PyExc_ValueError, "topic_tried: a phrase id out of range");
                goto fail;
            }
            PyObject *matcher = PyTuple_GET_ITEM(matchers, p);
            long long end;
            if (lit_api && Py_TYPE(matcher) == lit_api->type && offs[i] >= 0 && offs[i] <= PY_SSIZE_T_MAX) {
                Py_ssize_t got = lit_api->match(matcher, low, (Py_ssize_t)offs[i]);  /* a plain matcher: directly */
                if (got == -2) goto fail;
                if (got < 0) continue;
                end = got;
            } else {
                PyObject *pos = PyLong_FromLongLong(offs[i]);
                if (!pos) goto fail;
                PyObject *call_args[2] = {low, pos};
                PyObject *mm = PyObject_Vectorcall(matcher, call_args, 2, NULL);
                Py_DECREF(pos);
                if (!mm) goto fail;
                if (mm == Py_None) { Py_DECREF(mm); continue; }
                PyObject *e = PyObject_CallMethodNoArgs(mm, end_name);
                Py_DECREF(mm);
                if (!e) goto fail;
                end = PyLong_AsLongLong(e);
                Py_DECREF(e);
                if (end == -1 && PyErr_Occurred()) goto fail;
            }
            if (end <= offs[i]) continue;
            PyObject *entry = PyTuple_GET_ITEM(phrases, p);
            if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 3) {
                PyErr_SetString(PyExc_TypeError, "topic_tried: phrases must be (topic, priority, phrase) tuples");
                goto fail;
            }
            long long t = PyLong_AsLongLong(PyTuple_GET_ITEM(entry, 0));
            long long prio = PyLong_AsLongLong(PyTuple_GET_ITEM(entry, 1));
            if ((t == -1 || prio == -1) && PyErr_Occurred()) goto fail;
            if (nt == cap) {
                Py_ssize_t ncap = cap ? cap * 2 : 16;
                TpTried *grown = PyMem_Realloc(tried, sizeof(TpTried) * (size_t)ncap);
                if (!grown) { PyErr_NoMemory(); goto fail; }
                tried = grown;
                long long *grown_p = PyMem_Realloc(kept_p, sizeof(long long) * (size_t)ncap);
                if (!grown_p) { PyErr_NoMemory(); goto fail; }
                kept_p = grown_p;
                cap = ncap;
            }
            tried[nt].t = t;
            tried[nt].start = offs[i];
            tried[nt].prio = prio;
            tried[nt].end = end;
            tried[nt].p = p;
            nt++;
        }
        if (!nt) continue;
        /* stable insertion sort by (topic, start, priority), as list.sort with that key */
        for (Py_ssize_t a = 1; a < nt; a++) {
            TpTried x = tried[a];
            Py_ssize_t b = a - 1;
            while (b >= 0 && (tried[b].t > x.t || (tried[b].t == x.t && (tried[b].start > x.start
                              || (tried[b].start == x.start && tried[b].prio > x.prio))))) {
                tried[b + 1] = tried[b];
                b--;
            }
            tried[b + 1] = x;
        }
        PyObject *kept = PyList_New(0);
        if (!kept) goto fail;
        long long last_topic = -1, last_end = -1;
        int first_kept = 1;
        for (Py_ssize_t a = 0; a < nt; a++) {
            if (first_kept || tried[a].t != last_topic) { last_topic = tried[a].t; last_end = -1; first_kept = 0; }
            if (tried[a].start < last_end) continue;
            PyObject *entry = PyTuple_GET_ITEM(phrases, tried[a].p), *m;
            if (judge == Py_None)
                m = Py_BuildValue("OLLO", PyTuple_GET_ITEM(entry, 0), tried[a].start, tried[a].end,
                                  PyTuple_GET_ITEM(entry, 2));
            else {  /* the match's context window (curly apostrophes made straight) and its clause-first verdict */
                Py_ssize_t size = PyUnicode_GET_LENGTH(low), lo = tried[a].start - j_ctx, hi = tried[a].end + j_ctx;
                if (lo < 0) lo = 0;
                if (hi > size) hi = size;
                PyObject *info = PyTuple_GET_ITEM(j_info, tried[a].p), *v;
                if (j_sets[0] && PyUnicode_KIND(low) == PyUnicode_1BYTE_KIND  /* no curly apostrophe: on its bytes */
                    && tp_phrase_sets(ph_sets, tried[a].p, info, j_sets + 4))
                    v = tp_b_verdict(low, lo, hi, tried[a].start - lo, tried[a].end - lo,
                                     PyLong_AsLong(PyTuple_GET_ITEM(info, 0)), j_sets, j_nw, j_qw, j_cw);
                else {
                    PyObject *window = PyUnicode_Substring(low, lo, hi);
                    if (window && PyUnicode_FindChar(window, 0x2019, 0, hi - lo, 1) >= 0)
                        Py_SETREF(window, PyUnicode_Replace(window, curly, straight, -1));
                    v = window ? tp_verdict(window, tried[a].start - lo, tried[a].end - lo,
                                            PyLong_AsLong(PyTuple_GET_ITEM(info, 0)), j_breaks, j_quant, j_negs, j_notq,
                                            PyTuple_GET_ITEM(info, 1), PyTuple_GET_ITEM(info, 2),
                                            PyTuple_GET_ITEM(info, 3), j_nw, j_qw, j_cw) : NULL;
                    Py_XDECREF(window);
                }
                if (!v) { Py_DECREF(kept); goto fail; }
                if (v == Py_None)  /* no clause-first verdict here: the caller judges it */
                    m = Py_BuildValue("OLLOO", PyTuple_GET_ITEM(entry, 0), tried[a].start, tried[a].end,
                                      PyTuple_GET_ITEM(entry, 2), Py_None);
                else {
                    m = tp_judged(PyTuple_GET_ITEM(entry, 0), tried[a].start, tried[a].end, PyTuple_GET_ITEM(entry, 2),
                                  info, v);
                    if (m && j_rules && PyTuple_GET_SIZE(m) == 5) {  /* a complaint: the context rules */
                        PyObject *done_m;
                        if (j_mm && j_sets[0] && PyUnicode_KIND(low) == PyUnicode_1BYTE_KIND)
                            done_m = tp_b_finish_complaint(m, low, lo, hi, tried[a].start - lo, tried[a].end - lo,
                                                           PyTuple_GET_ITEM(info, 4), PyTuple_GET_ITEM(info, 4),
                                                           j_sets[0], j_reach, j_rules, j_mm, j_modals);
                        else {
                            PyObject *w2 = PyUnicode_Substring(low, lo, hi);
                            if (w2 && PyUnicode_FindChar(w2, 0x2019, 0, hi - lo, 1) >= 0)
                                Py_SETREF(w2, PyUnicode_Replace(w2, curly, straight, -1));
                            done_m = w2 ? tp_finish_complaint(m, w2, tried[a].start - lo, tried[a].end - lo,
                                                              PyTuple_GET_ITEM(info, 4), PyTuple_GET_ITEM(info, 4),
                                                              j_breaks, j_reach, j_rules, j_masks, j_modals) : NULL;
                            Py_XDECREF(w2);
                        }
                        if (!done_m) Py_CLEAR(m);
                        else if (done_m == Py_None) Py_DECREF(done_m);  /* no sentence tokens: left to the caller */
                        else Py_SETREF(m, done_m);
                    }
                }
                Py_DECREF(v);
            }
            if (!m || PyList_Append(kept, m) < 0) { Py_XDECREF(m); Py_DECREF(kept); goto fail; }
            Py_DECREF(m);
            kept_p[PyList_GET_SIZE(kept) - 1] = tried[a].p;
            last_end = tried[a].end;
        }
        found++;
        if (s_cols) {  /* every match judged here: straight into the columns (else the caller finishes the row) */
            Py_ssize_t nk = PyList_GET_SIZE(kept);
            int final = 1;
            for (Py_ssize_t q = 0; q < nk && final; q++) final = PyTuple_GET_SIZE(PyList_GET_ITEM(kept, q)) == 9;
            if (final) {
                int64_t *first = bfirst.buf, *count = bcount.buf;
                first[s_base + row] = PyList_GET_SIZE(PyList_GET_ITEM(s_cols, 0));
                count[s_base + row] = nk;
                PyObject *original = PyList_GET_ITEM(s_orig, row);
                if (!PyUnicode_Check(original) || PyUnicode_GET_LENGTH(original) != PyUnicode_GET_LENGTH(low)) {
                    PyErr_SetString(PyExc_ValueError, "topic_tried: an original text not as long as its lower case");
                    Py_DECREF(kept);
                    goto fail;
                }
                for (Py_ssize_t q = 0; q < nk; q++) {
                    PyObject *it = PyList_GET_ITEM(kept, q);
                    PyObject *ph = PyTuple_GET_ITEM(it, 3);
                    Py_ssize_t st = PyLong_AsSsize_t(PyTuple_GET_ITEM(it, 1)), en = PyLong_AsSsize_t(PyTuple_GET_ITEM(it, 2));
                    PyObject *info = PyTuple_GET_ITEM(j_info, kept_p[q]);
                    (void)ph;
                    PyObject *evidence = PyUnicode_Substring(original, st, en);
                    if (!evidence) { Py_DECREF(kept); goto fail; }
                    PyObject *vals[11] = {PyTuple_GET_ITEM(it, 0), PyTuple_GET_ITEM(it, 1), PyTuple_GET_ITEM(it, 2),
                                          evidence, PyTuple_GET_ITEM(info, 5), PyTuple_GET_ITEM(info, 7),
                                          PyTuple_GET_ITEM(it, 4), PyTuple_GET_ITEM(it, 5), PyTuple_GET_ITEM(it, 6),
                                          PyTuple_GET_ITEM(it, 7), PyTuple_GET_ITEM(it, 8)};
                    int bad = 0;
                    for (int z = 0; z < 11 && !bad; z++) bad = PyList_Append(PyList_GET_ITEM(s_cols, z), vals[z]) < 0;
                    Py_DECREF(evidence);
                    if (bad) { Py_DECREF(kept); goto fail; }
                }
                Py_DECREF(kept);
                continue;
            }
        }
        PyObject *row_obj = PyLong_FromLongLong((long long)row);
        PyObject *pair = row_obj ? PyTuple_Pack(2, row_obj, kept) : NULL;  /* Py_BuildValue("LN") */
        Py_XDECREF(row_obj);
        Py_DECREF(kept);
        if (!pair || PyList_Append(out, pair) < 0) { Py_XDECREF(pair); goto fail; }
        Py_DECREF(pair);
    }
    out = Py_BuildValue("Nn", out, i);  /* N: out is handed over (released on failure) */
    goto done;
fail:
    Py_CLEAR(out);
done:
    tp_tried_depth--;
    PyMem_Free(tried);
    PyMem_Free(kept_p);
    Py_XDECREF(end_name);
    Py_XDECREF(curly);
    Py_XDECREF(straight);
    if (bfirst.obj) PyBuffer_Release(&bfirst);
    if (bcount.obj) PyBuffer_Release(&bcount);
    if (br.obj) PyBuffer_Release(&br);
    if (bo.obj) PyBuffer_Release(&bo);
    if (bp.obj) PyBuffer_Release(&bp);
    return out;
}

/* reviewtools.topics._lower of each text of a list: str.lower() (an ASCII text lower-cased here, byte by
   byte; any other through its lower method), or None where lower() changes the length (the caller keeps
   offsets exact itself). Returns (lows, how many None). */
static PyObject *
vc_topic_lower(PyObject *self, PyObject *texts)
{
    if (!PyList_Check(texts)) {
        PyErr_SetString(PyExc_TypeError, "topic_lower: texts must be a list of str");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(texts), left = 0;
    PyObject *out = PyList_New(n), *lower_name = PyUnicode_InternFromString("lower");
    if (!out || !lower_name) goto fail;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = PyList_GET_ITEM(texts, i), *low;
        if (!PyUnicode_Check(t)) {
            PyErr_Format(PyExc_TypeError, "topic_lower: text %zd is not a str", i);
            goto fail;
        }
        if (PyUnicode_IS_ASCII(t)) {
            Py_ssize_t len = PyUnicode_GET_LENGTH(t);
            low = PyUnicode_New(len, 127);
            if (!low) goto fail;
            const Py_UCS1 *src = PyUnicode_1BYTE_DATA(t);
            Py_UCS1 *dst = PyUnicode_1BYTE_DATA(low);
            for (Py_ssize_t k = 0; k < len; k++) dst[k] = (Py_UCS1)(src[k] + ((unsigned)(src[k] - 'A') < 26u) * 32);
        } else {
            low = PyObject_CallMethodNoArgs(t, lower_name);
            if (!low) goto fail;
            if (!PyUnicode_Check(low) || PyUnicode_GET_LENGTH(low) != PyUnicode_GET_LENGTH(t)) {
                Py_DECREF(low);
                low = Py_None;
                Py_INCREF(low);
                left++;
            }
        }
        PyList_SET_ITEM(out, i, low);
    }
    Py_DECREF(lower_name);
    return Py_BuildValue("Nn", out, left);
fail:
    Py_XDECREF(out);
    Py_XDECREF(lower_name);
    return NULL;
}

/* ---- end topics ---- */

/* ---- checks: column-wide byte passes of reviewtools.rules' prefilters (issue 8) ---- */

/* Rows of a UTF-8 column as Arrow lays them out: row j is data[offsets[j] : offsets[j + 1]] (int64 offsets,
   absolute into data). 0 when the offsets are ordered and inside data, else -1 with a Python error set. */
static int
chk_rows(const Py_buffer *bd, const Py_buffer *bo, Py_ssize_t *n)
{
    if (bo->len % (Py_ssize_t)sizeof(int64_t) != 0 || bo->len < (Py_ssize_t)sizeof(int64_t)) {
        PyErr_SetString(PyExc_ValueError, "offsets: expected n + 1 int64 values");
        return -1;
    }
    const int64_t *off = (const int64_t *)bo->buf;
    Py_ssize_t m = bo->len / (Py_ssize_t)sizeof(int64_t);
    for (Py_ssize_t j = 0; j < m; j++) {
        if (off[j] < 0 || off[j] > bd->len || (j && off[j] < off[j - 1])) {
            PyErr_Format(PyExc_ValueError, "offsets[%zd] = %lld is out of order or outside the %zd bytes", j,
                         (long long)off[j], bd->len);
            return -1;
        }
    }
    *n = m - 1;
    return 0;
}

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define CHK_HAVE_AVX2 1
/* A set of byte values as two 16-entry nibble tables: lo8[h] has bit l set when h * 16 + l is in the set
   (l < 8), hi8[h] when h * 16 + 8 + l is. */
typedef struct {
    unsigned char lo8[16], hi8[16];
} chk_set;

static void
chk_set_of(const signed char *tt, int value, int nonzero, chk_set *s)
{
    memset(s, 0, sizeof *s);
    for (int c = 0; c < 256; c++) {
        if (nonzero ? tt[c] != 0 : tt[c] == value) {
            if ((c & 15) < 8) s->lo8[c >> 4] |= (unsigned char)(1u << (c & 7));
            else s->hi8[c >> 4] |= (unsigned char)(1u << (c & 7));
        }
    }
}

/* The 32-bit mask of the bytes of v in the set whose nibble tables are tlo/thi (broadcast to both lanes); exact
   for any set: a byte's high nibble picks a 16-bit row of the set's bitmap (two shuffles), its low nibble a bit. */
__attribute__((target("avx2"))) static inline uint32_t
chk_mask_avx2(__m256i v, __m256i tlo, __m256i thi)
{
    const __m256i bits = _mm256_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128,
                                          1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128);
    const __m256i nib = _mm256_set1_epi8(0x0f), eight = _mm256_set1_epi8(8);
    __m256i lo = _mm256_and_si256(v, nib);
    __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nib);
    __m256i row = _mm256_blendv_epi8(_mm256_shuffle_epi8(tlo, hi), _mm256_shuffle_epi8(thi, hi),
                                     _mm256_cmpeq_epi8(_mm256_and_si256(lo, eight), eight));
    __m256i bit = _mm256_shuffle_epi8(bits, lo);
    return (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(row, bit), bit));
}

/* Over the whole 32-byte blocks of p[0:len]: the number of bytes in the set (starts: of bytes in the set whose
   preceding byte, from *prev for the first, is not). *done = the bytes read; *prev = whether the last was in
   the set. */
__attribute__((target("avx2,popcnt"))) static int64_t
chk_count_avx2(const unsigned char *p, int64_t len, const chk_set *s, int starts, int64_t *done, int *prev)
{
    const __m256i tlo = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)s->lo8));
    const __m256i thi = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)s->hi8));
    int64_t c = 0, i = 0;
    uint32_t carry = (uint32_t)(*prev != 0);
    for (; i + 32 <= len; i += 32) {
        uint32_t m = chk_mask_avx2(_mm256_loadu_si256((const __m256i *)(p + i)), tlo, thi);
        if (starts) {
            c += __builtin_popcount(m & ~((m << 1) | carry));
            carry = m >> 31;
        } else {
            c += __builtin_popcount(m);
        }
    }
    *done = i;
    *prev = (int)carry;
    return c;
}

/* Over the whole 32-byte blocks of p[0:len]: runs mode 2 of class_counts for a table of values -1/0/1 (ones:
   the 1-valued set, resets: the -1-valued one), continuing from *cur (the sum since the last reset) and *best
   (the largest so far); a stretch's sum only grows, so it is compared at each 1-valued byte. *done = the
   bytes read. */
__attribute__((target("avx2,popcnt,bmi"))) static void
chk_stretch_avx2(const unsigned char *p, int64_t len, const chk_set *ones, const chk_set *resets, int64_t *done,
                 int64_t *cur, int64_t *best)
{
    const __m256i olo = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)ones->lo8));
    const __m256i ohi = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)ones->hi8));
    const __m256i rlo = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)resets->lo8));
    const __m256i rhi = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)resets->hi8));
    int64_t c = *cur, s = *best, i = 0;
    for (; i + 32 <= len; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + i));
        uint32_t w = chk_mask_avx2(v, olo, ohi), r = chk_mask_avx2(v, rlo, rhi);
        if (w == 0) {
            if (r) c = 0;
            continue;
        }
        if (r == 0) {
            c += __builtin_popcount(w);
            s = c > s ? c : s;
            continue;
        }
        uint32_t below = 0; /* the bits before the previous one-byte handled (all of them: none yet) */
        while (w) {
            uint32_t low = w & -w; /* the next 1-valued byte */
            uint32_t between = (low - 1) & ~below; /* bits after the previous one and before this one */
            if (r & between) c = 0;
            c++;
            s = c > s ? c : s;
            below = (low << 1) - 1;
            w &= w - 1;
        }
        if (below != 0xffffffffu && (r & ~below)) c = 0; /* a reset after the last 1-valued byte */
    }
    *done = i;
    *cur = c;
    *best = s;
}

/* How class_counts reads a table: by the scalar loop (0), as the count of one set (1: the 1-valued bytes, or
   with runs the non-zero ones), or as the count of the 1-valued minus that of the -1-valued bytes (2). */
static int
chk_table_kind(const signed char *tt, int runs)
{
    if (runs == 1) return 1;
    if (runs != 0 && runs != 2) return 0;
    int neg = 0;
    for (int c = 0; c < 256; c++) {
        if (tt[c] < -1 || tt[c] > 1) return 0;
        neg |= tt[c] == -1;
    }
    return neg ? 2 : 1;
}
#endif


/* class_counts(data, offsets, tables, runs, out[, rows]) -> None: for each row j and each of the K tables (int8,
   K * 256), out[j * K + k] = the sum of tables[k][b] over the row's bytes b; when runs[k] is 1, instead the
   number of the row's bytes whose table value is non-zero and whose preceding byte in the row has a zero one
   (starts of runs of marked bytes); when it is 2, the largest sum of the (0/1) values over a stretch of the
   row between bytes valued -1. With rows (int64 row numbers), only those rows, out[r * K + k] for rows[r].
   reviewtools.rules._Batch.byte_count in numpy is the reference. Where the CPU has AVX2, tables of values
   -1/0/1 (and the run starts) are counted 32 bytes at a time by an exact set-membership test; the scalar loop
   reads the rest. */
static PyObject *
vc_class_counts(PyObject *module, PyObject *args)
{
    Py_buffer bd, bo, bt, br, bout, brows = {0};
    if (!PyArg_ParseTuple(args, "y*y*y*y*w*|y*", &bd, &bo, &bt, &br, &bout, &brows)) return NULL;
    PyObject *res = NULL;
    void *sets_mem = NULL, *kinds_mem = NULL; /* the AVX2 path's per-table sets and kinds */
    Py_ssize_t n = 0, k = br.len, m = 0;
    const int64_t *sel = NULL;
    if (chk_rows(&bd, &bo, &n) < 0 || check_buffer(&bt, k * 256, 1, "tables") < 0) goto done;
    if (brows.buf != NULL) {
        m = brows.len / (Py_ssize_t)sizeof(int64_t);
        if (check_buffer(&brows, m, sizeof(int64_t), "rows") < 0) goto done;
        sel = (const int64_t *)brows.buf;
        for (Py_ssize_t r = 0; r < m; r++) {
            if (sel[r] < 0 || sel[r] >= n) {
                PyErr_Format(PyExc_IndexError, "rows[%zd] = %lld outside the %zd rows", r, (long long)sel[r], n);
                goto done;
            }
        }
    } else {
        m = n;
    }
    if (check_buffer(&bout, m * k, sizeof(int64_t), "out") < 0) goto done;
    const unsigned char *x = (const unsigned char *)bd.buf;
    const int64_t *off = (const int64_t *)bo.buf;
    const signed char *tab = (const signed char *)bt.buf;
    const unsigned char *runs = (const unsigned char *)br.buf;
    int64_t *out = (int64_t *)bout.buf;
    int avx2 = 0;
#ifdef CHK_HAVE_AVX2
    chk_set *sets = NULL; /* per table, the set counted (and for kind 2 the -1 set after it) */
    int *kinds = NULL;
    __builtin_cpu_init();
    avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
    if (avx2 && k > 0) {
        sets = sets_mem = PyMem_Calloc((size_t)(2 * k), sizeof(chk_set));
        kinds = kinds_mem = PyMem_Calloc((size_t)k, sizeof(int));
        if (sets == NULL || kinds == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        for (Py_ssize_t t = 0; t < k; t++) {
            kinds[t] = chk_table_kind(tab + t * 256, runs[t]);
            chk_set_of(tab + t * 256, 1, runs[t] == 1, &sets[2 * t]);
            chk_set_of(tab + t * 256, -1, 0, &sets[2 * t + 1]);
        }
    }
#endif
    for (Py_ssize_t r = 0; r < m; r++) { /* a row at a time (it stays in cache for the K tables) */
        Py_ssize_t j = sel != NULL ? (Py_ssize_t)sel[r] : r;
        for (Py_ssize_t t = 0; t < k; t++) {
            const signed char *tt = tab + t * 256;
            int64_t s = 0;
            const unsigned char *p = x + off[j], *e = x + off[j + 1];
            if (runs[t] == 2) {
                int64_t cur = 0; /* the largest sum over a stretch between bytes valued -1 (which reset it) */
#ifdef CHK_HAVE_AVX2
                if (avx2 && kinds[t] && e - p >= 32) {
                    int64_t used = 0;
                    chk_stretch_avx2(p, e - p, &sets[2 * t], &sets[2 * t + 1], &used, &cur, &s);
                    p += used;
                }
#endif
                for (; p < e; p++) {
                    int v = tt[*p];
                    cur = (cur + v) & -(int64_t)(v >= 0);
                    s = cur > s ? cur : s;
                }
            } else if (runs[t]) {
                int prev = 0;
#ifdef CHK_HAVE_AVX2
                if (avx2 && e - p >= 32) {
                    int64_t used = 0;
                    s += chk_count_avx2(p, e - p, &sets[2 * t], 1, &used, &prev);
                    p += used;
                }
#endif
                for (; p < e; p++) {
                    int cur = tt[*p] != 0;
                    s += cur & !prev;
                    prev = cur;
                }
            } else {
#ifdef CHK_HAVE_AVX2
                if (avx2 && kinds[t] && e - p >= 32) {
                    int64_t used = 0;
                    int prev = 0;
                    s += chk_count_avx2(p, e - p, &sets[2 * t], 0, &used, &prev);
                    if (kinds[t] == 2) s -= chk_count_avx2(p, e - p, &sets[2 * t + 1], 0, &used, &prev);
                    p += used;
                }
#endif
                for (; p < e; p++) s += tt[*p];
            }
            out[r * k + t] = s;
        }
    }
    res = Py_None;
    Py_INCREF(res);
done:
    (void)avx2;
    PyMem_Free(sets_mem);
    PyMem_Free(kinds_mem);
    PyBuffer_Release(&bd);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bt);
    PyBuffer_Release(&br);
    PyBuffer_Release(&bout);
    if (brows.buf != NULL) PyBuffer_Release(&brows);
    return res;
}

/* char_runs(data, offsets, length, spaces, out) -> None: out[j] = 1 when row j holds the same ASCII byte that
   spaces (128 entries) does not mark `length` times in a row, or `length` non-ASCII characters in a row (UTF-8
   lead bytes in one run of bytes >= 0x80), else 0: RE2's "(?:\x{00}{N}|\x{01}{N}|...)|[^\x{00}-\x{7f}]{N}"
   (reviewtools.rules._re2_char_run, the reference). */
static PyObject *
vc_char_runs(PyObject *module, PyObject *args)
{
    Py_buffer bd, bo, bs, bout;
    Py_ssize_t length;
    if (!PyArg_ParseTuple(args, "y*y*ny*w*", &bd, &bo, &length, &bs, &bout)) return NULL;
    PyObject *res = NULL;
    Py_ssize_t n = 0;
    if (chk_rows(&bd, &bo, &n) < 0 || check_buffer(&bs, 128, 1, "spaces") < 0
        || check_buffer(&bout, n, 1, "out") < 0)
        goto done;
    if (length < 1) {
        PyErr_SetString(PyExc_ValueError, "length must be positive");
        goto done;
    }
    const unsigned char *x = (const unsigned char *)bd.buf;
    const int64_t *off = (const int64_t *)bo.buf;
    const unsigned char *sp = (const unsigned char *)bs.buf;
    unsigned char *out = (unsigned char *)bout.buf;
    unsigned char counted[256]; /* 1 for the bytes a same-byte run may be of: ASCII, not a space */
    for (int c = 0; c < 256; c++) counted[c] = (unsigned char)(c < 0x80 && !sp[c]);
    /* A run of `length` equal bytes holds two positions `step` = length / 2 apart that are multiples of step
       from the row's start (any 2 * step consecutive positions do); a run of `length` non-ASCII characters is
       at least 2 * length bytes >= 0x80, so it holds two such positions `length` apart. Only there is a run
       measured (then skipped past). */
    Py_ssize_t step = length / 2;
    for (Py_ssize_t j = 0; j < n; j++) {
        const unsigned char *r = x + off[j];
        Py_ssize_t len = (Py_ssize_t)(off[j + 1] - off[j]);
        int found = 0;
        if (step < 1) { /* length 1: any counted byte or non-ASCII character */
            for (Py_ssize_t i = 0; i < len && !found; i++) found = counted[r[i]] || r[i] >= 0xC0;
            out[j] = (unsigned char)found;
            continue;
        }
        for (Py_ssize_t k = 0; k + step < len && !found; k += step) {
            if (r[k] != r[k + step] || !counted[r[k]]) continue;
            Py_ssize_t lo = k, hi = k; /* the run of r[k] around k: [lo, hi] */
            while (lo > 0 && r[lo - 1] == r[k]) lo--;
            while (hi + 1 < len && r[hi + 1] == r[k]) hi++;
            found = hi - lo + 1 >= length;
            k = hi - hi % step; /* the next k (after += step) is past the run */
        }
        for (Py_ssize_t k = 0; k + length < len && !found; k += length) {
            if (r[k] < 0x80 || r[k + length] < 0x80) continue;
            Py_ssize_t lo = k, hi = k; /* the run of bytes >= 0x80 around k */
            while (lo > 0 && r[lo - 1] >= 0x80) lo--;
            while (hi + 1 < len && r[hi + 1] >= 0x80) hi++;
            Py_ssize_t chars = 0;
            for (Py_ssize_t i = lo; i <= hi; i++) chars += r[i] >= 0xC0;
            found = chars >= length;
            k = hi - hi % length;
        }
        out[j] = (unsigned char)found;
    }
    res = Py_None;
    Py_INCREF(res);
done:
    PyBuffer_Release(&bd);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bs);
    PyBuffer_Release(&bout);
    return res;
}

/* repeated_tokens(data, offsets, sep, out) -> None: out[j] = 1 when row j holds three equal tokens in a row,
   a token being a maximal run of bytes the 256-entry table sep does not mark, else 0
   (reviewtools.rules._repeated_tokens in numpy is the reference). Token edges come from 64-bit masks of the
   separator bytes (one bit per byte), walked by their set bits, so there is no branch per byte. */
static PyObject *
vc_repeated_tokens(PyObject *module, PyObject *args)
{
    Py_buffer bd, bo, bs, bout;
    if (!PyArg_ParseTuple(args, "y*y*y*w*", &bd, &bo, &bs, &bout)) return NULL;
    PyObject *res = NULL;
    Py_ssize_t n = 0;
    if (chk_rows(&bd, &bo, &n) < 0 || check_buffer(&bs, 256, 1, "sep") < 0
        || check_buffer(&bout, n, 1, "out") < 0)
        goto done;
    const unsigned char *x = (const unsigned char *)bd.buf;
    const int64_t *off = (const int64_t *)bo.buf;
    const unsigned char *sep = (const unsigned char *)bs.buf;
    unsigned char *out = (unsigned char *)bout.buf;
    for (Py_ssize_t j = 0; j < n; j++) {
        int64_t a = off[j], e = off[j + 1];
        /* the last two tokens (start, length), how many seen (up to 2); the current token's start */
        int64_t s0 = 0, l0 = -1, s1 = 0, l1 = -1, start = 0;
        int seen = 0, found = 0, in_tok = 0;
        for (int64_t base = a; base < e && !found; base += 64) {
            int64_t len = e - base < 64 ? e - base : 64;
            uint64_t seps = 0;
            for (int64_t i = 0; i < len; i++) seps |= (uint64_t)(sep[x[base + i]] != 0) << i;
            if (len < 64) seps |= ~0ULL << len; /* past the row: separators */
            /* bits where a token starts (no separator here, one before) or ends (a separator here, none before) */
            uint64_t before = (seps << 1) | (uint64_t)(!in_tok);
            uint64_t edges = (seps ^ before);
            while (edges) {
                int b = __builtin_ctzll(edges);
                edges &= edges - 1;
                int64_t pos = base + b;
                if (!in_tok) {
                    start = pos;
                    in_tok = 1;
                    continue;
                }
                in_tok = 0;
                int64_t l = pos - start;
                if (seen == 2 && l == l1 && l == l0 && memcmp(x + start, x + s1, (size_t)l) == 0
                    && memcmp(x + start, x + s0, (size_t)l) == 0) {
                    found = 1;
                    break;
                }
                s0 = s1; l0 = l1; s1 = start; l1 = l;
                if (seen < 2) seen++;
            }
            if (len < 64) in_tok = 0; /* the row's last token ended at e (an edge in the padding) */
        }
        if (in_tok && !found) { /* a token up to the row's end, which is a multiple of 64 bytes from its start */
            int64_t l = e - start;
            found = seen == 2 && l == l1 && l == l0 && memcmp(x + start, x + s1, (size_t)l) == 0
                    && memcmp(x + start, x + s0, (size_t)l) == 0;
        }
        out[j] = (unsigned char)found;
    }
    res = Py_None;
    Py_INCREF(res);
done:
    PyBuffer_Release(&bd);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bs);
    PyBuffer_Release(&bout);
    return res;
}

#ifdef CHK_HAVE_AVX2
__attribute__((target("avx2"))) static Py_ssize_t
chk_lower_avx2(const unsigned char *x, unsigned char *o, Py_ssize_t n)
{
    /* v + (128 - 'A') wraps 'A'..'Z' onto -128..-103 (signed): below -102 exactly there */
    const __m256i shift = _mm256_set1_epi8((char)(128 - 'A')), bound = _mm256_set1_epi8(-128 + 26);
    const __m256i diff = _mm256_set1_epi8(32);
    Py_ssize_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(x + i));
        __m256i up = _mm256_cmpgt_epi8(bound, _mm256_add_epi8(v, shift));
        _mm256_storeu_si256((__m256i *)(o + i), _mm256_add_epi8(v, _mm256_and_si256(up, diff)));
    }
    return i;
}
#endif

/* ascii_lower(data, out) -> None: out[i] = data[i] with the ASCII letters A-Z lower-cased (every other byte kept;
   the UTF-8 of str.lower for a text of ASCII characters). reviewtools.rules._Batch._lowered in numpy is the
   reference. */
static PyObject *
vc_ascii_lower(PyObject *module, PyObject *args)
{
    Py_buffer bd, bout;
    if (!PyArg_ParseTuple(args, "y*w*", &bd, &bout)) return NULL;
    PyObject *res = NULL;
    if (check_buffer(&bout, bd.len, 1, "out") < 0) goto done;
    const unsigned char *x = (const unsigned char *)bd.buf;
    unsigned char *o = (unsigned char *)bout.buf;
    Py_ssize_t i = 0;
#ifdef CHK_HAVE_AVX2
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) i = chk_lower_avx2(x, o, bd.len);
#endif
    for (; i < bd.len; i++) o[i] = (unsigned char)(x[i] + ((unsigned)(x[i] - 'A') < 26u) * 32);
    res = Py_None;
    Py_INCREF(res);
done:
    PyBuffer_Release(&bd);
    PyBuffer_Release(&bout);
    return res;
}

/* ---- end of checks ---- */

static PyMethodDef module_methods[] = {
    {"round", (PyCFunction)vc_round, METH_VARARGS,
     "round(x, ndigits) -> Python's round(x, ndigits) for a float, as the scorer rounds (0 <= ndigits <= 4)"},
    {"review_aggregates", (PyCFunction)vc_review_aggregates, METH_VARARGS,
     "review_aggregates(flat, count, threshold, mean, negative, worst, worst_at) -> None: per review, the sequential "
     "mean, values <= threshold, first lowest value and its position, into the buffers"},
    {"span_strings", (PyCFunction)vc_span_strings, METH_VARARGS,
     "span_strings(texts, owner, start, end, qs) -> [None if q < 0 else texts[owner[q]][start[q]:end[q]] for q in qs]"},
    {"ascii_flags", (PyCFunction)vc_ascii_flags, METH_VARARGS,
     "ascii_flags(texts, out) -> True, out[i] = texts[i].isascii() (a bool buffer); False at an item not a str"},
    {"span_word_counts", (PyCFunction)vc_span_word_counts, METH_VARARGS,
     "span_word_counts(texts, owner, start, end, out) -> None: len(texts[owner[k]][start[k]:end[k]].split()) "
     "into the int64 buffer out"},
    {"split_mapped", (PyCFunction)vc_split_mapped, METH_VARARGS,
     "split_mapped(texts, table, opener, bits, abbreviations, cmap) -> (bytes of int64 (owner, start, end) triples, "
     "positions left to Python) or None: split_ascii of texts of one or two bytes per character, non-ASCII "
     "characters read as their bytes in cmap"},
    {"split_ascii", (PyCFunction)vc_split_ascii, METH_VARARGS,
     "split_ascii(texts, table, opener, bits, abbreviations) -> (bytes of int64 (owner, start, end) triples, "
     "positions left to Python): reviewtools.sentiment.split_sentences of each ASCII text"},
    {"ascii_head_counts", (PyCFunction)vc_ascii_head_counts, METH_VARARGS,
     "ascii_head_counts(texts, keys, longest, max_chars, tokens, words, letters, state) -> None: ascii_word_counts "
     "of text.strip()[:max_chars] of each ASCII str, and state (int8) 2 when that head is the whole stripped text, "
     "1 when it is not, 0 for a text that is not an ASCII str"},
    {"ascii_word_counts", (PyCFunction)vc_ascii_word_counts, METH_VARARGS,
     "ascii_word_counts(heads, keys, longest, tokens, words, letters) -> None: per ASCII head, its [A-Za-z0-9]+ "
     "tokens, those (at most longest chars) whose lower-cased little-endian uint64 is in the sorted keys, and its "
     "letters, into the int64 buffers"},
    {"lang_visits", (PyCFunction)vc_lang_visits, METH_VARARGS,
     "lang_visits(data, offsets, nextmove, rowbase, output, nfeat, feat, counts, ends) -> None: py3langid's "
     "visit_counts per text (distinct features in first-seen order and their counts) into the int64 buffers"},
    {"lut_rows", (PyCFunction)vc_lut_rows, METH_VARARGS,
     "lut_rows(table, ncols, rows, lut, out) -> None: out[r, c] = lut[table[rows[r], c]] (uint16 table, int64 "
     "rows, float32 lut of 65536 and out)"},
    /* topics */
    {"topic_attempts", (PyCFunction)vc_topic_attempts, METH_VARARGS,
     "topic_attempts(texts, exact, exact_ptr, exact_units, prefix, prefix_ptr, prefix_units, first_ptr, "
     "first_phrases, phrase_ptr, phrase_units, n_units) -> (bytes of int64 texts, offsets, phrase ids): "
     "reviewtools.topics._candidate_attempts of a block of lower-cased texts"},
    {"topic_clause", (PyCFunction)vc_topic_clause, METH_VARARGS,
     "topic_clause(text, start, end, after, breaks, quantified) -> None when a token runs across start or end, else "
     "(words, clauses, first, last): reviewtools.topics._clause_doc's tokens"},
    {"topic_verdict", (PyCFunction)(void (*)(void))vc_topic_verdict, METH_FASTCALL,
     "topic_verdict(text, start, end, kind, breaks, quantified, negators, not_quantifiers, vocabulary, negative, "
     "positive, nw, qw, cw) -> None when topic_clause gives None, else (negator, cue, sign, cue_negator): "
     "reviewtools.topics' clause-first verdict of one match (kind 0 complaint, 1 praise, 2 mention)"},
    {"topic_tried", (PyCFunction)vc_topic_tried, METH_VARARGS,
     "topic_tried(lows, rows, offsets, phrase_ids, matchers, phrases[, at, limit]) -> ([(row, [(topic, start, "
     "end, phrase), ...]), ...], next): reviewtools.topics._field_matches' regex attempts and _leftmost_per_topic "
     "for a block, from attempt index at, at most limit texts with a match; with judge (breaks, quantified, "
     "negators, not_quantifiers, nw, qw, cw, context chars, per-phrase (kind, vocabulary, negative, positive, "
     "rule id, phrase, quoted)) each match judged on its clause as topic_verdict does: the judged 9-tuple, or "
     "(topic, start, end, phrase, verdict) for a complaint, verdict None where topic_verdict gives None; with "
     "sink (originals, 11 column lists, int64 first, count, base) the texts whose matches are all judged go "
     "straight into the columns (first/count at base + row) and only the others are returned"},
    {"topic_lower", (PyCFunction)vc_topic_lower, METH_O,
     "topic_lower(texts) -> (lows, n): str.lower() of each text (ASCII ones byte by byte), None where lower() "
     "changes the length, n how many None: reviewtools.topics._lower of a list"},
    {"topic_window", (PyCFunction)vc_topic_window, METH_VARARGS,
     "topic_window(text, start, end, breaks, reach) -> None when a token runs across start or end, else (words, "
     "clauses, sentences, first, last): reviewtools.topics._window_doc's tokens"},
    /* ---- checks ---- */
    {"class_counts", (PyCFunction)vc_class_counts, METH_VARARGS,
     "class_counts(data, offsets, tables, runs, out[, rows]) -> None: per row (or per row of the int64 rows) and "
     "int8 table, the sum of its values over the row's bytes (runs[k] 1: the starts of runs of marked bytes; 2: the "
     "largest sum over a stretch between -1 bytes) into the int64 buffer out (rows x tables)"},
    {"char_runs", (PyCFunction)vc_char_runs, METH_VARARGS,
     "char_runs(data, offsets, length, spaces, out) -> None: per row, 1 when it holds one non-space ASCII byte "
     "or non-ASCII characters length times in a row"},
    {"repeated_tokens", (PyCFunction)vc_repeated_tokens, METH_VARARGS,
     "repeated_tokens(data, offsets, sep, out) -> None: per row, 1 when it holds three equal tokens (runs of "
     "bytes sep does not mark) in a row"},
    {"ascii_lower", (PyCFunction)vc_ascii_lower, METH_VARARGS,
     "ascii_lower(data, out) -> None: the bytes of data with A-Z lower-cased into the buffer out (same length)"},
    /* ---- end of checks ---- */
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef vadercore_module = {
    PyModuleDef_HEAD_INIT,
    .m_methods = module_methods,
    .m_name = "reviewtools._vadercore",
    .m_doc = "Native core of reviewtools.vader.FastVader (optional; the Python path is the reference).",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__vadercore(void)
{
    init_ascii_class();
    if (!BUILTIN_ROUND) {
        PyObject *builtins = PyImport_ImportModule("builtins");
        if (!builtins) return NULL;
        BUILTIN_ROUND = PyObject_GetAttrString(builtins, "round");
        BUILTIN_SUM = PyObject_GetAttrString(builtins, "sum");
        Py_DECREF(builtins);
        KEY_NEG = PyUnicode_InternFromString("neg");
        KEY_NEU = PyUnicode_InternFromString("neu");
        KEY_POS = PyUnicode_InternFromString("pos");
        KEY_COMPOUND = PyUnicode_InternFromString("compound");
        if (!BUILTIN_ROUND || !BUILTIN_SUM || !KEY_NEG || !KEY_NEU || !KEY_POS || !KEY_COMPOUND) return NULL;
    }
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
