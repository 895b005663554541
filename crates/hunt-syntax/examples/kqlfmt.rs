//! Prints the canonical form of the query read from stdin, or the parse error.
use std::io::Read;

fn main() {
    let mut src = String::new();
    if std::io::stdin().read_to_string(&mut src).is_err() {
        return;
    }
    match hunt_syntax::parse(&src) {
        Ok(q) => print!("{q}\n-- reparse: {}\n", match hunt_syntax::parse(&q.to_string()) { Ok(q2) => if q2.to_string() == q.to_string() { "same".to_string() } else { format!("DIFFERENT:\n{q2}") }, Err(e) => format!("ERR {e:?}") }),
        Err(e) => print!("ERR {e:?} `{}`\n", &src[e.span.range()]),
    }
}
