//! `--chart FILE.svg|FILE.html`: draws a query's `render` as a self-contained chart.
//!
//! Columns get the roles the Kusto render docs give them: the x column (`xcolumn`, default
//! the first column), the y columns (`ycolumns`, default every numeric column that is not
//! x or a series column) and the series columns (`series`, default the first string column
//! that is not x: "one string column's values group the numeric columns into lines; other
//! string columns are ignored"). `piechart` takes the first column as the slice label and
//! the second as its size; `card` shows the first record; `table` draws the rows. Properties
//! `title`, `xtitle`, `ytitle`, `legend`, `ymin`, `ymax`, `kind` (`stacked` /
//! `stacked100` for area, column and bar charts) and `ysplit` (`axes`: a second y axis for
//! the second y column) are honoured; others are refused by name. Drawing is charts-rs
//! (SVG, no network needed); `.html` wraps the SVG in a page.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, anyhow, bail};
use charts_rs::{
    BarChart, HorizontalBarChart, LineChart, PieChart, ScatterChart, Series, TableChart,
};
use hunt::format::cell_text;
use hunt::{KqlType, QueryResult};
use hunt_syntax::ast::{OperatorKind, Statement};

/// A query's `render`: the visualization and its properties.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderSpec {
    /// `timechart`, `piechart`, ...
    pub kind: String,
    /// Property name (lower case) → value (unquoted).
    pub props: BTreeMap<String, String>,
}

/// The kinds `--chart` draws.
pub const KINDS: &[&str] = &[
    "timechart",
    "linechart",
    "areachart",
    "stackedareachart",
    "columnchart",
    "barchart",
    "piechart",
    "scatterchart",
    "card",
    "table",
];

const PROPERTIES: &[&str] = &[
    "title",
    "xcolumn",
    "ycolumns",
    "series",
    "kind",
    "ysplit",
    "legend",
    "ymin",
    "ymax",
    "xtitle",
    "ytitle",
    "accumulate",
];

/// The `render` that ends `kql`, if any.
pub fn render_spec(kql: &str) -> anyhow::Result<Option<RenderSpec>> {
    let query = hunt_syntax::parse(kql).map_err(|e| anyhow!("{e}"))?;
    let Some(Statement::Tabular(p)) = query.statements.last() else {
        return Ok(None);
    };
    let Some(OperatorKind::Render { chart, rest }) = p.ops.last().map(|o| &o.kind) else {
        return Ok(None);
    };
    Ok(Some(RenderSpec {
        kind: chart.name.to_ascii_lowercase(),
        props: parse_properties(rest)?,
    }))
}

/// `with (a=1, ycolumns=X,Y, title="t")`: a comma that is not followed by `name =` belongs to
/// the previous value (the comma-delimited lists of `ycolumns` and `series`).
fn parse_properties(rest: &str) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let t = rest.trim();
    if t.is_empty() {
        return Ok(out);
    }
    let inner = t
        .strip_prefix("with")
        .map(str::trim)
        .and_then(|s| s.strip_prefix('('))
        .and_then(|s| s.trim_end().strip_suffix(')'))
        .ok_or_else(|| {
            anyhow!("render properties must be `with (name=value, ...)`, found `{t}`")
        })?;
    let mut current: Option<(String, String)> = None;
    for piece in inner.split(',') {
        let starts_property = piece
            .split_once('=')
            .is_some_and(|(k, _)| PROPERTIES.contains(&k.trim().to_ascii_lowercase().as_str()));
        match (starts_property, current.as_mut()) {
            (false, Some((_, v))) => {
                v.push(',');
                v.push_str(piece.trim());
            }
            (false, None) => bail!("cannot read render property `{}`", piece.trim()),
            (true, _) => {
                if let Some((k, v)) = current.take() {
                    out.insert(k, v);
                }
                let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
                current = Some((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
        }
    }
    if let Some((k, v)) = current {
        out.insert(k, v);
    }
    for v in out.values_mut() {
        let unquoted = v.trim().trim_matches(|c| c == '"' || c == '\'').to_owned();
        *v = unquoted;
    }
    Ok(out)
}

/// Draws `result` as `spec` says and writes it to `path` (`.svg` or `.html`).
pub fn write_chart(path: &Path, spec: &RenderSpec, result: &QueryResult) -> anyhow::Result<()> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if ext != "svg" && ext != "html" {
        bail!(
            "--chart `{}`: the file name must end in .svg or .html",
            path.display()
        );
    }
    let svg = draw(spec, result)?;
    let text = if ext == "html" {
        let title = spec
            .props
            .get("title")
            .map_or(spec.kind.as_str(), String::as_str);
        format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body style=\"margin:0;background:#fff\">\n{svg}\n</body></html>\n",
            escape(title)
        )
    } else {
        svg
    };
    let tmp = path.with_extension(format!("{ext}.tmp"));
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .with_context(|| format!("cannot write `{}`", path.display()))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The result as text cells, row by row.
fn rows(result: &QueryResult) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for b in &result.batches {
        for r in 0..b.num_rows() {
            out.push(
                result
                    .schema
                    .fields
                    .iter()
                    .zip(b.columns())
                    .map(|(f, c)| cell_text(c, r, f.ty))
                    .collect(),
            );
        }
    }
    out
}

