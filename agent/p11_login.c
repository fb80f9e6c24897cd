/* p11_login.c - C_Login / C_Logout without libp11 (why: p11_login.h). */
#include "p11_login.h"

#include <dlfcn.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

bool zca_p11_raw_open(zca_p11_raw_t *r, const char *module)
{
    CK_C_GetFunctionList get;
    CK_FUNCTION_LIST_PTR fl = NULL;
    void *sym;

    memset(r, 0, sizeof *r);
    /* RTLD_NOLOAD: the very copy libp11 loaded and initialised, never a second one */
    if ((r->dl = dlopen(module, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD)) == NULL)
        return false;
    sym = dlsym(r->dl, "C_GetFunctionList");
    memcpy(&get, &sym, sizeof get);    /* object pointer to function pointer, as POSIX allows */
    if (sym == NULL || get(&fl) != CKR_OK || fl == NULL) {
        zca_p11_raw_close(r);
        return false;
    }
    r->fl = fl;
    return true;
}

void zca_p11_raw_close(zca_p11_raw_t *r)
{
    if (r->dl)
        dlclose(r->dl);
    memset(r, 0, sizeof *r);
}

unsigned long zca_p11_raw_login(zca_p11_raw_t *r, unsigned long slot, const char *pin, unsigned long *session)
{
    CK_FUNCTION_LIST_PTR fl = r->fl;
    CK_SESSION_HANDLE s;
    CK_RV rv;

    rv = fl->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &s);
    if (rv != CKR_OK)
        return rv;
    rv = fl->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)pin, (CK_ULONG)strlen(pin));
    if (rv == CKR_USER_ALREADY_LOGGED_IN) {
        /* Left over from an earlier login: the PIN was not checked.  Log
         * out and try again, so a wrong PIN never passes. */
        fl->C_Logout(s);
        rv = fl->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)pin, (CK_ULONG)strlen(pin));
    }
    if (rv != CKR_OK) {
        fl->C_CloseSession(s);
        return rv;
    }
    *session = s;
    return CKR_OK;
}

void zca_p11_raw_logout(zca_p11_raw_t *r, unsigned long session)
{
    CK_FUNCTION_LIST_PTR fl = r->fl;

    fl->C_Logout(session);
    fl->C_CloseSession(session);
}

unsigned long zca_p11_raw_token_flags(zca_p11_raw_t *r, unsigned long slot)
{
    CK_FUNCTION_LIST_PTR fl = r->fl;
    CK_TOKEN_INFO info;

    return fl->C_GetTokenInfo(slot, &info) == CKR_OK ? info.flags : 0;
}
