//! Small deterministic helpers: seed derivation, GUID and hex text, weighted choice,
//! and a working-hours time sampler.
//!
//! Everything random in the crate flows from [`rng_for`], so a file's content depends
//! only on `(seed, table, chunk index)` and never on thread scheduling.

use rand::{Rng as _, SeedableRng};

/// The generator used everywhere (fast, portable, reproducible across platforms).
pub(crate) type Rng = rand_chacha::ChaCha8Rng;

/// 100-ns ticks per second (KQL datetime precision).
pub(crate) const TICKS_PER_SEC: i64 = 10_000_000;
/// Ticks per minute.
pub(crate) const TICKS_PER_MIN: i64 = 60 * TICKS_PER_SEC;
/// Ticks per hour.
pub(crate) const TICKS_PER_HOUR: i64 = 60 * TICKS_PER_MIN;
/// Ticks per day.
pub(crate) const TICKS_PER_DAY: i64 = 24 * TICKS_PER_HOUR;
/// .NET ticks at the Unix epoch (used by `da…` alert ids, which embed .NET ticks).
pub(crate) const DOTNET_EPOCH_TICKS: i64 = 621_355_968_000_000_000;

/// SplitMix64 finalizer: a cheap, well-mixed 64-bit hash step.
pub(crate) fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A generator seeded from the dataset seed, a stream name (table or purpose) and an index.
pub(crate) fn rng_for(seed: u64, stream: &str, index: u64) -> Rng {
    // FNV-1a over the stream name keeps streams independent of each other.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in stream.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let s = splitmix64(seed ^ splitmix64(h ^ splitmix64(index)));
    Rng::seed_from_u64(s)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Canonical lower-case GUID text of 128 random bits (version 4 / RFC 4122 variant bits set).
pub(crate) fn guid_text(bits: u128) -> [u8; 36] {
    let bits = (bits & !(0xF000u128 << 64) & !(0xC000u128 << 48))
        | (0x4000u128 << 64)
        | (0x8000u128 << 48);
    let mut out = [b'-'; 36];
    let mut nibble = 32;
    for (i, o) in out.iter_mut().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            continue;
        }
        nibble -= 1;
        *o = HEX[((bits >> (nibble * 4)) & 0xF) as usize];
    }
    out
}

/// The `&str` view of an ASCII buffer built by this module (always valid UTF-8).
pub(crate) fn ascii(buf: &[u8]) -> &str {
    std::str::from_utf8(buf).unwrap_or("")
}

/// A fresh random GUID as a `String` (setup code only; rows use [`guid_text`]).
pub(crate) fn guid_string(rng: &mut Rng) -> String {
    ascii(&guid_text(rng.r#gen())).to_string()
}

/// `n` random lower-case hex digits (n <= 64).
pub(crate) fn hex_text(rng: &mut Rng, n: usize) -> String {
    (0..n).map(|_| HEX[rng.gen_range(0..16)] as char).collect()
}

/// Cumulative weights for O(log n) weighted choice.
#[derive(Debug, Clone)]
pub(crate) struct Weighted {
    cum: Vec<f64>,
}

impl Weighted {
    /// Builds the table; all-zero or empty weights pick index 0.
    pub(crate) fn new(weights: impl IntoIterator<Item = f64>) -> Weighted {
        let mut total = 0.0;
        let cum = weights
            .into_iter()
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect();
        Weighted { cum }
    }

    /// A random index, proportional to its weight.
    pub(crate) fn pick(&self, rng: &mut Rng) -> usize {
        let total = self.cum.last().copied().unwrap_or(0.0);
        if total <= 0.0 {
            return 0;
        }
        let x = rng.r#gen::<f64>() * total;
        self.cum
            .partition_point(|&c| c <= x)
            .min(self.cum.len() - 1)
    }
}

/// Picks from a `(value, weight)` slice (linear scan; for short static lists).
pub(crate) fn pick_weighted<T: Copy>(rng: &mut Rng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.r#gen::<f64>() * total;
    for &(v, w) in items {
        if x < w {
            return v;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

/// Picks uniformly from a non-empty slice.
pub(crate) fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

/// Log-uniform integer in `[lo, hi]`.
pub(crate) fn log_uniform(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    let (a, b) = ((lo.max(1) as f64).ln(), (hi.max(lo + 1) as f64).ln());
    (a + rng.r#gen::<f64>() * (b - a)).exp() as i64
}

/// Relative activity by (weekday, UTC hour): a business-hours curve with quiet nights and
/// weekends. Index 0 is Sunday.
pub(crate) struct Clock {
    weight: [[f32; 24]; 7],
}

impl Clock {
    /// The tenant's activity curve.
    pub(crate) fn new() -> Clock {
        let mut weight = [[0.0f32; 24]; 7];
        for (dow, day) in weight.iter_mut().enumerate() {
            let weekend = dow == 0 || dow == 6;
            for (h, w) in day.iter_mut().enumerate() {
                let base: f32 = match h {
                    8..=11 | 13..=16 => 1.0,
                    12 | 17 => 0.8,
                    7 | 18 => 0.5,
                    6 | 19..=21 => 0.22,
                    _ => 0.06,
                };
                *w = if weekend { base * 0.18 } else { base };
            }
        }
        Clock { weight }
    }

    /// A random tick in `[lo, hi)` following the activity curve (rejection sampling; the
    /// minimum weight is > 0, so this always terminates).
    pub(crate) fn sample(&self, rng: &mut Rng, lo: i64, hi: i64) -> i64 {
        if hi <= lo + 1 {
            return lo;
        }
        loop {
            let t = rng.gen_range(lo..hi);
            let secs = t.div_euclid(TICKS_PER_SEC);
            let days = secs.div_euclid(86_400);
            let dow = (days + 4).rem_euclid(7) as usize; // 1970-01-01 was a Thursday.
            let hour = (secs.rem_euclid(86_400) / 3600) as usize;
            if rng.r#gen::<f32>() < self.weight[dow][hour] {
                return t;
            }
        }
    }
}

/// Appends `s` to `out` as a JSON string literal (with quotes and escapes).
pub(crate) fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Compact JSON text of a `serde_json::Value` (never fails for values built in memory).
pub(crate) fn json_text(v: &serde_json::Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_shape() {
        let g = guid_text(u128::MAX);
        let s = ascii(&g);
        assert_eq!(s.len(), 36);
        assert_eq!(&s[14..15], "4");
        assert_eq!(s, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(ascii(&guid_text(0)), "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn streams_differ() {
        let a: u64 = rng_for(1, "a", 0).r#gen();
        let b: u64 = rng_for(1, "b", 0).r#gen();
        let c: u64 = rng_for(1, "a", 1).r#gen();
        assert!(a != b && a != c);
        assert_eq!(a, rng_for(1, "a", 0).r#gen::<u64>());
    }

    #[test]
    fn json_escape() {
        let mut s = String::new();
        push_json_str(&mut s, "C:\\a\"b");
        assert_eq!(s, r#""C:\\a\"b""#);
    }
}
