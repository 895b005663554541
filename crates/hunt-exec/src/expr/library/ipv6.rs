//! IPv6 functions (`parse_ipv6`, `parse_ipv6_mask`, `ipv6_compare`, `ipv6_is_match`,
//! `ipv6_is_in_range`, `ipv6_is_in_any_range`) and `ipv4_netmask_suffix`,
//! `ipv4_range_to_cidr_list`. Per-value logic is in `crate::kernels::ipv6`.

use super::{Args, compare_or_match, dyn_array, pv, str_array, sv, user_error};
use crate::error::Result;
use crate::kernels::{ipv4, ipv6, json};
use arrow::array::*;
use hunt_plan::library::LibFunc;
use hunt_plan::types::KqlType;
use serde_json::Value;
use std::sync::Arc;

/// Parses with [`ipv6::parse`], an undocumented form being a user error.
fn parse(s: &str) -> Result<Option<ipv6::Ipv6>> {
    ipv6::parse(s).map_err(user_error)
}

pub(super) fn call(a: &Args<'_>, _out: KqlType) -> Result<ArrayRef> {
    use LibFunc::*;
    let n = a.n;
    Ok(match a.f {
        ParseIpv6 => {
            // Text that is no address gives an empty string (the docs' "Returns").
            let s = a.str(0)?;
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(
                    parse(sv(s, i))?
                        .map(|ip| ipv6::canonical(ip.addr, ip.prefix))
                        .unwrap_or_default(),
                );
            }
            str_array(out)
        }
        ParseIpv6Mask => {
            let (s, p) = (a.str(0)?, a.long(1)?);
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let Some(p) = pv(p, i) else {
                    out.push(String::new());
                    continue;
                };
                if !(0..=128).contains(&p) {
                    return Err(user_error(format!(
                        "parse_ipv6_mask with prefix {p}: Kusto's answer is not documented"
                    )));
                }
                out.push(
                    parse(sv(s, i))?
                        .map(|ip| ipv6::canonical(ip.addr, ip.prefix.min(p as u8)))
                        .unwrap_or_default(),
                );
            }
            str_array(out)
        }
        Ipv6Compare | Ipv6IsMatch => {
            let (x, y) = (a.str(0)?, a.str(1)?);
            let p = a.opt_long(2)?;
            let mut cmp = Vec::with_capacity(n);
            for i in 0..n {
                let (ip1, ip2) = (parse(sv(x, i))?, parse(sv(y, i))?);
                let prefix = match p {
                    Some(p) => pv(p, i).map(Some),
                    None => Some(None),
                };
                cmp.push(match (ip1, ip2, prefix) {
                    (Some(ip1), Some(ip2), Some(prefix)) => ipv6::compare(ip1, ip2, prefix),
                    _ => None,
                });
            }
            compare_or_match(cmp, a.f == Ipv6Compare)
        }
        Ipv6IsInRange => {
            let (x, r) = (a.str(0)?, a.str(1)?);
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(match (parse(sv(x, i))?, parse(sv(r, i))?) {
                    (Some(ip), Some(range)) => Some(ipv6::compare(ip, range, None) == Some(0)),
                    _ => None,
                });
            }
            Arc::new(BooleanArray::from(out))
        }
        ParseIpv4Mask => {
            // A prefix outside 0–32 gives null, as format_ipv4 gives "" for -1 (docs).
            let (s, p) = (a.str(0)?, a.long(1)?);
            Arc::new(
                (0..n)
                    .map(|i| {
                        let p = pv(p, i).filter(|p| (0..=32).contains(p))?;
                        let ip = ipv4::parse(sv(s, i))?;
                        Some(ipv4::to_long(ipv4::Ipv4 {
                            addr: ip.addr,
                            prefix: ip.prefix.min(p as u8),
                        }))
                    })
                    .collect::<Int64Array>(),
            )
        }
        HasIpv4Prefix => {
            let (s, p) = (a.str(0)?, a.str(1)?);
            Arc::new(
                (0..n)
                    .map(|i| Some(ipv4::has_ipv4_prefix(sv(s, i), sv(p, i))))
                    .collect::<BooleanArray>(),
            )
        }
        HasAnyIpv4 | HasAnyIpv4Prefix => {
            let s = a.str(0)?;
            let mut lists = Lists::new(a)?;
            let prefix = a.f == HasAnyIpv4Prefix;
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let text = sv(s, i);
                let found = lists.row(i).iter().any(|ip| {
                    if prefix {
                        ipv4::has_ipv4_prefix(text, ip)
                    } else {
                        ipv4::has_ipv4(text, ip)
                    }
                });
                out.push(Some(found));
            }
            Arc::new(BooleanArray::from(out))
        }
        Ipv6IsInAnyRange => {
            let s = a.str(0)?;
            let mut ranges_json = if a.tys.get(1) == Some(&KqlType::Dynamic) {
                Some(a.json(1)?)
            } else {
                None
            };
            let cols = if ranges_json.is_none() {
                (1..a.len()).map(|c| a.str(c)).collect::<Result<Vec<_>>>()?
            } else {
                Vec::new()
            };
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let Some(ip) = parse(sv(s, i))? else {
                    out.push(None);
                    continue;
                };
                let ranges: Vec<String> = match ranges_json.as_mut() {
                    Some(j) => match j.get(i) {
                        Some(Value::Array(xs)) => xs.iter().map(json::text).collect(),
                        Some(Value::String(x)) => vec![x.clone()],
                        _ => Vec::new(),
                    },
                    None => cols.iter().map(|c| sv(c, i).to_string()).collect(),
                };
                let mut any = false;
                for r in &ranges {
                    if let Some(r) = parse(r)? {
                        any |= ipv6::compare(ip, r, None) == Some(0);
                    }
                }
                out.push(Some(any));
            }
            Arc::new(BooleanArray::from(out))
        }
        Ipv4NetmaskSuffix => {
            let s = a.str(0)?;
            Arc::new(
                (0..n)
                    .map(|i| ipv4::parse(sv(s, i)).map(|ip| i64::from(ip.prefix)))
                    .collect::<Int64Array>(),
            )
        }
        Ipv4RangeToCidrList => {
            let (x, y) = (a.str(0)?, a.str(1)?);
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                let (Some(lo), Some(hi)) = (ipv4::parse(sv(x, i)), ipv4::parse(sv(y, i))) else {
                    vals.push(None);
                    continue;
                };
                if lo.prefix != 32 || hi.prefix != 32 || lo.addr > hi.addr {
                    return Err(user_error(format!(
                        "ipv4_range_to_cidr_list({}, {}): Kusto's answer for a prefix or a \
                         reversed range is not documented",
                        sv(x, i),
                        sv(y, i)
                    )));
                }
                let list = ipv6::cidr_cover(lo.addr, hi.addr);
                vals.push(Some(Value::Array(
                    list.into_iter().map(Value::String).collect(),
                )));
            }
            dyn_array(vals)
        }
        _ => return Err(a.internal()),
    })
}

/// The list arguments of the `*_any_*` functions: string columns after the first, or
/// one dynamic array.
struct Lists<'a> {
    json: Option<super::Json<'a>>,
    cols: Vec<&'a StringArray>,
}

impl<'a> Lists<'a> {
    fn new(a: &Args<'a>) -> Result<Lists<'a>> {
        if a.tys.get(1) == Some(&KqlType::Dynamic) {
            Ok(Lists {
                json: Some(a.json(1)?),
                cols: Vec::new(),
            })
        } else {
            Ok(Lists {
                json: None,
                cols: (1..a.len()).map(|c| a.str(c)).collect::<Result<Vec<_>>>()?,
            })
        }
    }

    fn row(&mut self, i: usize) -> Vec<String> {
        match self.json.as_mut() {
            Some(j) => match j.get(i) {
                Some(Value::Array(xs)) => xs.iter().map(json::text).collect(),
                Some(Value::String(x)) => vec![x.clone()],
                _ => Vec::new(),
            },
            None => self.cols.iter().map(|c| sv(c, i).to_string()).collect(),
        }
    }
}
