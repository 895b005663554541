//! Reading records out of the export formats, streaming, and handing them to a [`Sink`].
//!
//! JSON inputs are parsed with serde's seed API so that the big arrays (`records` of an
//! Event Hub batch, `results` of a Graph response) are walked one element at a time and
//! never held whole:
//! - `{"records":[{"category":"AdvancedHunting-<Table>","properties":{...}},...]}` (Event Hub);
//! - one such record per line (storage-account blobs), or any JSON lines;
//! - `{"schema":[{"name","type"}...],"results":[...]}` (Graph `runHuntingQuery`) and
//!   `{"Schema":[{"Name","Type"}...],"Results":[...]}` (the legacy advanced-hunting API);
//! - a JSON array of records.
//!
//! A file whose first line is a whole JSON value followed by more is read line by line
//! (JSON lines: a broken line is one bad record, the next line is read on); any other JSON
//! is read as a stream of documents, where a syntax error ends the file.

use std::io::{BufRead, Read};
use std::path::Path;

use hunt_plan::types::KqlType;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{BadRecord, ImportError, Location};
use crate::input::{LineCounter, LineState};
use crate::value::type_from_api_name;

/// Where records go. `Err` from any method stops the import.
pub trait Sink {
    /// A record of `table`, its fields by column name. `text` says the values are CSV text.
    fn record(
        &mut self,
        table: &str,
        fields: Map<String, Value>,
        text: bool,
        at: Location,
    ) -> Result<(), ImportError>;
    /// The column types an API response declares for the records of `table` that follow.
    fn declare(&mut self, table: &str, columns: Vec<(String, KqlType)>);
    /// A record that cannot be read.
    fn bad(&mut self, bad: BadRecord) -> Result<(), ImportError>;
}

/// The prefix of a streaming-API record's `category`; the rest is the table name.
const CATEGORY_PREFIX: &str = "AdvancedHunting-";

/// The longest first line looked at to tell JSON lines from a JSON document.
const FIRST_LINE_LIMIT: u64 = 1 << 20;

/// Reads the JSON records of `reader` (from `file`) into `sink`. `default_table` names the
/// table of records that do not name their own (Graph rows, plain JSON lines).
pub fn read_json(
    mut reader: Box<dyn BufRead>,
    file: &Path,
    default_table: Option<&str>,
    sink: &mut dyn Sink,
) -> Result<(), ImportError> {
    let io = |e| ImportError::io(file, e);
    let mut first = Vec::new();
    (&mut reader)
        .take(FIRST_LINE_LIMIT)
        .read_until(b'\n', &mut first)
        .map_err(io)?;
    let whole_line = first.ends_with(b"\n") || (first.len() as u64) < FIRST_LINE_LIMIT;
    let more = whole_line && {
        let rest = reader.fill_buf().map_err(io)?;
        rest.iter().any(|b| !b.is_ascii_whitespace())
    };
    let first_is_value = whole_line && serde_json::from_slice::<de::IgnoredAny>(&first).is_ok();
    let mut ctx = Ctx {
        sink,
        file,
        default_table,
        lines: None,
        fixed_line: 1,
        failed: None,
    };
    if more && first_is_value {
        read_lines(std::io::Cursor::new(first).chain(reader), &mut ctx)
    } else {
        read_stream(std::io::Cursor::new(first).chain(reader), &mut ctx)
    }
}

/// JSON lines: one value per line, each parsed on its own.
fn read_lines(mut reader: impl BufRead, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
    let mut line = String::new();
    let mut n = 0u64;
    loop {
        line.clear();
        n += 1;
        let read = reader
            .read_line(&mut line)
            .map_err(|e| ImportError::io(ctx.file, e))?;
        if read == 0 {
            return Ok(());
        }
        if line.trim().is_empty() {
            continue;
        }
        ctx.fixed_line = n;
        let mut de = serde_json::Deserializer::from_str(&line);
        let outcome = TopSeed(&mut *ctx)
            .deserialize(&mut de)
            .and_then(|()| de.end());
        if let Some(e) = ctx.failed.take() {
            return Err(e);
        }
        if let Err(e) = outcome {
            ctx.sink.bad(BadRecord {
                at: Location {
                    file: ctx.file.to_path_buf(),
                    line: n,
                },
                message: format!("invalid JSON: {e}"),
            })?;
        }
    }
}

