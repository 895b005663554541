//! Exports built from `hunt gen` data, imported back, answer the benchmark queries with the
//! same rows as the original Parquet tables.
//!
//! The exports follow the documented shapes: the streaming API's Event Hub batches
//! (`{"records":[{"time","tenantId","operationName","category":"AdvancedHunting-<Table>",
//! "properties":{...}}]}`, dynamic columns as JSON text) and its storage-blob form (one
//! record per line, gzip), and a Graph `runHuntingQuery` response
//! (`{"schema":[{"name","type"}],"results":[...]}` with .NET type names).

use std::io::Write;
use std::path::Path;

use hunt::format::{cell_json, cell_text};
use hunt::{Engine, KqlType, QueryResult};
use serde_json::{Map, Value, json};

fn all_rows(engine: &Engine, table: &str) -> QueryResult {
    engine.query(table).expect("query a whole table")
}

/// Each row as a JSON object the way Defender sends it: datetimes as ISO text, dynamic
/// columns as JSON text.
fn json_rows(result: &QueryResult, dynamic_as_text: bool) -> Vec<Map<String, Value>> {
    let mut out = Vec::new();
    for batch in &result.batches {
        for row in 0..batch.num_rows() {
            let mut obj = Map::new();
            for (f, col) in result.schema.fields.iter().zip(batch.columns()) {
                let mut v = cell_json(col, row, f.ty);
                if dynamic_as_text && f.ty == KqlType::Dynamic && !v.is_null() {
                    v = Value::String(v.to_string());
                }
                obj.insert(f.name.clone(), v);
            }
            out.push(obj);
        }
    }
    out
}

fn stream_record(table: &str, props: Map<String, Value>) -> Value {
    json!({
        "time": props.get("Timestamp").cloned().unwrap_or(Value::Null),
        "tenantId": "2f7b5a3c-0000-4000-8000-000000000001",
        "operationName": "Publish",
        "category": format!("AdvancedHunting-{table}"),
        "properties": Value::Object(props),
    })
}

fn gzip(path: &Path, text: &str) {
    let f = std::fs::File::create(path).expect("create");
    let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
    gz.write_all(text.as_bytes()).expect("gzip");
    gz.finish().expect("gzip end");
}

fn sorted_text(result: &QueryResult) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for batch in &result.batches {
        for row in 0..batch.num_rows() {
            rows.push(
                result
                    .schema
                    .fields
                    .iter()
                    .zip(batch.columns())
                    .map(|(f, c)| cell_text(c, row, f.ty))
                    .collect::<Vec<_>>(),
            );
        }
    }
    rows.sort();
    rows
}

