//! Typing of the IPv6 functions and the IPv4 helpers added with them
//! (`ipv4_netmask_suffix`, `ipv4_range_to_cidr_list`, `parse_ipv4_mask`, `has_any_ipv4`,
//! `has_ipv4_prefix`, `has_any_ipv4_prefix`). Result types are those of Kusto's
//! function signatures (Kusto-Query-Language `Functions.cs`).

use super::{Binder, LibFunc};
use crate::error::PlanError;
use crate::expr::Expr;
use crate::types::KqlType;

pub(super) fn bind(b: &Binder<'_>, mut args: Vec<Expr>) -> Result<Expr, PlanError> {
    use KqlType::*;
    use LibFunc::*;
    match b.f {
        ParseIpv6 | Ipv4NetmaskSuffix => {
            b.arity(&args, 1, 1)?;
            let out = if b.f == ParseIpv6 { String } else { Long };
            Ok(b.call(vec![b.string(args.remove(0))?], out))
        }
        ParseIpv6Mask => {
            b.arity(&args, 2, 2)?;
            let p = b.long(args.remove(1))?;
            Ok(b.call(vec![b.string(args.remove(0))?, p], String))
        }
        Ipv6Compare | Ipv6IsMatch => {
            b.arity(&args, 2, 3)?;
            let prefix = if args.len() == 3 {
                args.pop().map(|p| b.long(p)).transpose()?
            } else {
                None
            };
            let mut a: Vec<Expr> = b.strings(args)?;
            a.extend(prefix);
            Ok(b.call(a, if b.f == Ipv6Compare { Long } else { Bool }))
        }
        Ipv6IsInRange => {
            b.arity(&args, 2, 2)?;
            Ok(b.call(b.strings(args)?, Bool))
        }
        ParseIpv4Mask => {
            b.arity(&args, 2, 2)?;
            let p = b.long(args.remove(1))?;
            Ok(b.call(vec![b.string(args.remove(0))?, p], Long))
        }
        HasIpv4Prefix => {
            b.arity(&args, 2, 2)?;
            Ok(b.call(b.strings(args)?, Bool))
        }
        Ipv6IsInAnyRange | HasAnyIpv4 | HasAnyIpv4Prefix => {
            b.arity(&args, 2, 64)?;
            let mut a = vec![b.string(args.remove(0))?];
            if args.len() == 1 && args[0].ty == Dynamic {
                a.push(args.remove(0));
            } else {
                a.extend(b.strings(args)?);
            }
            Ok(b.call(a, Bool))
        }
        Ipv4RangeToCidrList => {
            b.arity(&args, 2, 2)?;
            Ok(b.call(b.strings(args)?, Dynamic))
        }
        _ => Err(PlanError::invalid(
            b.span,
            format!("bug: `{}` bound as an IPv6 function", b.name),
        )),
    }
}
