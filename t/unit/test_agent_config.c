/* Unit tests: agent/config.c (the configuration file) and agent/pin.c (the retry counter). */
#include "unit.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* by path: "config.h" alone is autoconf's, and mod_zcyca/ has a guard.h */
#include "../../agent/config.h"
#include "../../agent/pin.h"

/* Load TEXT as a configuration file; ERR gets the message on failure. */
static bool zc_t_load(const char *text, zca_config_t *c, char *err, size_t errsz)
{
    char path[] = "/tmp/zc_t_agent_conf.XXXXXX";
    int fd = mkstemp(path);
    FILE *f;
    bool ok;

    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    ok = zca_config_load(path, c, err, errsz);
    unlink(path);
    return ok;
}

/* TEXT must be refused with a message containing WANT. */
static void zc_t_refused(const char *text, const char *want)
{
    zca_config_t c;
    char err[512] = "";

    if (zc_t_load(text, &c, err, sizeof err)) {
        zca_config_free(&c);
        fail_msg("accepted: %s", text);
    }
    if (strstr(err, want) == NULL)
        fail_msg("message '%s' lacks '%s'", err, want);
    assert_null(c.origins);    /* nothing left behind */
}

static void zc_t_config_full(void **state)
{
    zca_config_t c;
    char err[512] = "";
    (void)state;

    assert_true(zc_t_load("# the demo\n"
                          "listen 127.0.0.1:18901            # loopback only\n"
                          "origin https://127.0.0.1:8443\n"
                          "origin HTTPS://LocalHost:8443/\n"
                          "origin https://login.example.gov.cn:443\n"
                          "pkcs11 /usr/lib/softhsm/libsofthsm2.so\n"
                          "\n"
                          "sm2-key zjtg-1 keys/sm2.key /etc/zcyca/sm2.crt\n"
                          "allow-nonce on\n"
                          "pin-retries 3\r\n",
                          &c, err, sizeof err));
    assert_string_equal(c.listen_host, "127.0.0.1");
    assert_int_equal(c.port, 18901);
    assert_int_equal(c.n_origins, 3);
    assert_string_equal(c.origins[0], "https://127.0.0.1:8443");
    assert_string_equal(c.origins[1], "https://localhost:8443");            /* normal form */
    assert_string_equal(c.origins[2], "https://login.example.gov.cn");
    assert_string_equal(c.pkcs11_module, "/usr/lib/softhsm/libsofthsm2.so");
    assert_int_equal(c.n_sm2_keys, 1);
    assert_string_equal(c.sm2_keys[0].label, "zjtg-1");
    assert_string_equal(c.sm2_keys[0].key_file, "/tmp/keys/sm2.key");       /* from the file's directory */
    assert_string_equal(c.sm2_keys[0].cert_file, "/etc/zcyca/sm2.crt");
    assert_true(c.allow_nonce);
    assert_int_equal(c.pin_retries, 3);
    zca_config_free(&c);
    assert_null(c.origins);
}

static void zc_t_config_defaults(void **state)
{
    zca_config_t c;
    char err[512] = "";
    (void)state;

    assert_true(zc_t_load("listen [::1]:9\norigin http://localhost:3000\nsm2-key a a.key a.crt\n", &c, err,
                          sizeof err));
    assert_string_equal(c.listen_host, "::1");
    assert_int_equal(c.port, 9);
    assert_false(c.allow_nonce);
    assert_int_equal(c.pin_retries, ZCA_PIN_RETRIES_DEFAULT);
    assert_null(c.pkcs11_module);
    zca_config_free(&c);
    assert_true(zc_t_load("listen localhost:18901\norigin https://a.example\npkcs11 m.so\n", &c, err, sizeof err));
    assert_string_equal(c.listen_host, "127.0.0.1");    /* localhost binds 127.0.0.1 */
    zca_config_free(&c);
}

static void zc_t_config_listen(void **state)
{
    static const char *const bad[] = {
        "0.0.0.0:18901", "192.168.1.10:18901", "127.0.0.2:18901", "example.com:18901", "[::]:18901",
        "::1:18901", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:08", "127.0.0.1:1x",
        "127.0.0.1:-1", "127.0.0.1.nip.io:18901", "",
    };
    char host[16];
    unsigned port;
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (zca_config_listen(bad[i], host, sizeof host, &port))
            fail_msg("listen %s accepted", bad[i]);
    assert_true(zca_config_listen("127.0.0.1:65535", host, sizeof host, &port));
    assert_int_equal(port, 65535);
    assert_true(zca_config_listen("LOCALHOST:1", host, sizeof host, &port));
    zc_t_refused("listen 0.0.0.0:18901\norigin https://a.example\npkcs11 m.so\n",
                 ":1: listen 0.0.0.0:18901: only 127.0.0.1:PORT");
}