fn column(result: &QueryResult, name: &str) -> anyhow::Result<usize> {
    result
        .schema
        .index_of(name)
        .ok_or_else(|| anyhow!("render names column `{name}`, which the result does not have"))
}

fn numeric(ty: KqlType) -> bool {
    matches!(ty, KqlType::Int | KqlType::Long | KqlType::Real)
}

/// The SVG of the chart.
fn draw(spec: &RenderSpec, result: &QueryResult) -> anyhow::Result<String> {
    if !KINDS.contains(&spec.kind.as_str()) {
        bail!(
            "render {} is not supported by --chart (supported: {})",
            spec.kind,
            KINDS.join(", ")
        );
    }
    for k in spec.props.keys() {
        if !PROPERTIES.contains(&k.as_str()) {
            bail!("render property `{k}` is not supported by --chart");
        }
    }
    if spec.props.get("ysplit").is_some_and(|v| v == "panels") {
        bail!("render ysplit=panels is not supported by --chart (ysplit=axes is)");
    }
    let fields = &result.schema.fields;
    let rows = rows(result);
    let title = spec.props.get("title").cloned().unwrap_or_default();
    if fields.is_empty() {
        bail!("the result has no columns to chart");
    }
    match spec.kind.as_str() {
        "table" => {
            let mut data = vec![fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>()];
            data.extend(rows.into_iter().take(50));
            let mut c = TableChart::new(data);
            c.title.text = title;
            return Ok(c.svg()?);
        }
        "card" => {
            let first = rows.first().cloned().unwrap_or_default();
            let data = vec![
                fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
                first,
            ];
            let mut c = TableChart::new(data);
            c.title.text = title;
            return Ok(c.svg()?);
        }
        _ => {}
    }
    let x = match spec.props.get("xcolumn") {
        Some(name) => column(result, name)?,
        None => 0,
    };
    if spec.kind == "piechart" {
        let y = match spec.props.get("ycolumns") {
            Some(name) => column(result, name.split(',').next().unwrap_or(name).trim())?,
            None => (0..fields.len())
                .find(|&i| i != x && numeric(fields[i].ty))
                .ok_or_else(|| anyhow!("piechart needs a numeric column after the label"))?,
        };
        let series = rows
            .iter()
            .map(|r| Series::new(r[x].clone(), vec![r[y].parse::<f32>().unwrap_or(0.0)]))
            .collect();
        let mut c = PieChart::new(series);
        // charts-rs defaults to a rose (radius by value) donut; Kusto draws a plain pie.
        c.rose_type = Some(false);
        c.inner_radius = 0.0;
        // Rounded corners make thin slices look shorter than the rest.
        c.border_radius = Some(0.0);
        // Room for the slice labels on both sides; slices under 3 degrees (about 1%) get
        // none, as their labels would overlap (the tooltip still names them).
        // charts-rs centres the pie only when the radius is 40% of the shorter side.
        c.width = 1000.0;
        c.height = 440.0;
        c.radius = 176.0;
        c.min_show_label_angle = 3.0;
        c.title.text = title;
        legend(&mut c.legend.show, spec);
        return Ok(c.svg()?);
    }
    let series_cols: Vec<usize> = match spec.props.get("series") {
        Some(list) => list
            .split(',')
            .map(|n| column(result, n.trim()))
            .collect::<anyhow::Result<_>>()?,
        None => (0..fields.len())
            .filter(|&i| i != x && !numeric(fields[i].ty))
            .filter(|&i| fields[i].ty != KqlType::DateTime)
            .take(1)
            .collect(),
    };
    let y_cols: Vec<usize> = match spec.props.get("ycolumns") {
        Some(list) => list
            .split(',')
            .map(|n| column(result, n.trim()))
            .collect::<anyhow::Result<_>>()?,
        None => (0..fields.len())
            .filter(|&i| i != x && !series_cols.contains(&i) && numeric(fields[i].ty))
            .collect(),
    };
    if y_cols.is_empty() {
        bail!("render {} needs a numeric column for the y axis", spec.kind);
    }
    if spec.kind == "timechart" && fields[x].ty != KqlType::DateTime {
        bail!(
            "timechart needs a datetime x column; `{}` is {}",
            fields[x].name,
            fields[x].ty
        );
    }
    if spec.kind == "scatterchart" {
        let mut by_series: BTreeMap<String, Vec<f32>> = BTreeMap::new();
        for r in &rows {
            for &y in &y_cols {
                let key = series_name(r, &series_cols, fields[y].name.as_str(), y_cols.len());
                let (Ok(xv), Ok(yv)) = (r[x].parse::<f32>(), r[y].parse::<f32>()) else {
                    continue;
                };
                by_series.entry(key).or_default().extend([xv, yv]);
            }
        }
        let (width, height) = canvas_for(by_series.keys().map(String::as_str));
        let mut c = ScatterChart::new(
            by_series
                .into_iter()
                .map(|(name, data)| Series::new(name, data))
                .collect(),
        );
        (c.width, c.height) = (width, height);
        c.title.text = title;
        legend(&mut c.legend.show, spec);
        y_range(&mut c.y_axis_configs, spec);
        return Ok(c.svg()?);
    }
    // x values in order of appearance (sorted for time charts), one point per x and series.
    let mut order: Vec<usize> = (0..rows.len()).collect();
    if fields[x].ty == KqlType::DateTime {
        order.sort_by(|&a, &b| rows[a][x].cmp(&rows[b][x]));
    }
    let mut xs: Vec<String> = Vec::new();
    let mut series: BTreeMap<String, (usize, BTreeMap<usize, f32>)> = BTreeMap::new();
    for &i in &order {
        let r = &rows[i];
        let xi = match xs.iter().position(|v| *v == r[x]) {
            Some(p) => p,
            None => {
                xs.push(r[x].clone());
                xs.len() - 1
            }
        };
        for (n, &y) in y_cols.iter().enumerate() {
            let key = series_name(r, &series_cols, fields[y].name.as_str(), y_cols.len());
            let entry = series.entry(key).or_insert_with(|| (n, BTreeMap::new()));
            if let Ok(v) = r[y].parse::<f32>() {
                *entry.1.entry(xi).or_insert(0.0) += v;
            }
        }
    }
    let stacked = spec.kind == "stackedareachart"
        || matches!(
            spec.props.get("kind").map(String::as_str),
            Some("stacked" | "stacked100")
        );
    let percent = spec.props.get("kind").is_some_and(|k| k == "stacked100");
    let split_axes = spec.props.get("ysplit").is_some_and(|v| v == "axes");
    let list: Vec<Series> = series
        .into_iter()
        .map(|(name, (ycol, points))| {
            let data = (0..xs.len()).map(|i| points.get(&i).copied()).collect();
            let mut s = Series::new_nullable(name, data);
            if stacked {
                s.stack = Some("stack".into());
            }
            if split_axes && ycol > 0 {
                s.y_axis_index = 1;
            }
            s
        })
        .collect();
    let (width, height) = canvas_for(list.iter().map(|s| s.name.as_str()));
    let labels = if fields[x].ty == KqlType::DateTime {
        xs.iter().map(|t| short_time(t)).collect()
    } else {
        xs
    };
    let svg = match spec.kind.as_str() {
        "columnchart" => {
            let mut c = BarChart::new(list, labels);
            (c.width, c.height) = (width, height);
            c.title.text = title;
            c.stack_percent = percent;
            legend(&mut c.legend.show, spec);
            y_range(&mut c.y_axis_configs, spec);
            c.svg()?
        }
        "barchart" => {
            let mut c = HorizontalBarChart::new(list, labels);
            (c.width, c.height) = (width, height);
            c.title.text = title;
            legend(&mut c.legend.show, spec);
            c.svg()?
        }
        kind => {
            let mut c = LineChart::new(list, labels);
            (c.width, c.height) = (width, height);
            c.title.text = title;
            c.stack_percent = percent;
            c.series.fill = kind == "areachart" || kind == "stackedareachart";
            legend(&mut c.legend.show, spec);
            y_range(&mut c.y_axis_configs, spec);
            if let Some(t) = spec.props.get("xtitle") {
                c.x_axis.title = t.clone();
            }
            c.svg()?
        }
    };
    Ok(svg)
}

