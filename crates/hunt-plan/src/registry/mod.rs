//! The function registry: the one place that knows every KQL function name hunt knows,
//! what kind of function it is, and whether hunt runs it. The planner looks names up
//! here (and suggests from here), and so do `hunt check`, `hunt functions`, the shell's
//! completion and the docs' table; no other function-name list exists.
//!
//! An entry is implemented one of three ways:
//! - a definition ([`traits`]): one file under [`defs`] holding name, signature, result
//!   type and the implementation over Arrow arrays (the way to add a function; see
//!   `docs/architecture.md`);
//! - a bridge: the function is bound by the planner's own code (the core functions in
//!   `planner::functions`, the aggregates there and in `planner::aggregates_more`, the
//!   window functions in `planner::window`) or by the library (`crate::library`, whose
//!   `lib_funcs!` table is read here), and run by the executor's matching arms; these move
//!   onto definitions family by family;
//! - known but not supported yet: the name is Kusto's, hunt refuses it by name.

pub(crate) mod aliases;
pub mod defs;
mod naming;
pub mod traits;

pub use traits::{
    AggDef, AggregateFunction, ArgValue, FunctionError, GroupState, ResultName, ScalarDef,
    ScalarFunction,
};

use std::collections::HashMap;
use std::sync::OnceLock;

/// What kind of function a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A scalar function: one value per row.
    Scalar,
    /// An aggregate of `summarize` (and `make-series`, `top-nested`).
    Aggregate,
    /// A window function over serialized rows.
    Window,
}

impl Kind {
    /// The word for it in listings.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Scalar => "scalar",
            Kind::Aggregate => "aggregate",
            Kind::Window => "window",
        }
    }
}

/// How hunt runs a function.
#[derive(Debug, Clone, Copy)]
pub enum Implementation {
    /// A definition of its own ([`ScalarFunction`]).
    Scalar(ScalarDef),
    /// A definition of its own ([`AggregateFunction`]).
    Aggregate(AggDef),
    /// Bound and run by the older per-family code (see the module header).
    Bridge,
    /// Known to Kusto, refused by hunt; the text says why when there is more to say.
    Unsupported(Option<&'static str>),
}

/// One function name.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// The KQL name.
    pub name: &'static str,
    /// Scalar, aggregate or window.
    pub kind: Kind,
    /// How hunt runs it.
    pub imp: Implementation,
}

impl Entry {
    /// False for the names hunt refuses.
    pub fn supported(&self) -> bool {
        !matches!(self.imp, Implementation::Unsupported(_))
    }
}

/// Scalar functions bound by the planner's own code (`planner::functions::bind_call`,
/// `planner::subquery`), not by the library.
const CORE_SCALARS: &[&str] = &[
    "around",
    "bag_pack_columns",
    "pack_all",
    "isempty",
    "isnotempty",
    "isnull",
    "isnotnull",
    "not",
    "tostring",
    "tolower",
    "toupper",
    "strlen",
    "strcat",
    "iff",
    "iif",
    "now",
    "ago",
    "bin",
    "bin_auto",
    "floor",
    "toint",
    "tolong",
    "todouble",
    "toreal",
    "toscalar",
];

/// Aggregates bound by `planner::functions::bind_aggregate` (and `aggregates_more`),
/// `…if` forms included.
const BRIDGE_AGGREGATES: &[&str] = &[
    "count",
    "countif",
    "dcount",
    "dcountif",
    "count_distinct",
    "count_distinctif",
    "sum",
    "sumif",
    "min",
    "minif",
    "max",
    "maxif",
    "avg",
    "avgif",
    "arg_max",
    "arg_min",
    "make_list",
    "make_list_if",
    "make_set",
    "make_set_if",
    "make_bag",
    "make_bag_if",
    "make_list_with_nulls",
    "take_any",
    "take_anyif",
    "percentile",
    "percentiles",
    "percentilew",
    "percentilesw",
    "percentiles_array",
    "percentilesw_array",
];

/// Window functions (`planner::window`).
const WINDOWS: &[&str] = &[
    "row_number",
    "row_window_session",
    "row_cumsum",
    "prev",
    "next",
    "row_rank_min",
    "row_rank_dense",
];