static void zc_t_config_errors(void **state)
{
    (void)state;
    zc_t_refused("origin https://a.example\npkcs11 m.so\n", "no listen directive");
    zc_t_refused("listen 127.0.0.1:1\npkcs11 m.so\n", "no origin directive");
    zc_t_refused("listen 127.0.0.1:1\norigin https://a.example\n", "no keys");
    zc_t_refused("listen 127.0.0.1:1\nlisten 127.0.0.1:2\n", ":2: listen given twice");
    zc_t_refused("listen 127.0.0.1:1\norigin null\n", ":2: origin null: not an origin");
    zc_t_refused("listen 127.0.0.1:1\norigin https://a.example/login\n", "not an origin");
    zc_t_refused("listen 127.0.0.1:1\norigin https://u@a.example\n", "not an origin");
    zc_t_refused("listen 127.0.0.1:1\norigin https://a.example\norigin https://A.example:443\n",
                 ":3: origin https://a.example given twice");
    zc_t_refused("listen 127.0.0.1:1\norigin https://a.example https://b.example\n", "origin takes one URL");
    zc_t_refused("listen 127.0.0.1:1\npkcs11 a.so\npkcs11 b.so\n", ":3: pkcs11 given twice");
    zc_t_refused("listen 127.0.0.1:1\nsm2-key a a.key\n", "sm2-key takes LABEL KEYFILE CERTFILE");
    zc_t_refused("listen 127.0.0.1:1\nsm2-key a/b a.key a.crt\n", "sm2-key label a/b");
    zc_t_refused("listen 127.0.0.1:1\nsm2-key a a.key a.crt\nsm2-key a b.key b.crt\n", "given twice");
    zc_t_refused("listen 127.0.0.1:1\nallow-nonce yes\n", "allow-nonce takes on or off");
    zc_t_refused("listen 127.0.0.1:1\npin-retries 0\n", "pin-retries 0: give 1 to 15");
    zc_t_refused("listen 127.0.0.1:1\npin-retries 16\n", "give 1 to 15");
    zc_t_refused("listen 127.0.0.1:1\npin-retries -1\n", "give 1 to 15");
    zc_t_refused("listen 127.0.0.1:1\nsign-anything on\n", ":2: unknown directive sign-anything");
    zc_t_refused("listen 127.0.0.1:1\norigin https://a.example x y z w\n", "too many words");

    zca_config_t c;
    char err[128];
    assert_false(zca_config_load("/nonexistent/agent.conf", &c, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/agent.conf: No such file"));
}

static void zc_t_pin(void **state)
{
    zca_pins_t p = { .max = 3 };
    (void)state;

    assert_int_equal(zca_pin_left(&p, "k1", 0), 3);
    assert_int_equal(zca_pin_wrong(&p, "k1", 0), 2);
    assert_int_equal(zca_pin_wrong(&p, "k1", 0), 1);
    assert_int_equal(zca_pin_left(&p, "k2", 0), 3);                 /* per key */
    zca_pin_right(&p, "k1");                                         /* a right PIN resets */
    assert_int_equal(zca_pin_left(&p, "k1", 0), 3);
    for (int i = 0; i < 3; i++)
        zca_pin_wrong(&p, "k1", 0);
    assert_int_equal(zca_pin_left(&p, "k1", 0), 0);                 /* locked */
    assert_int_equal(zca_pin_wrong(&p, "k1", 0), 0);                /* stays locked */
    zca_pin_right(&p, "k2");                                         /* unknown key: nothing */
    assert_int_equal(zca_pin_left(&p, "k2", 0), 3);

    /* the token's own flags, when they say less */
    assert_int_equal(zca_pin_left(&p, "k2", ZCA_TOKEN_FINAL_TRY), 1);
    assert_int_equal(zca_pin_left(&p, "k2", ZCA_TOKEN_LOCKED), 0);
    assert_int_equal(zca_pin_wrong(&p, "k2", ZCA_TOKEN_FINAL_TRY), 1);
    zca_pin_lock(&p, "k3");
    assert_int_equal(zca_pin_left(&p, "k3", 0), 0);
    zca_pin_free(&p);
    assert_int_equal(p.n, 0);
}

static const struct CMUnitTest zc_t_tests[] = {
    ZC_T(zc_t_config_full), ZC_T(zc_t_config_defaults), ZC_T(zc_t_config_listen), ZC_T(zc_t_config_errors),
    ZC_T(zc_t_pin),
};

ZC_T_MAIN("agent_config", zc_t_tests, NULL, NULL)
