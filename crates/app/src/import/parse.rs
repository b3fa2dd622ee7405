//! Reading a CSV export as a stream: one record at a time, in bounded memory, each problem
//! named by row (the header is row 1; blank lines are skipped, not counted) and by the column as the file names it.
//!
//! - a line longer than [`MAX_LINE_BYTES`] stops the read at once with an error naming it
//!   (a reader in front of the CSV parser counts the bytes since the last line break, so a
//!   10 MB line is never held);
//! - text that is not UTF-8 is an error naming the row and column (a UTF-16 file, as some
//!   spreadsheets save "Unicode text", is named as such); a UTF-8 byte-order mark is skipped;
//! - a missing required column is named; a row with more or fewer fields than the header
//!   is named;
//! - control characters other than tab and line break are refused, as everywhere in Pledge.

use super::FileErrors;
use std::io::{self, Read};

/// The longest line accepted, in bytes.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// A column a reader wants: its name in the file, and whether the file must have it.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    /// The column's name in the file's header.
    pub header: &'a str,
    /// The file must have it.
    pub required: bool,
}

/// A reader that fails once a line grows past [`MAX_LINE_BYTES`].
struct LineLimit<R> {
    inner: R,
    since_break: usize,
    line: u64,
    too_long: Option<u64>,
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.too_long.is_some() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
        }
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if b == b'\n' {
                self.since_break = 0;
                self.line += 1;
            } else {
                self.since_break += 1;
                if self.since_break > MAX_LINE_BYTES {
                    self.too_long = Some(self.line);
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
                }
            }
        }
        Ok(n)
    }
}

/// Reads `input` and calls `each` with every data row's number and cells (in the order of
/// `wanted`, trimmed, "" where the file has no such column). Problems are added to the
/// returned errors; `each` may add its own. Reading stops early only at a problem that makes
/// the rest unreadable (an over-long line, an unreadable header).
pub fn read_rows<R: Read>(
    input: R,
    wanted: &[Wanted<'_>],
    mut each: impl FnMut(u64, Vec<String>, &mut FileErrors),
) -> FileErrors {
    let mut errors = FileErrors::default();
    let limited = LineLimit {
        inner: input,
        since_break: 0,
        line: 1,
        too_long: None,
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .has_headers(false)
        .from_reader(limited);
    let mut record = csv::ByteRecord::new();
    // The header.
    let header = match reader.read_byte_record(&mut record) {
        Ok(true) => record.clone(),
        Ok(false) => {
            errors.push(super::RowError {
                row: 1,
                column: None,
                problem: "the file is empty: the first line must name the columns".into(),
            });
            return errors;
        }
        Err(e) => {
            errors.push(read_problem(&reader, 1, &e));
            return errors;
        }
    };
    let first = header.get(0).unwrap_or_default();
    if first.starts_with(&[0xFF, 0xFE]) || first.starts_with(&[0xFE, 0xFF]) {
        errors.push(super::RowError {
            row: 1,
            column: None,
            problem: "the file is UTF-16 (\"Unicode text\"); save it as CSV in UTF-8".into(),
        });
        return errors;
    }
    let mut names = Vec::with_capacity(header.len());
    for (i, cell) in header.iter().enumerate() {
        match std::str::from_utf8(cell) {
            Ok(s) => names.push(if i == 0 {
                s.trim_start_matches('\u{feff}').trim().to_owned()
            } else {
                s.to_owned()
            }),
            Err(_) => {
                errors.push(super::RowError {
                    row: 1,
                    column: None,
                    problem: format!(
                        "the name of column {} is not UTF-8 text; save the file as CSV in UTF-8",
                        i + 1
                    ),
                });
                return errors;
            }
        }
    }
    let index: Vec<Option<usize>> = wanted
        .iter()
        .map(|w| names.iter().position(|n| n == w.header))
        .collect();
    for (w, i) in wanted.iter().zip(&index) {
        if w.required && i.is_none() {
            errors.push(super::RowError {
                row: 1,
                column: Some(w.header.to_owned()),
                problem: format!(
                    "the file has no such column (its columns: {})",
                    names.join(", ")
                ),
            });
        }
    }
    if !errors.is_empty() {
        return errors;
    }
    let mut row = 1u64;
    loop {
        row += 1;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let fatal = reader.get_ref().too_long.is_some()
                    || !matches!(e.kind(), csv::ErrorKind::Utf8 { .. });
                errors.push(read_problem(&reader, row, &e));
                if fatal {
                    break;
                }
                continue;
            }
        }
        if record.len() != names.len() {
            errors.push(super::RowError {
                row,
                column: None,
                problem: format!(
                    "has {} fields; the header has {}",
                    record.len(),
                    names.len()
                ),
            });
            continue;
        }
        let mut cells = Vec::with_capacity(wanted.len());
        let mut ok = true;
        for (w, i) in wanted.iter().zip(&index) {
            let bytes = i.and_then(|i| record.get(i)).unwrap_or_default();
            match std::str::from_utf8(bytes) {
                Ok(s)
                    if s.chars()
                        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) =>
                {
                    errors.at(row, w.header, "holds a control character");
                    ok = false;
                }
                Ok(s) => cells.push(s.to_owned()),
                Err(_) => {
                    errors.at(
                        row,
                        w.header,
                        "is not UTF-8 text; save the file as CSV in UTF-8",
                    );
                    ok = false;
                }
            }
        }
        if ok {
            each(row, cells, &mut errors);
        }
    }
    errors
}

