//! Reading `index.json` one agency at a time, for outputs that visit every
//! agency once (`compare --all --format html`): memory stays that of one
//! agency, where [`super::read`] holds the whole index (about 4.6 bytes of
//! memory per byte of `index.json`: 460 MB for the 10,000-report bench set).

use super::{Agency, IndexError, INDEX_FILE};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::path::Path;

/// What `index.json` holds besides its agencies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndexSummary {
    /// Agencies passed to the callback.
    pub agencies: usize,
    /// Documents not placed in any agency.
    pub unassigned: usize,
    /// Lines read from `reports.jsonl` when the index was built.
    pub reports_read: usize,
}

/// Message of the error that stops the parse when the callback says so.
const STOPPED: &str = "stopped by the caller";

/// Call `f` with every agency of `OUT/index.json`, in file order (sorted by
/// key), holding one at a time. `f` returns `false` to stop: the read then
/// ends with `Ok(None)`. Errors: [`IndexError::MissingIndex`], I/O, or JSON
/// that is not an index.
pub fn for_each_agency<F>(out_dir: &Path, mut f: F) -> Result<Option<IndexSummary>, IndexError>
where
    F: FnMut(Agency) -> bool,
{
    let path = out_dir.join(INDEX_FILE);
    let file = std::fs::File::open(&path)
        .map_err(|e| super::open_error(&path, e, IndexError::MissingIndex))?;
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut summary = IndexSummary::default();
    let mut stopped = false;
    let top = Top {
        f: &mut f,
        summary: &mut summary,
        stopped: &mut stopped,
    };
    match top.deserialize(&mut de).and_then(|()| de.end()) {
        Ok(()) => Ok(Some(summary)),
        Err(_) if stopped => Ok(None),
        Err(source) => Err(IndexError::Json { path, source }),
    }
}

struct Top<'a, F> {
    f: &'a mut F,
    summary: &'a mut IndexSummary,
    stopped: &'a mut bool,
}

impl<'de, F: FnMut(Agency) -> bool> DeserializeSeed<'de> for Top<'_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F: FnMut(Agency) -> bool> Visitor<'de> for Top<'_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an index object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen_agencies = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "agencies" => {
                    seen_agencies = true;
                    map.next_value_seed(Agencies {
                        f: &mut *self.f,
                        count: &mut self.summary.agencies,
                        stopped: &mut *self.stopped,
                    })?
                }
                "unassigned" => self.summary.unassigned = map.next_value_seed(Count)?,
                "reports_read" => self.summary.reports_read = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !seen_agencies {
            return Err(de::Error::missing_field("agencies"));
        }
        Ok(())
    }
}

struct Agencies<'a, F> {
    f: &'a mut F,
    count: &'a mut usize,
    stopped: &'a mut bool,
}

impl<'de, F: FnMut(Agency) -> bool> DeserializeSeed<'de> for Agencies<'_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(Agency) -> bool> Visitor<'de> for Agencies<'_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of agencies")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(a) = seq.next_element::<Agency>()? {
            *self.count += 1;
            if !(self.f)(a) {
                *self.stopped = true;
                return Err(de::Error::custom(STOPPED));
            }
        }
        Ok(())
    }
}

/// Counts the elements of a list without keeping them.
struct Count;

impl<'de> DeserializeSeed<'de> for Count {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Count {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut n = 0;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            n += 1;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{build_dir, read, synthetic, write};

    #[test]
    fn streams_the_agencies_read_gives() {
        let dir = tempfile::tempdir().unwrap();
        synthetic::write_dataset(
            dir.path(),
            &synthetic::SyntheticSpec {
                agencies: 7,
                first_year: 2019,
                years: 3,
            },
        )
        .unwrap();
        let idx = build_dir(dir.path(), None).unwrap();
        write(&idx, dir.path()).unwrap();
        let whole = read(dir.path()).unwrap();
        let mut streamed = Vec::new();
        let summary = for_each_agency(dir.path(), |a| {
            streamed.push(a);
            true
        })
        .unwrap()
        .unwrap();
        assert_eq!(streamed, whole.agencies);
        assert_eq!(summary.agencies, 7);
        assert_eq!(summary.unassigned, whole.unassigned.len());
        assert_eq!(summary.reports_read, whole.reports_read);
        // Stopping after two agencies.
        let mut n = 0;
        let r = for_each_agency(dir.path(), |_| {
            n += 1;
            n < 2
        })
        .unwrap();
        assert_eq!((r, n), (None, 2));
    }

    #[test]
    fn bad_files_are_typed_errors() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            for_each_agency(dir.path(), |_| true),
            Err(IndexError::MissingIndex(_))
        ));
        std::fs::write(dir.path().join(INDEX_FILE), "{\"agencies\": [1]}").unwrap();
        let e = for_each_agency(dir.path(), |_| true).unwrap_err();
        assert!(matches!(e, IndexError::Json { .. }), "{e}");
        std::fs::write(dir.path().join(INDEX_FILE), "{\"schema_version\": \"1.0\"}").unwrap();
        assert!(for_each_agency(dir.path(), |_| true).is_err());
    }
}
