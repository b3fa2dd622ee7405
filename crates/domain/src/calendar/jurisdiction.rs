//! The UK's three legal jurisdictions, each with its own bank holidays.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a case's working days are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Jurisdiction {
    /// England and Wales.
    #[default]
    EnglandAndWales,
    /// Scotland.
    Scotland,
    /// Northern Ireland.
    NorthernIreland,
}

impl Jurisdiction {
    /// All three.
    pub const ALL: [Jurisdiction; 3] = [
        Jurisdiction::EnglandAndWales,
        Jurisdiction::Scotland,
        Jurisdiction::NorthernIreland,
    ];

    /// The snake_case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Jurisdiction::EnglandAndWales => "england_and_wales",
            Jurisdiction::Scotland => "scotland",
            Jurisdiction::NorthernIreland => "northern_ireland",
        }
    }

    /// The name in words.
    pub fn label(self) -> &'static str {
        match self {
            Jurisdiction::EnglandAndWales => "England and Wales",
            Jurisdiction::Scotland => "Scotland",
            Jurisdiction::NorthernIreland => "Northern Ireland",
        }
    }

    pub(super) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Jurisdiction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Jurisdiction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Jurisdiction::ALL
            .into_iter()
            .find(|j| j.as_str() == s)
            .ok_or_else(|| format!("unknown jurisdiction `{s}`; expected england_and_wales, scotland or northern_ireland"))
    }
}
