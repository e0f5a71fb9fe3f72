/* msel_int — what the MSEL's export (msel.c) and import (msel_import.c) share; not installed. */
#ifndef CC_MSEL_INT_H
#define CC_MSEL_INT_H

#include <stddef.h>

/* A header or key as compared: letters lower case, digits kept, '#' as "no", the rest dropped
 * ("Inject No." and "inject #" both become "injectno"); at most size - 1 bytes. */
void cc_msel_normalise(const char *s, size_t len, char *out, size_t size);

#endif
