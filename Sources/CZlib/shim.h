#ifndef SERVICELOG_CZLIB_SHIM_H
#define SERVICELOG_CZLIB_SHIM_H
#include <zlib.h>

/* deflateInit2 and inflateInit2 are macros, which Swift cannot call. */
static inline int servicelog_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

static inline int servicelog_inflate_init_gzip(z_stream *stream) {
    /* 15 + 32: accept gzip or zlib headers, detected automatically. */
    return inflateInit2(stream, 15 + 32);
}
#endif
