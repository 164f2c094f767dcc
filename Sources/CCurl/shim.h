#ifndef SERVICELOG_CCURL_SHIM_H
#define SERVICELOG_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt / curl_easy_getinfo are variadic, which Swift cannot call: one typed wrapper per
 * argument type the HTTP sink uses. Each passes its argument with exactly the type libcurl reads
 * with va_arg for that option (long, char *, void *, curl_off_t, function pointer). */

/** curl_global_init(CURL_GLOBAL_ALL): the macro is an expression Swift does not import. */
static inline CURLcode servicelog_curl_global_init_all(void) {
    return curl_global_init(CURL_GLOBAL_ALL);
}

/** Options that take a `long` (flags, timeouts in milliseconds). */
static inline CURLcode servicelog_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/** Options that take a C string; libcurl copies it (CURLOPT_URL, CURLOPT_USERAGENT, CURLOPT_CAINFO …). */
static inline CURLcode servicelog_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/** Options that take a pointer libcurl does NOT copy (CURLOPT_POSTFIELDS, CURLOPT_ERRORBUFFER,
 *  CURLOPT_WRITEDATA, CURLOPT_HEADERDATA): the memory must outlive its use by libcurl. */
static inline CURLcode servicelog_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/** CURLOPT_HTTPHEADER: the list is not copied and must stay alive until the option is reset. */
static inline CURLcode servicelog_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/** CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION (both have the curl_write_callback shape). */
static inline CURLcode servicelog_curl_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback value) {
    return curl_easy_setopt(handle, option, value);
}

/** Options that take a curl_off_t (CURLOPT_POSTFIELDSIZE_LARGE). */
static inline CURLcode servicelog_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/** CURLINFO_* values of type long (CURLINFO_RESPONSE_CODE, CURLINFO_NUM_CONNECTS, CURLINFO_OS_ERRNO). */
static inline CURLcode servicelog_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
