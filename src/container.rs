//! The container layer: recognize a package, refuse what we cannot read, and read
//! its parts through size limits.
//!
//! * DOCX (ECMA-376 Part 2, OPC): a zip with `[Content_Types].xml`; the main part
//!   is the target of the `officeDocument` relationship in `_rels/.rels`.
//! * ODT (ODF 1.2 Part 3): a zip whose `mimetype` member names
//!   `application/vnd.oasis.opendocument.text`; `META-INF/manifest.xml` declares
//!   `manifest:encryption-data` for password-protected members.
//! * OLE compound files (`D0 CF 11 E0`) are legacy `.doc`/`.wps`, or encrypted OOXML
//!   when they hold an `EncryptedPackage` stream.

mod doc_recover;
pub(crate) mod fib;
mod ole_repair;
mod salvage;

use crate::error::ReadError;
use crate::model::{Format, Warning};
use crate::xml::Relationship;
use salvage::Salvaged;
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::sync::Arc;

pub use crate::limits::Limits;

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ODT_MIMETYPES: [&str; 3] = [
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.text-template",
    "application/vnd.oasis.opendocument.text-master",
];
const REL_OFFICE_DOCUMENT: [&str; 2] = [
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
];

/// The file's bytes, shared so that they are still at hand when the zip crate
/// gives up on an archive (its reader is dropped with the error) and the archive
/// is salvaged from its local headers instead.
#[derive(Clone)]
struct Shared(Arc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Where a package's parts are stored.
enum Store {
    /// A zip archive (DOCX, ODT): parts are members, found through the central
    /// directory.
    Zip(zip::ZipArchive<Cursor<Shared>>),
    /// A damaged zip archive: members found from their local file headers.
    Salvaged(Salvaged),
    /// An OLE compound file (Word binary): parts are streams.
    Ole(Box<cfb::CompoundFile<Cursor<Shared>>>),
}

/// An opened package: the zip archive or compound file held in memory, plus its
/// format and main part.
pub struct Package {
    store: Store,
    format: Format,
    main_part: String,
    limits: Limits,
    total_read: u64,
    /// `_rels/.rels`, parsed once while finding the DOCX main part.
    root_rels: Option<Vec<Relationship>>,
    /// What was recovered from while opening (`salvaged_archive`).
    warnings: Vec<Warning>,
    /// Parts read so far that the file ends inside of (salvaged archives).
    cut_parts: Vec<String>,
    /// Member names by their folded form ([`fold_member_name`]: ASCII lower
    /// case, `/` for `\`; the first of equal ones), built on the first
    /// lookup that misses (see [`Package::member`]).
    folded: std::cell::OnceCell<HashMap<String, String>>,
}

impl std::fmt::Debug for Package {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Package")
            .field("format", &self.format)
            .field("main_part", &self.main_part)
            .field(
                "parts",
                &match &self.store {
                    Store::Zip(z) => z.len(),
                    Store::Salvaged(s) => s.len(),
                    Store::Ole(c) => c.walk().count(),
                },
            )
            .finish()
    }
}

impl Package {
    /// Recognize and open a package from its bytes.
    pub fn open(bytes: Vec<u8>, limits: Limits) -> Result<Package, ReadError> {
        if bytes.starts_with(&OLE_MAGIC) {
            return Package::open_ole(bytes, limits);
        }
        if bytes.starts_with(&[0xDB, 0xA5]) {
            return Err(ReadError::UnsupportedVersion(
                "Word for Windows 2.0 or older".into(),
            ));
        }
        if !bytes.starts_with(b"PK") {
            return Err(ReadError::NotZip(describe_magic(&bytes)));
        }
        Package::open_zip(bytes, limits)
    }

