/* Reading configuration files and directories (pure). */
#ifndef ZC_FILES_H
#define ZC_FILES_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_file_info.h>

/* apr_strerror text of rv, in p. */
const char *zc_apr_error(apr_pool_t *p, apr_status_t rv);

/* The whole of file (1..max bytes) into *buf (NUL-terminated) from p; with
 * fi, also its stat (wanted: APR_FINFO_* flags, APR_FINFO_SIZE at least).
 * NULL, or the reason naming the file. */
const char *zc_file_read(apr_pool_t *p, const char *file, apr_off_t max, apr_int32_t wanted, apr_finfo_t *fi,
                         char **buf, apr_size_t *len);

/* The sorted full paths of the regular, non-hidden files of dir (symbolic
 * links followed); exts (NULL-terminated, case-insensitive) keeps only
 * names ending so, NULL keeps all.  NULL with *why on error. */
apr_array_header_t *zc_dir_files(apr_pool_t *p, const char *dir, const char *const *exts, const char **why);

#endif
