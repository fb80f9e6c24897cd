/* Unit tests: policy.c (who may log in or have a key bound). */
#include "unit.h"

#include "policy.h"

static zc_policy_facts_t zc_t_good(void)
{
    zc_policy_facts_t f = {.login = "zhangsan", .status = "active", .region = "330100", .region_enabled = 1,
                           .provider_accepted = 1};
    return f;
}

static void zc_t_all_good(void **state)
{
    zc_policy_facts_t f = zc_t_good();
    const char *detail = "untouched";
    assert_int_equal(zc_policy_ca_login(&f, &detail), ZC_OK);
    assert_int_equal(zc_policy_account(&f, &detail), ZC_OK);
    assert_int_equal(zc_policy_region(&f, &detail), ZC_OK);
    assert_int_equal(zc_policy_provider(&f, &detail), ZC_OK);
    assert_string_equal(detail, "untouched"); /* a pass leaves the detail alone */
}

static void zc_t_account(void **state)
{
    const char *statuses[] = {"disabled", "", "Active", "active ", "locked"};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        zc_policy_facts_t f = zc_t_good();
        const char *detail = NULL;
        f.status = statuses[i];
        assert_int_equal(zc_policy_account(&f, &detail), ZC_E_ACCOUNT_DISABLED);
        assert_string_equal(detail, "zhangsan");
        assert_int_equal(zc_policy_ca_login(&f, &detail), ZC_E_ACCOUNT_DISABLED);
    }
    zc_policy_facts_t f = zc_t_good();
    const char *detail = NULL;
    f.status = NULL; /* unknown is not active */
    f.login = NULL;
    assert_int_equal(zc_policy_account(&f, &detail), ZC_E_ACCOUNT_DISABLED);
    assert_string_equal(detail, "-");
}

static void zc_t_region(void **state)
{
    zc_policy_facts_t f = zc_t_good();
    const char *detail = NULL;
    f.region_enabled = 0;
    assert_int_equal(zc_policy_region(&f, &detail), ZC_E_REGION_DISABLED);
    assert_string_equal(detail, "330100");
    assert_int_equal(zc_policy_ca_login(&f, &detail), ZC_E_REGION_DISABLED);
    f.region = "";
    assert_int_equal(zc_policy_region(&f, &detail), ZC_E_REGION_DISABLED);
    assert_string_equal(detail, "-");
}

static void zc_t_provider(void **state)
{
    zc_policy_facts_t f = zc_t_good();
    const char *detail = NULL;
    f.provider_accepted = 0;
    assert_int_equal(zc_policy_provider(&f, &detail), ZC_E_PROVIDER_NOT_ACCEPTED);
    assert_string_equal(detail, "330100");
    assert_int_equal(zc_policy_ca_login(&f, &detail), ZC_E_PROVIDER_NOT_ACCEPTED);
}

/* The order is the contract: what the user can least fix comes first. */
static void zc_t_order(void **state)
{
    zc_policy_facts_t f = {.login = "lisi", .status = "disabled", .region = "110000"};
    const char *detail = NULL;
    assert_int_equal(zc_policy_ca_login(&f, &detail), ZC_E_ACCOUNT_DISABLED);
    assert_string_equal(detail, "lisi");
    f.status = "active";
    assert_int_equal(zc_policy_ca_login(&f, &detail), ZC_E_REGION_DISABLED);
    assert_string_equal(detail, "110000");
    f.region_enabled = 1;
    assert_int_equal(zc_policy_ca_login(&f, &detail), ZC_E_PROVIDER_NOT_ACCEPTED);
    f.provider_accepted = 1;
    assert_int_equal(zc_policy_ca_login(&f, &detail), ZC_OK);
}

static const struct CMUnitTest zc_t_tests[] = {
    ZC_T(zc_t_all_good), ZC_T(zc_t_account), ZC_T(zc_t_region), ZC_T(zc_t_provider), ZC_T(zc_t_order),
};

ZC_T_MAIN("policy", zc_t_tests, NULL, NULL)
