-- The scrutiny panel's pack (docs/reports.md).
--
-- case_report: the per-case facts the pack counts that case_summary does not hold, written
-- with every append in the same transaction as the other read models, rebuilt by `pledge
-- rebuild` and compared by `pledge verify`. A database upgraded from before this migration
-- has no rows for its existing cases until `pledge rebuild` is run (verify reports them).
CREATE TABLE case_report (
    case_id TEXT COLLATE "C" PRIMARY KEY REFERENCES case_summary (case_id) ON DELETE CASCADE,
    force TEXT COLLATE "C" NOT NULL,
    unit TEXT COLLATE "C" NOT NULL,
    occurred_at BIGINT NOT NULL,
    facts TEXT NOT NULL                  -- JSON (pledge_store::CaseFacts)
);
-- A pack reads a force (and some units) over a period of occurrence.
CREATE INDEX case_report_force ON case_report (force, occurred_at);
CREATE INDEX case_report_unit ON case_report (force, unit, occurred_at);

-- Headcounts per unit, date and workforce role (rates per 1,000 officers and per 1,000
-- staff). A figure holds from its date until the next one for the same unit and role. The
-- old per-year table had no role, so its rows cannot be carried over.
DROP TABLE headcount;
CREATE TABLE headcount (
    force TEXT COLLATE "C" NOT NULL,
    unit TEXT COLLATE "C" NOT NULL,
    on_date TEXT NOT NULL,               -- YYYY-MM-DD
    role TEXT NOT NULL CHECK (role IN ('officer', 'special_constable', 'pcso', 'staff', 'volunteer')),
    count BIGINT NOT NULL CHECK (count >= 0),
    PRIMARY KEY (force, unit, role, on_date)
);
