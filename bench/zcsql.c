/* zcsql - print the module's SQL statements (mod_zcyca/sql.def and
 * sql_admin.def) as "ID<TAB>PARAMETERS<TAB>TEXT" lines, for bench/plans to
 * PREPARE and EXPLAIN exactly what httpd runs.  Written for this project. */
#include <stdio.h>
#include "sql_macros.h"

int main(void)
{
#define ZC_SQL(id, n, text) printf("%s\t%d\t%s\n", #id, n, text);
#include "sql.def"
#include "sql_admin.def"
#undef ZC_SQL
    return 0;
}
