//! The Defender ↔ IRM alert status mapping for Rust callers. The mapping is defined once,
//! in KQL (`kql/alert_status.kql`); these helpers evaluate it through the engine.

use crate::IrmError;
use hunt::Engine;
use std::sync::OnceLock;

fn engine() -> Result<&'static Engine, IrmError> {
    static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();
    match ENGINE.get_or_init(|| crate::library::engine().map_err(|e| e.to_string())) {
        Ok(e) => Ok(e),
        Err(m) => Err(IrmError::Invalid(format!(
            "the built-in function library does not load: {m}"
        ))),
    }
}

/// A KQL string literal holding `s` (JSON escapes are KQL escapes).
pub(crate) fn kql_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// Evaluates `print` of string expressions, returning each (empty → `None`).
fn eval_strings(exprs: &[String]) -> Result<Vec<Option<String>>, IrmError> {
    let cols: Vec<String> = exprs
        .iter()
        .enumerate()
        .map(|(i, e)| format!("c{i} = {e}"))
        .collect();
    let result = engine()?.query(&format!("print {}", cols.join(", ")))?;
    let mut out = Vec::new();
    for i in 0..exprs.len() {
        let v = result
            .batches
            .iter()
            .find(|b| b.num_rows() > 0)
            .map(|b| hunt::format::cell_text(b.column(i), 0, hunt::KqlType::String));
        out.push(v.filter(|s| !s.is_empty()));
    }
    Ok(out)
}

/// The IRM status (`Needs review`, `Confirmed`, `Dismissed`) of a Defender alert with
/// `status` and `classification` (any spelling: portal, Graph, Sentinel); `None` when the
/// pair has no IRM status. Evaluates `IrmAlertStatus`.
pub fn status_to_irm(
    status: &str,
    classification: Option<&str>,
) -> Result<Option<String>, IrmError> {
    let e = format!(
        "IrmAlertStatus({}, {})",
        kql_string(status),
        kql_string(classification.unwrap_or(""))
    );
    Ok(eval_strings(&[e])?.pop().flatten())
}

/// The Defender status and classification for an IRM status: `Needs review` → (`New`,
/// none); `Confirmed` → (`Resolved`, `True positive`); `Dismissed` → (`Resolved`, none:
/// undetermined). `(None, None)` where the IRM status has no Defender counterpart.
/// Evaluates `DefenderAlertStatus` and `DefenderAlertClassification`.
pub fn irm_to_defender(irm_status: &str) -> Result<(Option<String>, Option<String>), IrmError> {
    let s = kql_string(irm_status);
    let mut v = eval_strings(&[
        format!("DefenderAlertStatus({s})"),
        format!("DefenderAlertClassification({s})"),
    ])?;
    let class = v.pop().flatten();
    let status = v.pop().flatten();
    Ok((status, class))
}