    /// Open a zip package through its central directory; when that is missing or
    /// does not lead to readable members, salvage it from its local headers.
    fn open_zip(bytes: Vec<u8>, limits: Limits) -> Result<Package, ReadError> {
        let total = bytes.len() as u64;
        let shared = Shared(Arc::new(bytes));
        let damage = match zip::ZipArchive::new(Cursor::new(shared.clone())) {
            Ok(zip) => {
                if zip.len() > limits.max_parts {
                    return Err(ReadError::TooManyParts {
                        count: zip.len(),
                        limit: limits.max_parts,
                    });
                }
                let mut pkg = Package::with_store(Store::Zip(zip), limits);
                match pkg.detect() {
                    Ok(()) => match pkg.main_member_damage(total) {
                        None => return Ok(pkg),
                        Some(damage) => damage,
                    },
                    // A member the central directory names cannot be read.
                    Err(ReadError::Zip(m)) => m,
                    Err(e) => return Err(e),
                }
            }
            Err(e) => e.to_string(),
        };
        // The archive (and its clone of the bytes) is gone: take them back.
        let bytes = Arc::try_unwrap(shared.0).unwrap_or_else(|a| a.as_ref().clone());
        let Some(salvaged) = Salvaged::scan(bytes, limits)? else {
            return Err(ReadError::Zip(format!(
                "{damage}; no member could be read from its local header"
            )));
        };
        let members = salvaged.len();
        let cut = salvaged.cut_members();
        let cut = match cut.len() {
            0 => String::new(),
            n => format!(
                "; the file ends inside {n} of them ({})",
                cut[..n.min(3)].join(", ")
            ),
        };
        let mut pkg = Package::with_store(Store::Salvaged(salvaged), limits);
        pkg.detect()?;
        pkg.warnings.push(Warning::new(
            "salvaged_archive",
            format!(
                "the zip central directory is missing or damaged ({damage}); \
                 {members} member(s) were read from their local file headers{cut}"
            ),
            None,
        ));
        Ok(pkg)
    }

    fn with_store(store: Store, limits: Limits) -> Package {
        Package {
            store,
            format: Format::Docx,
            main_part: String::new(),
            limits,
            total_read: 0,
            root_rels: None,
            warnings: Vec::new(),
            cut_parts: Vec::new(),
            folded: std::cell::OnceCell::new(),
        }
    }

    /// Recognize the package in a zip store: ODT by its mimetype (or content and
    /// manifest), DOCX by its content types or relationships.
    fn detect(&mut self) -> Result<(), ReadError> {
        if let Some(mime) = self.part("mimetype")? {
            let mime = String::from_utf8_lossy(&mime).trim().to_string();
            if ODT_MIMETYPES.contains(&mime.as_str()) {
                self.format = Format::Odt;
                self.main_part = "content.xml".into();
                self.check_odf_encryption()?;
                if !self.has_part("content.xml") {
                    return Err(ReadError::MissingPart("content.xml".into()));
                }
                return Ok(());
            }
            return Err(ReadError::UnknownPackage(format!(
                "mimetype is {mime:?}, not an OpenDocument text"
            )));
        }
        if self.has_part("[Content_Types].xml") || self.has_part("_rels/.rels") {
            self.format = Format::Docx;
            self.main_part = self.find_docx_main_part()?;
            return Ok(());
        }
        if self.has_part("content.xml") && self.has_part("META-INF/manifest.xml") {
            // An ODT without its mimetype member: readable, LibreOffice opens it too.
            self.format = Format::Odt;
            self.main_part = "content.xml".into();
            self.check_odf_encryption()?;
            return Ok(());
        }
        Err(ReadError::UnknownPackage(
            "zip archive without [Content_Types].xml or mimetype".into(),
        ))
    }

    /// Why the central directory's entry of the main part does not lead to its
    /// data (no local header where it says, data past the end of the file);
    /// `None` when it does.
    fn main_member_damage(&mut self, total: u64) -> Option<String> {
        let index = self.member(&self.main_part)?.index?;
        let Store::Zip(zip) = &mut self.store else {
            return None;
        };
        match zip.by_index_raw(index) {
            Ok(f) if f.data_start().saturating_add(f.compressed_size()) <= total => None,
            Ok(_) => Some(format!("{}: data past the end of the file", self.main_part)),
            Err(e) => Some(format!("{}: {e}", self.main_part)),
        }
    }

