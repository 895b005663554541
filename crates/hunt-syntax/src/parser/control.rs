//! Control commands of a schema file: `.create table`, `.create-merge table(s)`,
//! `.create[-or-alter] function`, `.alter function` (Kusto's management syntax for the
//! declarations hunt keeps). Function bodies are ordinary query statements.

use super::function::{braced_body, param_list, with_options};
use super::lexical::{ident, peek_kw, peek_sym, ws};
use super::statement::column_decls;
use super::{Ctx, Expected, PResult, cut_err, err, fatal};
use crate::ast::{ControlCommand, FunctionMode, TableDecl};

/// The commands hunt accepts, for the refusal of any other.
const SUPPORTED: &str = "a schema file accepts `.create table`, `.create-merge table`, `.create tables`, `.create function`, `.create-or-alter function` and `.alter function`";

/// Commands until the end of input, separated by whitespace or `;`.
pub(crate) fn script<'a>(c: &Ctx, src: &'a str) -> PResult<'a, Vec<ControlCommand>> {
    let mut out = Vec::new();
    let mut r = ws(src);
    loop {
        while let Some(x) = r.strip_prefix(';') {
            r = ws(x);
        }
        if r.is_empty() {
            return Ok((r, out));
        }
        let (rest, cmd) = command(c, r)?;
        out.push(cmd);
        r = ws(rest);
    }
}

/// One command starting at `.`.
fn command<'a>(c: &Ctx, i: &'a str) -> PResult<'a, ControlCommand> {
    let Some(after_dot) = i.strip_prefix('.') else {
        return err(
            i,
            Expected::Desc("a control command (`.create table …`, `.create function …`)"),
        );
    };
    let end = after_dot
        .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'))
        .unwrap_or(after_dot.len());
    let verb = &after_dot[..end];
    let r = &after_dot[end..];
    let unsupported = |what: &str| {
        fatal(
            i,
            1 + end,
            format!("`{what}` is not a command hunt supports in a schema file"),
            Some(SUPPORTED.into()),
        )
    };
    let (r, noun) = match super::lexical::word(ws(r)) {
        Some((w, rest)) => (rest, w),
        None => return unsupported(&format!(".{verb}")),
    };
    match (verb, noun) {
        ("create" | "create-merge", "table" | "tables") => {
            create_tables(c, i, r, verb == "create-merge", noun == "tables")
        }
        ("create", "function") => {
            let (r, mode) = match peek_kw(r, "ifnotexists") {
                Some(r) => (r, FunctionMode::CreateIfNotExists),
                None => (r, FunctionMode::Create),
            };
            create_function(c, i, r, mode)
        }
        ("create-or-alter", "function") => create_function(c, i, r, FunctionMode::CreateOrAlter),
        ("alter", "function") => create_function(c, i, r, FunctionMode::Alter),
        _ => unsupported(&format!(".{verb} {noun}")),
    }
}

/// `T (c:type, …) [, T2 (…)] [with (…)]` after `.create[-merge] table(s)`.
fn create_tables<'a>(
    c: &Ctx,
    start: &'a str,
    i: &'a str,
    merge: bool,
    several: bool,
) -> PResult<'a, ControlCommand> {
    let mut tables = Vec::new();
    let mut r = i;
    loop {
        let (rest, name) = cut_err(ident(c, r))?;
        let (rest, columns) = cut_err(column_decls(c, rest))?;
        tables.push(TableDecl { name, columns });
        r = rest;
        match peek_sym(r, ",") {
            Some(rest) if several => r = rest,
            _ => break,
        }
    }
    let (r, options) = options(c, r)?;
    Ok((
        r,
        ControlCommand::CreateTables {
            merge,
            tables,
            options,
            span: c.span(start, r),
        },
    ))
}

/// `[with (…)] Name(params) { body }` after the function verb.
fn create_function<'a>(
    c: &Ctx,
    start: &'a str,
    i: &'a str,
    mode: FunctionMode,
) -> PResult<'a, ControlCommand> {
    let (r, options) = options(c, i)?;
    let (r, name) = cut_err(ident(c, r))?;
    let (r, params) = cut_err(param_list(c, r, ")"))?;
    let (r, body) = cut_err(braced_body(c, r))?;
    Ok((
        r,
        ControlCommand::CreateFunction {
            mode,
            name,
            params,
            body,
            options,
            span: c.span(start, r),
        },
    ))
}

/// An optional `with (name = value, …)`.
fn options<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Vec<(crate::ast::Ident, crate::ast::Expr)>> {
    if peek_kw(i, "with").is_some() {
        cut_err(with_options(c, i))
    } else {
        Ok((i, Vec::new()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::ast::{ControlCommand, FunctionMode};
    use crate::parse_control;

    #[test]
    fn tables_and_functions() {
        let src = r#"
// custom tables
.create table HrEvents (Timestamp:datetime, AccountUpn:string, Event:string) with (docstring = "HR feed", folder = "IRM")
.create-merge tables A (x:long), B (y:dynamic)
.create function with (docstring = "IRM alerts", folder = "IRM") IrmAlerts(lookback:timespan = 30d) {
    AlertInfo | where Timestamp > ago(lookback)
}
.create-or-alter function F() { print 1 };
.create function ifnotexists G(x:string) { strlen(x) }
.alter function H(T:(*)) { T | count }
"#;
        let cmds = parse_control(src).unwrap();
        assert_eq!(cmds.len(), 6);
        match &cmds[0] {
            ControlCommand::CreateTables {
                merge: false,
                tables,
                ..
            } => {
                assert_eq!(tables[0].name.name, "HrEvents");
                assert_eq!(tables[0].columns.len(), 3);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(cmds[0].option("docstring"), Some("HR feed"));
        assert_eq!(cmds[0].option("folder"), Some("IRM"));
        match &cmds[1] {
            ControlCommand::CreateTables {
                merge: true,
                tables,
                ..
            } => assert_eq!(tables.len(), 2),
            other => panic!("{other:?}"),
        }
        match &cmds[2] {
            ControlCommand::CreateFunction {
                mode: FunctionMode::Create,
                name,
                params,
                ..
            } => {
                assert_eq!(name.name, "IrmAlerts");
                assert!(params[0].default.is_some());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(cmds[2].option("folder"), Some("IRM"));
        assert!(matches!(
            &cmds[3],
            ControlCommand::CreateFunction {
                mode: FunctionMode::CreateOrAlter,
                ..
            }
        ));
        assert!(matches!(
            &cmds[4],
            ControlCommand::CreateFunction {
                mode: FunctionMode::CreateIfNotExists,
                ..
            }
        ));
        assert!(matches!(
            &cmds[5],
            ControlCommand::CreateFunction {
                mode: FunctionMode::Alter,
                ..
            }
        ));
    }

    #[test]
    fn bad_commands_point_at_the_text() {
        let src = ".create table T (a:long)\n.drop table T";
        let e = parse_control(src).unwrap_err();
        assert_eq!(&src[e.span.range()], ".drop");
        assert!(e.message.contains("`.drop table`"), "{}", e.message);

        let src = ".create table T (a long)";
        let e = parse_control(src).unwrap_err();
        assert_eq!(e.span.range().start, src.find("long").unwrap());

        let src = ".create function F(x:string) { strlen(x) ";
        let e = parse_control(src).unwrap_err();
        assert_eq!(e.span.range().start, src.len());

        let src = "T | take 1";
        let e = parse_control(src).unwrap_err();
        assert_eq!(e.span.range().start, 0);
    }
}
