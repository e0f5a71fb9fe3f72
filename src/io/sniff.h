/* sniff — what an input file is, by its content and never by its name: an Excel workbook
 * (.xlsx), an Excel 97-2003 workbook (.xls) or a password-protected workbook (both OLE2
 * compound files), an OpenDocument spreadsheet (.ods), another ZIP archive, text in UTF-8,
 * UTF-16 (with or without a byte order mark) or Windows-1252, or binary data. Also turns
 * UTF-16 and Windows-1252 text into UTF-8, so that readers of text need only UTF-8. */
#ifndef CC_SNIFF_H
#define CC_SNIFF_H

#include <stddef.h>

#include "core/buf.h"
#include "core/diag.h"

typedef enum cc_sniff_kind {
    CC_SNIFF_EMPTY,     /* no bytes */
    CC_SNIFF_UTF8,      /* UTF-8 text (ASCII included; a byte order mark allowed) */
    CC_SNIFF_UTF16LE,   /* UTF-16 text, little endian */
    CC_SNIFF_UTF16BE,   /* UTF-16 text, big endian */
    CC_SNIFF_CP1252,    /* text that is not UTF-8 but reads as Windows-1252 */
    CC_SNIFF_XLSX,      /* ZIP archive with an Excel workbook part */
    CC_SNIFF_ODS,       /* ZIP archive of an OpenDocument spreadsheet */
    CC_SNIFF_ZIP,       /* another ZIP archive (.docx, .zip, ...) */
    CC_SNIFF_XLS,       /* OLE2 compound file: Excel 97-2003 (or another Office 97 file) */
    CC_SNIFF_ENCRYPTED, /* OLE2 compound file holding an encrypted (password) workbook */
    CC_SNIFF_BINARY     /* anything else */
} cc_sniff_kind;

/* The kind of data[0..len). Looks at the first bytes and, for text, validates the encoding of
 * the whole; linear time, no allocation. */
cc_sniff_kind cc_sniff(const char *data, size_t len);

/* What the kind is, in words ("an Excel workbook (.xlsx)"). Static text. */
const char *cc_sniff_name(cc_sniff_kind k);

/* Converts UTF-16 (LE or BE, byte order mark skipped) or Windows-1252 text to UTF-8, appended
 * to out. Errors: CC_ERR_PARSE when the text cannot be converted (a lone surrogate, an odd
 * length, a byte Windows-1252 does not define), with *bad the byte offset; CC_ERR_NOMEM;
 * CC_ERR_ARG for another kind. */
cc_err cc_sniff_to_utf8(cc_sniff_kind k, const char *data, size_t len, cc_buf *out, size_t *bad);

#endif
