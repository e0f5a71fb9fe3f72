/* iso3166 — whether a party code is a nation's: an ISO 3166-1 alpha-3 code (Debian's iso-codes
 * table, compiled in), or one of the codes ISO 3166-1 reserves for user assignment (AAA-AAZ,
 * QMA-QZZ, XAA-XZZ, ZZA-ZZZ), which a fictional nation takes. The scenario loader and the MSEL
 * import both ask it. */
#ifndef CC_ISO3166_H
#define CC_ISO3166_H

#include <stdbool.h>

bool cc_iso3166_nation(const char *code);

#endif
