//! Form fields as data, drawn by one template (`_field.html`) in the GOV.UK Design System's
//! patterns: label, hint, error message, input; an error summary links to each field by id.

/// One choice of a select, radios or checkboxes.
#[derive(Debug, Clone)]
pub struct Opt {
    /// The value sent.
    pub value: String,
    /// The words shown.
    pub label: String,
    /// Chosen now.
    pub checked: bool,
}

/// One field of a form.
#[derive(Debug, Clone)]
pub struct FormField {
    /// The element's id (unique on the page; the error summary links to it).
    pub id: String,
    /// The name sent.
    pub name: String,
    /// The label (or legend).
    pub label: String,
    /// A hint under the label.
    pub hint: String,
    /// `text`, `number`, `date`, `time`, `textarea`, `select`, `radios`, `checkboxes`,
    /// `password`.
    pub kind: &'static str,
    /// The value shown (text-like fields).
    pub value: String,
    /// Choices (select, radios, checkboxes).
    pub options: Vec<Opt>,
    /// What is wrong, after a failed submission.
    pub error: Option<String>,
    /// Input width class.
    pub width: &'static str,
    /// `autocomplete` attribute ("" for none).
    pub autocomplete: &'static str,
}

impl FormField {
    /// A field of a kind.
    pub fn new(prefix: &str, name: &str, label: &str, kind: &'static str) -> Self {
        let id = if prefix.is_empty() {
            name.replace(['.', '[', ']'], "-")
        } else {
            format!("{prefix}-{}", name.replace(['.', '[', ']'], "-"))
        };
        Self {
            id,
            name: name.to_owned(),
            label: label.to_owned(),
            hint: String::new(),
            kind,
            value: String::new(),
            options: Vec::new(),
            error: None,
            width: "",
            autocomplete: "",
        }
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: &str) -> Self {
        self.hint = hint.to_owned();
        self
    }

    /// Sets the width class (`govuk-input--width-10`, ...).
    pub fn width(mut self, class: &'static str) -> Self {
        self.width = class;
        self
    }

    /// Sets the autocomplete attribute.
    pub fn autocomplete(mut self, a: &'static str) -> Self {
        self.autocomplete = a;
        self
    }

    /// Adds choices as (value, words).
    pub fn options<'a>(mut self, opts: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        self.options = opts
            .into_iter()
            .map(|(v, l)| Opt {
                value: v.to_owned(),
                label: l.to_owned(),
                checked: false,
            })
            .collect();
        self.mark();
        self
    }

    /// Adds choices with owned words.
    pub fn options_owned(mut self, opts: impl IntoIterator<Item = (String, String)>) -> Self {
        self.options = opts
            .into_iter()
            .map(|(value, label)| Opt {
                value,
                label,
                checked: false,
            })
            .collect();
        self.mark();
        self
    }

    /// Sets the value (for checkboxes, the chosen values joined by `\n`).
    pub fn value(mut self, v: &str) -> Self {
        self.value = v.to_owned();
        self.mark();
        self
    }

    /// Sets the chosen values of checkboxes.
    pub fn values(mut self, vs: &[&str]) -> Self {
        self.value = vs.join("\n");
        self.mark();
        self
    }

    /// Sets the error, if any.
    pub fn error(mut self, e: Option<String>) -> Self {
        self.error = e;
        self
    }

    fn mark(&mut self) {
        let chosen: Vec<&str> = self.value.split('\n').collect();
        for o in &mut self.options {
            o.checked = chosen.contains(&o.value.as_str());
        }
    }

    /// The `aria-describedby` value: the hint and the error message, when present.
    pub fn described_by(&self) -> String {
        let mut v = Vec::new();
        if !self.hint.is_empty() {
            v.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            v.push(format!("{}-error", self.id));
        }
        v.join(" ")
    }

    /// Whether the field is a group of choices (drawn in a fieldset with a legend).
    pub fn is_group(&self) -> bool {
        matches!(self.kind, "radios" | "checkboxes")
    }
}

/// An entry of the error summary: the field's id and the message.
#[derive(Debug, Clone)]
pub struct ErrorItem {
    /// The id linked to.
    pub href: String,
    /// The message.
    pub message: String,
}

/// The error summary for fields with errors, in the order shown.
pub fn summary(fields: &[FormField]) -> Vec<ErrorItem> {
    fields
        .iter()
        .filter_map(|f| {
            f.error.as_ref().map(|m| ErrorItem {
                href: format!("#{}", f.id),
                message: m.clone(),
            })
        })
        .collect()
}

/// Yes and no, for radios.
pub const YES_NO: [(&str, &str); 2] = [("yes", "Yes"), ("no", "No")];
