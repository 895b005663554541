//! IPv6 text as Kusto's `ipv6_*` functions read it: an IPv6 address, or an IPv4 one taken
//! as its IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, its prefix moved up by 96 bits),
//! with an optional `/prefix`. Also `ipv4_range_to_cidr_list`.
//! <https://learn.microsoft.com/kusto/query/ipv6-compare-function>

use super::ipv4;
use std::cmp::Ordering;
use std::net::Ipv6Addr;

/// An address and its prefix length (128 when none is written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv6 {
    /// The address bits.
    pub addr: u128,
    /// The prefix length, 0–128.
    pub prefix: u8,
}

/// Parses an IPv6 or IPv4 address with an optional prefix; `Ok(None)` when it is neither.
/// `::a.b.c.d` is read as the IPv4 address a.b.c.d, its prefix an IPv4 prefix, as the
/// docs' `parse_ipv6_mask` examples show (`::192.168.255.255/24` keeps 120 bits). Other
/// IPv6 text holding a dotted quad has no documented reading and is `Err`.
///
/// ```
/// use hunt_exec::kernels::ipv6::parse;
/// let ip = parse("192.168.1.1/24").unwrap().unwrap();
/// assert_eq!((ip.addr, ip.prefix), (0xffff_c0a8_0101, 120));
/// assert_eq!(parse("::192.168.1.1/24").unwrap(), Some(ip));
/// assert_eq!(parse("fe80::85d:e82c:9446:7994/120").unwrap().map(|ip| ip.prefix), Some(120));
/// assert_eq!(parse("fe80::1/129").unwrap(), None);
/// assert!(parse("64:ff9b::1.2.3.4").is_err());
/// ```
pub fn parse(s: &str) -> Result<Option<Ipv6>, String> {
    let s = s.trim();
    let v4 = s.strip_prefix("::").unwrap_or(s);
    if let Some(v4) = ipv4::parse(v4) {
        return Ok(Some(Ipv6 {
            addr: 0xffff_0000_0000 | u128::from(v4.addr),
            prefix: v4.prefix + 96,
        }));
    }
    let (a, p) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    if a.contains('.') && !(a.starts_with("::ffff:") && p.is_none()) {
        return Err(format!(
            "`{s}`: Kusto's reading of this IPv6 form is not documented"
        ));
    }
    let Ok(addr) = a.trim().parse::<Ipv6Addr>() else {
        return Ok(None);
    };
    let prefix = match p {
        Some(p) => match p.trim().parse::<u8>() {
            Ok(p) if p <= 128 => p,
            _ => return Ok(None),
        },
        None => 128,
    };
    Ok(Some(Ipv6 {
        addr: u128::from(addr),
        prefix,
    }))
}

/// The network mask of a prefix length.
pub fn mask(prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(prefix.min(128)))
    }
}

/// `ipv6_compare(a, b [, prefix])`: -1, 0 or 1 over the shortest of the prefixes; `None`
/// for an explicit prefix outside 0–128.
pub fn compare(a: Ipv6, b: Ipv6, prefix: Option<i64>) -> Option<i64> {
    let mut p = a.prefix.min(b.prefix);
    if let Some(x) = prefix {
        if !(0..=128).contains(&x) {
            return None;
        }
        p = p.min(x as u8);
    }
    let m = mask(p);
    Some(match (a.addr & m).cmp(&(b.addr & m)) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    })
}

/// The canonical text `parse_ipv6` gives: eight groups of four lower-case hex digits, of
/// the address with its prefix mask applied (docs: `192.168.255.255/24` is
/// `0000:0000:0000:0000:0000:ffff:c0a8:ff00`).
///
/// ```
/// use hunt_exec::kernels::ipv6::{canonical, parse};
/// let ip = parse("fe80::85d:e82c:9446:7994").unwrap().unwrap();
/// assert_eq!(canonical(ip.addr, 120), "fe80:0000:0000:0000:085d:e82c:9446:7900");
/// ```
pub fn canonical(addr: u128, prefix: u8) -> String {
    let v = addr & mask(prefix);
    (0..8)
        .map(|k| format!("{:04x}", (v >> (112 - 16 * k)) & 0xffff))
        .collect::<Vec<_>>()
        .join(":")
}

/// `ipv4_range_to_cidr_list(start, end)`: the fewest CIDR blocks covering `start..=end`,
/// in address order (docs: 1.1.128.0–1.1.140.255 is 1.1.128.0/21, 1.1.136.0/22,
/// 1.1.140.0/24).
///
/// ```
/// use hunt_exec::kernels::ipv6::cidr_cover;
/// assert_eq!(
///     cidr_cover(0x0101_8000, 0x0101_8cff),
///     vec!["1.1.128.0/21", "1.1.136.0/22", "1.1.140.0/24"]
/// );
/// ```
pub fn cidr_cover(start: u32, end: u32) -> Vec<String> {
    let mut out = Vec::new();
    let (mut lo, hi) = (u64::from(start), u64::from(end));
    while lo <= hi {
        // The largest block aligned at `lo` that stays within the range.
        let mut size = if lo == 0 {
            1u64 << 32
        } else {
            lo & lo.wrapping_neg()
        };
        while lo + size - 1 > hi {
            size >>= 1;
        }
        let prefix = 32 - size.trailing_zeros();
        out.push(format!("{}/{prefix}", ipv4::format(lo as u32, 32)));
        lo += size;
    }
    out
}