/// Kusto functions hunt refuses by name, and why when there is more to say than "not yet".
const UNSUPPORTED: &[(&str, Kind, Option<&str>)] = &[
    ("column_ifexists", Kind::Scalar, None),
    // Kusto's decimal is a 128-bit decimal number with its own arithmetic (the oracle:
    // `todecimal(0.1) + todecimal(0.2) == todecimal(0.3)` is true); hunt has no such type,
    // and a real in its place would answer that comparison wrongly.
    (
        "todecimal",
        Kind::Scalar,
        Some("hunt has no decimal type (128-bit decimal arithmetic)"),
    ),
    // Library functions whose Kusto answer hunt cannot reproduce (their `lib_funcs!`
    // entries stay for the kernels they share; the registry refuses them first).
    (
        "base64_decode_toguid",
        Kind::Scalar,
        Some(
            "the docs' example orders the GUID's bytes unlike .NET, which their base64_encode_fromguid example follows",
        ),
    ),
    (
        "beta_inv",
        Kind::Scalar,
        Some("Kusto's numeric inversion differs from the exact one in the last digits"),
    ),
    ("hash_combine", Kind::Scalar, Some(HASHES)),
    ("hash_many", Kind::Scalar, Some(HASHES)),
    ("series_fit_line", Kind::Scalar, Some(FIT_LINE)),
    ("series_fit_line_dynamic", Kind::Scalar, Some(FIT_LINE)),
    (
        "zlib_compress_to_base64_string",
        Kind::Scalar,
        Some("its compressed bytes depend on Kusto's zlib encoder, which hunt cannot reproduce"),
    ),
    ("stdevpif", Kind::Aggregate, Some(VARIANCEPIF)),
    ("variancepif", Kind::Aggregate, Some(VARIANCEPIF)),
    ("series_cosine_similarity", Kind::Scalar, None),
    ("series_decompose", Kind::Scalar, None),
    ("series_decompose_anomalies", Kind::Scalar, None),
    ("series_decompose_forecast", Kind::Scalar, None),
    ("series_dot_product", Kind::Scalar, None),
    ("series_fft", Kind::Scalar, None),
    ("series_ifft", Kind::Scalar, None),
    ("series_fit_2lines", Kind::Scalar, None),
    ("series_fit_2lines_dynamic", Kind::Scalar, None),
    ("series_fit_poly", Kind::Scalar, None),
    ("series_outliers", Kind::Scalar, None),
    ("series_periods_detect", Kind::Scalar, None),
    ("series_periods_validate", Kind::Scalar, None),
    ("series_seasonal", Kind::Scalar, None),
];

/// Why `variancepif`/`stdevpif` are refused.
const VARIANCEPIF: &str = "its docs' example gives the sample variance, unlike variancep's, \
     so Kusto's answer is unclear";

/// Why `hash_many`/`hash_combine` are refused.
const HASHES: &str = "Kusto's way of combining hashes is not documented; only its example value is";
/// Why the line fit is refused: Kusto's slope of [1,2,3,4,5] is 0.9999999999999999
/// (oracle agent-window-series-scan-0019), by a formula its docs do not give.
const FIT_LINE: &str = "Kusto's rounding of the fitted line is not reproduced by hunt";

/// Every function name hunt knows.
pub struct Registry {
    entries: Vec<Entry>,
    by_name: HashMap<&'static str, usize>,
}

