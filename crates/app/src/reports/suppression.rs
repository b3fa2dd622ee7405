//! Statistical disclosure control for the panel's pack: a pure function over every count of
//! the pack at once.
//!
//! * **Primary**: a count from 1 to `threshold - 1` is shown as "fewer than `threshold`".
//! * **Secondary**: the pack declares *lines*, sets of counts tied by one sum (the cells of a
//!   breakdown and their total, a column of monthly figures and the period's figure in
//!   another table). A line with exactly one hidden count would reveal it (the total minus
//!   the visible cells), so the smallest non-zero visible count of that line is withheld
//!   too, until no line has exactly one hidden count. Zero is never hidden (a hidden count
//!   is never zero, so a line with one hidden count always has a non-zero visible one).

use serde::Serialize;

/// How a count is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shown {
    /// The count itself.
    Visible,
    /// Between 1 and threshold - 1: "fewer than 5".
    FewerThan,
    /// Withheld so that a total and the visible cells cannot reveal a hidden one.
    Withheld,
}

/// Decides how each count is shown. `lines` hold indices into `values`; an index out of
/// range is ignored. A threshold of 0 or 1 hides nothing.
pub fn suppress(values: &[u64], lines: &[Vec<usize>], threshold: u64) -> Vec<Shown> {
    let mut shown: Vec<Shown> = values
        .iter()
        .map(|&v| {
            if v >= 1 && v < threshold {
                Shown::FewerThan
            } else {
                Shown::Visible
            }
        })
        .collect();
    let hidden = |s: Shown| s != Shown::Visible;
    loop {
        let mut changed = false;
        for line in lines {
            let mut members: Vec<usize> =
                line.iter().copied().filter(|&i| i < values.len()).collect();
            members.sort_unstable();
            members.dedup();
            if members.iter().filter(|&&i| hidden(shown[i])).count() != 1 {
                continue;
            }
            let pick = members
                .iter()
                .copied()
                .filter(|&i| !hidden(shown[i]) && values[i] > 0)
                .min_by_key(|&i| (values[i], i));
            if let Some(i) = pick {
                shown[i] = Shown::Withheld;
                changed = true;
            }
        }
        if !changed {
            return shown;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line_of(values: &mut Vec<u64>, cells: &[u64]) -> Vec<usize> {
        let start = values.len();
        values.extend_from_slice(cells);
        values.push(cells.iter().sum());
        (start..values.len()).collect()
    }

    #[test]
    fn threshold_edges() {
        for (v, want) in [
            (0, Shown::Visible),
            (1, Shown::FewerThan),
            (4, Shown::FewerThan),
            (5, Shown::Visible),
            (6, Shown::Visible),
        ] {
            assert_eq!(suppress(&[v], &[], 5), vec![want], "value {v}");
        }
        // Configurable: at 10, 9 is hidden and 10 is not.
        assert_eq!(
            suppress(&[9, 10], &[], 10),
            vec![Shown::FewerThan, Shown::Visible]
        );
        // Threshold 1 hides nothing.
        assert_eq!(suppress(&[1], &[], 1), vec![Shown::Visible]);
    }

    #[test]
    fn a_lone_small_cell_takes_the_next_smallest_with_it() {
        let mut v = Vec::new();
        let line = line_of(&mut v, &[3, 20, 7, 0]);
        let s = suppress(&v, &[line], 5);
        assert_eq!(
            s,
            vec![
                Shown::FewerThan,
                Shown::Visible,
                Shown::Withheld,
                Shown::Visible,
                Shown::Visible
            ]
        );
    }

    #[test]
    fn two_small_cells_need_nothing_more() {
        let mut v = Vec::new();
        let line = line_of(&mut v, &[3, 20, 4]);
        let s = suppress(&v, &[line], 5);
        assert_eq!(s.iter().filter(|x| **x == Shown::Withheld).count(), 0);
    }

    #[test]
    fn a_hidden_cell_with_only_zeros_beside_it_hides_the_total() {
        // 4 + 0 + 0 = 4: the total is itself small.
        let mut v = Vec::new();
        let line = line_of(&mut v, &[4, 0, 0]);
        let s = suppress(&v, &[line], 5);
        assert_eq!(
            s,
            vec![
                Shown::FewerThan,
                Shown::Visible,
                Shown::Visible,
                Shown::FewerThan
            ]
        );
    }

    #[test]
    fn withholding_cascades_across_lines() {
        // A 2x2 table with row and column totals: the secondary cell of the first row
        // leaves its column with one hidden cell, which takes another with it.
        let v = vec![2, 10, 12, 8, 9, 17, 10, 19, 29];
        // a b R1 / c d R2 / C1 C2 T
        let lines = vec![
            vec![0, 1, 2],
            vec![3, 4, 5],
            vec![6, 7, 8],
            vec![0, 3, 6],
            vec![1, 4, 7],
            vec![2, 5, 8],
        ];
        let s = suppress(&v, &lines, 5);
        for l in &lines {
            let hidden = l.iter().filter(|&&i| s[i] != Shown::Visible).count();
            assert_ne!(hidden, 1, "line {l:?}: {s:?}");
        }
        assert_eq!(s[0], Shown::FewerThan);
    }

    proptest! {
        /// For any tables of breakdowns and totals (and cross-lines between them): every
        /// count from 1 to threshold - 1 is hidden, no zero is hidden, a count at or over
        /// the threshold is never shown as "fewer than", and no line has exactly one hidden
        /// count (so no total minus visible cells reveals one).
        #[test]
        fn no_line_reveals_a_hidden_count(
            tables in proptest::collection::vec(proptest::collection::vec(0u64..12, 1..6), 1..5),
            threshold in 0u64..8,
            cross in proptest::collection::vec((0usize..40, 0usize..40, 0usize..40), 0..6),
        ) {
            let mut values = Vec::new();
            let mut lines = Vec::new();
            for t in &tables {
                lines.push(line_of(&mut values, t));
            }
            // Extra lines tying counts across tables (as the trends do): some existing
            // counts and a new total of theirs.
            for (a, b, c) in cross {
                let mut members = vec![a % values.len(), b % values.len(), c % values.len()];
                members.sort_unstable();
                members.dedup();
                let total = members.iter().map(|&i| values[i]).sum();
                values.push(total);
                members.push(values.len() - 1);
                lines.push(members);
            }
            let s = suppress(&values, &lines, threshold);
            for (i, &v) in values.iter().enumerate() {
                if v >= 1 && v < threshold {
                    prop_assert_eq!(s[i], Shown::FewerThan);
                } else {
                    prop_assert_ne!(s[i], Shown::FewerThan);
                }
                if v == 0 {
                    prop_assert_eq!(s[i], Shown::Visible);
                }
            }
            for l in &lines {
                let mut members = l.clone();
                members.sort_unstable();
                members.dedup();
                let hidden = members.iter().filter(|&&i| s[i] != Shown::Visible).count();
                prop_assert_ne!(hidden, 1, "line {:?} of {:?}: {:?}", l, values, s);
            }
        }
    }
}
