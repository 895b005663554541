//! The guard around code that decodes file bytes: a dependency that panics on a damaged
//! file (the Parquet decoder trusts some lengths and offsets it reads) must give an error
//! naming the file, not end the process or be reported as a bug in hunt.
//!
//! [`guarded`] runs a closure under `catch_unwind` and returns the panic's message as an
//! error. While a guard is active on a thread, the process's panic hook stays quiet for that
//! thread: the panic is an expected outcome of reading a damaged file and is reported as an
//! error, so the default "thread panicked at …" text would only confuse. Panics anywhere
//! else still reach the previous hook unchanged.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

thread_local! {
    /// How many guards are active on this thread.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

static HOOK: Once = Once::new();

/// Chains a hook that skips the report of panics raised inside a guard.
fn install_quiet_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if DEPTH.with(Cell::get) == 0 {
                previous(info);
            }
        }));
    });
}

/// Runs `f`; a panic inside it becomes `Err(message)`.
pub(crate) fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_quiet_hook();
    DEPTH.with(|d| d.set(d.get() + 1));
    let r = catch_unwind(AssertUnwindSafe(f));
    DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    r.map_err(|payload| panic_message(payload.as_ref()))
}

/// The text of a panic payload (`panic!("…")` carries a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message() {
        let r: Result<(), String> = guarded(|| panic!("index out of bounds: 7"));
        assert_eq!(r, Err("index out of bounds: 7".to_string()));
        assert_eq!(guarded(|| 5), Ok(5));
        // The depth is back to zero: later panics are reported normally.
        assert_eq!(DEPTH.with(Cell::get), 0);
    }
}
