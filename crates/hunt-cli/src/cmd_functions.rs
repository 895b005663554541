//! `hunt functions [--data DIR] [NAME]`: lists the stored functions (the built-in library
//! and DIR/schema.kql's `.create function`s), or prints one function's definition.
//! `hunt functions --builtins`: the KQL functions themselves, from the function registry.

use std::io::Write;
use std::path::PathBuf;

/// Flags of `hunt functions`.
#[derive(Debug, clap::Args)]
pub struct FunctionsArgs {
    /// Data directory whose schema.kql functions to include [default: built-ins only].
    #[arg(long, value_name = "DIR", env = "HUNT_DATA")]
    pub data: Option<PathBuf>,
    /// List the built-in KQL functions (name, kind, supported) instead.
    #[arg(long, conflicts_with_all = ["data", "name"])]
    pub builtins: bool,
    /// Print this function's definition instead of the list.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
}

/// Runs `hunt functions`.
pub fn run(args: &FunctionsArgs, out: &mut impl Write) -> anyhow::Result<bool> {
    if args.builtins {
        let reg = hunt::function_registry();
        for e in reg.entries() {
            let support = hunt::Registry::support_text(e);
            writeln!(out, "{}\t{}\t{support}", e.name, e.kind.label())?;
        }
        return Ok(true);
    }
    let data = match &args.data {
        Some(dir) if !dir.as_os_str().is_empty() => crate::cmd_irm::open(dir)?,
        _ => hunt_irm::DataDir::with_engine(hunt::Engine::new(), None)
            .map_err(|e| anyhow::anyhow!(crate::cmd_irm::describe(&e)))?,
    };
    let functions = data.engine().functions();
    if let Some(name) = &args.name {
        let Some(f) = functions.get(name) else {
            anyhow::bail!("no stored function `{name}` (see `hunt functions`)");
        };
        writeln!(out, "// {} ({})", f.signature(), f.origin)?;
        writeln!(out, "{}", f.text.trim_end())?;
        return Ok(true);
    }
    for f in functions.iter() {
        let folder = f.folder.as_deref().unwrap_or("");
        let doc = f.docstring.as_deref().unwrap_or("");
        writeln!(out, "{}\t{folder}\t{}\t{doc}", f.signature(), f.origin)?;
    }
    Ok(!functions.is_empty())
}
