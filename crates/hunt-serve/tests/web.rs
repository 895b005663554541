//! The web page in a real headless Chromium: the page loads, runs its query through the API,
//! and shows the grid, the chart and the schema tree; the alert queue lists the IRM alerts.
//! Screenshots go to `$CARGO_TARGET_TMPDIR` for a human to look at. Skipped, with a message,
//! when no Chromium is installed.

mod common;

use std::process::Command;

use common::TestServer;

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

/// Runs headless Chromium on `url`: the DOM after scripts ran, and a screenshot at `png`.
fn render(browser: &str, url: &str, png: &std::path::Path) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let common = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--window-size=1280,900",
        "--virtual-time-budget=15000",
    ];
    let user_dir = format!("--user-data-dir={}", profile.path().display());
    let shot = Command::new(browser)
        .args(common)
        .arg(&user_dir)
        .arg(format!("--screenshot={}", png.display()))
        .arg(url)
        .output()
        .expect("run chromium");
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let dom = Command::new(browser)
        .args(common)
        .arg(&user_dir)
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("run chromium");
    String::from_utf8_lossy(&dom.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_runs_a_query_and_shows_the_alert_queue() {
    let Some(browser) = chromium() else {
        eprintln!("SKIPPED: no chromium installed (apt-get install chromium)");
        return;
    };
    let s = TestServer::start(true).await;
    let out = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let base = s.base.clone();
    let (query_dom, queue_dom) = tokio::task::spawn_blocking(move || {
        (
            render(
                browser,
                &format!("{base}/#run"),
                &out.join("hunt-serve-query.png"),
            ),
            render(
                browser,
                &format!("{base}/#alerts"),
                &out.join("hunt-serve-alerts.png"),
            ),
        )
    })
    .await
    .expect("chromium task");
    // The default query ran: a grid with its columns and types, the chart shown, the tree.
    assert!(
        query_dom.contains("Severity<small>string</small>"),
        "{query_dom}"
    );
    assert!(query_dom.contains("Alerts<small>long</small>"));
    assert!(query_dom.contains("rows in"));
    assert!(
        query_dom.contains(r#"<canvas id="chart" width="900" height="280">"#),
        "chart shown"
    );
    assert!(
        query_dom.contains(r#"data-name="AlertInfo""#),
        "schema tree"
    );
    assert!(query_dom.contains(r#"class="k">summarize"#), "highlighting");
    // The alert queue: incidents with IRM statuses to change.
    assert!(queue_dom.contains("class=\"incident\""), "{queue_dom}");
    assert!(queue_dom.contains("<option selected=\"\">Needs review</option>"));
}