    /// Open an OLE compound file: a Word binary document when it holds a
    /// `WordDocument` stream; encrypted OOXML when it holds `EncryptedPackage`;
    /// otherwise a typed error naming what it is.
    fn open_ole(bytes: Vec<u8>, limits: Limits) -> Result<Package, ReadError> {
        let shared = Shared(Arc::new(bytes));
        let (cfb, repaired) = match cfb::CompoundFile::open(Cursor::new(shared.clone())) {
            Ok(cfb) => (cfb, None),
            Err(e) => {
                // Damaged in a way Word and LibreOffice read past: repair a
                // copy's structure and try again; when that does not help,
                // look for the Word streams by their content; the original
                // error stands when that finds nothing either.
                let damage = e.to_string();
                let Some(r) = ole_repair::repair(&shared.0, limits.max_parts) else {
                    return Package::open_recovered(&shared.0, damage, limits);
                };
                match cfb::CompoundFile::open(Cursor::new(Shared(Arc::new(r.bytes)))) {
                    Ok(cfb) => (cfb, Some((damage, r.fixes))),
                    Err(again) => {
                        return Package::open_recovered(
                            &shared.0,
                            format!("{damage} (still unreadable after repair: {again})"),
                            limits,
                        )
                    }
                }
            }
        };
        let mut streams = 0usize;
        let mut names = Vec::new();
        for entry in cfb.walk() {
            streams += 1;
            if streams > limits.max_parts {
                return Err(ReadError::TooManyParts {
                    count: streams,
                    limit: limits.max_parts,
                });
            }
            if entry.is_stream() && entry.path().parent() == Some(std::path::Path::new("/")) {
                names.push(entry.name().to_string());
            }
        }
        // Stream names compare case-insensitively (MS-CFB 2.6.4), as Word
        // finds them: some writers store `WORDDOCUMENT` or `worddocument`.
        let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
        if has("EncryptedPackage") {
            return Err(ReadError::Encrypted);
        }
        if let (Some((damage, _)), false) = (&repaired, has("WordDocument")) {
            // The damage took the Word stream's entry with it (a file cut
            // before its end): still a damaged file, not another kind of one.
            return Package::open_recovered(
                &shared.0,
                format!(
                    "{damage} (after repair, no WordDocument stream is left; streams: {})",
                    names.join(", ")
                ),
                limits,
            );
        }
        drop(shared);
        if !has("WordDocument") {
            let what = if has("CONTENTS") || has("SPELLING") {
                "a Microsoft Works word processor document (.wps), not Word compatible".to_string()
            } else if has("Workbook") || has("Book") {
                "an Excel workbook".to_string()
            } else if has("PowerPoint Document") {
                "a PowerPoint presentation".to_string()
            } else {
                format!("no WordDocument stream (streams: {})", names.join(", "))
            };
            return Err(ReadError::NotWordBinary(what));
        }
        let mut pkg = Package::word_binary(cfb, limits);
        if let Some((damage, fixes)) = repaired {
            pkg.warnings.push(Warning::new(
                "repaired_compound_file",
                format!(
                    "the compound file (OLE) structure is damaged ({damage}); read after repair: {}",
                    fixes.join("; ")
                ),
                None,
            ));
        }
        Ok(pkg)
    }

    /// The package of a Word binary document held in `cfb`.
    fn word_binary(cfb: cfb::CompoundFile<Cursor<Shared>>, limits: Limits) -> Package {
        let mut pkg = Package::with_store(Store::Ole(Box::new(cfb)), limits);
        pkg.format = Format::Doc;
        pkg.main_part = "WordDocument".into();
        pkg
    }