#[test]
fn streaming_api_and_graph_exports_answer_like_the_original() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let orig = tmp.path().join("orig");
    hunt_benches::dataset(3000, &orig).expect("generate");
    let mut original = Engine::open_dir(&orig).expect("open original");
    original.set_now(hunt_benches::NOW_NS);

    let exports = tmp.path().join("exports");
    std::fs::create_dir_all(exports.join("eventhub")).expect("mkdir");
    // DataSecurityEvents and AlertInfo: Event Hub batches of 700 records, some files
    // pretty-printed, some gzip, one file holding two batches.
    let mut n = 0;
    for table in ["DataSecurityEvents", "AlertInfo"] {
        let rows = json_rows(&all_rows(&original, table), true);
        let batches: Vec<Value> = rows
            .chunks(700)
            .map(|c| {
                json!({"records": c.iter().map(|r| stream_record(table, r.clone())).collect::<Vec<_>>()})
            })
            .collect();
        for pair in batches.chunks(2) {
            let path = exports.join("eventhub").join(format!("batch-{n:03}.json"));
            match n % 3 {
                0 => std::fs::write(&path, serde_json::to_string_pretty(&pair[0]).expect("json"))
                    .expect("write"),
                1 => gzip(
                    &path.with_extension("json.gz"),
                    &pair
                        .iter()
                        .map(|b| b.to_string() + "\n")
                        .collect::<String>(),
                ),
                _ => std::fs::write(&path, pair[0].to_string()).expect("write"),
            }
            if n % 3 != 1 && pair.len() == 2 {
                let p2 = exports.join("eventhub").join(format!("batch-{n:03}b.json"));
                std::fs::write(&p2, pair[1].to_string()).expect("write");
            }
            n += 1;
        }
    }
    // DataSecurityBehaviors: a storage blob, one record per line, gzip.
    let rows = json_rows(&all_rows(&original, "DataSecurityBehaviors"), true);
    let blob: String = rows
        .into_iter()
        .map(|r| stream_record("DataSecurityBehaviors", r).to_string() + "\n")
        .collect();
    gzip(&exports.join("PT1H.json.gz"), &blob);

    // AlertEvidence: a Graph runHuntingQuery response.
    let ae = all_rows(&original, "AlertEvidence");
    let graph = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults",
        "schema": ae.schema.fields.iter()
            .map(|f| json!({"name": f.name, "type": hunt::format::dotnet_type(f.ty)}))
            .collect::<Vec<_>>(),
        "results": json_rows(&ae, false),
    });
    let graph_file = tmp.path().join("graph-response.json");
    std::fs::write(
        &graph_file,
        serde_json::to_string_pretty(&graph).expect("json"),
    )
    .expect("write");

    let data = tmp.path().join("imported");
    let opts = hunt_import::ImportOptions::new(&data);
    let report = hunt_import::import(&opts, &[exports.clone()], &mut |_| {}).expect("import");
    assert!(report.bad.is_empty(), "{:?}", report.bad);
    let mut graph_opts = opts.clone();
    graph_opts.table = Some("AlertEvidence".into());
    hunt_import::import(&graph_opts, &[graph_file.clone()], &mut |_| {}).expect("import graph");

    // Partitioned by day, hidden bookkeeping only under .hunt-import.
    let day_dirs: Vec<String> = std::fs::read_dir(data.join("DataSecurityEvents"))
        .expect("table dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        day_dirs.iter().all(|d| d.starts_with("date=20")),
        "{day_dirs:?}"
    );
    assert!(day_dirs.len() > 5);

    let mut imported = Engine::open_dir(&data).expect("open imported");
    imported.set_now(hunt_benches::NOW_NS);
    for table in [
        "DataSecurityEvents",
        "DataSecurityBehaviors",
        "AlertInfo",
        "AlertEvidence",
    ] {
        let count = |e: &Engine| e.query(&format!("{table} | count")).expect("count");
        assert_eq!(
            sorted_text(&count(&original)),
            sorted_text(&count(&imported)),
            "{table} row count"
        );
    }
    for q in hunt_benches::QUERY_SUITE {
        let a = original.query(q.kql).expect(q.name);
        let b = imported.query(q.kql).expect(q.name);
        assert_eq!(a.schema, b.schema, "{}", q.name);
        assert!(a.num_rows() > 0, "{} returns rows", q.name);
        assert_eq!(sorted_text(&a), sorted_text(&b), "{}", q.name);
    }
    // Whole tables too, value for value.
    for table in ["DataSecurityEvents", "AlertEvidence"] {
        assert_eq!(
            sorted_text(&all_rows(&original, table)),
            sorted_text(&all_rows(&imported, table)),
            "{table}"
        );
    }

    // Importing the same inputs again adds nothing.
    let again = hunt_import::import(&opts, &[exports], &mut |_| {}).expect("re-import");
    assert!(again.imported.is_empty());
    assert!(!again.skipped.is_empty());
    let again = hunt_import::import(&graph_opts, &[graph_file], &mut |_| {}).expect("re-import");
    assert_eq!(again.skipped.len(), 1);
    let imported = Engine::open_dir(&data).expect("reopen");
    let count = imported.query("AlertEvidence | count").expect("count");
    let orig_count = original.query("AlertEvidence | count").expect("count");
    assert_eq!(sorted_text(&count), sorted_text(&orig_count));
}
