//! The pack as a typeset PDF, made by the binary itself with `pdf-writer` and the PDF
//! standard (base-14) fonts Helvetica and Helvetica-Bold, so no font file is needed: every
//! table as on the page (landscape A4), figures right-aligned, each table starting on a new
//! page when it would not fit.

use super::Pack;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

const W: f32 = 842.0;
const H: f32 = 595.0;
const MARGIN: f32 = 36.0;

/// Helvetica's advance widths (per 1000 units of the font size) for the printable ASCII
/// characters, from the font's AFM; other characters count as an average letter.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// The width of text in points at a size (bold text is taken as about 5% wider).
fn width(s: &str, size: f32, bold: bool) -> f32 {
    let units: u32 = s
        .chars()
        .map(|c| {
            let i = c as u32;
            if (32..127).contains(&i) {
                u32::from(HELVETICA[(i - 32) as usize])
            } else {
                556
            }
        })
        .sum();
    units as f32 * size / 1000.0 * if bold { 1.05 } else { 1.0 }
}

/// Text in WinAnsiEncoding (the standard fonts' encoding): Latin-1 as is, the common
/// typographic marks mapped, anything else as `?`.
fn win_ansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{ff}' => c as u8,
            '\u{2013}' => 0x96,
            '\u{2014}' => 0x97,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201c}' => 0x93,
            '\u{201d}' => 0x94,
            '\u{2026}' => 0x85,
            '\u{2212}' => b'-',
            _ => b'?',
        })
        .collect()
}

/// Breaks text into lines no wider than `max` points.
fn wrap(s: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate, size, bold) > max && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line = word.to_owned();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Pages being written.
struct Writer {
    pages: Vec<Content>,
    y: f32,
}

impl Writer {
    fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = H - MARGIN;
    }

    fn room(&mut self, needed: f32) {
        if self.y - needed < MARGIN {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, y: f32, s: &str, size: f32, bold: bool) {
        if let Some(page) = self.pages.last_mut() {
            page.begin_text();
            page.set_font(Name(if bold { b"F2" } else { b"F1" }), size);
            page.next_line(x, y);
            page.show(Str(&win_ansi(s)));
            page.end_text();
        }
    }

    fn rule(&mut self, y: f32) {
        if let Some(page) = self.pages.last_mut() {
            page.set_line_width(0.5);
            page.move_to(MARGIN, y);
            page.line_to(W - MARGIN, y);
            page.stroke();
        }
    }

    /// A paragraph, wrapped to the page.
    fn para(&mut self, s: &str, size: f32, bold: bool) {
        for line in wrap(s, size, bold, W - 2.0 * MARGIN) {
            self.room(size * 1.4);
            self.y -= size * 1.4;
            self.text(MARGIN, self.y, &line, size, bold);
        }
    }
}

/// The pack as PDF bytes.
pub fn render(pack: &Pack) -> Vec<u8> {
    let mut w = Writer {
        pages: Vec::new(),
        y: 0.0,
    };
    w.new_page();
    w.para(&format!("Scrutiny pack: {}", pack.area), 20.0, true);
    let version = if pack.version == "named" {
        "Named pack: names colleagues and cases; not for publication."
    } else {
        "Panel version: anonymised and safe to publish."
    };
    w.para(
        &format!(
            "{} Force: {}. Assaults that happened from {} to {}, compared with {} to {}. Headcounts as at {}. Made {}.",
            version,
            pack.force,
            pack.date_words(&pack.from),
            pack.date_words(&pack.to),
            pack.date_words(&pack.compare_from),
            pack.date_words(&pack.compare_to),
            pack.date_words(&pack.headcount_date),
            pack.generated_at
        ),
        10.0,
        false,
    );
    if pack.version != "named" {
        w.para(
            &format!(
                "Counts from 1 to {} are shown as \u{201c}fewer than {}\u{201d}; some other counts are withheld so that totals cannot reveal them.",
                pack.threshold.saturating_sub(1),
                pack.threshold
            ),
            10.0,
            false,
        );
    }
    for t in &pack.tables {
        let cols = t.columns.len().max(1);
        let label_w = if cols > 6 { 210.0 } else { 300.0 };
        let rest = W - 2.0 * MARGIN - label_w;
        let col_w = (rest / (cols.saturating_sub(1)).max(1) as f32).min(120.0);
        let size = 8.0;
        let line = size * 1.35;
        // The heading, its description and header row stay with at least three rows.
        let header_lines: Vec<Vec<String>> = t
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| wrap(c, size, true, if i == 0 { label_w } else { col_w - 6.0 }))
            .collect();
        let header_h = header_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * line;
        w.room(60.0 + header_h + 3.0 * line);
        w.y -= 10.0;
        w.para(&t.title, 13.0, true);
        w.para(&t.about, 9.0, false);
        w.y -= 4.0;
        let header = |w: &mut Writer| {
            let top = w.y;
            for (i, lines) in header_lines.iter().enumerate() {
                for (j, l) in lines.iter().enumerate() {
                    let y = top - (j as f32 + 1.0) * line;
                    if i == 0 {
                        w.text(MARGIN, y, l, size, true);
                    } else {
                        let right = MARGIN + label_w + i as f32 * col_w;
                        w.text(right - width(l, size, true), y, l, size, true);
                    }
                }
            }
            w.y = top - header_h - 3.0;
            w.rule(w.y + 1.0);
        };
        header(&mut w);
        for r in &t.rows {
            let label = wrap(&r.label, size, false, label_w - 6.0);
            let cells: Vec<Vec<String>> = r
                .cells
                .iter()
                .map(|c| wrap(&c.display(), size, false, col_w - 6.0))
                .collect();
            let n = cells
                .iter()
                .map(Vec::len)
                .chain([label.len()])
                .max()
                .unwrap_or(1);
            if w.y - n as f32 * line < MARGIN {
                w.new_page();
                header(&mut w);
            }
            let top = w.y;
            for (j, l) in label.iter().enumerate() {
                w.text(MARGIN, top - (j as f32 + 1.0) * line, l, size, false);
            }
            for (i, lines) in cells.iter().enumerate() {
                let right = MARGIN + label_w + (i + 1) as f32 * col_w;
                for (j, l) in lines.iter().enumerate() {
                    w.text(
                        right - width(l, size, false),
                        top - (j as f32 + 1.0) * line,
                        l,
                        size,
                        false,
                    );
                }
            }
            w.y = top - n as f32 * line - 2.0;
        }
    }

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let first = 5;
    let page_ids: Vec<Ref> = (0..w.pages.len())
        .map(|i| Ref::new(first + 2 * i as i32))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    for (i, content) in w.pages.into_iter().enumerate() {
        let id = page_ids[i];
        let content_id = Ref::new(id.get() + 1);
        let mut page = pdf.page(id);
        page.media_box(Rect::new(0.0, 0.0, W, H));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(Name(b"F1"), regular);
        fonts.pair(Name(b"F2"), bold);
        fonts.finish();
        resources.finish();
        page.finish();
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}
