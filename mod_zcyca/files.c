/* Files of trust anchors and CRLs: read whole, or list a directory in a
 * stable order, so both loaders name the same errors the same way. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <apr_strings.h>
#include <apr_file_io.h>

#include "files.h"

const char *zc_apr_error(apr_pool_t *p, apr_status_t rv)
{
    char buf[256];
    return apr_pstrdup(p, apr_strerror(rv, buf, sizeof buf));
}

const char *zc_file_read(apr_pool_t *p, const char *file, apr_off_t max, apr_int32_t wanted, apr_finfo_t *fi,
                         char **buf, apr_size_t *len)
{
    apr_file_t *f;
    apr_finfo_t own;
    apr_status_t rv;

    if (!fi)
        fi = &own;
    if ((rv = apr_file_open(&f, file, APR_FOPEN_READ | APR_FOPEN_BINARY, APR_OS_DEFAULT, p)) != APR_SUCCESS)
        return apr_psprintf(p, "%s: cannot open: %s", file, zc_apr_error(p, rv));
    rv = apr_file_info_get(fi, wanted | APR_FINFO_SIZE, f);
    if (rv != APR_SUCCESS && rv != APR_INCOMPLETE) {
        apr_file_close(f);
        return apr_psprintf(p, "%s: cannot stat: %s", file, zc_apr_error(p, rv));
    }
    if (fi->size <= 0 || fi->size > max) {
        apr_file_close(f);
        return apr_psprintf(p, "%s: empty or larger than %" APR_OFF_T_FMT " bytes", file, max);
    }
    *len = (apr_size_t)fi->size;
    *buf = apr_palloc(p, *len + 1);
    rv = apr_file_read_full(f, *buf, *len, len);
    apr_file_close(f);
    if (rv != APR_SUCCESS)
        return apr_psprintf(p, "%s: cannot read: %s", file, zc_apr_error(p, rv));
    (*buf)[*len] = '\0';
    return NULL;
}

static int zc_files_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int zc_files_wanted(const char *name, const char *const *exts)
{
    size_t n = strlen(name);
    if (!exts)
        return 1;
    for (; *exts; exts++) {
        size_t e = strlen(*exts);
        if (n > e && strcasecmp(name + n - e, *exts) == 0)
            return 1;
    }
    return 0;
}

apr_array_header_t *zc_dir_files(apr_pool_t *p, const char *dir, const char *const *exts, const char **why)
{
    apr_array_header_t *names = apr_array_make(p, 8, sizeof(const char *));
    apr_dir_t *d;
    apr_finfo_t fi;
    apr_status_t rv;

    if ((rv = apr_dir_open(&d, dir, p)) != APR_SUCCESS) {
        *why = apr_psprintf(p, "%s: cannot open directory: %s", dir, zc_apr_error(p, rv));
        return NULL;
    }
    while ((rv = apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d)) == APR_SUCCESS || rv == APR_INCOMPLETE) {
        apr_finfo_t target;
        const char *full;

        if (fi.name == NULL || fi.name[0] == '.' || !zc_files_wanted(fi.name, exts))
            continue;
        full = apr_pstrcat(p, dir, "/", fi.name, NULL);
        if (fi.filetype == APR_LNK && apr_stat(&target, full, APR_FINFO_TYPE, p) == APR_SUCCESS)
            fi.filetype = target.filetype;
        if (fi.filetype == APR_REG)
            APR_ARRAY_PUSH(names, const char *) = full;
    }
    apr_dir_close(d);
    qsort(names->elts, (size_t)names->nelts, sizeof(const char *), zc_files_cmp);
    return names;
}
