//! `evaluate ipv6_lookup(…)`, checked against its Microsoft Learn page's example rows.

use super::common::{check, fails};

/// docs: https://learn.microsoft.com/en-us/kusto/query/ipv6-lookup-plugin — its lookup
/// table and addresses.
const IPV6: &str = r#"let IP_Data = datatable(network:string, continent_code:string ,continent_name:string, country_iso_code:string, country_name:string)
[
  "2001:0db8:85a3::/48","NA","North America","US","United States",
  "2404:6800:4001::/48","AS","Asia","JP","Japan",
  "2a00:1450:4001::/48","EU","Europe","DE","Germany",
  "2800:3f0:4001::/48","SA","South America","BR","Brazil",
  "2c0f:fb50:4001::/48","AF","Africa","ZA","South Africa",
  "2607:f8b0:4001::/48","NA","North America","CA","Canada",
  "2a02:26f0:4001::/48","EU","Europe","FR","France",
  "2400:cb00:4001::/48","AS","Asia","IN","India",
  "2801:0db8:85a3::/48","SA","South America","AR","Argentina",
  "2a03:2880:4001::/48","EU","Europe","GB","United Kingdom"
];
let IPs = datatable(ip:string)
[
  "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
  "2404:6800:4001:0001:0000:8a2e:0370:7334",
  "2a02:26f0:4001:0006:0000:8a2e:0370:7334",
  "a5e:f127:8a9d:146d:e102:b5d3:c755:abcd",
  "a5e:f127:8a9d:146d:e102:b5d3:c755:abce"
];
IPs
"#;

#[test]
fn ipv6_lookup_follows_its_page() {
    // The page's rows. Its table prints the lookup columns first; its text ("similar to
    // the result of the lookup operator") and Kusto.Language's PlugIns.cs put the input's
    // columns first, as for ipv4_lookup, and so does hunt.
    let header = "ip:string|network:string|continent_code:string|continent_name:string|country_iso_code:string|country_name:string";
    check(
        &format!("{IPV6}| evaluate ipv6_lookup(IP_Data, ip, network)"),
        &format!(
            "{header}
             2001:0db8:85a3:0000:0000:8a2e:0370:7334|2001:0db8:85a3::/48|NA|North America|US|United States
             2404:6800:4001:0001:0000:8a2e:0370:7334|2404:6800:4001::/48|AS|Asia|JP|Japan
             2a02:26f0:4001:0006:0000:8a2e:0370:7334|2a02:26f0:4001::/48|EU|Europe|FR|France"
        ),
    );
    // return_unmatched: the unmatched addresses with empty lookup columns.
    check(
        &format!(
            "{IPV6}| evaluate ipv6_lookup(IP_Data, ip, network, true) | where isempty(network)"
        ),
        &format!(
            "{header}
             a5e:f127:8a9d:146d:e102:b5d3:c755:abcd|||||
             a5e:f127:8a9d:146d:e102:b5d3:c755:abce|||||"
        ),
    );
    // Open forms are refused: an address in two ranges, a masked address, IPv4 text, and
    // Kusto's signature has no extra keys.
    fails(
        "let L = datatable(network:string, n:long) ['2001:db8::/32', 1, '2001:db8:1::/48', 2];
         print ip = '2001:db8:1::5' | evaluate ipv6_lookup(L, ip, network)",
    );
    fails(
        "let L = datatable(network:string, n:long) ['2001:db8::/32', 1];
         print ip = '2001:db8::/64' | evaluate ipv6_lookup(L, ip, network)",
    );
    fails(
        "let L = datatable(network:string, n:long) ['10.0.0.0/8', 1];
         print ip = '10.1.2.3' | evaluate ipv6_lookup(L, ip, network)",
    );
    fails(
        "let L = datatable(network:string, n:long) ['2001:db8::/32', 1];
         print ip = '2001:db8::1', n = 1 | evaluate ipv6_lookup(L, ip, network, n)",
    );
}
