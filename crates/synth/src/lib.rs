//! Synthetic data (placeholder until the generator lands).