    /// A Word binary document whose compound file structure could not be
    /// read (`damage`), from its streams found by their content
    /// ([`doc_recover`]), with a `recovered_streams` warning; the damage as
    /// an error when they are not found.
    fn open_recovered(
        original: &[u8],
        damage: String,
        limits: Limits,
    ) -> Result<Package, ReadError> {
        let Some(found) = doc_recover::recover(original) else {
            return Err(ReadError::Ole(damage));
        };
        let cfb = match cfb::CompoundFile::open(Cursor::new(Shared(Arc::new(found.bytes)))) {
            Ok(cfb) => cfb,
            Err(e) => {
                return Err(ReadError::Ole(format!(
                    "{damage} (the streams found by their content do not open: {e})"
                )))
            }
        };
        let mut pkg = Package::word_binary(cfb, limits);
        pkg.warnings.push(Warning::new(
            "recovered_streams",
            format!(
                "the compound file (OLE) structure is lost ({damage}); the Word streams were found by their content, each read as one contiguous run: {}. Text past the end of a cut file, or in a stream not stored contiguously, is missing or wrong",
                found.found
            ),
            None,
        ));
        Ok(pkg)
    }

    /// The package's format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The main part name (`word/document.xml` or whatever `_rels/.rels` names; `content.xml`).
    pub fn main_part(&self) -> &str {
        &self.main_part
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The package relationships (`_rels/.rels`) of a DOCX, as parsed when the
    /// package was opened; `None` when the part is absent (or for an ODT).
    pub fn root_relationships(&self) -> Option<&[Relationship]> {
        self.root_rels.as_deref()
    }

    /// What was recovered from while opening the package (a `salvaged_archive`
    /// warning when its members were read from their local headers); the
    /// readers put these first among the document's warnings.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Whether the file ends inside part `name`, read before: what it gave is
    /// what precedes the cut (salvaged archives, and compound-file streams
    /// whose sectors lie past the end of the file).
    pub fn is_cut(&self, name: &str) -> bool {
        self.cut_parts.iter().any(|n| n == name)
    }

    /// Whether the file ends inside any part read so far.
    pub fn any_cut(&self) -> bool {
        !self.cut_parts.is_empty()
    }

    /// Whether a member exists.
    pub fn has_part(&self, name: &str) -> bool {
        match &self.store {
            Store::Ole(c) => c.is_stream(ole_path(name)),
            _ => self.member(name).is_some(),
        }
    }

    /// The zip member that part `name` is: the member of that name, or else
    /// the one whose name equals it ignoring ASCII case, since part names
    /// compare case-insensitively (ECMA-376 Part 2, 6.2.2.3), as Word finds
    /// `WORD/DOCUMENT.XML` for `word/document.xml` (and written with `\`
    /// for `/`, see [`fold_member_name`]). Compound-file streams are matched
    /// that way by `cfb` itself: `name` as given, no index.
    fn member<'n>(&self, name: &'n str) -> Option<Member<'n>> {
        let exact = |index| Member {
            name: Cow::Borrowed(name),
            index,
        };
        let names: &mut dyn Iterator<Item = &str> = match &self.store {
            Store::Zip(z) => match z.index_for_name(name) {
                Some(i) => return Some(exact(Some(i))),
                None => &mut z.file_names(),
            },
            Store::Salvaged(s) if s.has(name) => return Some(exact(None)),
            Store::Salvaged(s) => &mut s.names(),
            Store::Ole(_) => return Some(exact(None)),
        };
        // One map for all misses: a package may list thousands of members.
        let folded = self.folded.get_or_init(|| {
            let mut map = HashMap::new();
            for n in names {
                map.entry(fold_member_name(n))
                    .or_insert_with(|| n.to_string());
            }
            map
        });
        let other = folded.get(&fold_member_name(name))?.clone();
        let index = match &self.store {
            Store::Zip(z) => Some(z.index_for_name(&other)?),
            _ => None,
        };
        Some(Member {
            name: Cow::Owned(other),
            index,
        })
    }

    /// Names of all members (zip members, or the compound file's streams).
    pub fn part_names(&self) -> Vec<String> {
        match &self.store {
            Store::Zip(z) => z.file_names().map(str::to_string).collect(),
            Store::Salvaged(s) => s.names().map(str::to_string).collect(),
            Store::Ole(c) => c
                .walk()
                .filter(|e| e.is_stream())
                .map(|e| {
                    e.path()
                        .to_string_lossy()
                        .trim_start_matches('/')
                        .to_string()
                })
                .collect(),
        }
    }

    /// Read a compound-file stream through the size limit.
    fn ole_stream(&mut self, name: &str, limit: u64) -> Result<Option<Vec<u8>>, ReadError> {
        let Store::Ole(cfb) = &mut self.store else {
            return Ok(None);
        };
        let path = ole_path(name);
        if !cfb.is_stream(&path) {
            return Ok(None);
        }
        let mut stream = cfb
            .open_stream(&path)
            .map_err(|e| ReadError::Ole(format!("{name}: {e}")))?;
        let declared = stream.len();
        if declared > limit {
            return Err(ReadError::PartTooLarge {
                part: name.to_string(),
                limit,
            });
        }
        let mut buf = Vec::with_capacity(declared as usize);
        match (&mut stream).take(limit + 1).read_to_end(&mut buf) {
            Ok(_) => {}
            // The file ends inside the stream (a download cut short): what
            // precedes the cut is kept, as a cut zip member's is; the reader
            // finds its structures past it missing and says so.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                if !self.is_cut(name) {
                    self.cut_parts.push(name.to_string());
                    self.warnings.push(Warning::new(
                        "stream_cut",
                        format!(
                            "the file ends inside stream {name}: {} of its {declared} bytes read",
                            buf.len()
                        ),
                        Some(name.to_string()),
                    ));
                }
            }
            Err(e) => return Err(ReadError::Ole(format!("stream {name}: {e}"))),
        }
        Ok(Some(buf))
    }

    /// Read a member through the size limits. `Ok(None)` when it is absent, an error
    /// when it is present but broken or too large.
    pub fn part(&mut self, name: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let limit = self.limits.max_part_bytes;
        let Some(member) = self.member(name) else {
            return Ok(None);
        };
        let buf = match &self.store {
            Store::Ole(_) => match self.ole_stream(name, limit)? {
                Some(buf) => buf,
                None => return Ok(None),
            },
            Store::Zip(_) => {
                let Some(index) = member.index else {
                    return Ok(None);
                };
                match self.inflate_whole(index, limit) {
                    Some(buf) => buf,
                    None => self.read_streaming(&member.name, index, limit)?,
                }
            }
            // A member the file ends inside gives what it holds before the
            // cut; the XML reader tells where its text stops.
            Store::Salvaged(s) => match s.read(&member.name, limit)? {
                Some((buf, cut)) => {
                    if cut && !self.cut_parts.iter().any(|n| n == name) {
                        self.cut_parts.push(name.to_string());
                    }
                    buf
                }
                None => return Ok(None),
            },
        };
        let buf = match &self.store {
            Store::Ole(_) => buf,
            _ => match utf16_xml_to_utf8(&buf) {
                Some(utf8) if utf8.len() as u64 > limit => {
                    return Err(ReadError::PartTooLarge {
                        part: name.to_string(),
                        limit,
                    })
                }
                Some(utf8) => utf8,
                None => buf,
            },
        };
        self.total_read += buf.len() as u64;
        if self.total_read > self.limits.max_total_bytes {
            return Err(ReadError::PackageTooLarge {
                limit: self.limits.max_total_bytes,
            });
        }
        Ok(Some(buf))
    }

    /// The usual deflated member in one call to libdeflate: its declared size
    /// within the limit, the data inflating to exactly that size, and the CRC
    /// matching. `None` for anything else, which [`Package::read_streaming`]
    /// then reads (and reports) the general way.
    fn inflate_whole(&mut self, index: usize, limit: u64) -> Option<Vec<u8>> {
        let Store::Zip(zip) = &mut self.store else {
            return None;
        };
        let (raw, size, crc) = {
            let mut file = zip.by_index_raw(index).ok()?;
            if file.encrypted()
                || file.compression() != zip::CompressionMethod::Deflated
                || file.size() > limit
                || file.compressed_size() > limit
            {
                return None;
            }
            let (size, crc) = (file.size() as usize, file.crc32());
            let mut raw = Vec::with_capacity(file.compressed_size() as usize);
            file.read_to_end(&mut raw).ok()?;
            (raw, size, crc)
        };
        let mut out = vec![0u8; size];
        // One decompressor per thread: making one allocates and sets up
        // about 10 KB of tables, a tenth of inflating a small part. The
        // borrow cannot fail: nothing inside the call comes back here.
        thread_local! {
            static INFLATER: std::cell::RefCell<libdeflater::Decompressor> =
                std::cell::RefCell::new(libdeflater::Decompressor::new());
        }
        let n = INFLATER
            .with(|d| d.borrow_mut().deflate_decompress(&raw, &mut out))
            .ok()?;
        if n != size {
            return None;
        }
        let mut check = libdeflater::Crc::new();
        check.update(&out);
        (check.sum() == crc).then_some(out)
    }

    /// Read member `index` through zip's streaming reader, at most `limit` bytes.
    fn read_streaming(
        &mut self,
        name: &str,
        index: usize,
        limit: u64,
    ) -> Result<Vec<u8>, ReadError> {
        let Store::Zip(zip) = &mut self.store else {
            return Err(ReadError::MissingPart(name.to_string()));
        };
        let mut file = zip
            .by_index(index)
            .map_err(|e| ReadError::Zip(format!("{name}: {e}")))?;
        if file.encrypted() {
            return Err(ReadError::Encrypted);
        }
        let declared = file.size();
        let mut buf = Vec::with_capacity(declared.min(limit) as usize);
        (&mut file)
            .take(limit + 1)
            .read_to_end(&mut buf)
            .map_err(|e| ReadError::Zip(format!("{name}: {e}")))?;
        if buf.len() as u64 > limit {
            return Err(ReadError::PartTooLarge {
                part: name.to_string(),
                limit,
            });
        }
        Ok(buf)
    }

    /// Read a member that must exist.
    pub fn required_part(&mut self, name: &str) -> Result<Vec<u8>, ReadError> {
        self.part(name)?
            .ok_or_else(|| ReadError::MissingPart(name.to_string()))
    }

    fn check_odf_encryption(&mut self) -> Result<(), ReadError> {
        if let Some(manifest) = self.part("META-INF/manifest.xml")? {
            // Any encryption-data element means encrypted members; a substring test
            // is enough and survives any prefix because the local name is unique.
            if memchr_find(&manifest, b"encryption-data") {
                return Err(ReadError::Encrypted);
            }
        }
        Ok(())
    }

    fn find_docx_main_part(&mut self) -> Result<String, ReadError> {
        if let Some(rels) = self.part("_rels/.rels")? {
            let rels = crate::xml::relationships(&rels, "_rels/.rels", self.limits)?;
            let main = rels
                .iter()
                .find(|rel| REL_OFFICE_DOCUMENT.contains(&rel.rel_type.as_str()) && !rel.external)
                .map(|rel| resolve_part_name("", &rel.target));
            self.root_rels = Some(rels);
            if let Some(target) = main {
                if self.has_part(&target) {
                    return Ok(target);
                }
                return Err(ReadError::MissingPart(target));
            }
        }
        // No usable relationship: fall back to the conventional name, which Word
        // itself also opens.
        if self.has_part("word/document.xml") {
            return Ok("word/document.xml".into());
        }
        Err(ReadError::MissingPart(
            "main document part (officeDocument relationship in _rels/.rels)".into(),
        ))
    }
}