/// The series a row's y value belongs to: the series columns' values, and the y column's
/// name when there are several y columns.
fn series_name(row: &[String], series_cols: &[usize], ycol: &str, ycols: usize) -> String {
    let key: Vec<&str> = series_cols.iter().map(|&i| row[i].as_str()).collect();
    match (key.is_empty(), ycols > 1) {
        (true, _) => ycol.to_owned(),
        (false, false) => key.join(", "),
        (false, true) => format!("{}:{ycol}", key.join(", ")),
    }
}

/// `2025-06-01T10:00:00.0000000Z` → `06-01 10:00`.
fn short_time(t: &str) -> String {
    match (t.get(5..10), t.get(11..16)) {
        (Some(d), Some(h)) if h == "00:00" => d.to_owned(),
        (Some(d), Some(h)) => format!("{d} {h}"),
        _ => t.to_owned(),
    }
}

/// The canvas for a chart whose legend names `series`: a plot area of 1000×400 plus the
/// legend's rows (charts-rs draws the legend inside a fixed canvas, so with many series it
/// would squash the plot to a strip). A legend row is about 22 px high; an entry is its
/// text (about 7.5 px a character at the default 14 px font) plus the marker.
fn canvas_for<'a>(series: impl Iterator<Item = &'a str>) -> (f32, f32) {
    const WIDTH: f32 = 1000.0;
    let entries: f32 = series.map(|n| n.chars().count() as f32 * 7.5 + 45.0).sum();
    let rows = (entries / (WIDTH - 60.0)).ceil().max(1.0);
    (WIDTH, 400.0 + rows * 22.0)
}

