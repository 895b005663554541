//! `hunt`: run KQL hunting queries over Parquet files from the command line.
//!
//! `main` calls [`run`] and turns its outcome into an exit status: 0 when rows were returned,
//! 1 when the result is empty, 2 on any error (grep semantics, handy in hunting scripts). A
//! closed stdout (`hunt … | head`) ends the run quietly with 0.
//!
//! Stages: [`args`] turns flags into a validated `Config`; the `hunt` engine runs the query;
//! [`output`] writes the rows; [`render`] is the only place that prints errors.

mod args;
mod chart;
mod cmd_audit;
mod cmd_check;
mod cmd_fmt;
mod cmd_functions;
mod cmd_import;
mod cmd_init_policy;
mod cmd_irm;
mod cmd_reveal;
mod cmd_serve;
mod cmd_tables;
mod cmd_test;
mod cmd_token;
mod output;
mod progress;
mod render;
mod results_out;
mod shell;

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use clap::Parser;

use args::{Args, Config, DataSource, GenArgs, QueryConfig};

/// Rows were returned.
const EXIT_ROWS: u8 = 0;
/// The query ran and returned no rows.
const EXIT_EMPTY: u8 = 1;
/// Usage, file or query error.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    tune_allocator();
    match run() {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::from(EXIT_ROWS),
        Err(err) => {
            render::eprint(&render::render_error(&err));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Keeps freed memory in the process instead of returning it to the OS at once.
///
/// The scan decodes each row group into fresh buffers of a few hundred KiB to a few MiB.
/// With glibc's defaults, many of those are mapped and unmapped per batch, and the page
/// faults of touching fresh pages cost up to a third of a query's time (`dse-largest-uploads`:
/// 0.7 s of system time in a 1 s run). A fixed 64 MiB mapping threshold and a 256 MiB trim
/// threshold keep the buffers for reuse; peak RSS grows by about a tenth.
#[allow(unsafe_code)]
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; it is called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
    }
}

/// Parses the flags and runs the command. Query errors are rendered here and give `Ok(2)`;
/// any other failure is returned as `Err` for `main` to print.
fn run() -> anyhow::Result<ExitCode> {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(err) => {
            // --help and --version print to stdout and succeed; usage errors go to stderr.
            let code = if err.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_ROWS
            };
            err.print()?;
            return Ok(ExitCode::from(code));
        }
    };
    let args = match args.command {
        Some(args::Command::Serve(a)) => return cmd_serve::run(a),
        Some(args::Command::Token(a)) => return cmd_token::run(a),
        command => Args { command, ..args },
    };
    match args.into_config()? {
        Config::Query(config) => run_query(&config),
        Config::Gen(gen_args) => run_gen(&gen_args),
        Config::Test(test_args) => cmd_test::run(&test_args),
        Config::Check(a) => cmd_check::run(&a),
        Config::Tables(a) => cmd_tables::run_tables(&a),
        Config::Schema(a) => cmd_tables::run_schema(&a),
        Config::Import(a) => cmd_import::run(&a),
        Config::Shell(c) => shell::run(&c),
        Config::Fmt(a) => cmd_fmt::run(&a),
        Config::Command(command) => cmd_irm::dispatch(command),
    }
}

