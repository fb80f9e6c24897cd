/* Built into the module only by ./configure --enable-sanitizers (docs/testing.md, "Sanitizer
 * build"); no code of the module calls it.  One constructor, run when httpd loads the module
 * (in the parent, as root, before any child exists), does two things for the reports:
 *
 * UBSan's runtime is linked into the module (-static-libubsan: as a shared library beside the
 * preloaded libasan, its report path would bind to ASan's and UBSAN_OPTIONS=log_path would be
 * lost).  The static runtime has no constructor of its own: it would read UBSAN_OPTIONS at its
 * first report, in a child that runs as nobody and cannot read its own /proc/self/environ, and
 * so report on stderr, without a stack.  The constructor initialises it here.
 *
 * httpd unloads the module before its parent exits, so the parent's leak report (written at
 * exit) shows our frames as "<unknown module>".  With ZC_SAN_MODULE_MAP set, the constructor
 * appends where the module is mapped ("pid start end path") to that file, and
 * t/sanitizers/scan puts the names back. */
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void _ZN7__ubsan16InitAsStandaloneEv(void);   /* __ubsan::InitAsStandalone() of libsanitizer */

typedef struct {
    uintptr_t base, end;
} zc_san_range_t;

static int zc_san_phdr(struct dl_phdr_info *info, size_t size, void *arg)
{
    zc_san_range_t *r = arg;
    if (info->dlpi_addr != r->base)
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++)
        if (info->dlpi_phdr[i].p_type == PT_LOAD && info->dlpi_addr + info->dlpi_phdr[i].p_vaddr
                + info->dlpi_phdr[i].p_memsz > r->end)
            r->end = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr + info->dlpi_phdr[i].p_memsz;
    return 1;
}

__attribute__((constructor)) static void zc_sanitizers_init(void)
{
    _ZN7__ubsan16InitAsStandaloneEv();

    const char *map = getenv("ZC_SAN_MODULE_MAP");
    Dl_info dl;
    if (!map || !dladdr((void *)zc_sanitizers_init, &dl) || !dl.dli_fname)
        return;
    zc_san_range_t r = { (uintptr_t)dl.dli_fbase, (uintptr_t)dl.dli_fbase };
    dl_iterate_phdr(zc_san_phdr, &r);
    char line[4096];
    int n = snprintf(line, sizeof line, "%ld 0x%lx 0x%lx %s\n", (long)getpid(), (unsigned long)r.base,
                     (unsigned long)r.end, dl.dli_fname);
    int fd = open(map, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    if (n > 0 && (size_t)n < sizeof line && write(fd, line, (size_t)n) < 0)
        n = -1;   /* nothing to do: the scan then shows "<unknown module>" */
    close(fd);
}
