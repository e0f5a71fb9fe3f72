/* sniff — file kinds by magic numbers and encodings by validation. ZIP archives are told apart
 * by the part names stored uncompressed in their headers; OLE2 files by the UTF-16 name of the
 * stream an encrypted workbook keeps. */
#include "io/sniff.h"

#include <string.h>

#include "core/utf8.h"

static int has(const char *data, size_t len, const char *needle, size_t n)
{
    if (n == 0 || len < n)
        return 0;
    for (size_t i = 0; i + n <= len; i++) {
        const char *p = memchr(data + i, needle[0], len - n - i + 1);
        if (!p)
            return 0;
        if (memcmp(p, needle, n) == 0)
            return 1;
        i = (size_t)(p - data);
    }
    return 0;
}

/* Windows-1252 code points of 0x80..0x9F (0: undefined). */
static const unsigned short cp1252_hi[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                             0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                             0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                             0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

static unsigned cp1252(unsigned char b)
{
    return b >= 0x80 && b < 0xA0 ? cp1252_hi[b - 0x80] : b;
}

/* UTF-16 without a byte order mark: NUL bytes on one side of most ASCII characters. */
static int utf16_guess(const unsigned char *d, size_t len)
{
    size_t n = len < 1024 ? len : 1024;
    n &= ~(size_t)1;
    if (n < 4)
        return 0;
    size_t even = 0, odd = 0;
    for (size_t i = 0; i < n; i += 2) {
        even += d[i] == 0;
        odd += d[i + 1] == 0;
    }
    size_t half = n / 2;
    if (odd * 10 >= half * 6 && even == 0)
        return 1; /* "a\0b\0": little endian */
    if (even * 10 >= half * 6 && odd == 0)
        return 2;
    return 0;
}

static int binary(const unsigned char *d, size_t len)
{
    size_t n = len < 65536 ? len : 65536, ctl = 0;
    for (size_t i = 0; i < n; i++)
        ctl += (d[i] < 0x20 && d[i] != '\t' && d[i] != '\n' && d[i] != '\r' && d[i] != '\f') || d[i] == 0x7F;
    return ctl > n / 100 + 2;
}

cc_sniff_kind cc_sniff(const char *data, size_t len)
{
    const unsigned char *d = (const unsigned char *)data;
    if (len == 0)
        return CC_SNIFF_EMPTY;
    if (len >= 4 && memcmp(d, "PK", 2) == 0 && ((d[2] == 3 && d[3] == 4) || (d[2] == 5 && d[3] == 6))) {
        if (has(data, len, "xl/workbook", 11) ||
            (has(data, len, "[Content_Types].xml", 19) && has(data, len, "workbook", 8)))
            return CC_SNIFF_XLSX;
        if (has(data, len, "application/vnd.oasis.opendocument.spreadsheet", 46))
            return CC_SNIFF_ODS;
        return CC_SNIFF_ZIP;
    }
    if (len >= 8 && memcmp(d, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
        static const char enc[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
        return has(data, len, enc, sizeof enc - 1) ? CC_SNIFF_ENCRYPTED : CC_SNIFF_XLS;
    }
    if (len >= 2 && d[0] == 0xFF && d[1] == 0xFE)
        return CC_SNIFF_UTF16LE;
    if (len >= 2 && d[0] == 0xFE && d[1] == 0xFF)
        return CC_SNIFF_UTF16BE;
    if (len >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0)
        return CC_SNIFF_UTF8;
    int g = utf16_guess(d, len);
    if (g)
        return g == 1 ? CC_SNIFF_UTF16LE : CC_SNIFF_UTF16BE;
    if (binary(d, len))
        return CC_SNIFF_BINARY;
    size_t bad;
    cc_utf8_status st = cc_utf8_check(data, len, &bad);
    if (st != CC_UTF8_INVALID)
        return CC_SNIFF_UTF8; /* valid, or a NUL, overlong or surrogate sequence the reader locates */
    for (size_t i = 0; i < len; i++)
        if (d[i] >= 0x80 && !cp1252(d[i]))
            return CC_SNIFF_BINARY;
    return CC_SNIFF_CP1252;
}

const char *cc_sniff_name(cc_sniff_kind k)
{
    switch (k) {
    case CC_SNIFF_EMPTY: return "an empty file";
    case CC_SNIFF_UTF8: return "UTF-8 text";
    case CC_SNIFF_UTF16LE: return "UTF-16 text (little endian)";
    case CC_SNIFF_UTF16BE: return "UTF-16 text (big endian)";
    case CC_SNIFF_CP1252: return "text in Windows-1252 (not UTF-8)";
    case CC_SNIFF_XLSX: return "an Excel workbook (.xlsx)";
    case CC_SNIFF_ODS: return "an OpenDocument spreadsheet (.ods)";
    case CC_SNIFF_ZIP: return "a ZIP archive that is not a workbook";
    case CC_SNIFF_XLS: return "an Excel 97-2003 workbook (.xls) or another OLE2 compound file";
    case CC_SNIFF_ENCRYPTED: return "a password-protected (encrypted) Office file";
    case CC_SNIFF_BINARY: return "binary data, not text";
    }
    return "unknown data";
}

static void put_cp(cc_buf *b, unsigned v)
{
    char u[4];
    size_t n;
    if (v < 0x80) {
        u[0] = (char)v, n = 1;
    } else if (v < 0x800) {
        u[0] = (char)(0xC0 | (v >> 6)), u[1] = (char)(0x80 | (v & 0x3F)), n = 2;
    } else if (v < 0x10000) {
        u[0] = (char)(0xE0 | (v >> 12)), u[1] = (char)(0x80 | ((v >> 6) & 0x3F)),
        u[2] = (char)(0x80 | (v & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (v >> 18)), u[1] = (char)(0x80 | ((v >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((v >> 6) & 0x3F)), u[3] = (char)(0x80 | (v & 0x3F));
        n = 4;
    }
    cc_buf_append(b, u, n);
}

cc_err cc_sniff_to_utf8(cc_sniff_kind k, const char *data, size_t len, cc_buf *out, size_t *bad)
{
    const unsigned char *d = (const unsigned char *)data;
    size_t dummy;
    if (!bad)
        bad = &dummy;
    *bad = 0;
    if (k == CC_SNIFF_CP1252) {
        for (size_t i = 0; i < len; i++) {
            unsigned v = cp1252(d[i]);
            if (!v && d[i]) {
                *bad = i;
                return CC_ERR_PARSE;
            }
            put_cp(out, v);
        }
        return out->oom ? CC_ERR_NOMEM : CC_OK;
    }
    if (k != CC_SNIFF_UTF16LE && k != CC_SNIFF_UTF16BE)
        return CC_ERR_ARG;
    int le = k == CC_SNIFF_UTF16LE;
    size_t i = 0;
    if (len >= 2 && ((le && d[0] == 0xFF && d[1] == 0xFE) || (!le && d[0] == 0xFE && d[1] == 0xFF)))
        i = 2;
    if ((len - i) % 2) {
        *bad = len - 1;
        return CC_ERR_PARSE;
    }
    for (; i < len; i += 2) {
        unsigned u = le ? (unsigned)(d[i] | d[i + 1] << 8) : (unsigned)(d[i] << 8 | d[i + 1]);
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < len) {
            unsigned l = le ? (unsigned)(d[i + 2] | d[i + 3] << 8) : (unsigned)(d[i + 2] << 8 | d[i + 3]);
            if (l >= 0xDC00 && l <= 0xDFFF) {
                put_cp(out, 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00));
                i += 2;
                continue;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF) {
            *bad = i;
            return CC_ERR_PARSE;
        }
        put_cp(out, u);
    }
    return out->oom ? CC_ERR_NOMEM : CC_OK;
}