fn legend(show: &mut Option<bool>, spec: &RenderSpec) {
    if spec.props.get("legend").is_some_and(|v| v == "hidden") {
        *show = Some(false);
    }
}

fn y_range(configs: &mut [charts_rs::YAxisConfig], spec: &RenderSpec) {
    if let Some(c) = configs.first_mut() {
        if let Some(t) = spec.props.get("ytitle") {
            c.title = Some(t.clone());
        }
        c.min = spec.props.get("ymin").and_then(|v| v.parse().ok());
        c.max = spec.props.get("ymax").and_then(|v| v.parse().ok());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_with_lists() {
        let p =
            parse_properties("with (title=\"Uploads\", ycolumns=A, B, series=U, legend=hidden)")
                .expect("parse");
        assert_eq!(p["title"], "Uploads");
        assert_eq!(p["ycolumns"], "A,B");
        assert_eq!(p["series"], "U");
        assert_eq!(p["legend"], "hidden");
        assert!(parse_properties("").expect("empty").is_empty());
    }

    #[test]
    fn spec_from_query() {
        let s = render_spec(
            "T | summarize count() by bin(Timestamp, 1h) | render timechart with (title='x')",
        )
        .expect("parse")
        .expect("render");
        assert_eq!(s.kind, "timechart");
        assert_eq!(s.props["title"], "x");
        assert_eq!(render_spec("T | take 1").expect("parse"), None);
    }
}