/// A read failure in words.
fn read_problem<R: Read>(
    reader: &csv::Reader<LineLimit<R>>,
    row: u64,
    e: &csv::Error,
) -> super::RowError {
    let problem = match (reader.get_ref().too_long, e.kind()) {
        (Some(line), _) => format!(
            "line {line} of the file is longer than {MAX_LINE_BYTES} bytes; is this the right file?"
        ),
        (None, csv::ErrorKind::Io(io)) => format!("cannot be read: {io}"),
        (None, _) => format!("cannot be read as CSV: {e}"),
    };
    super::RowError {
        row,
        column: None,
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WANTED: [Wanted<'static>; 2] = [
        Wanted {
            header: "id",
            required: true,
        },
        Wanted {
            header: "email",
            required: false,
        },
    ];

    fn rows(bytes: &[u8]) -> (Vec<(u64, Vec<String>)>, Vec<String>) {
        let mut out = Vec::new();
        let e = read_rows(bytes, &WANTED, |r, c, _| out.push((r, c)));
        (out, e.lines())
    }

    #[test]
    fn reads_rows_with_numbers_and_absent_columns() {
        let (out, e) = rows(b"\xEF\xBB\xBFname,id\nA, 1 \n\nB,2\n");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(
            out,
            vec![
                (2, vec!["1".to_owned(), String::new()]),
                (3, vec!["2".to_owned(), String::new()])
            ]
        );
    }

    #[test]
    fn each_problem_is_named() {
        let (_, e) = rows(b"name\nA\n");
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("row 1, column \"id\": the file has no such column"),
            "{e:?}"
        );
        let (out, e) = rows(b"id,email\n1,a\xFFb\n2,c\n3\n");
        assert_eq!(out.len(), 1);
        assert_eq!(
            e,
            vec![
                "row 2, column \"email\": is not UTF-8 text; save the file as CSV in UTF-8",
                "row 4: has 1 fields; the header has 2",
            ]
        );
        let (_, e) = rows(b"\xFF\xFEi\x00d\x00\n");
        assert!(e[0].contains("UTF-16"), "{e:?}");
        let (_, e) = rows(b"id\n\x07\n");
        assert!(e[0].contains("control character"), "{e:?}");
    }

    #[test]
    fn a_huge_line_stops_the_read_in_bounded_memory() {
        let mut file = b"id\n1\n".to_vec();
        file.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
        file.extend(b"\n3\n");
        let (out, e) = rows(&file);
        assert_eq!(out.len(), 1);
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("row 3: line 3 of the file is longer than 65536 bytes"),
            "{e:?}"
        );
    }
}