fn run_query(config: &QueryConfig) -> anyhow::Result<ExitCode> {
    let color = render::use_color();
    let (dir, demo) = match &config.data {
        DataSource::Dir(dir) => (dir.clone(), false),
        DataSource::Demo => {
            // The first use generates ~100k events, which takes a moment: say so.
            let cache = std::env::temp_dir().join(hunt_gen::demo_dir_name());
            if !hunt_gen::demo_is_ready() {
                render::eprint(&format!(
                    "note: generating the built-in demo dataset in {} (first use only)\n",
                    cache.display()
                ));
            }
            let dir = hunt_gen::demo_dir()
                .map_err(|e| anyhow!("cannot prepare the built-in demo dataset: {e}"))?;
            (dir, true)
        }
    };
    let started = std::time::Instant::now();
    let mut engine = match hunt::Engine::open_dir(&dir) {
        Ok(engine) => engine,
        Err(hunt::Error::Script(s)) => {
            // An error in DIR/schema.kql points into that file.
            let diag = s.error.diagnostic();
            render::eprint(&render::render_diagnostic(&diag, &s.origin, &s.text, color));
            return Ok(ExitCode::from(EXIT_ERROR));
        }
        Err(err) => {
            let mut diag = err.diagnostic();
            // The span of an open error, if any, does not point into the query.
            diag.span = None;
            let shown = dir.display().to_string();
            if !diag.message.contains(&shown) {
                diag.message = format!("cannot open data directory `{shown}`: {}", diag.message);
            }
            let text = render::render_diagnostic(&diag, &config.source_name, &config.query, color);
            render::eprint(&text);
            return Ok(ExitCode::from(EXIT_ERROR));
        }
    };

    let now_ns = match (config.now_ns, demo) {
        (Some(ns), _) => Some(ns),
        (None, true) => Some(
            args::parse_now(hunt_gen::DEMO_NOW)
                .with_context(|| format!("bug: bad demo instant `{}`", hunt_gen::DEMO_NOW))?,
        ),
        (None, false) => None,
    };
    if demo {
        let now_note = if config.now_ns.is_none() {
            format!(", with now() = {}", hunt_gen::DEMO_NOW)
        } else {
            String::new()
        };
        render::eprint(&format!(
            "note: querying the built-in demo dataset at {}{now_note} (use --data DIR or HUNT_DATA for your own)\n",
            dir.display()
        ));
    }
    if let Some(ns) = now_ns {
        engine.set_now(ns);
    }
    if let Some(bytes) = config.memory_limit {
        engine.set_memory_limit(usize::try_from(bytes).unwrap_or(usize::MAX));
    }
    if let Some(dir) = &config.temp_dir {
        engine.set_temp_dir(dir.clone());
    }
    if let Some(dir) = &config.externaldata {
        engine.set_externaldata_dir(dir.clone());
    }
    if let Some(threads) = config.threads {
        if let Err(err) = engine.set_threads(threads) {
            render::eprint(&format!("error: {err}\n"));
            return Ok(ExitCode::from(EXIT_ERROR));
        }
    }

    let query_error = |diag: hunt::Diagnostic| {
        render::eprint(&render::render_diagnostic(
            &diag,
            &config.source_name,
            &config.query,
            color,
        ));
        ExitCode::from(EXIT_ERROR)
    };
    // Not locked: a streamed result is written from the engine's pool threads.
    let mut out = BufWriter::new(io::stdout());

    if config.explain {
        let plan = match cmd_irm::explain(engine, &dir, demo, &config.irm, &config.query)? {
            Ok(plan) => plan,
            Err(diag) => return Ok(query_error(diag)),
        };
        writeln!(out, "{}", plan.trim_end())?;
        out.flush()?;
        return Ok(ExitCode::from(EXIT_ROWS));
    }

    // Printed as the rows come when only stdout wants them (no --out, no --chart): the
    // table keeps the rows it shows, the other formats write each batch as it arrives.
    if config.out.is_none() && config.chart.is_none() {
        let streamed = cmd_irm::query_streaming(
            &engine,
            &dir,
            demo,
            &config.irm,
            &config.query,
            |prepared| {
                for notice in prepared.notices() {
                    render::eprint(&format!("note: {notice}\n"));
                }
                let mut sink = BufWriter::new(io::stdout());
                let mut w = output::ResultWriter::new(
                    &mut sink,
                    prepared.schema(),
                    config.format,
                    Some(config.max_rows),
                )?;
                let more = prepared.try_for_each(|b| {
                    w.write_batch(&b)?;
                    match w.wants_more() {
                        true => Ok(()),
                        false => Err(cmd_irm::StreamError::Enough),
                    }
                });
                match more {
                    Ok(()) | Err(cmd_irm::StreamError::Enough) => {}
                    Err(e) => return Err(e),
                }
                let rows = w.finish()?;
                sink.flush()?;
                Ok(rows)
            },
        )?;
        if let Some(streamed) = streamed {
            let rows = match streamed {
                Ok(rows) => rows,
                Err(cmd_irm::StreamError::Query(diag)) => return Ok(query_error(diag)),
                Err(cmd_irm::StreamError::Output(e)) => return Err(e.into()),
                Err(cmd_irm::StreamError::Enough) => 0,
            };
            if config.timing {
                render::eprint(&format!(
                    "elapsed: {:.6} s\n",
                    started.elapsed().as_secs_f64()
                ));
            }
            return Ok(ExitCode::from(if rows > 0 {
                EXIT_ROWS
            } else {
                EXIT_EMPTY
            }));
        }
    }
    let result = match cmd_irm::query(engine, &dir, demo, &config.irm, &config.query)? {
        Ok(result) => result,
        Err(diag) => return Ok(query_error(diag)),
    };
    for notice in &result.notices {
        render::eprint(&format!("note: {notice}\n"));
    }
    if let Some(path) = &config.out {
        results_out::write_out(path, &result)?;
    }
    if let Some(path) = &config.chart {
        let spec = chart::render_spec(&config.query)?
            .ok_or_else(|| anyhow!("--chart needs a query that ends with `render`"))?;
        chart::write_chart(path, &spec, &result)?;
        render::eprint(&format!("chart written to {}\n", path.display()));
    }
    output::write_result(&mut out, &result, config.format, Some(config.max_rows))?;
    out.flush()?;
    if config.timing {
        render::eprint(&format!(
            "elapsed: {:.6} s\n",
            started.elapsed().as_secs_f64()
        ));
    }
    Ok(ExitCode::from(if result.num_rows() > 0 {
        EXIT_ROWS
    } else {
        EXIT_EMPTY
    }))
}

fn run_gen(gen_args: &GenArgs) -> anyhow::Result<ExitCode> {
    let mut opts = hunt_gen::GenOptions {
        events: gen_args.events,
        ..Default::default()
    };
    if let Some(seed) = gen_args.seed {
        opts.seed = seed;
    }
    if let Some(days) = gen_args.days {
        opts.days = days;
    }
    let existing = if gen_args.force {
        hunt_gen::Existing::Replace
    } else {
        hunt_gen::Existing::Refuse
    };
    let report = hunt_gen::write_dataset_with(&opts, &gen_args.out, existing).map_err(|e| {
        anyhow!(
            "cannot generate a dataset in `{}`: {e}",
            gen_args.out.display()
        )
    })?;
    let mut summary = format!(
        "wrote {} table(s) to {}\n",
        report.tables.len(),
        gen_args.out.display()
    );
    for table in &report.tables {
        summary.push_str(&format!(
            "  {:<28} {:>10} rows in {} file(s)\n",
            table.name, table.rows, table.files
        ));
    }
    render::eprint(&summary);
    Ok(ExitCode::from(EXIT_ROWS))
}

/// True when the error is a write to a closed pipe (`hunt … | head`).
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
