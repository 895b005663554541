//! `hunt shell` (and `hunt` on a terminal with no query): an interactive KQL prompt.
//!
//! Built on reedline: a query may span lines and ends with `;` or a blank line; input is
//! highlighted; history is kept across sessions (`$HUNT_HISTORY`, default
//! `~/.hunt_history`); Tab completes tables, columns of the tables the query names,
//! operators after `|`, and functions. Dot commands: `.tables`, `.schema T`, `.explain Q`,
//! `.now DT`, `.format FMT`, `.output [FILE]`, `.help`, `.quit`. A result taller than the
//! terminal goes through a pager (`$PAGER`, default `less -FRSX`). Ctrl-C while a query
//! runs cancels that query; at the prompt it clears the line; Ctrl-D leaves.

mod editor;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::{ExitCode, Stdio};

use anyhow::{Context, anyhow};
use clap::ValueEnum;
use reedline::{
    ColumnarMenu, DefaultPrompt, DefaultPromptSegment, Emacs, FileBackedHistory, KeyCode,
    KeyModifiers, MenuBuilder, Reedline, ReedlineEvent, ReedlineMenu, Signal,
    default_emacs_keybindings,
};

use crate::args::{self, DataSource, Format};
use crate::{output, progress, render};

/// A validated shell run.
#[derive(Debug)]
pub struct ShellConfig {
    /// The tables.
    pub data: DataSource,
    /// `now()` when fixed.
    pub now_ns: Option<i64>,
    /// Worker threads, when set.
    pub threads: Option<usize>,
    /// Initial output format.
    pub format: Format,
}

/// Flags of `hunt shell`.
#[derive(Debug, clap::Args)]
pub struct ShellArgs {
    /// Directory of Parquet tables [default: $HUNT_DATA, else the demo dataset].
    #[arg(long, value_name = "DIR", env = "HUNT_DATA")]
    pub data: Option<PathBuf>,
    /// The instant `now()` refers to (ISO-8601 UTC).
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,
    /// Worker threads.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

impl ShellArgs {
    /// Validates the flags.
    pub fn into_config(self) -> anyhow::Result<ShellConfig> {
        let data = match self.data {
            Some(d) if !d.as_os_str().is_empty() => DataSource::Dir(d),
            _ => DataSource::Demo,
        };
        let now_ns = match &self.now {
            Some(t) => Some(args::parse_now(t).with_context(|| format!("invalid --now `{t}`"))?),
            None => None,
        };
        Ok(ShellConfig {
            data,
            now_ns,
            threads: self.threads.map(usize::from),
            format: Format::Table,
        })
    }
}

const HELP: &str = "\
Type a KQL query; it runs when it ends with `;` or a blank line.
  .tables            list the tables
  .schema TABLE      columns and types of TABLE
  .explain QUERY     the plans of QUERY (runs it)
  .now DATETIME      fix now() (ISO-8601 UTC); `.now` alone shows it
  .format FMT        table, csv, json or ndjson
  .output [FILE]     write results to FILE; `.output` alone goes back to the screen
  .help              this text
  .quit              leave (also Ctrl-D)
Tab completes tables, columns, operators and functions. Ctrl-C cancels a running query.
";

/// The shell's state between inputs.
struct Shell {
    engine: hunt::Engine,
    format: Format,
    output: Option<PathBuf>,
    now_text: Option<String>,
    color: bool,
    /// Charts written so far (numbers their files).
    charts: usize,
}

/// Runs the shell until `.quit` or Ctrl-D.
pub fn run(config: &ShellConfig) -> anyhow::Result<ExitCode> {
    let (dir, demo) = match &config.data {
        DataSource::Dir(d) => (d.clone(), false),
        DataSource::Demo => (
            hunt_gen::demo_dir().map_err(|e| anyhow!("cannot prepare the demo dataset: {e}"))?,
            true,
        ),
    };
    let mut engine = hunt::Engine::open_dir(&dir)
        .map_err(|e| anyhow!("cannot open data directory `{}`: {e}", dir.display()))?;
    let mut now_text = None;
    if let Some(ns) = config.now_ns {
        engine.set_now(ns);
        now_text = Some(hunt::format::format_datetime(ns));
    } else if demo {
        engine.set_now(args::parse_now(hunt_gen::DEMO_NOW)?);
        now_text = Some(hunt_gen::DEMO_NOW.to_owned());
    }
    if let Some(t) = config.threads {
        engine.set_threads(t)?;
    }
    let tables = engine.table_names();
    let columns_engine = engine.clone();
    let completer = editor::KqlCompleter {
        tables: tables.clone(),
        functions: hunt_plan_function_names(),
        columns: Box::new(move |t: &str| {
            columns_engine
                .prepare(t)
                .map(|p| p.schema().fields.iter().map(|f| f.name.clone()).collect())
                .unwrap_or_default()
        }),
    };
    let mut keys = default_emacs_keybindings();
    keys.add_binding(
        KeyModifiers::NONE,
        KeyCode::Tab,
        ReedlineEvent::UntilFound(vec![
            ReedlineEvent::Menu("completion_menu".into()),
            ReedlineEvent::MenuNext,
        ]),
    );
    let mut line_editor = Reedline::create()
        .with_highlighter(Box::new(editor::KqlHighlighter {
            tables: tables.clone(),
        }))
        .with_validator(Box::new(editor::QueryValidator))
        .with_completer(Box::new(completer))
        .with_quick_completions(true)
        .with_partial_completions(true)
        .with_menu(ReedlineMenu::EngineCompleter(Box::new(
            ColumnarMenu::default().with_name("completion_menu"),
        )))
        .with_edit_mode(Box::new(Emacs::new(keys)));
    let history = history_path();
    match FileBackedHistory::with_file(10_000, history.clone()) {
        Ok(h) => line_editor = line_editor.with_history(Box::new(h)),
        Err(e) => render::eprint(&format!("note: no history ({}: {e})\n", history.display())),
    }
    let prompt = DefaultPrompt::new(
        DefaultPromptSegment::Basic("hunt".into()),
        DefaultPromptSegment::Empty,
    );
    render::eprint(&format!(
        "hunt shell over {} ({} tables). .help for help, Ctrl-D to leave.\n",
        dir.display(),
        tables.len()
    ));
    progress::install_ctrlc();
    let mut shell = Shell {
        engine,
        format: config.format,
        output: None,
        now_text,
        color: render::use_color(),
        charts: 0,
    };
    loop {
        match line_editor.read_line(&prompt) {
            Ok(Signal::Success(text)) => {
                if !shell.handle(&text)? {
                    break;
                }
            }
            Ok(Signal::CtrlC) => continue,
            Ok(Signal::CtrlD) => break,
            Ok(_) => continue,
            Err(e) => return Err(anyhow!("the line editor failed: {e}")),
        }
    }
    Ok(ExitCode::from(0))
}

fn hunt_plan_function_names() -> Vec<&'static str> {
    hunt::function_names()
}

