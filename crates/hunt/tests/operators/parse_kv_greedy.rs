//! `parse-kv … with (…, greedy=true)`, checked against its Microsoft Learn page.

use super::common::{check, fails};

/// docs: https://learn.microsoft.com/en-us/kusto/query/parse-kv-operator, "Extraction in
/// greedy mode": without it the values end at the pair delimiter, with it at the next key.
const GREEDY: &[(&str, &str)] = &[
    (
        "print str='name=John Doe phone=555 5555 city=New York'
         | parse-kv str as (name:string, phone:string, city:string) with (pair_delimiter=' ', kv_delimiter='=')
         | project-away str",
        "name:string|phone:string|city:string
         John|555|New",
    ),
    (
        "print str='name=John Doe phone=555 5555 city=New York'
         | parse-kv str as (name:string, phone:string, city:string) with (pair_delimiter=' ', kv_delimiter='=', greedy=true)
         | project-away str",
        "name:string|phone:string|city:string
         John Doe|555 5555|New York",
    ),
    // The other modes' rules hold: the first occurrence wins, a missing key is empty
    // (null for a number), values convert to the column's type.
    (
        "print str='n=1 2 n=3 x=a b' | parse-kv str as (n:string, x:string, m:long) with (pair_delimiter=' ', kv_delimiter='=', greedy=true)
         | project-away str",
        "n:string|x:string|m:long
         1 2|a b|null",
    ),
];

#[test]
fn parse_kv_greedy_follows_its_page() {
    for (q, want) in GREEDY {
        check(q, want);
    }
    // An unlisted key after a listed one (whether it ends the value is not said), and
    // greedy mixed with quotes or a regex, are refused.
    fails(
        "print str='a=x y b=1' | parse-kv str as (a:string) with (pair_delimiter=' ', kv_delimiter='=', greedy=true)",
    );
    fails(
        r#"print str='a="x y" b=1' | parse-kv str as (a:string) with (pair_delimiter=' ', kv_delimiter='=', quote='"', greedy=true)"#,
    );
    fails(
        r#"print str='a: 1' | parse-kv str as (a:string) with (regex=@'(\w+): (\w+)', greedy=true)"#,
    );
    fails(
        "print str='a=1' | parse-kv str as (a:string) with (pair_delimiter=' ', kv_delimiter='=', greedy='yes')",
    );
}
