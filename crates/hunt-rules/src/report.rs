//! Machine-readable reports: JUnit XML for every case (CI test tabs), and SARIF 2.1.0 for rules
//! that do not parse, do not bind or use what hunt refuses, each placed on the rule file's line
//! and column (code scanning annotates the rule there). Written with quick-junit and
//! serde-sarif.

use std::path::Path;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use serde_sarif::sarif;

use crate::FileOutcome;
use crate::case::Status;

/// The JUnit XML of a run: one test suite per test file, one test case per case. A file that
/// could not be read is one errored test case named after the file.
pub fn junit(outcomes: &[FileOutcome]) -> Result<String, String> {
    let mut report = Report::new("hunt test");
    for file in outcomes {
        let mut suite = TestSuite::new(file.path.display().to_string());
        let classname = file
            .rule
            .as_ref()
            .map(|r| r.path.display().to_string())
            .unwrap_or_else(|| file.path.display().to_string());
        if let Some(e) = &file.error {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status.set_message(e.to_string());
            let mut case = TestCase::new(file.path.display().to_string(), status);
            case.set_classname(classname.clone());
            suite.add_test_case(case);
        }
        for c in &file.cases {
            let status = match &c.status {
                Status::Passed | Status::Recorded => TestCaseStatus::success(),
                Status::Failed(msgs) => {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    s.set_message(msgs.first().and_then(|m| m.lines().next()).unwrap_or(""));
                    s.set_type("expectation");
                    s.set_description(msgs.join("\n"));
                    s
                }
                Status::RuleError(d) => {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    s.set_message(format!(
                        "{}:{}:{}: {}: {}",
                        classname, d.start.0, d.start.1, d.diagnostic.kind, d.diagnostic.message
                    ));
                    s.set_type(d.diagnostic.kind.as_str());
                    s
                }
                Status::Broken(m) => {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                    s.set_message(m.clone());
                    s
                }
            };
            let mut case = TestCase::new(c.name.clone(), status);
            case.set_classname(classname.clone());
            case.set_time(c.elapsed);
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report.to_string().map_err(|e| e.to_string())
}

/// The SARIF log of a run: one result per distinct error in a rule's query that makes the
/// rule wrong whatever the data (parse and bind errors, refusals).
pub fn sarif(outcomes: &[FileOutcome]) -> Result<String, String> {
    let mut results: Vec<sarif::Result> = Vec::new();
    let mut seen: Vec<(String, (usize, usize), String)> = Vec::new();
    let mut rule_ids: Vec<&'static str> = Vec::new();
    for file in outcomes {
        let Some(rule) = &file.rule else { continue };
        let uri = artifact_uri(&rule.path);
        for c in &file.cases {
            let Status::RuleError(d) = &c.status else {
                continue;
            };
            if !d.static_error {
                continue;
            }
            let key = (uri.clone(), d.start, d.diagnostic.message.clone());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let id = rule_id(d.diagnostic.kind.as_str());
            if !rule_ids.contains(&id) {
                rule_ids.push(id);
            }
            let mut text = format!("{}: {}", d.diagnostic.kind, d.diagnostic.message);
            if let Some(help) = &d.diagnostic.help {
                text.push_str(&format!(" ({help})"));
            }
            let region = sarif::Region::builder()
                .start_line(d.start.0 as i64)
                .start_column(d.start.1 as i64)
                .end_line(d.end.0 as i64)
                .end_column(d.end.1 as i64)
                .build();
            let location = sarif::Location::builder()
                .physical_location(
                    sarif::PhysicalLocation::builder()
                        .artifact_location(
                            sarif::ArtifactLocation::builder().uri(uri.clone()).build(),
                        )
                        .region(region)
                        .build(),
                )
                .build();
            results.push(
                sarif::Result::builder()
                    .rule_id(id.to_owned())
                    .level(sarif::ResultLevel::Error)
                    .message(sarif::Message::builder().text(text).build())
                    .locations(vec![location])
                    .build(),
            );
        }
    }
    let rules = rule_ids
        .iter()
        .map(|id| {
            sarif::ReportingDescriptor::builder()
                .id(id.to_string())
                .short_description(
                    sarif::MultiformatMessageString::builder()
                        .text(rule_text(id).to_owned())
                        .build(),
                )
                .build()
        })
        .collect::<Vec<_>>();
    let driver = sarif::ToolComponent::builder()
        .name("hunt".to_owned())
        .version(env!("CARGO_PKG_VERSION").to_owned())
        .rules(rules)
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .build();
    let log = sarif::Sarif::builder()
        .schema(sarif::SCHEMA_URL.to_owned())
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build();
    serde_json::to_string_pretty(&log).map_err(|e| e.to_string())
}

fn rule_id(kind: &str) -> &'static str {
    match kind {
        "syntax error" => "hunt/syntax-error",
        "unknown name" => "hunt/unknown-name",
        "type error" => "hunt/type-error",
        "not supported" => "hunt/not-supported",
        _ => "hunt/invalid-query",
    }
}

fn rule_text(id: &str) -> &'static str {
    match id {
        "hunt/syntax-error" => "The rule's query is not valid KQL.",
        "hunt/unknown-name" => {
            "The rule's query names a table, column or function that does not exist."
        }
        "hunt/type-error" => "The rule's query mixes types KQL does not combine.",
        "hunt/not-supported" => {
            "The rule's query uses KQL that hunt does not support, so it cannot be tested offline."
        }
        _ => "The rule's query is not valid.",
    }
}

/// The rule file as code scanning wants it: relative to the current directory when it lies
/// below it, with `/` separators.
fn artifact_uri(path: &Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            let abs = std::path::absolute(path).ok()?;
            abs.strip_prefix(&cwd).ok().map(Path::to_path_buf)
        })
        .unwrap_or_else(|| path.to_path_buf());
    // `a/../b` is `b`: test files often name their rule through `..`.
    let mut parts: Vec<String> = Vec::new();
    for c in rel.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if parts.last().is_some_and(|p| p.as_str() != "..") => {
                parts.pop();
            }
            c => parts.push(c.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts.join("/")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn artifact_uris_are_relative_and_normalised() {
        assert_eq!(
            artifact_uri(Path::new("rules-failing/../rules/x.yaml")),
            "rules/x.yaml"
        );
        assert_eq!(artifact_uri(Path::new("./a/b.kql")), "a/b.kql");
    }
}