/// `$HUNT_HISTORY`, else `~/.hunt_history`, else `.hunt_history` here.
fn history_path() -> PathBuf {
    if let Some(p) = std::env::var_os("HUNT_HISTORY") {
        return PathBuf::from(p);
    }
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".hunt_history"),
        None => PathBuf::from(".hunt_history"),
    }
}

impl Shell {
    /// Handles one input; `false` to leave.
    fn handle(&mut self, text: &str) -> anyhow::Result<bool> {
        let text = text.trim();
        let text = text.strip_suffix(';').unwrap_or(text).trim();
        if text.is_empty() {
            return Ok(true);
        }
        if let Some(cmd) = text.strip_prefix('.') {
            let (name, arg) = match cmd.split_once(char::is_whitespace) {
                Some((n, a)) => (n, a.trim()),
                None => (cmd, ""),
            };
            return self.dot(name, arg);
        }
        self.query(text)?;
        Ok(true)
    }

    fn dot(&mut self, name: &str, arg: &str) -> anyhow::Result<bool> {
        match name {
            "quit" | "exit" | "q" => return Ok(false),
            "help" => self.show(HELP.to_owned())?,
            "tables" => {
                let mut out = String::new();
                for t in self.engine.table_names() {
                    let cols = self
                        .engine
                        .prepare(&t)
                        .map(|p| format!("{} columns", p.schema().fields.len()))
                        .unwrap_or_else(|e| format!("unreadable: {e}"));
                    out.push_str(&format!("{t:<32} {cols}\n"));
                }
                self.show(out)?;
            }
            "schema" => match self.engine.prepare(arg) {
                Ok(p) => {
                    let out: String = p
                        .schema()
                        .fields
                        .iter()
                        .map(|f| format!("{:<32} {}\n", f.name, f.ty))
                        .collect();
                    self.show(out)?;
                }
                Err(e) => self.error(&e, arg),
            },
            "explain" => match self.engine.explain(arg) {
                Ok(plan) => self.show(plan + "\n")?,
                Err(e) => self.error(&e, arg),
            },
            "now" if arg.is_empty() => self.show(format!(
                "now() = {}\n",
                self.now_text.as_deref().unwrap_or("the current time")
            ))?,
            "now" => match args::parse_now(arg) {
                Ok(ns) => {
                    self.engine.set_now(ns);
                    self.now_text = Some(hunt::format::format_datetime(ns));
                    self.show(format!("now() = {}\n", hunt::format::format_datetime(ns)))?;
                }
                Err(e) => render::eprint(&format!("error: invalid datetime `{arg}`: {e}\n")),
            },
            "format" => match Format::from_str(arg, true) {
                Ok(f) => self.format = f,
                Err(_) => render::eprint("error: .format takes table, csv, json or ndjson\n"),
            },
            "output" if arg.is_empty() => self.output = None,
            "output" => self.output = Some(PathBuf::from(arg)),
            other => render::eprint(&format!("error: unknown command .{other} (see .help)\n")),
        }
        Ok(true)
    }

