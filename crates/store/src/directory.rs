//! What imports from a force's own systems need from the store: a whole directory file
//! (units and people, and who has left) written in one transaction; the people who have left
//! and the open obligations they still own; the records a source system (a records management
//! system) had recorded, each claimed in the same transaction as the events it recorded; the
//! records no case matched, for a person to resolve; and uploaded files waiting between their
//! dry run and their confirmation. Implemented by both backends.

use jiff::Timestamp;
use jiff::civil::Date;
use std::future::Future;

use crate::Result;
use crate::model::{Append, Appended, CaseId, ObligationRow, Person, Unit};

/// A directory file to write in one transaction: all of it or none of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryImport {
    /// Units to add or change, parents before the units under them. Each goes through the
    /// same conditional upsert as [`crate::Store::save_unit`]: a unit never changes force.
    pub units: Vec<Unit>,
    /// People to add or change (through the conditional upsert of
    /// [`crate::Store::save_person`]: a person never moves to another force's unit). A person
    /// listed here is current: a `left_on` they had is cleared (they came back).
    pub people: Vec<Person>,
    /// People found to have left, and the day: marked, never deleted. A person already marked
    /// keeps their first date.
    pub leavers: Vec<(String, Date)>,
}

/// What [`DirectoryStore::import_directory`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirectoryImported {
    /// Units written.
    pub units: usize,
    /// People written.
    pub people: usize,
    /// People newly marked as left.
    pub leavers: usize,
}

/// A person marked as having left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaver {
    /// The person.
    pub person: Person,
    /// The day an import found them gone.
    pub left_on: Date,
}

/// A record of a source system, claimed by what it recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRecord {
    /// The source system (`niche`, `athena`, ...), as the import names it.
    pub source: String,
    /// The source's own id of the record.
    pub record_id: String,
    /// The case it was recorded on.
    pub case_id: CaseId,
    /// What was recorded, in words.
    pub recorded: String,
    /// When.
    pub recorded_at: Timestamp,
}

/// What [`DirectoryStore::append_from_source`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceAppend {
    /// The events were appended and the record claimed.
    Appended(Appended),
    /// The record was claimed already: nothing was written; what it recorded then.
    AlreadyRecorded(SourceRecord),
}

/// A record of a source system that no case matched, waiting for a person of the force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmatchedRecord {
    /// The source system.
    pub source: String,
    /// The source's id of the record.
    pub record_id: String,
    /// The force whose system sent it.
    pub force: String,
    /// The crime reference it carries.
    pub crime_reference: String,
    /// The Pledge reference it named, if any.
    pub pledge_reference: Option<String>,
    /// Why no case matched, in words.
    pub reason: String,
    /// When it arrived (the latest time).
    pub received_at: Timestamp,
}

/// An uploaded file kept between its dry run and its confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportUpload {
    /// A random id (the confirmation names it).
    pub id: String,
    /// Who uploaded it (only they may confirm it).
    pub actor: String,
    /// What it holds (`people`, `units`, `crimes`).
    pub kind: String,
    /// The import's options as the uploader chose them (the mapping, full or partial), as
    /// the app encodes them.
    pub options: String,
    /// The file.
    pub body: Vec<u8>,
    /// When.
    pub created_at: Timestamp,
}

/// Storage for imports. Implemented by both backends.
pub trait DirectoryStore: Send + Sync {
    /// Writes a directory file in one transaction: every unit, every person, every leaver, or
    /// nothing. A refused row ([`crate::StoreError::Refused`], naming the id) undoes the lot.
    fn import_directory(
        &self,
        import: &DirectoryImport,
    ) -> impl Future<Output = Result<DirectoryImported>> + Send;

    /// Everyone marked as having left, by id.
    fn leavers(&self) -> impl Future<Output = Result<Vec<Leaver>>> + Send;

    /// Open obligations of open cases of `force` owned by people marked as having left,
    /// oldest due first (undated last), at most `limit`.
    fn leavers_open_obligations(
        &self,
        force: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<ObligationRow>>> + Send;

    /// Cases with a `crime_recorded` event (not disposed of) carrying this crime reference.
    fn cases_with_crime_reference(
        &self,
        reference: &str,
    ) -> impl Future<Output = Result<Vec<CaseId>>> + Send;

    /// Appends `append` and claims `record` for it in the same transaction (after the write
    /// lock every append queues on): a record claimed already writes nothing and answers
    /// [`SourceAppend::AlreadyRecorded`]. A record that is appended is no longer unmatched.
    fn append_from_source(
        &self,
        append: Append,
        record: SourceRecord,
    ) -> impl Future<Output = Result<SourceAppend>> + Send;

    /// What a record of a source recorded, if it was claimed.
    fn source_record(
        &self,
        source: &str,
        record_id: &str,
    ) -> impl Future<Output = Result<Option<SourceRecord>>> + Send;

    /// Keeps (or refreshes) a record no case matched.
    fn keep_unmatched(&self, record: &UnmatchedRecord) -> impl Future<Output = Result<()>> + Send;

    /// The records of a force no case matched, newest first, at most `limit`.
    fn unmatched(
        &self,
        force: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<UnmatchedRecord>>> + Send;

    /// Keeps an uploaded file for its confirmation.
    fn keep_upload(&self, upload: &ImportUpload) -> impl Future<Output = Result<()>> + Send;

    /// An uploaded file, if its uploader asks for it.
    fn upload(
        &self,
        id: &str,
        actor: &str,
    ) -> impl Future<Output = Result<Option<ImportUpload>>> + Send;

    /// Removes an uploaded file, and any kept since before `before`; returns how many.
    fn remove_uploads(
        &self,
        id: &str,
        before: Timestamp,
    ) -> impl Future<Output = Result<u64>> + Send;
}

/// The text a `left_on` column holds.
pub(crate) fn date_text(d: Date) -> String {
    d.to_string()
}

/// A `left_on` column read back.
pub(crate) fn date_of(s: &str) -> Result<Date> {
    s.parse()
        .map_err(|e| crate::StoreError::Corrupt(format!("person left_on {s:?}: {e}")))
}

/// Refuses a source record the store cannot key.
pub(crate) fn check_record(r: &SourceRecord) -> Result<()> {
    if r.source.is_empty()
        || r.record_id.is_empty()
        || r.source.len() > 64
        || r.record_id.len() > 128
    {
        return Err(crate::StoreError::Invalid(
            "a source record needs a source (1 to 64 bytes) and a record id (1 to 128 bytes)"
                .into(),
        ));
    }
    Ok(())
}