/// One or more JSON documents, streamed.
fn read_stream(reader: impl Read, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
    let (counter, state) = LineCounter::new(reader);
    ctx.lines = Some(state.clone());
    let mut de = serde_json::Deserializer::from_reader(counter);
    loop {
        state.mark_next_value();
        let outcome = TopSeed(&mut *ctx).deserialize(&mut de);
        if let Some(e) = ctx.failed.take() {
            return Err(e);
        }
        match outcome {
            Ok(()) => {}
            // End of input before any value started: the file is done.
            Err(e) if e.is_eof() && !state.value_started() => {
                return Ok(());
            }
            Err(e) if e.is_io() => {
                return Err(ImportError::Input {
                    path: ctx.file.to_path_buf(),
                    message: format!("cannot read: {e}"),
                });
            }
            Err(e) => {
                // A syntax error inside a document: nothing after it can be trusted.
                return ctx.sink.bad(BadRecord {
                    at: Location {
                        file: ctx.file.to_path_buf(),
                        line: e.line() as u64,
                    },
                    message: format!("invalid JSON, the rest of the file is skipped: {e}"),
                });
            }
        }
    }
}

/// What the seeds share: the sink, where we are, and the sink's error when it stopped us.
struct Ctx<'a> {
    sink: &'a mut dyn Sink,
    file: &'a Path,
    default_table: Option<&'a str>,
    /// The stream's position (stream mode); `None` in line mode.
    lines: Option<std::rc::Rc<LineState>>,
    /// The current line (line mode).
    fixed_line: u64,
    /// The error that made a seed stop the parser.
    failed: Option<ImportError>,
}

impl Ctx<'_> {
    /// The line of the value whose first byte was read last.
    fn value_line(&self) -> u64 {
        match &self.lines {
            Some(s) => s.value_line(),
            None => self.fixed_line,
        }
    }

    fn mark(&self) {
        if let Some(s) = &self.lines {
            s.mark_next_value();
        }
    }

    fn at(&self, line: u64) -> Location {
        Location {
            file: self.file.to_path_buf(),
            line,
        }
    }

    /// Keeps the sink's error and turns it into a parser error that unwinds the parse.
    fn stop<E: de::Error>(&mut self, e: ImportError) -> E {
        self.failed = Some(e);
        E::custom("import stopped")
    }

    /// Hands one record (a JSON object) to the sink: a streaming-API record to its
    /// category's table, anything else to the default table.
    fn emit<E: de::Error>(&mut self, mut fields: Map<String, Value>, line: u64) -> Result<(), E> {
        let category = fields
            .get("category")
            .and_then(Value::as_str)
            .and_then(|c| c.strip_prefix(CATEGORY_PREFIX))
            .map(str::to_owned);
        let outcome = match category {
            Some(table) => match fields.remove("properties") {
                Some(Value::Object(props)) => self.sink.record(&table, props, false, self.at(line)),
                // Some exporters send `properties` as JSON text.
                Some(Value::String(text)) => match serde_json::from_str(&text) {
                    Ok(Value::Object(props)) => {
                        self.sink.record(&table, props, false, self.at(line))
                    }
                    _ => self.sink.bad(BadRecord {
                        at: self.at(line),
                        message: "`properties` is not a JSON object".into(),
                    }),
                },
                _ => self.sink.bad(BadRecord {
                    at: self.at(line),
                    message: format!("a {CATEGORY_PREFIX}{table} record without `properties`"),
                }),
            },
            None => match self.default_table {
                Some(table) => self.sink.record(table, fields, false, self.at(line)),
                None => Err(ImportError::Input {
                    path: self.file.to_path_buf(),
                    message:
                        "these records do not name their table (no `category`): give --table NAME"
                            .into(),
                }),
            },
        };
        outcome.map_err(|e| self.stop(e))
    }

    fn declare<E: de::Error>(&mut self, schema: Vec<Value>) -> Result<(), E> {
        let mut columns = Vec::with_capacity(schema.len());
        for col in &schema {
            let get = |a: &str, b: &str| col.get(a).or_else(|| col.get(b)).and_then(Value::as_str);
            let (Some(name), Some(ty)) = (get("name", "Name"), get("type", "Type")) else {
                return Err(self.stop(ImportError::Input {
                    path: self.file.to_path_buf(),
                    message: format!("a schema entry without name and type: {col}"),
                }));
            };
            let Some(kql) = type_from_api_name(ty) else {
                return Err(self.stop(ImportError::Input {
                    path: self.file.to_path_buf(),
                    message: format!("column `{name}` has type `{ty}`, which hunt does not know"),
                }));
            };
            columns.push((name.to_owned(), kql));
        }
        match self.default_table {
            Some(table) => {
                self.sink.declare(table, columns);
                Ok(())
            }
            None => Err(self.stop(ImportError::Input {
                path: self.file.to_path_buf(),
                message: "an API response does not name its table: give --table NAME".into(),
            })),
        }
    }
}

