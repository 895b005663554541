//! IPv4 text as Kusto's `ipv4_*` functions read it: `a.b.c.d` with an optional `/prefix`.
//! <https://learn.microsoft.com/kusto/query/ipv4-is-match-function>

/// An address and its prefix length (32 when none is written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4 {
    /// The address bits.
    pub addr: u32,
    /// The prefix length, 0–32.
    pub prefix: u8,
}

fn octets(s: &str) -> Option<u32> {
    let mut v: u32 = 0;
    let mut n = 0;
    for part in s.split('.') {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let o: u32 = part.parse().ok()?;
        if o > 255 {
            return None;
        }
        v = v << 8 | o;
        n += 1;
    }
    (n == 4).then_some(v)
}

/// Parses `a.b.c.d[/n]`; `None` when it is not an IPv4 address.
///
/// ```
/// use hunt_exec::kernels::ipv4::parse;
/// assert_eq!(parse("192.168.1.1/24").map(|ip| (ip.addr, ip.prefix)), Some((0xC0A80101, 24)));
/// assert_eq!(parse("127.0.0.256"), None);
/// ```
pub fn parse(s: &str) -> Option<Ipv4> {
    let s = s.trim();
    let (a, p) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let addr = octets(a)?;
    let prefix = match p {
        Some(p) => {
            let p: u8 = p.trim().parse().ok()?;
            if p > 32 {
                return None;
            }
            p
        }
        None => 32,
    };
    Some(Ipv4 { addr, prefix })
}

/// The network mask of a prefix length.
pub fn mask(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix as u32)
    }
}

/// `parse_ipv4`: the address with its prefix mask applied (docs: `192.168.1.1/24` is
/// 3232235776).
pub fn to_long(ip: Ipv4) -> i64 {
    (ip.addr & mask(ip.prefix)) as i64
}

/// `ipv4_compare(a, b [, prefix])`: -1, 0 or 1 over the shortest of the prefixes.
pub fn compare(a: Ipv4, b: Ipv4, prefix: Option<i64>) -> Option<i64> {
    let mut p = a.prefix.min(b.prefix);
    if let Some(x) = prefix {
        if !(0..=32).contains(&x) {
            return None;
        }
        p = p.min(x as u8);
    }
    let m = mask(p);
    Some(match (a.addr & m).cmp(&(b.addr & m)) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    })
}

/// `ipv4_is_in_range(ip, range)`: the range's prefix (and the address's own) applied to both.
pub fn in_range(ip: Ipv4, range: Ipv4) -> bool {
    compare(ip, range, None) == Some(0)
}

/// `ipv4_is_private`: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (RFC 1918).
pub fn is_private(ip: Ipv4) -> bool {
    let a = ip.addr;
    a >> 24 == 10 || a >> 20 == (172 << 4 | 1) || a >> 16 == (192 << 8 | 168)
}

/// `format_ipv4(ip [, prefix])`: dotted text of the masked address.
pub fn format(addr: u32, prefix: u8) -> String {
    let a = addr & mask(prefix);
    format!("{}.{}.{}.{}", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255)
}

/// `has_ipv4(text, ip)`: `ip` occurs in `text` as a whole address, not touching other
/// digits, dots or letters (docs: `05:04:54127.0.0.1` does not contain `127.0.0.1`).
pub fn has_ipv4(text: &str, ip: &str) -> bool {
    if octets(ip).is_none() {
        return false;
    }
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find(ip) {
        let start = from + i;
        let end = start + ip.len();
        let bound = |b: Option<&u8>| b.is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'.'));
        if bound(start.checked_sub(1).and_then(|j| bytes.get(j))) && bound(bytes.get(end)) {
            return true;
        }
        from = start + 1;
    }
    false
}

/// `has_ipv4_prefix(text, prefix)`: a properly delimited, valid address in `text` starts
/// with `prefix`, which is a whole address or one to three octets ending with a dot
/// (docs: `127.0` is no prefix; `127.0.0.256` is no address).
///
/// ```
/// use hunt_exec::kernels::ipv4::has_ipv4_prefix;
/// assert!(has_ipv4_prefix("05:04:54 127.0.0.1 GET /favicon.ico 404", "127.0."));
/// assert!(!has_ipv4_prefix("05:04:54 127.0.0.1 GET /favicon.ico 404", "127.0"));
/// assert!(!has_ipv4_prefix("05:04:54 127.0.0.256 GET", "127.0."));
/// assert!(!has_ipv4_prefix("05:04:54127.0.0.1 GET", "127.0."));
/// ```
pub fn has_ipv4_prefix(text: &str, prefix: &str) -> bool {
    if octets(prefix).is_some() {
        return has_ipv4(text, prefix);
    }
    let Some(head) = prefix.strip_suffix('.') else {
        return false;
    };
    let parts: Vec<&str> = head.split('.').collect();
    let octet_ok = |p: &&str| {
        !p.is_empty()
            && p.len() <= 3
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|v| v <= 255)
    };
    if parts.is_empty() || parts.len() > 3 || !parts.iter().all(octet_ok) {
        return false;
    }
    let bytes = text.as_bytes();
    let delim = |b: Option<&u8>| b.is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'.'));
    let mut from = 0;
    while let Some(i) = text[from..].find(prefix) {
        let start = from + i;
        // The address runs over digits and dots from the prefix's start.
        let len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit() || **b == b'.')
            .count();
        let end = start + len;
        if delim(start.checked_sub(1).and_then(|j| bytes.get(j)))
            && delim(bytes.get(end))
            && octets(&text[start..end]).is_some()
        {
            return true;
        }
        from = start + 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4 {
        parse(s).expect("an address")
    }

    #[test]
    fn docs_examples() {
        // parse-ipv4-function-00
        assert_eq!(to_long(ip("192.168.1.1")), 3232235777);
        assert_eq!(to_long(ip("255.255.255.255/31")), 4294967294);
        // ipv4-compare-function-00/01
        assert_eq!(
            compare(ip("192.168.1.1/30"), ip("192.168.1.255/24"), None),
            Some(0)
        );
        assert_eq!(
            compare(ip("192.168.1.1"), ip("192.168.1.0"), Some(31)),
            Some(0)
        );
        // ipv4-is-private-function-01
        assert!(is_private(ip("192.168.1.1/24")));
        assert!(!is_private(ip("127.0.0.1")));
        // has-ipv4-function-00..02
        assert!(has_ipv4(
            "05:04:54 127.0.0.1 GET /favicon.ico 404",
            "127.0.0.1"
        ));
        assert!(!has_ipv4("05:04:54127.0.0.1 GET", "127.0.0.1"));
        assert!(!has_ipv4("05:04:54 127.0.0.256 GET", "127.0.0.256"));
        // format-ipv4-function-00
        assert_eq!(format(ip("192.168.1.1").addr, 24), "192.168.1.0");
    }
}