/// Resolve a relationship target relative to the folder of its source part
/// (`base_dir` without trailing slash; empty for the package root). Absolute
/// targets (`/word/x.xml`) are taken from the root.
pub fn resolve_part_name(base_dir: &str, target: &str) -> String {
    let (mut parts, rest): (Vec<&str>, &str) = if let Some(abs) = target.strip_prefix('/') {
        (Vec::new(), abs)
    } else {
        (
            base_dir.split('/').filter(|s| !s.is_empty()).collect(),
            target,
        )
    };
    for seg in rest.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A zip member found for a part name ([`Package::member`]).
struct Member<'n> {
    /// Its name: the part name itself, or the member's own spelling of it.
    name: Cow<'n, str>,
    /// Its index in the central directory (zip archives only).
    index: Option<usize>,
}

/// A member name as [`Package::member`] matches it: ASCII lower case, and `\`
/// as `/` (some Windows zip tools write backslashes, which APPNOTE 4.4.17.1
/// forbids but whose meaning is plain).
fn fold_member_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c == '\\' {
                '/'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// An XML part stored in UTF-16 (which XML and ECMA-376 Part 2 allow beside
/// UTF-8, and Word reads), as UTF-8 with its declaration saying so; `None`
/// when `bytes` is not UTF-16 XML (a byte-order mark or `<?` in UTF-16 first).
/// Unpaired surrogates become U+FFFD.
fn utf16_xml_to_utf8(bytes: &[u8]) -> Option<Vec<u8>> {
    let encoding = match bytes.get(..4)? {
        [0xFF, 0xFE, b'<', 0] | [b'<', 0, b'?', 0] => encoding_rs::UTF_16LE,
        [0xFE, 0xFF, 0, b'<'] | [0, b'<', 0, b'?'] => encoding_rs::UTF_16BE,
        _ => return None,
    };
    let (text, _) = encoding.decode_with_bom_removal(bytes);
    let mut text = text.into_owned();
    // The declaration names the encoding the bytes were in: now UTF-8.
    if let Some(end) = text.starts_with("<?xml").then(|| text.find("?>")).flatten() {
        let decl = &text[..end];
        let lower = decl.to_ascii_lowercase();
        for quote in ['"', '\''] {
            let pattern = format!("encoding={quote}utf-16");
            if let Some(at) = lower.find(&pattern) {
                let value = at + "encoding=".len() + 1;
                if let Some(len) = decl[value..].find(quote) {
                    text.replace_range(value..value + len, "UTF-8");
                }
                break;
            }
        }
    }
    Some(text.into_bytes())
}

/// The compound-file path of a stream in the root storage.
fn ole_path(name: &str) -> String {
    format!("/{}", name.trim_start_matches('/'))
}

fn describe_magic(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "empty file".into();
    }
    if bytes.starts_with(b"%PDF") {
        return "it is a PDF".into();
    }
    if bytes.starts_with(b"{\\rtf") {
        return "it is an RTF file".into();
    }
    let head: String = String::from_utf8_lossy(&bytes[..bytes.len().min(64)])
        .chars()
        .take(16)
        .collect();
    if head.trim_start().starts_with('<') {
        return "it is an XML or HTML file".into();
    }
    format!(
        "unrecognized leading bytes {:02x?}",
        &bytes[..bytes.len().min(4)]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// An ODT package whose content.xml is `content` (deflated), then `patch`ed.
    fn odt_with_patch(content: &[u8], patch: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("mimetype", stored).unwrap();
        w.write_all(b"application/vnd.oasis.opendocument.text")
            .unwrap();
        w.start_file("content.xml", deflated).unwrap();
        w.write_all(content).unwrap();
        let mut bytes = w.finish().unwrap().into_inner();
        patch(&mut bytes);
        bytes
    }

    /// Offsets of every occurrence of `needle` in `hay`.
    fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
        hay.windows(needle.len())
            .enumerate()
            .filter(|(_, w)| *w == needle)
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn whole_part_inflate_agrees_with_streaming() {
        let content: Vec<u8> = (0..5000)
            .flat_map(|i| format!("<text:p>第{i}段</text:p>").into_bytes())
            .collect();
        let size = (content.len() as u32).to_le_bytes();
        let crc = {
            let mut c = libdeflater::Crc::new();
            c.update(&content);
            c.sum().to_le_bytes()
        };
        // Intact, a wrong CRC, and uncompressed sizes declared too small and
        // too large (in both the local and the central header).
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("intact", odt_with_patch(&content, |_| {})),
            (
                "crc",
                odt_with_patch(&content, |b| {
                    for at in find_all(b, &crc) {
                        b[at] ^= 1;
                    }
                }),
            ),
            (
                "size too small",
                odt_with_patch(&content, |b| {
                    for at in find_all(b, &size) {
                        b[at..at + 4].copy_from_slice(&100u32.to_le_bytes());
                    }
                }),
            ),
            (
                "size too large",
                odt_with_patch(&content, |b| {
                    for at in find_all(b, &size) {
                        b[at..at + 4].copy_from_slice(&(content.len() as u32 + 7).to_le_bytes());
                    }
                }),
            ),
        ];
        for (what, bytes) in cases {
            let mut pkg = Package::open(bytes, Limits::default()).unwrap();
            let index = match &pkg.store {
                Store::Zip(z) => z.index_for_name("content.xml").unwrap(),
                _ => unreachable!("an ODT is a zip with its central directory"),
            };
            let limit = Limits::default().max_part_bytes;
            let whole = pkg.inflate_whole(index, limit);
            let streamed = pkg
                .read_streaming("content.xml", index, limit)
                .map_err(|e| e.to_string());
            if what == "intact" {
                assert_eq!(whole.as_deref(), Some(&content[..]));
            } else {
                // Only an intact member takes the fast path.
                assert_eq!(whole, None, "{what}");
            }
            match (pkg.part("content.xml"), streamed) {
                (Ok(Some(a)), Ok(b)) => assert_eq!(a, b, "{what}"),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b, "{what}"),
                (a, b) => panic!("{what}: {a:?} vs {b:?}"),
            }
        }
    }

    #[test]
    fn resolves_relative_targets() {
        assert_eq!(
            resolve_part_name("", "word/document.xml"),
            "word/document.xml"
        );
        assert_eq!(
            resolve_part_name("", "/word/document.xml"),
            "word/document.xml"
        );
        assert_eq!(
            resolve_part_name("word", "../customXml/item1.xml"),
            "customXml/item1.xml"
        );
        assert_eq!(resolve_part_name("word", "./styles.xml"), "word/styles.xml");
    }

    #[test]
    fn refuses_non_zip_and_ole() {
        assert!(matches!(
            Package::open(b"%PDF-1.4".to_vec(), Limits::default()),
            Err(ReadError::NotZip(_))
        ));
        let mut ole = OLE_MAGIC.to_vec();
        ole.extend_from_slice(&[0; 100]);
        assert!(matches!(
            Package::open(ole, Limits::default()),
            Err(ReadError::Ole(_))
        ));
        let open = |streams: &[&str]| Package::open(compound(streams), Limits::default());
        assert!(matches!(
            open(&["EncryptionInfo", "EncryptedPackage"]),
            Err(ReadError::Encrypted)
        ));
        match open(&["CONTENTS", "SPELLING"]) {
            Err(ReadError::NotWordBinary(m)) => assert!(m.contains("Works"), "{m}"),
            other => panic!("{other:?}"),
        }
        match open(&["Workbook"]) {
            Err(ReadError::NotWordBinary(m)) => assert!(m.contains("Excel"), "{m}"),
            other => panic!("{other:?}"),
        }
        let mut pkg = open(&["WordDocument", "1Table"]).unwrap();
        assert_eq!(pkg.format(), Format::Doc);
        assert_eq!(pkg.part("1Table").unwrap(), Some(b"1Table".to_vec()));
        assert_eq!(pkg.part("Data").unwrap(), None);
    }

    /// A compound file whose root holds `streams`, each holding its own name.
    pub(crate) fn compound(streams: &[&str]) -> Vec<u8> {
        let mut c = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        for s in streams {
            c.create_stream(format!("/{s}"))
                .unwrap()
                .write_all(s.as_bytes())
                .unwrap();
        }
        c.flush().unwrap();
        c.into_inner().into_inner()
    }
}