    fn error(&self, e: &hunt::Error, query: &str) {
        render::eprint(&render::render_diagnostic(
            &e.diagnostic(),
            "query",
            query,
            self.color,
        ));
    }

    fn query(&mut self, q: &str) -> anyhow::Result<()> {
        let result = match progress::run(&self.engine, q) {
            Ok(r) => r,
            Err(e) => {
                self.error(&e, q);
                return Ok(());
            }
        };
        for notice in &result.notices {
            render::eprint(&format!("note: {notice}\n"));
        }
        if let Ok(Some(spec)) = crate::chart::render_spec(q) {
            self.charts += 1;
            let dir = std::env::temp_dir().join("hunt-charts");
            let path = dir.join(format!("chart-{}-{}.html", std::process::id(), self.charts));
            let written = std::fs::create_dir_all(&dir)
                .map_err(anyhow::Error::from)
                .and_then(|()| crate::chart::write_chart(&path, &spec, &result));
            match written {
                Ok(()) => render::eprint(&format!("chart: {}\n", path.display())),
                Err(e) => render::eprint(&format!("error: {e:#}\n")),
            }
        }
        let mut buf = Vec::new();
        output::write_result(&mut buf, &result, self.format, Some(10_000))?;
        match &self.output {
            Some(path) => {
                let mut f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .with_context(|| format!("cannot open `{}`", path.display()))?;
                f.write_all(&buf)
                    .with_context(|| format!("cannot write `{}`", path.display()))?;
                render::eprint(&format!(
                    "{} row(s) written to {}\n",
                    result.num_rows(),
                    path.display()
                ));
            }
            None => {
                self.show(String::from_utf8_lossy(&buf).into_owned())?;
                render::eprint(&format!("({} row(s))\n", result.num_rows()));
            }
        }
        Ok(())
    }

    /// Prints `text`, through the pager when it is taller than the terminal.
    fn show(&self, text: String) -> anyhow::Result<()> {
        let rows = crossterm::terminal::size().map_or(u16::MAX, |(_, h)| h) as usize;
        if std::io::stdout().is_terminal() && text.lines().count() + 2 > rows && page(&text) {
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
        Ok(())
    }
}

/// Shows `text` in `$PAGER` (default `less -FRSX`); `false` when no pager could start.
fn page(text: &str) -> bool {
    let pager = std::env::var("PAGER")
        .ok()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| "less -FRSX".to_owned());
    let mut parts = pager.split_whitespace();
    let Some(program) = parts.next() else {
        return false;
    };
    let Ok(mut child) = std::process::Command::new(program)
        .args(parts)
        .stdin(Stdio::piped())
        .spawn()
    else {
        return false;
    };
    if let Some(mut stdin) = child.stdin.take() {
        // The pager may quit before reading everything (`q`): a closed pipe is fine.
        let _ = stdin.write_all(text.as_bytes());
    }
    let _ = child.wait();
    true
}
