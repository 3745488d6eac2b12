/* Report helpers: the progress bar. (Tables: test_out.c.) */
#include <criterion/criterion.h>
#include "halaltrack/report.h"

TestSuite(report);

Test(report, bar)
{
    char b[16];

    report_bar(50.0, 10, b);
    cr_assert_str_eq(b, "[#####.....]");
    report_bar(150.0, 4, b);
    cr_assert_str_eq(b, "[####]");
    report_bar(0.0, 4, b);
    cr_assert_str_eq(b, "[....]");
}
