//! The `series_*` functions end to end, with values from their doc pages
//! (`docs: <page>`) or the real-Kusto oracle (`oracle: <case id>`).

use super::{check, fails};

/// The doc pages' two-row input: `s1 = [x, 2x, 4x]`, `s2` the same reversed.
const PAIRS: &str = "range x from 1 to 3 step 1 | extend y = x * 2 | extend z = y * 2 \
                     | project s1 = pack_array(x,y,z), s2 = pack_array(z, y, x)";

#[test]
fn element_wise_arithmetic() {
    // docs: series-add-function, series-subtract-function, series-multiply-function,
    // series-divide-function (the quotient is a real even for longs)
    check(
        &format!(
            "{PAIRS} | project a = series_add(s1, s2), s = series_subtract(s1, s2), \
             m = series_multiply(s1, s2), d = series_divide(s1, s2)"
        ),
        "a:dynamic|s:dynamic|m:dynamic|d:dynamic
         [5,4,5]|[-3,0,3]|[4,4,4]|[0.25,1.0,4.0]
         [10,8,10]|[-6,0,6]|[16,16,16]|[0.25,1.0,4.0]
         [15,12,15]|[-9,0,9]|[36,36,36]|[0.25,1.0,4.0]",
    );
    // docs: series-pow-function
    check(
        "print x = dynamic([1, 2, 3, 4]), y=dynamic([1, 2, 3, 0.5]) | project p = series_pow(x, y)",
        "p:dynamic\n[1.0,4.0,27.0,2.0]",
    );
    // docs (each page's Returns): a missing or non-numeric element gives null
    check(
        "print a = series_add(dynamic([1, 'x', 3]), dynamic([1, 2]))",
        "a:dynamic\n[2,null,null]",
    );
}

#[test]
fn element_wise_comparisons() {
    // docs: series-equals-function, series-not-equals-function, series-greater-function,
    // series-greater-equals-function, series-less-function, series-less-equals-function
    check(
        "print s1 = dynamic([1,2,4]), s2 = dynamic([4,2,1]) \
         | project e = series_equals(s1, s2), ne = series_not_equals(s1, s2), \
           g = series_greater(s1, s2), ge = series_greater_equals(s1, s2), \
           l = series_less(s1, s2), le = series_less_equals(s1, s2)",
        "e:dynamic|ne:dynamic|g:dynamic|ge:dynamic|l:dynamic|le:dynamic
         [false,true,false]|[true,false,true]|[false,false,true]|[false,true,true]|[true,false,false]|[true,true,false]",
    );
}

#[test]
fn element_wise_math() {
    // docs: series-abs-function, series-sign-function, series-ceiling-function,
    // series-floor-function
    check(
        "print a = series_abs(dynamic([-6.5,0,8.2])), s = series_sign(dynamic([-6, 0, 8])), \
         c = series_ceiling(dynamic([-1.5,1,2.5])), f = series_floor(dynamic([-1.5,1,2.5]))",
        "a:dynamic|s:dynamic|c:dynamic|f:dynamic
         [6.5,0,8.2]|[-1,0,1]|[-1.0,1.0,3.0]|[-2.0,1.0,2.0]",
    );
    // docs: series-exp-function, series-log-function (2.7182818284590451 and
    // 0.69314718055994529 are the same reals printed with 17 digits)
    check(
        "print e = series_exp(dynamic([1,2,3])), l = series_log(dynamic([1,2,3]))",
        "e:dynamic|l:dynamic
         [2.718281828459045,7.38905609893065,20.085536923187668]|[0.0,0.6931471805599453,1.0986122886681098]",
    );
    // docs: series-acos-function, series-atan-function, series-cos-function,
    // series-sin-function, series-tan-function (their input [-1,0,1])
    check(
        "print a = series_acos(dynamic([-1,0,1])), t = series_atan(dynamic([-1,0,1])), \
         c = series_cos(dynamic([-1,0,1]))",
        "a:dynamic|t:dynamic|c:dynamic
         [3.141592653589793,1.5707963267948966,0.0]|[-0.7853981633974483,0.0,0.7853981633974483]|[0.5403023058681398,1.0,0.5403023058681398]",
    );
    check(
        "print s = series_sin(dynamic([-1,0,1])), t = series_tan(dynamic([-1,0,1]))",
        "s:dynamic|t:dynamic
         [-0.8414709848078965,0.0,0.8414709848078965]|[-1.5574077246549023,0.0,1.5574077246549023]",
    );
}

#[test]
fn reductions() {
    // docs: series-sum-function, series-product-function, series-magnitude-function
    check(
        "print arr=dynamic([1,2,3,4]) | project s = series_sum(arr), p = series_product(arr), \
         m = series_magnitude(arr)",
        "s:real|p:real|m:real\n10|24|5.477225575051661",
    );
    // oracle: agent-window-series-scan-0043
    check(
        "print s = dynamic([0, 0, 5]) | project pf = series_pearson_correlation(s, s)",
        "pf:real\n1.0000000000000002",
    );
    // docs: series-pearson-correlation-function (arrays of different sizes give null)
    check(
        "print c = series_pearson_correlation(dynamic([1,2]), dynamic([1,2,3]))",
        "c:real\nnull",
    );
}

