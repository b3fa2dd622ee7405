//! Small deterministic sampling helpers.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Mixes a seed with a stream number (SplitMix64), so each case gets its own random stream
/// and the output does not depend on how the work is split.
pub(crate) fn mix(seed: u64, stream: u64) -> u64 {
    let mut z = seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A discrete distribution by weights: cumulative sums and a binary search.
#[derive(Debug, Clone, Default)]
pub(crate) struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    pub fn new(weights: &[f64]) -> Self {
        let mut total = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect();
        Self { cumulative }
    }

    /// An index drawn by weight; `None` when there is nothing to draw.
    pub fn pick(&self, rng: &mut ChaCha8Rng) -> Option<usize> {
        let total = *self.cumulative.last()?;
        if total <= 0.0 {
            return None;
        }
        let x = rng.random_range(0.0..total);
        Some(
            self.cumulative
                .partition_point(|c| *c <= x)
                .min(self.cumulative.len() - 1),
        )
    }
}

/// Picks one of `items` by weight (small, fixed tables).
pub(crate) fn choose<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| *w).sum();
    let mut x = rng.random_range(0.0..total.max(f64::MIN_POSITIVE));
    for (item, w) in items {
        if x < *w {
            return *item;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

/// Each item independently with its probability.
pub(crate) fn subset<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, f64)]) -> Vec<T> {
    items
        .iter()
        .filter(|(_, p)| rng.random_bool(p.clamp(0.0, 1.0)))
        .map(|(t, _)| *t)
        .collect()
}
