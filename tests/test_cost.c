/* The COST arithmetic on synthetic result tables. */
#include "bench/cost.h"
#include "tests/support.h"

Test(cost, summary_of_odd_and_even_counts)
{
    double odd[] = {3, 1, 2};
    sf_cost_stats s = sf_cost_summarise(odd, 3);
    cr_assert_float_eq(s.min, 1, 0);
    cr_assert_float_eq(s.median, 2, 0);
    cr_assert_float_eq(s.max, 3, 0);
    double even[] = {4, 1, 3, 2};
    s = sf_cost_summarise(even, 4);
    cr_assert_float_eq(s.median, 2.5, 0);
}

Test(cost, first_configuration_that_beats_the_baseline)
{
    double medians[] = {1.2, 0.7, 0.4};
    cr_assert_eq(sf_cost_index(1.0, medians, 3), 1);
    cr_assert_eq(sf_cost_index(2.0, medians, 3), 0);
}

Test(cost, unbounded_when_nothing_beats_it)
{
    double medians[] = {3.0, 2.0, 1.5};
    cr_assert_eq(sf_cost_index(1.0, medians, 3), -1);
}

Test(cost, a_tie_does_not_beat_the_baseline)
{
    double medians[] = {1.0, 0.99};
    cr_assert_eq(sf_cost_index(1.0, medians, 2), 1);
}
