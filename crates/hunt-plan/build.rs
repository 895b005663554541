//! Embeds the advanced-hunting catalog: writes `$OUT_DIR/catalog_files.rs`, a list of
//! `(table name, include_str!(schema file))` for every `catalog/<Table>.json`, so that adding
//! a schema file needs no code change.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_string))
            .collect(),
        Err(e) => panic!("cannot read the catalog folder {}: {e}", dir.display()),
    };
    names.sort();
    let mut out = String::from("/// Every catalog schema file: (table name, file text).\n");
    out.push_str("pub(crate) static FILES: &[(&str, &str)] = &[\n");
    for n in &names {
        let path = dir.join(format!("{n}.json"));
        let _ = writeln!(
            out,
            "    ({n:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalog_files.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}