impl Registry {
    fn build() -> Registry {
        let mut entries: Vec<Entry> = Vec::new();
        let bridge = |name, kind| Entry {
            name,
            kind,
            imp: Implementation::Bridge,
        };
        entries.extend(CORE_SCALARS.iter().map(|n| bridge(*n, Kind::Scalar)));
        // A library name the registry refuses is its unsupported entry only.
        let refused = |n: &&str| UNSUPPORTED.iter().any(|(u, _, _)| u == n);
        entries.extend(
            crate::library::NAMES
                .iter()
                .filter(|n| !refused(n))
                .map(|n| bridge(*n, Kind::Scalar)),
        );
        entries.extend(
            BRIDGE_AGGREGATES
                .iter()
                .map(|n| bridge(*n, Kind::Aggregate)),
        );
        entries.extend(WINDOWS.iter().map(|n| bridge(*n, Kind::Window)));
        for d in defs::scalars() {
            entries.push(Entry {
                name: d.0.name(),
                kind: Kind::Scalar,
                imp: Implementation::Scalar(d),
            });
        }
        for d in defs::AGGREGATES {
            let names = std::iter::once(d.0.name()).chain(d.0.if_name());
            for name in names {
                entries.push(Entry {
                    name,
                    kind: Kind::Aggregate,
                    imp: Implementation::Aggregate(*d),
                });
            }
        }
        entries.extend(UNSUPPORTED.iter().map(|(name, kind, why)| Entry {
            name,
            kind: *kind,
            imp: Implementation::Unsupported(*why),
        }));
        entries.sort_by_key(|e| e.name);
        // One entry per name: a name listed twice is a bug the registry test catches.
        let by_name = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.name, i))
            .collect();
        Registry { entries, by_name }
    }

    /// The entry of `name` (a current name; aliases are renamed first, see [`aliases`]).
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.by_name.get(name).map(|i| &self.entries[*i])
    }

    /// The entry of `name` or of the function it is an alias of.
    pub fn resolve(&self, name: &str) -> Option<&Entry> {
        self.get(aliases::canonical(name))
    }

    /// Every entry, by name.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The names hunt runs, aliases included, sorted (suggestions and completion).
    pub fn supported_names(&self) -> Vec<&'static str> {
        let mut all: Vec<&'static str> = self
            .entries
            .iter()
            .filter(|e| e.supported())
            .map(|e| e.name)
            .chain(
                aliases::ALIASES
                    .iter()
                    .filter(|a| self.get(a.current).is_some_and(Entry::supported))
                    .map(|a| a.name),
            )
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// Every other accepted name (deprecated names, synonyms) and the function it calls.
    pub fn aliases(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        aliases::ALIASES.iter().map(|a| (a.name, a.current))
    }

    /// The support column of listings: `yes`, or `no` with the reason.
    pub fn support_text(e: &Entry) -> String {
        match e.imp {
            Implementation::Unsupported(Some(why)) => format!("no: {why}"),
            Implementation::Unsupported(None) => "no".into(),
            _ => "yes".into(),
        }
    }

    /// `docs/functions.md`: every entry as a table row, then the aliases.
    pub fn markdown(&self) -> String {
        let mut out = String::from(
            "# Functions\n\nWritten from the function registry (`hunt_plan::registry`) by\n\
             `HUNT_BLESS=1 cargo test -p hunt-plan --lib registry`; a test fails when it is out of\n\
             date. `hunt functions --builtins` prints the same list. \"defined\" functions have a\n\
             definition file of their own (`crates/hunt-plan/src/registry/defs/`), the others run\n\
             through the older per-family code (see `docs/architecture.md`).\n\n\
             | function | kind | supported | implementation |\n| --- | --- | --- | --- |\n",
        );
        for e in &self.entries {
            let imp = match e.imp {
                Implementation::Scalar(_) | Implementation::Aggregate(_) => "defined",
                Implementation::Bridge => "bridge",
                Implementation::Unsupported(_) => "",
            };
            out.push_str(&format!(
                "| `{}` | {} | {} | {imp} |\n",
                e.name,
                e.kind.label(),
                Registry::support_text(e)
            ));
        }
        out.push_str("\n## Other names\n\n| name | calls |\n| --- | --- |\n");
        let mut aliases: Vec<_> = aliases::ALIASES.iter().collect();
        aliases.sort_by_key(|a| a.name);
        for a in aliases {
            out.push_str(&format!("| `{}` | `{}` |\n", a.name, a.current));
        }
        out
    }

    /// How the scalar function called `name` (as written) names its result column.
    pub fn result_name(&self, name: &str) -> Option<ResultName> {
        if let Some(Entry {
            imp: Implementation::Scalar(d),
            ..
        }) = self.get(name)
        {
            return d.0.result_name();
        }
        naming::BRIDGE
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, k)| *k)
    }

    /// Whether `name` (or the function it is an alias of) is of this kind, counting the
    /// names Kusto has as both a scalar and an aggregate.
    pub fn is(&self, name: &str, kind: Kind) -> bool {
        let name = aliases::canonical(name);
        self.get(name).is_some_and(|e| e.kind == kind)
            || (kind == Kind::Aggregate && self.aggregate_form(name).is_some())
            || (kind == Kind::Scalar && self.scalar_form(name).is_some())
    }

    /// The aggregate of a name whose entry is a scalar (`hll_merge`, `merge_tdigest`).
    pub fn aggregate_form(&self, name: &str) -> Option<AggDef> {
        defs::AGGREGATES_NAMED_LIKE_SCALARS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| *d)
    }

    /// The scalar of a name whose entry is an aggregate (`tdigest_merge`).
    pub fn scalar_form(&self, name: &str) -> Option<ScalarDef> {
        defs::scalars_named_like_aggregates()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| d)
    }
}

/// The registry of the built-in functions.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::build)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_listed_once() {
        let r = registry();
        let mut names: Vec<&str> = r.entries().iter().map(|e| e.name).collect();
        let n = names.len();
        names.dedup();
        assert_eq!(n, names.len(), "a function name is listed twice");
    }

    #[test]
    fn aliases_name_known_functions_and_no_function_is_an_alias() {
        let r = registry();
        for a in aliases::ALIASES {
            assert!(
                r.get(a.current).is_some(),
                "alias `{}` of unknown `{}`",
                a.name,
                a.current
            );
            assert!(
                r.get(a.name).is_none(),
                "`{}` is both a function and an alias",
                a.name
            );
        }
    }

    #[test]
    fn the_docs_table_is_the_registry() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/functions.md");
        let want = registry().markdown();
        if std::env::var_os("HUNT_BLESS").is_some() {
            std::fs::write(&path, &want).expect("test input");
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "docs/functions.md is out of date: HUNT_BLESS=1 cargo test -p hunt-plan --lib registry"
        );
    }

    #[test]
    fn window_functions_are_supported() {
        // The issue this registry closes: `row_number` was reported unsupported.
        let e = registry()
            .get("row_number")
            .map(|e| (e.kind, e.supported()));
        assert_eq!(e, Some((Kind::Window, true)));
    }
}
