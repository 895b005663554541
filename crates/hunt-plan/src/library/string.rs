//! Typing of the string functions. Like Kusto, they convert non-string text arguments
//! with `tostring()` (`indexof(1234567, 5)` searches "1234567" for "5").

use super::{Binder, LibFunc, to_str};
use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Scalar};
use crate::types::KqlType;

pub(super) fn bind(b: &Binder<'_>, args: Vec<Expr>) -> Result<Expr, PlanError> {
    use KqlType::*;
    use LibFunc::*;
    // Argument kinds by position, after Kusto's signatures (Kusto-Query-Language
    // `Functions.cs`): A = any scalar, converted with tostring(); S = a string parameter
    // (a dynamic argument is converted too, other types are a type error); L = integer.
    let (min, max, kinds, out): (usize, usize, &str, KqlType) = match b.f {
        Substring => (2, 3, "ALL", String),
        IndexOf => (2, 5, "AALLL", Long),
        Split => (2, 3, "ASL", Dynamic),
        ReplaceString | ReplaceRegex => (3, 3, "SSS", String),
        Extract => (3, 3, "SLS", String),
        ExtractAll => (2, 3, "SS", Dynamic),
        Trim | TrimStart | TrimEnd => (2, 2, "SS", String),
        StrcatDelim => (3, 65, "", String),
        CountOf => (2, 3, "SSS", Long),
        Reverse => (1, 1, "A", String),
        UrlEncode | UrlEncodeComponent | UrlDecode | Base64EncodeToString
        | Base64DecodeToString => (1, 1, "S", String),
        StrRep => (2, 3, "ALA", String),
        StringSize => (1, 1, "S", Long),
        StrCmp => (2, 2, "AA", Long),
        ParseUrl | ParsePath => (1, 1, "S", Dynamic),
        HashSha256 | HashMd5 => (1, 1, "S", String),
        _ => {
            return Err(PlanError::invalid(
                b.span,
                format!("bug: `{}` bound as a string function", b.name),
            ));
        }
    };
    b.arity(&args, min, max)?;
    if b.f == ExtractAll {
        check_capture_groups(b, &args[0])?;
    }
    if b.f == ExtractAll && args.len() == 3 {
        // extract_all(regex, groups, source): the groups list is a dynamic array.
        let mut args = args;
        let source = args.pop().expect("three arguments");
        if !matches!(source.ty, String | Dynamic) {
            return Err(b.bad(&source, "a string"));
        }
        let groups = b.dynamic(args.pop().expect("three arguments"))?;
        let regex = args.pop().expect("three arguments");
        if regex.ty != String {
            return Err(b.bad(&regex, "a string"));
        }
        return Ok(b.call(vec![regex, to_str(source), groups], Dynamic));
    }
    let mut args = args;
    if matches!(b.f, HashSha256 | HashMd5) {
        let v = super::hash_input(b, args.remove(0))?;
        args.insert(0, v);
    }
    if b.f == CountOf && args.len() == 3 {
        let kind = b.const_str(&args[2])?;
        if kind != "normal" && kind != "regex" {
            return Err(PlanError::invalid(
                args[2].span,
                "`countof` kind is \"normal\" or \"regex\"",
            ));
        }
    }
    let kinds: Vec<char> = kinds.chars().collect();
    let a = args
        .into_iter()
        .enumerate()
        .map(|(i, e)| match kinds.get(i).copied().unwrap_or('A') {
            'L' => b.long(e),
            'S' if !matches!(e.ty, String | Dynamic) && !super::is_null_literal(&e) => {
                Err(b.bad(&e, "a string"))
            }
            _ => Ok(to_str(e)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if b.f == StrRep
        && let crate::expr::ExprKind::Literal(Scalar::Long(n)) = &a[1].kind
        && *n > MAX_STRREP
    {
        return Err(PlanError::invalid(
            a[1].span,
            format!("`strrep` repeats at most {MAX_STRREP} times"),
        ));
    }
    Ok(b.call(a, out))
}

/// Kusto limits `strrep`'s multiplier (docs: "maximal allowed value is 1024").
pub const MAX_STRREP: i64 = 1024;

/// `extract_all` needs a regular expression with at least one capture group (Kusto refuses
/// the query otherwise: oracle agent-string-ops-0022). A constant pattern is checked here,
/// before any row is read; one that does not compile is left to the kernel's error.
fn check_capture_groups(b: &Binder<'_>, regex: &Expr) -> Result<(), PlanError> {
    let ExprKind::Literal(Scalar::String(p)) = &regex.kind else {
        return Ok(());
    };
    match regex::Regex::new(p) {
        Ok(re) if re.captures_len() < 2 => Err(PlanError::invalid(
            regex.span,
            format!(
                "`{}` needs a regular expression with a capture group",
                b.name
            ),
        )),
        _ => Ok(()),
    }
}