#[test]
fn filling_missing_values() {
    // docs: series-fill-backward-function, series-fill-forward-function
    check(
        "print a = dynamic([111, null, 36, 41, null, null, 16, 61, 33, null, null]) \
         | project b = series_fill_backward(a), f = series_fill_forward(a)",
        "b:dynamic|f:dynamic
         [111,36,36,41,16,16,16,61,33,null,null]|[111,111,36,41,41,41,16,61,33,33,33]",
    );
    // docs: series-fill-const-function
    check(
        "print a = dynamic([111, null, 36, 41, 23, null, 16, 61, 33, null, null]) \
         | project c = series_fill_const(a, -1)",
        "c:dynamic\n[111,-1,36,41,23,-1,16,61,33,-1,-1]",
    );
    // docs: series-fill-linear-function (longs keep longs; an all-null array takes the
    // constant, 0.0 by default)
    check(
        "datatable(arr: dynamic)[ dynamic([null, 111, null, 36, 41, null, null, 16, 61, 33, null, null]), \
         dynamic([null, null, null, null]) ] \
         | project w = series_fill_linear(arr), wo = series_fill_linear(arr, double(null), false), \
           c = series_fill_linear(arr, double(null), true, 3.14159)",
        "w:dynamic|wo:dynamic|c:dynamic
         [111,111,73,36,41,32,24,16,61,33,33,33]|[null,111,73,36,41,32,24,16,61,33,null,null]|[111,111,73,36,41,32,24,16,61,33,33,33]
         [0.0,0.0,0.0,0.0]|[0.0,0.0,0.0,0.0]|[3.14159,3.14159,3.14159,3.14159]",
    );
}

#[test]
fn filters() {
    // docs: series-iir-function (the cumulative sum)
    check(
        "print y = series_iir(dynamic([1.0, 2.0, 3.0, 4.0]), dynamic([1]), dynamic([1,-1]))",
        "y:dynamic\n[1.0,3.0,6.0,10.0]",
    );
    // oracle: agent-window-series-scan-0020
    check(
        "print d = series_fir(dynamic([5, 15, 10, 20]), dynamic([1,-1]), false, false)",
        "d:dynamic\n[5,10,-5,10]",
    );
    // docs: series-fir-function (normalizing a filter with a negative value gives null)
    check(
        "print d = series_fir(dynamic([1.0, 2.0]), dynamic([1,-1]), true)",
        "d:dynamic\nnull",
    );
}

#[test]
fn statistics_and_line_fitting() {
    // docs: series-stats-dynamic-function (17-digit 28.503633853548269 and
    // 812.45714285714291 are these reals)
    check(
        "print x=dynamic([23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29]) \
         | project stats=series_stats_dynamic(x)",
        r#"stats:dynamic
         {"min":2.0,"min_idx":8,"max":87.0,"max_idx":3,"avg":32.8,"stdev":28.50363385354827,"variance":812.4571428571429,"sum":492.0,"len":15}"#,
    );
    // docs: series-stats-function (the columns and their names)
    check(
        "print x=dynamic([23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29]) \
         | project series_stats(x)",
        "series_stats_x_min:real|series_stats_x_min_idx:long|series_stats_x_max:real|series_stats_x_max_idx:long|series_stats_x_avg:real|series_stats_x_stdev:real|series_stats_x_variance:real
         2|8|87|3|32.8|28.50363385354827|812.4571428571429",
    );
    // oracle: agent-window-series-scan-0029 (the ratchet's series_stats_dynamic case)
    check(
        "print s = dynamic([10, 20]) | project e = series_stats_dynamic(s)",
        r#"e:dynamic
         {"min":10.0,"min_idx":0,"max":20.0,"max_idx":1,"avg":15.0,"stdev":7.0710678118654755,"variance":50.0,"sum":30.0,"len":2}"#,
    );
    // series_fit_line: Kusto's slope of [1..5] is 0.9999999999999999 (oracle
    // agent-window-series-scan-0019), not the exact fit; refused
    fails(
        "print s = dynamic([1.0, 2.0, 4.0, 8.0]) | extend fit = series_fit_line(s) | project fit",
    );
    fails("print s = dynamic([1.0, 2.0, 3.0]) | extend fit = series_fit_line_dynamic(s)");
    // docs: series-stats-dynamic-function (non-finite values make the result null unless
    // ignore_nonfinite)
    check(
        "print s = dynamic([1, null, 3]) \
         | project a = series_stats_dynamic(s), b = series_stats_dynamic(s, true).max",
        "a:dynamic|b:dynamic\nnull|3.0",
    );
}

#[test]
fn series_refusals() {
    // series_add's doc: "All arguments must be dynamic arrays"
    fails("print series_add(dynamic([1,2]), 1)");
    fails("print series_add(dynamic([1,2]), dynamic(1))");
    // only the default (null) missing_value_placeholder is implemented
    fails("print series_fill_linear(dynamic([1,0,3]), 0)");
    // series_stats returns several columns: not inside an expression
    fails("print x = dynamic([1,2]) | extend y = 1 + series_stats(x)");
    // an unnamed series_stats of an expression: Kusto's column names are not documented
    fails("print series_stats(dynamic([1,2]))");
    // series functions not implemented yet are refused by name
    fails("print series_periods_detect(dynamic([1,2,1,2]), 0.0, 50.0, 2)");
    // a moving average of longs: Kusto's result type is not documented
    fails("print series_fir(dynamic([1, 2, 3]), dynamic([1, 1]))");
}
