//! Generates a dataset and reports how long it took.
//!
//! `cargo run --release -p hunt-gen --example gen -- <events> <out-dir> [seed]`

#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let events: usize = args
        .next()
        .as_deref()
        .unwrap_or("1000000")
        .replace('_', "")
        .parse()?;
    let out = PathBuf::from(args.next().unwrap_or_else(|| "/tmp/hunt-gen-out".into()));
    let seed: u64 = args.next().as_deref().unwrap_or("42").parse()?;
    let opts = hunt_gen::GenOptions {
        events,
        seed,
        ..Default::default()
    };
    let t = Instant::now();
    let report = hunt_gen::write_dataset(&opts, &out)?;
    let secs = t.elapsed().as_secs_f64();
    for r in &report.tables {
        println!("{:<22} {:>10} rows {:>4} files", r.name, r.rows, r.files);
    }
    println!(
        "{events} events in {secs:.2} s on {} threads",
        rayon::current_num_threads()
    );
    Ok(())
}
