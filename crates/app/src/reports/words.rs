//! The pack's words for stored values (a page never shows an enum value).

/// A workforce role, plural.
pub fn role(r: &str) -> &str {
    match r {
        "officer" => "Police officers",
        "special_constable" => "Special constables",
        "pcso" => "PCSOs",
        "staff" => "Police staff",
        "volunteer" => "Volunteers",
        other => other,
    }
}

/// An injury severity.
pub fn injury(s: &str) -> &str {
    match s {
        "none" => "No injury",
        "minor" => "Minor injury",
        "serious" => "Serious injury",
        "critical" => "Critical injury",
        other => other,
    }
}

/// A kind of location.
pub fn location(s: &str) -> &str {
    match s {
        "street" => "Street or public place",
        "custody" => "Custody suite",
        "vehicle" => "Police vehicle",
        "station" => "Police station",
        "railway" => "Railway",
        "hospital" => "Hospital",
        "other" => "Somewhere else",
        other => other,
    }
}

/// What the colleague was doing.
pub fn activity(s: &str) -> &str {
    match s {
        "arrest" => "Making an arrest",
        "custody" => "Custody duties",
        "stop" => "Stop and search or stop and account",
        "public_order" => "Public order",
        "mental_health_call" => "Mental health call",
        "transport" => "Transporting a detained person",
        "other" => "Other duties",
        other => other,
    }
}

/// A causal factor.
pub fn factor(s: &str) -> &str {
    match s {
        "drunk" => "Alcohol",
        "drugs" => "Drugs",
        "mental_health_crisis" => "Mental health crisis",
        "hostile" => "Hostile crowd or individual",
        "resisting_arrest" => "Resisting arrest",
        other => other,
    }
}

/// A monitored hate crime strand.
pub fn strand(s: &str) -> &str {
    match s {
        "race" => "Race",
        "religion" => "Religion or belief",
        "sexual_orientation" => "Sexual orientation",
        "disability" => "Disability",
        "transgender_identity" => "Transgender identity",
        other => other,
    }
}

/// A verdict.
pub fn verdict(s: &str) -> &str {
    match s {
        "guilty" => "Guilty",
        "not_guilty" => "Not guilty",
        "discontinued" => "Discontinued",
        other => other,
    }
}

/// A Home Office outcome type (1 to 22).
pub fn outcome(n: u8) -> String {
    let name = match n {
        1 => "Charge or summons",
        2 => "Caution, youth",
        3 => "Caution, adult",
        4 => "Taken into consideration",
        5 => "Offender died",
        6 => "Penalty notice for disorder",
        7 => "Cannabis or khat warning",
        8 => "Community resolution",
        9 => "Prosecution not in the public interest (CPS)",
        10 => "Formal action not in the public interest (police)",
        11 => "Prosecution prevented: suspect under age",
        12 => "Prosecution prevented: suspect too ill",
        13 => "Prosecution prevented: victim or key witness unavailable",
        14 => "Evidential difficulties: suspect not identified, victim does not support",
        15 => "Evidential difficulties: suspect identified, victim supports",
        16 => "Evidential difficulties: suspect identified, victim does not support",
        17 => "Prosecution time limit expired",
        18 => "Investigation complete: no suspect identified",
        20 => "Another body has primacy",
        21 => "Further investigation not in the public interest",
        22 => "Diversionary, educational or intervention activity",
        _ => "",
    };
    if name.is_empty() {
        format!("Outcome {n}")
    } else {
        format!("Outcome {n}: {name}")
    }
}

/// A date in words: "29 November 2026".
pub fn date(d: jiff::civil::Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = usize::try_from(d.month() - 1).unwrap_or(0);
    format!("{} {} {}", d.day(), MONTHS[month.min(11)], d.year())
}
