//! Typing of the long tail of scalar functions: command-line and text utilities, bit
//! operations, hashes, base64/zlib coding and Unicode code points. Each follows its page
//! in the Kusto reference; forms whose answer the docs do not pin down are refused.

use super::{Binder, LibFunc};
use crate::error::PlanError;
use crate::expr::Expr;
use crate::types::KqlType;

pub(super) fn bind(b: &Binder<'_>, mut args: Vec<Expr>) -> Result<Expr, PlanError> {
    use KqlType::*;
    use LibFunc::*;
    match b.f {
        ParseCommandLine => {
            b.arity(&args, 2, 2)?;
            // The docs: "the only value currently supported is `windows`".
            let kind = b.const_str(&args[1])?;
            if kind != "windows" {
                return Err(PlanError::invalid(
                    args[1].span,
                    "`parse_command_line` parser type must be \"windows\"",
                ));
            }
            args.truncate(1);
            let s = b.string(args.remove(0))?;
            Ok(b.call(vec![s], Dynamic))
        }
        RegexQuote
        | IsAscii
        | HashSha1
        | UnicodeCodepointsFromString
        | Base64DecodeToArray
        | ZlibDecompress => {
            b.arity(&args, 1, 1)?;
            if b.f == HashSha1 {
                let v = super::hash_input(b, args.remove(0))?;
                args.insert(0, v);
            }
            let s = b.string(args.remove(0))?;
            let out = match b.f {
                RegexQuote | HashSha1 | ZlibDecompress => String,
                IsAscii => Bool,
                _ => Dynamic,
            };
            Ok(b.call(vec![s], out))
        }
        IndexOfRegex => {
            b.arity(&args, 2, 5)?;
            let mut a = Vec::with_capacity(args.len());
            for (i, e) in args.into_iter().enumerate() {
                a.push(if i < 2 { b.string(e)? } else { b.long(e)? });
            }
            Ok(b.call(a, Long))
        }
        ToHex => {
            b.arity(&args, 1, 2)?;
            // An int keeps its 32-bit two's complement (`tohex(toint(-256), 8)` is
            // "ffffff00" in the docs), so its type reaches the kernel.
            let v = args.remove(0);
            let v = match v.ty {
                Int => v,
                _ => b.long(v)?,
            };
            let mut a = vec![v];
            if let Some(m) = args.pop() {
                a.push(b.long(m)?);
            }
            Ok(b.call(a, String))
        }
        FormatBytes => {
            b.arity(&args, 1, 3)?;
            let mut a = vec![b.real(args.remove(0))?];
            if !args.is_empty() {
                a.push(b.long(args.remove(0))?);
            }
            if let Some(u) = args.pop() {
                a.push(b.string(u)?);
            }
            Ok(b.call(a, String))
        }
        HasAnyIndex => {
            b.arity(&args, 2, 2)?;
            let s = b.string(args.remove(0))?;
            let list = b.dynamic(args.remove(0))?;
            Ok(b.call(vec![s, list], Long))
        }
        Hash => {
            b.arity(&args, 1, 2)?;
            if args.len() == 2 {
                // The docs give only a positive example ("World" % 100); how Kusto brings
                // a negative hash into 0..mod-1 is not documented.
                return Err(b.unsupported("with a modulo"));
            }
            // xxhash64 of a string's UTF-8 bytes and of a datetime's ticks reproduce the
            // docs' examples; other types' byte forms are not documented.
            let x = args.remove(0);
            if !matches!(x.ty, String | DateTime) {
                return Err(b.unsupported(format!("of a {} value", x.ty)));
            }
            Ok(b.call(vec![x], Long))
        }
        Base64EncodeFromGuid => {
            b.arity(&args, 1, 1)?;
            let g = b.exact(args.remove(0), Guid)?;
            Ok(b.call(vec![g], String))
        }
        Base64EncodeFromArray => {
            b.arity(&args, 1, 1)?;
            let a = b.dynamic(args.remove(0))?;
            Ok(b.call(vec![a], String))
        }
        UnicodeCodepointsToString => {
            b.arity(&args, 1, 64)?;
            let a = args
                .into_iter()
                .map(|e| match e.ty {
                    Dynamic => Ok(e),
                    _ => b.long(e),
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(b.call(a, String))
        }
        JaccardIndex => {
            b.arity(&args, 2, 2)?;
            let a = args
                .into_iter()
                .map(|e| b.dynamic(e))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(b.call(a, Real))
        }
        ArraySplit => {
            b.arity(&args, 2, 2)?;
            let arr = b.dynamic(args.remove(0))?;
            let idx = args.remove(0);
            let idx = match idx.ty {
                Dynamic => idx,
                _ => b.long(idx)?,
            };
            Ok(b.call(vec![arr, idx], Dynamic))
        }
        _ => Err(PlanError::invalid(
            b.span,
            format!("bug: `{}` bound as a misc function", b.name),
        )),
    }
}
