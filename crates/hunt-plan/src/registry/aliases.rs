//! The one table of function names Kusto accepts besides a function's current name:
//! deprecated names (Kusto's language service marks them `Obsolete("current")` in
//! `Functions.cs`/`Aggregates.cs` of microsoft/Kusto-Query-Language, and the docs list
//! them as "deprecated aliases") and documented synonyms. Binding renames a call through
//! this table before anything else looks at the name, so every other part of the planner
//! knows only current names.

use hunt_syntax::ast;

/// One accepted name and the function it calls.
pub(crate) struct Alias {
    /// The name as written.
    pub(crate) name: &'static str,
    /// The current function.
    pub(crate) current: &'static str,
    /// For a deprecated form whose parameters come in another order: the index, in the
    /// call as written, of each argument of the current function.
    pub(crate) order: Option<&'static [usize]>,
}

const fn same(name: &'static str, current: &'static str) -> Alias {
    Alias {
        name,
        current,
        order: None,
    }
}

/// Every alias. Deprecated names first (each with its `Obsolete(…)` target), then
/// synonyms the docs document as equivalent names of one function.
pub(crate) const ALIASES: &[Alias] = &[
    // ---- deprecated scalar functions (Functions.cs) ----
    same("to_utf8", "unicode_codepoints_from_string"),
    same("extractall", "extract_all"),
    // replace(regex, rewrite, source) is replace_regex(source, regex, rewrite).
    Alias {
        name: "replace",
        current: "replace_regex",
        order: Some(&[2, 0, 1]),
    },
    same("make_string", "unicode_codepoints_to_string"),
    same("toobject", "parse_json"),
    same("totime", "totimespan"),
    same("base64_encodestring", "base64_encode_tostring"),
    same("base64_decodestring", "base64_decode_tostring"),
    same("parsejson", "parse_json"),
    same("parseurl", "parse_url"),
    same("parseurlquery", "parse_urlquery"),
    same("datepart", "datetime_part"),
    same("notnull", "isnotnull"),
    same("notempty", "isnotempty"),
    same("columnifexists", "column_ifexists"),
    same("arraylength", "array_length"),
    same("pack", "bag_pack"),
    same("pack_dictionary", "bag_pack"),
    // ---- deprecated aggregates (Aggregates.cs) ----
    same("cnt", "count"),
    same("makelist", "make_list"),
    same("makeset", "make_set"),
    same("any", "take_any"),
    same("anyif", "take_anyif"),
    same("argmin", "arg_min"),
    same("argmax", "arg_max"),
    // ---- synonyms ----
    same("todynamic", "parse_json"),
    same("toboolean", "tobool"),
    same("extractjson", "extract_json"),
    same("array_iif", "array_iff"),
    same("getmonth", "monthofyear"),
    same("hash_xxhash64", "hash"),
];

/// The alias entry of `name`, if it is one.
pub(crate) fn alias(name: &str) -> Option<&'static Alias> {
    ALIASES.iter().find(|a| a.name == name)
}

/// The current name of `name` (itself when it is not an alias).
pub(crate) fn canonical(name: &str) -> &str {
    alias(name).map_or(name, |a| a.current)
}

/// The call `name(args)` renamed to its current function, arguments reordered where the
/// deprecated form ordered them otherwise; `None` when `name` is not an alias or the
/// call has a different number of arguments than the reordering expects.
pub(crate) fn rewrite(
    name: &ast::Ident,
    args: &[ast::Expr],
) -> Option<(ast::Ident, Vec<ast::Expr>)> {
    let a = alias(&name.name)?;
    let args = match a.order {
        None => args.to_vec(),
        Some(order) if order.len() == args.len() => {
            order.iter().map(|&i| args[i].clone()).collect()
        }
        // Another argument count: the current function reports it (it used to fall
        // through to "unknown function `replace`").
        Some(_) => args.to_vec(),
    };
    Some((
        ast::Ident {
            name: a.current.to_string(),
            span: name.span,
        },
        args,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_targets_are_not_aliases() {
        for (i, a) in ALIASES.iter().enumerate() {
            assert!(ALIASES[..i].iter().all(|b| b.name != a.name), "{}", a.name);
            assert!(alias(a.current).is_none(), "{} -> {}", a.name, a.current);
        }
    }
}
