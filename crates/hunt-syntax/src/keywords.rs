//! The words of KQL that cannot be a bare name. Kusto's grammar takes a name
//! (`IdentifierName` in `QueryGrammar.cs` of microsoft/Kusto-Query-Language) from an
//! identifier or a keyword marked `canBeIdentifier` in `SyntaxFacts.cs`; the keywords
//! below are the rest (the plain words among them: operators such as `project-away` cannot
//! be read as a name anyway), less the `ExtendedKeywordsAsIdentifiers` of `KustoFacts.cs`
//! (`print`, `kind`, `to`, `where`, …), which are names in some places: the docs' own
//! `print print = …` runs. A bracketed name (`['time']`) may be any of them. The
//! oracle agrees wherever it has a case: `extend first = …`, `extend missing = …`,
//! `project last = …`, `parse … with first:string` are all rejected.

/// The keywords that are not names, sorted.
pub const NOT_NAMES: &[&str] = &[
    "__contextual_datatable",
    "__id",
    "and",
    "anomalychart",
    "areachart",
    "asc",
    "bagexpansion",
    "barchart",
    "between",
    "boolean",
    "byte",
    "cachingpolicy",
    "callout",
    "cancel",
    "card",
    "char",
    "columnchart",
    "contains_cs",
    "containscs",
    "cycles",
    "dataexport",
    "datascope",
    "date",
    "datetime",
    "decimal",
    "decodeblocks",
    "desc",
    "double",
    "dynamic",
    "encodingpolicy",
    "endswith",
    "endswith_cs",
    "expandoutput",
    "extent_tags_retention",
    "external_data",
    "first",
    "flags",
    "float",
    "force_remote",
    "harddelete",
    "hardretention",
    "has_all",
    "has_any",
    "has_cs",
    "hasprefix",
    "hasprefix_cs",
    "hassuffix",
    "hassuffix_cs",
    "hotcache",
    "int",
    "int16",
    "int32",
    "int64",
    "int8",
    "isfuzzy",
    "journal",
    "ladderchart",
    "last",
    "like",
    "likecs",
    "linechart",
    "long",
    "missing",
    "nooptimization",
    "notcontains",
    "notcontainscs",
    "notlike",
    "notlikecs",
    "or",
    "others",
    "pathformat",
    "piechart",
    "pivotchart",
    "project",
    "queries",
    "query_results",
    "real",
    "relaxed",
    "restricted_view_access",
    "row_level_security",
    "rowstore",
    "rowstore_references",
    "rowstore_sealinfo",
    "rowstorepolicy",
    "rowstores",
    "scatterchart",
    "seal",
    "seals",
    "shards",
    "simple",
    "softdelete",
    "softretention",
    "stackedareachart",
    "startswith",
    "startswith_cs",
    "statistics",
    "storedqueryresultcontainers",
    "string",
    "tablepurge",
    "time",
    "timechart",
    "timeline",
    "timepivot",
    "timespan",
    "treemap",
    "uint",
    "uint16",
    "uint32",
    "uint64",
    "uint8",
    "ulong",
    "union",
    "uniqueid",
    "unrestrictedviewers",
    "views",
    "with_itemindex",
    "with_match_id",
    "with_step_name",
    "writeaheadlog",
];

/// True if `word`, written bare, is a keyword that Kusto's grammar does not read as a name.
pub fn is_not_a_name(word: &str) -> bool {
    NOT_NAMES.binary_search(&word).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_for_binary_search() {
        assert!(NOT_NAMES.windows(2).all(|w| w[0] < w[1]));
        assert!(is_not_a_name("first") && is_not_a_name("time") && !is_not_a_name("print"));
        assert!(!is_not_a_name("bool") && !is_not_a_name("x") && !is_not_a_name("count"));
    }
}
