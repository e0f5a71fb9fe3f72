/* grow — see grow.h. */
#include "core/grow.h"

#include <stdint.h>
#include <stdlib.h>

void *cc_grow(void *arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap && arr)
        return arr;
    size_t nc = *cap ? *cap : 8;
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            return NULL;
        nc *= 2;
    }
    if (!size || nc > SIZE_MAX / size)
        return NULL;
    void *p = realloc(arr, nc * size);
    if (p)
        *cap = nc;
    return p;
}
