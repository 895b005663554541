//! The built-in KQL function library: `.create function ifnotexists` commands shipped as
//! `.kql` files (they run unchanged in Kusto). Installed after `DIR/schema.kql`, so a data
//! directory's own definition of a name wins.

use hunt::Engine;

/// The library's files: (file name, text).
pub const FILES: &[(&str, &str)] = &[
    ("alert_status.kql", include_str!("../kql/alert_status.kql")),
    ("alerts.kql", include_str!("../kql/alerts.kql")),
    ("incidents.kql", include_str!("../kql/incidents.kql")),
    ("timeline.kql", include_str!("../kql/timeline.kql")),
];

/// The origin recorded for built-in functions.
pub const ORIGIN: &str = "built-in";

/// Adds the built-in functions to `engine` (those it already has are kept).
pub fn install(engine: &mut Engine) -> Result<(), hunt::Error> {
    for (name, text) in FILES {
        engine
            .apply_script(text, &format!("{ORIGIN} kql/{name}"))
            .map_err(|e| hunt::Error::Script(Box::new(e)))?;
    }
    Ok(())
}

/// An engine with no tables and the built-in functions, for evaluating scalar functions.
pub fn engine() -> Result<Engine, hunt::Error> {
    let mut e = Engine::new();
    install(&mut e)?;
    Ok(e)
}