/// A top-level JSON value: a document with `records` / `schema` / `results`, a single
/// record, or an array of records.
struct TopSeed<'c, 'a>(&'c mut Ctx<'a>);

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object or array of records")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ctx = self.0;
        let line = ctx.value_line();
        let mut rest = Map::new();
        let mut document = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "records" | "results" | "Results" => {
                    document = true;
                    map.next_value_seed(RecordsSeed(&mut *ctx))?;
                }
                "schema" | "Schema" if matches!(rest.get("category"), None) => {
                    document = true;
                    let schema: Vec<Value> = map.next_value()?;
                    ctx.declare(schema)?;
                }
                _ => {
                    let v: Value = map.next_value()?;
                    rest.insert(key, v);
                }
            }
        }
        if document {
            Ok(())
        } else {
            ctx.emit(rest, line)
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        RecordsSeed(self.0).visit_seq(seq)
    }
}

/// An array of records, walked one element at a time.
struct RecordsSeed<'c, 'a>(&'c mut Ctx<'a>);

impl<'de> DeserializeSeed<'de> for RecordsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let ctx = self.0;
        loop {
            ctx.mark();
            let Some(v) = seq.next_element::<Value>()? else {
                return Ok(());
            };
            let line = ctx.value_line();
            match v {
                Value::Object(fields) => ctx.emit(fields, line)?,
                other => {
                    let bad = BadRecord {
                        at: ctx.at(line),
                        message: format!("expected a JSON object for a record, found {other}"),
                    };
                    ctx.sink.bad(bad).map_err(|e| ctx.stop::<A::Error>(e))?;
                }
            }
        }
    }
}

/// Reads CSV with a header row into `sink` as text values of `table`.
pub fn read_csv(
    reader: Box<dyn BufRead>,
    file: &Path,
    table: Option<&str>,
    sink: &mut dyn Sink,
) -> Result<(), ImportError> {
    let Some(table) = table else {
        return Err(ImportError::Input {
            path: file.to_path_buf(),
            message: "a CSV file does not name its table: give --table NAME (or name the file <Table>.csv)"
                .into(),
        });
    };
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(reader);
    let headers: Vec<String> = match csv.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_owned()).collect(),
        Err(e) => {
            return Err(ImportError::Input {
                path: file.to_path_buf(),
                message: format!("cannot read the CSV header: {e}"),
            });
        }
    };
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                let fields: Map<String, Value> = headers
                    .iter()
                    .zip(record.iter())
                    .map(|(h, v)| (h.clone(), Value::String(v.to_owned())))
                    .collect();
                sink.record(
                    table,
                    fields,
                    true,
                    Location {
                        file: file.to_path_buf(),
                        line,
                    },
                )?;
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                let fatal = matches!(e.kind(), csv::ErrorKind::Io(_));
                sink.bad(BadRecord {
                    at: Location {
                        file: file.to_path_buf(),
                        line,
                    },
                    message: format!("invalid CSV record: {e}"),
                })?;
                if fatal {
                    return Ok(());
                }
            }
        }
    }
}
