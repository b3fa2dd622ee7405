//! Europe/London local time (GMT in winter, BST in summer), from a table of the clock
//! changes read once from the tz database, so a conversion is a binary search and
//! arithmetic rather than a tz lookup.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};

/// Converts between instants and London wall-clock time.
#[derive(Debug)]
pub(super) struct LondonTime {
    tz: TimeZone,
    /// (instant in seconds, offset from then on), ascending, covering 1970..2101.
    changes: Vec<(i64, Offset)>,
    /// The offset before the first change.
    initial: Offset,
    /// Instants past the table are converted by jiff directly.
    table_end: i64,
    /// Per UTC day since 1970: the offset in hours at the day's start, or `CHANGES` when the
    /// clocks change that day (then the table above is searched). Makes the usual lookup O(1).
    by_day: Vec<u8>,
}

/// Marks a day in `by_day` on which the clocks change.
const CHANGES: u8 = u8::MAX;

impl LondonTime {
    /// Uses the bundled tz database; if it were ever missing, the UK rule since 1996 (BST from
    /// 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October).
    pub(super) fn new() -> Self {
        let tz = TimeZone::get("Europe/London")
            .or_else(|_| TimeZone::posix("GMT0BST,M3.5.0/1,M10.5.0"))
            .unwrap_or(TimeZone::UTC);
        let start = Timestamp::from_second(0).unwrap_or(Timestamp::UNIX_EPOCH);
        let end = Timestamp::from_second(4_133_980_800).unwrap_or(Timestamp::MAX); // 2101-01-01
        let initial = tz.to_offset(start);
        let changes: Vec<(i64, Offset)> = tz
            .following(start)
            .take_while(|t| t.timestamp() < end)
            .map(|t| (t.timestamp().as_second(), t.offset()))
            .collect();
        let days = end.as_second() / 86_400;
        let mut by_day = Vec::with_capacity(usize::try_from(days).unwrap_or(0));
        let mut next = 0;
        let mut current = initial;
        for day in 0..days {
            let (from, to) = (day * 86_400, (day + 1) * 86_400);
            let mut changed = false;
            while let Some((at, o)) = changes.get(next) {
                if *at >= to {
                    break;
                }
                if *at > from {
                    changed = true;
                }
                current = *o;
                next += 1;
            }
            // Offsets are whole hours in London (0 or 1; 2 in wartime double summer time).
            let hours = u8::try_from(current.seconds() / 3600).unwrap_or(CHANGES);
            by_day.push(if changed { CHANGES } else { hours });
        }
        Self {
            tz,
            changes,
            initial,
            table_end: end.as_second(),
            by_day,
        }
    }

    /// The offset in seconds at an instant (seconds since the epoch).
    pub(super) fn offset_seconds(&self, second: i64) -> i64 {
        match self.offset_at(second) {
            Some(o) => i64::from(o.seconds()),
            None => Timestamp::from_second(second)
                .map(|t| i64::from(self.tz.to_offset(t).seconds()))
                .unwrap_or(0),
        }
    }

    /// Local midnight at the start of a day (days since 1970-01-01), as seconds since the
    /// epoch. UK clocks change at 01:00 GMT, never at midnight, so midnight is never skipped
    /// or repeated.
    pub(super) fn midnight_second(&self, day: i64) -> i64 {
        let as_gmt = day * 86_400;
        // Try the summer reading first: midnight BST is 23:00 GMT the evening before.
        let as_bst = as_gmt - 3600;
        if self.offset_seconds(as_bst) == 3600 {
            as_bst
        } else {
            as_gmt
        }
    }

    fn offset_at(&self, second: i64) -> Option<Offset> {
        if !(0..self.table_end).contains(&second) {
            return None;
        }
        let day = usize::try_from(second / 86_400).ok()?;
        match self.by_day.get(day) {
            Some(&h) if h != CHANGES => return Some(Offset::constant(h as i8)),
            _ => {}
        }
        let i = self.changes.partition_point(|(at, _)| *at <= second);
        Some(if i == 0 {
            self.initial
        } else {
            self.changes[i - 1].1
        })
    }

    pub(super) fn to_local(&self, t: Timestamp) -> DateTime {
        let offset = self
            .offset_at(t.as_second())
            .unwrap_or_else(|| self.tz.to_offset(t));
        offset.to_datetime(t)
    }

    /// The instant of a London wall-clock time; a time skipped by the spring change moves
    /// forward, a repeated autumn time takes the earlier (jiff's "compatible" rule).
    pub(super) fn to_instant(&self, local: DateTime) -> Timestamp {
        let fallback = || {
            self.tz
                .to_ambiguous_timestamp(local)
                .compatible()
                .unwrap_or(Timestamp::MAX)
        };
        let (Ok(as_gmt), Ok(as_bst)) = (
            Offset::UTC.to_timestamp(local),
            Offset::constant(1).to_timestamp(local),
        ) else {
            return fallback();
        };
        let (Some(o_gmt), Some(o_bst)) = (
            self.offset_at(as_gmt.as_second()),
            self.offset_at(as_bst.as_second()),
        ) else {
            return fallback();
        };
        let bst = Offset::constant(1);
        match (o_bst == bst, o_gmt == Offset::UTC) {
            // Ambiguous (autumn) or plainly summer: the earlier, BST reading.
            (true, _) => as_bst,
            (false, true) => as_gmt,
            // In the spring gap: read with the offset before the change (GMT), i.e. later.
            (false, false) => as_gmt,
        }
    }
}
