//! Input discovery: command-line paths to a list of documents, each with its
//! source path relative to its input root.
//!
//! * A directory is walked recursively (symlinks followed, loops detected by
//!   canonical path); files with a document extension are inputs, `.zip` files
//!   are archives, everything else is counted as skipped.
//! * A zip archive is listed from its central directory; members are read in
//!   memory through size caps, never extracted. Zips inside zips are opened in
//!   memory down to [`InputLimits::max_archive_depth`].
//! * Member names without the UTF-8 flag are CP437 by the zip specification but
//!   GBK/GB18030 in practice when made on Chinese Windows: a name that is not
//!   valid UTF-8 is decoded as GB18030 ([`decode_member_name`]).
//! * A file named explicitly on the command line is an input whatever its
//!   extension (it fails with a typed error if it is not a document).
//!
//! Source paths look like `reports/2022/a.docx` or `dl.zip!/dir/b.docx`
//! (`!/` enters an archive); they never contain the absolute location of the
//! input root, so outputs are machine-independent.

use super::Failure;
use std::fs::{self, File};
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Bounds on inputs.
#[derive(Debug, Clone, Copy)]
pub struct InputLimits {
    /// Largest document read, in bytes (a file or an inflated archive member).
    pub max_document_bytes: u64,
    /// Largest nested archive read into memory, in bytes.
    pub max_nested_archive_bytes: u64,
    /// Deepest nesting of archives (1 = a zip on disk, 2 = a zip inside it...).
    pub max_archive_depth: usize,
    /// Deepest directory recursion.
    pub max_dir_depth: usize,
}

impl Default for InputLimits {
    fn default() -> Self {
        InputLimits {
            max_document_bytes: 256 * 1024 * 1024,
            max_nested_archive_bytes: 512 * 1024 * 1024,
            max_archive_depth: 4,
            max_dir_depth: 128,
        }
    }
}

/// Extensions (lower case) of documents looked for in directories and archives.
/// Legacy `.doc`/`.wps` are included on purpose: they fail with a typed error
/// (`legacy_ole`) in `errors.jsonl` instead of disappearing silently.
pub const DOCUMENT_EXTENSIONS: [&str; 8] =
    ["docx", "docm", "dotx", "dotm", "odt", "ott", "doc", "wps"];

fn extension(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let (stem, ext) = base.rsplit_once('.')?;
    if stem.is_empty() {
        return None;
    }
    Some(ext.to_ascii_lowercase())
}

/// Whether a file name has a document extension (case-insensitive).
pub fn is_document_name(name: &str) -> bool {
    extension(name).is_some_and(|e| DOCUMENT_EXTENSIONS.contains(&e.as_str()))
}

/// Whether a file name is a zip archive (case-insensitive `.zip`).
pub fn is_archive_name(name: &str) -> bool {
    extension(name).is_some_and(|e| e == "zip")
}

/// Decode a raw zip member name: UTF-8 when valid (the UTF-8 flag, the
/// Info-ZIP Unicode path field, or plain ASCII), else GB18030 (a superset of
/// GBK), which is what Chinese Windows tools write without setting the flag.
pub fn decode_member_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (text, _had_errors) = encoding_rs::GB18030.decode_without_bom_handling(raw);
            text.into_owned()
        }
    }
}

/// A file opened once and read at explicit offsets, so that clones (one per
/// worker) share the handle without sharing a file position.
#[derive(Debug, Clone)]
pub struct SharedFile {
    file: Arc<File>,
    len: u64,
    pos: u64,
}

impl SharedFile {
    /// Open a regular file (see [`open_regular`]).
    pub fn open(path: &Path) -> io::Result<SharedFile> {
        let file = open_regular(path)?;
        let len = file.metadata()?.len();
        Ok(SharedFile {
            file: Arc::new(file),
            len,
            pos: 0,
        })
    }

    #[cfg(unix)]
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        std::os::unix::fs::FileExt::read_at(&*self.file, buf, offset)
    }

    #[cfg(windows)]
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        std::os::windows::fs::FileExt::seek_read(&*self.file, buf, offset)
    }

    #[cfg(not(any(unix, windows)))]
    fn read_at(&self, _buf: &mut [u8], _offset: u64) -> io::Result<usize> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "positional reads are not supported on this platform",
        ))
    }
}

impl Read for SharedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.read_at(buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for SharedFile {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let new = match pos {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        match new {
            Some(p) => {
                self.pos = p;
                Ok(p)
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the file",
            )),
        }
    }
}

/// An opened zip archive (on disk or nested, in memory); cheap to clone.
#[derive(Debug, Clone)]
pub enum Archive {
    /// A zip file on disk.
    Disk(zip::ZipArchive<SharedFile>),
    /// A zip inside another zip, held in memory.
    Memory(zip::ZipArchive<Cursor<Arc<[u8]>>>),
}

/// Facts about one archive member.
struct MemberInfo {
    name: String,
    is_dir: bool,
}

impl Archive {
    fn len(&self) -> usize {
        match self {
            Archive::Disk(z) => z.len(),
            Archive::Memory(z) => z.len(),
        }
    }

    fn info(&self, index: usize) -> Result<MemberInfo, Failure> {
        fn get<R: Read + Seek + Clone>(
            z: &zip::ZipArchive<R>,
            index: usize,
        ) -> Result<MemberInfo, Failure> {
            let mut z = z.clone();
            let f = z.by_index_raw(index).map_err(Failure::zip)?;
            Ok(MemberInfo {
                name: decode_member_name(f.name_raw()),
                is_dir: f.is_dir(),
            })
        }
        match self {
            Archive::Disk(z) => get(z, index),
            Archive::Memory(z) => get(z, index),
        }
    }

    /// Read member `index` fully, refusing more than `cap` bytes.
    pub fn read_member(&self, index: usize, cap: u64) -> Result<Vec<u8>, Failure> {
        fn get<R: Read + Seek + Clone>(
            z: &zip::ZipArchive<R>,
            index: usize,
            cap: u64,
        ) -> Result<Vec<u8>, Failure> {
            // Cloning shares the parsed central directory (an `Arc`) and clones
            // the reader (a `SharedFile` or an `Arc`'d buffer): cheap.
            let mut z = z.clone();
            {
                let raw = z.by_index_raw(index).map_err(Failure::zip)?;
                if raw.encrypted() {
                    return Err(Failure::new(
                        "encrypted",
                        "archive member is encrypted (zip password), cannot read",
                    ));
                }
                if raw.size() > cap {
                    return Err(Failure::too_large(raw.size(), cap));
                }
            }
            let f = z.by_index(index).map_err(Failure::zip)?;
            let mut buf = Vec::with_capacity(f.size().min(cap) as usize);
            f.take(cap + 1)
                .read_to_end(&mut buf)
                .map_err(|e| Failure::new("corrupt_zip", format!("corrupt zip archive: {e}")))?;
            if buf.len() as u64 > cap {
                return Err(Failure::too_large(buf.len() as u64, cap));
            }
            Ok(buf)
        }
        match self {
            Archive::Disk(z) => get(z, index, cap),
            Archive::Memory(z) => get(z, index, cap),
        }
    }
}

/// Where a document's bytes are. One is kept per input for the whole run, so
/// a file under a walked directory holds no path of its own: its disk path is
/// rebuilt from its root's and its source path.
#[derive(Debug, Clone)]
enum Origin {
    /// The file `files[root]` joined with the source path after its first
    /// `skip` bytes (`/`-separated names, each as found on disk).
    Under {
        /// Index into [`Inputs::files`].
        root: usize,
        /// Bytes of the root's own source path and its `/`.
        skip: usize,
    },
    /// The file `files[at]` (a root that is a file, or a name that is not
    /// UTF-8, whose source path is lossy).
    File(usize),
    /// Member `index` of an archive.
    Member {
        /// The archive.
        archive: Arc<Archive>,
        /// Member index.
        index: usize,
    },
}

/// The documents found, in source-path order, compactly: every source path
/// in one string, disk paths rebuilt from the roots on demand. A run keeps
/// this for its whole length, so it costs about 70 bytes per input and no
/// allocation of its own per input.
#[derive(Debug, Default)]
pub struct Inputs {
    /// The source paths, end to end.
    text: String,
    /// End of source path `i` in `text` (it starts where `i - 1` ends).
    ends: Vec<usize>,
    origins: Vec<Origin>,
    /// Disk paths: walked roots and files named on their own.
    files: Vec<PathBuf>,
}

impl Inputs {
    /// Number of documents.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Source path of document `i`.
    pub fn path(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// Document `i`.
    pub fn get(&self, i: usize) -> Input<'_> {
        Input {
            path: self.path(i),
            origin: &self.origins[i],
            files: &self.files,
        }
    }

    /// The documents in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Input<'_>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    fn push(&mut self, path: &str, origin: Origin) {
        self.text.push_str(path);
        self.ends.push(self.text.len());
        self.origins.push(origin);
    }

    /// Add a disk path to [`Inputs::files`]; its index.
    fn add_file(&mut self, path: &Path) -> usize {
        self.files.push(path.to_path_buf());
        self.files.len() - 1
    }

    /// Add the file at `disk` with source path `path`, found under root
    /// `root` (index into `files`, its own source path `skip - 1` bytes).
    fn push_file_under(&mut self, path: &str, disk: &Path, root: usize, skip: usize) {
        let rebuilt = path.get(skip..).map(|tail| self.files[root].join(tail));
        match rebuilt {
            Some(r) if r == disk => self.push(path, Origin::Under { root, skip }),
            _ => {
                let at = self.add_file(disk);
                self.push(path, Origin::File(at));
            }
        }
    }

    /// Sort by source path (stable: equal paths keep the order found) and
    /// drop spare capacity.
    fn sort(&mut self) {
        let n = self.len();
        if (1..n).any(|i| self.path(i - 1) > self.path(i)) {
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&a, &b| self.path(a).cmp(self.path(b)));
            let mut sorted = Inputs {
                text: String::with_capacity(self.text.len()),
                ends: Vec::with_capacity(n),
                origins: Vec::with_capacity(n),
                files: std::mem::take(&mut self.files),
            };
            for &i in &order {
                let path = self.path(i);
                sorted.text.push_str(path);
                sorted.ends.push(sorted.text.len());
                sorted.origins.push(self.origins[i].clone());
            }
            *self = sorted;
        }
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.origins.shrink_to_fit();
        self.files.shrink_to_fit();
    }
}

/// One document to convert (a view into [`Inputs`]).
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// Source path relative to its input root (`!/` enters an archive).
    pub path: &'a str,
    origin: &'a Origin,
    files: &'a [PathBuf],
}

impl Input<'_> {
    /// The file holding the document when it is a file on disk (`None` for
    /// an archive member).
    pub fn disk_path(&self) -> Option<PathBuf> {
        match self.origin {
            Origin::Under { root, skip } => self
                .path
                .get(*skip..)
                .map(|tail| self.files[*root].join(tail)),
            Origin::File(at) => Some(self.files[*at].clone()),
            Origin::Member { .. } => None,
        }
    }

    /// Read the document's bytes through the size cap.
    pub fn read(&self, limits: &InputLimits) -> Result<Vec<u8>, Failure> {
        let cap = limits.max_document_bytes;
        if let Origin::Member { archive, index } = self.origin {
            return archive.read_member(*index, cap);
        }
        match self.disk_path() {
            Some(p) => {
                let (f, len) = open_capped(&p, cap)?;
                let mut buf = Vec::with_capacity(len as usize);
                f.take(cap + 1).read_to_end(&mut buf).map_err(Failure::io)?;
                if buf.len() as u64 > cap {
                    return Err(Failure::too_large(buf.len() as u64, cap));
                }
                Ok(buf)
            }
            None => Err(Failure::new(
                "input_path",
                format!("{}: its disk path cannot be rebuilt", self.path),
            )),
        }
    }

    /// SHA-256 and size of the document's bytes (what [`Input::read`] would
    /// return), with the same errors. Files on disk are hashed as they are
    /// read, 64 KiB at a time, so that hashing many inputs at once holds none
    /// of them in memory.
    pub fn hash(&self, limits: &InputLimits) -> Result<([u8; 32], u64), Failure> {
        use sha2::{Digest, Sha256};
        let cap = limits.max_document_bytes;
        match self.disk_path() {
            Some(p) => {
                let (f, _) = open_capped(&p, cap)?;
                let mut reader = f.take(cap + 1);
                let mut hasher = Sha256::new();
                let mut buf = vec![0u8; 64 * 1024];
                let mut size = 0u64;
                loop {
                    let n = match reader.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(Failure::io(e)),
                    };
                    hasher.update(&buf[..n]);
                    size += n as u64;
                }
                if size > cap {
                    return Err(Failure::too_large(size, cap));
                }
                Ok((hasher.finalize().into(), size))
            }
            None => {
                let bytes = self.read(limits)?;
                Ok((Sha256::digest(&bytes).into(), bytes.len() as u64))
            }
        }
    }
}

/// Open a regular file (symbolic links followed). Anything else (a FIFO, a
/// socket, a device) is refused before it is opened: opening a FIFO with no
/// writer blocks forever, a device can stream without end.
pub fn open_regular(path: &Path) -> io::Result<File> {
    if !fs::metadata(path)?.is_file() {
        return Err(not_a_file());
    }
    let f = File::open(path)?;
    // Checked again on what was opened, in case the path changed meanwhile.
    if !f.metadata()?.is_file() {
        return Err(not_a_file());
    }
    Ok(f)
}

fn not_a_file() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "not a regular file (a FIFO, socket or device), not read",
    )
}

/// Open a document file and its length, refusing one larger than `cap`.
fn open_capped(path: &Path, cap: u64) -> Result<(File, u64), Failure> {
    let f = open_regular(path).map_err(Failure::io)?;
    let len = f.metadata().map_err(Failure::io)?.len();
    if len > cap {
        return Err(Failure::too_large(len, cap));
    }
    Ok((f, len))
}

/// What discovery found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Documents, sorted by source path.
    pub inputs: Inputs,
    /// Inputs that failed before any document could be read from them (missing
    /// paths, unreadable directories, corrupt archives), by source path.
    pub failures: Vec<(String, Failure)>,
    /// Files ignored because they are neither documents nor archives, and
    /// symlink loops.
    pub skipped: u64,
    /// How many command-line paths existed.
    pub existing_roots: usize,
}

/// Why discovery could not proceed at all.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// Two different command-line paths have the same last component, so their
    /// source paths would be ambiguous.
    #[error("two inputs are both named {name:?} ({first} and {second}); convert them separately or rename one")]
    RootCollision {
        /// The shared name.
        name: String,
        /// First path.
        first: String,
        /// Second path.
        second: String,
    },
}

/// How a command-line input's own source path (the prefix of its documents'
/// source paths) is formed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RootNaming {
    /// Its last component (`/data/reports` → `reports`): the paths given as
    /// `INPUT` arguments. Two inputs with the same last component are refused.
    #[default]
    LastComponent,
    /// The path as given, lexically normalized ([`normalized_source_path`]):
    /// the paths read with `--stdin-paths`, so that thousands of files of one
    /// directory keep distinct names and the same file gets the same source
    /// path in one run and in a sharded run.
    AsGiven,
}

/// The source path of an input given as `path` under [`RootNaming::AsGiven`]:
/// `/`-separated, never absolute (a root or drive prefix is dropped), `.`
/// components dropped, `a/..` collapsed, leading `..` dropped; bytes that are
/// not UTF-8 are replaced by U+FFFD. `None` when nothing is left (`.`, `/`).
pub fn normalized_source_path(path: &Path) -> Option<String> {
    use std::path::Component;
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            Component::Prefix(_) | Component::RootDir | Component::CurDir => {}
            Component::ParentDir => {
                parts.pop();
            }
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Find every document under `roots` (named by their last component). `exclude`
/// (the output directory) is never entered. Inputs are returned sorted by
/// source path.
pub fn discover(
    roots: &[PathBuf],
    exclude: Option<&Path>,
    limits: &InputLimits,
) -> Result<Discovery, DiscoverError> {
    discover_with(roots, RootNaming::LastComponent, exclude, limits)
}

/// [`discover`] with the given naming of the roots. A root given twice (the
/// same file or directory, by canonical path) is read once.
pub fn discover_with(
    roots: &[PathBuf],
    naming: RootNaming,
    exclude: Option<&Path>,
    limits: &InputLimits,
) -> Result<Discovery, DiscoverError> {
    use std::collections::HashMap;
    let mut d = Discovery::default();
    // Canonical path → as given; source name → as given.
    let mut seen_paths: HashMap<PathBuf, String> = HashMap::new();
    let mut seen_names: HashMap<String, String> = HashMap::new();
    for root in roots {
        let canonical = fs::canonicalize(root).ok();
        let name = match naming {
            RootNaming::LastComponent => root_name(root, canonical.as_deref()),
            RootNaming::AsGiven => normalized_source_path(root)
                .unwrap_or_else(|| root_name(root, canonical.as_deref())),
        };
        if let Some(c) = &canonical {
            if let Some(first) = seen_paths.get(c) {
                tracing::warn!(
                    "{} given twice (also as {first}); reading it once",
                    root.display()
                );
                continue;
            }
            if let Some(first) = seen_names.get(&name) {
                return Err(DiscoverError::RootCollision {
                    name,
                    first: first.clone(),
                    second: root.display().to_string(),
                });
            }
            seen_paths.insert(c.clone(), root.display().to_string());
            seen_names.insert(name.clone(), root.display().to_string());
        }
        let meta = match fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                d.failures.push((name, Failure::io(e)));
                continue;
            }
        };
        d.existing_roots += 1;
        if meta.is_dir() {
            let mut ancestors = Vec::new();
            let under = Under {
                root: d.inputs.add_file(root),
                skip: name.len() + 1,
            };
            walk(
                root,
                &name,
                0,
                under,
                &mut ancestors,
                exclude,
                limits,
                &mut d,
            );
        } else if is_archive_name(&name) {
            add_disk_archive(root, &name, limits, &mut d);
        } else {
            let at = d.inputs.add_file(root);
            d.inputs.push(&name, Origin::File(at));
        }
    }
    // Kept for the whole run: sorted, no spare capacity.
    d.inputs.sort();
    d.failures.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(d)
}

fn root_name(root: &Path, canonical: Option<&Path>) -> String {
    let from = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty() && n != "." && n != "..")
    };
    from(root)
        .or_else(|| canonical.and_then(from))
        .unwrap_or_else(|| "root".to_string())
}

/// The walked root a directory is under (see [`Origin::Under`]).
#[derive(Clone, Copy)]
struct Under {
    root: usize,
    skip: usize,
}

#[allow(clippy::too_many_arguments)]
fn walk(
    dir: &Path,
    rel: &str,
    depth: usize,
    under: Under,
    ancestors: &mut Vec<PathBuf>,
    exclude: Option<&Path>,
    limits: &InputLimits,
    d: &mut Discovery,
) {
    let canonical = match fs::canonicalize(dir) {
        Ok(c) => c,
        Err(e) => {
            d.failures.push((rel.to_string(), Failure::io(e)));
            return;
        }
    };
    if exclude == Some(canonical.as_path()) {
        return;
    }
    if ancestors.contains(&canonical) {
        tracing::warn!("{rel}: symbolic link loop, not followed");
        d.skipped += 1;
        return;
    }
    if depth > limits.max_dir_depth {
        d.failures.push((
            rel.to_string(),
            Failure::new(
                "too_deep",
                format!("directories nested deeper than {}", limits.max_dir_depth),
            ),
        ));
        return;
    }
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            d.failures.push((rel.to_string(), Failure::io(e)));
            return;
        }
    };
    ancestors.push(canonical);
    let mut children: Vec<(String, PathBuf)> = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => children.push((e.file_name().to_string_lossy().into_owned(), e.path())),
            Err(e) => d.failures.push((rel.to_string(), Failure::io(e))),
        }
    }
    children.sort();
    for (name, path) in children {
        let child_rel = format!("{rel}/{name}");
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(
                &path,
                &child_rel,
                depth + 1,
                under,
                ancestors,
                exclude,
                limits,
                d,
            ),
            Ok(m) if !m.is_file() && (is_document_name(&name) || is_archive_name(&name)) => {
                d.failures.push((child_rel, Failure::io(not_a_file())));
            }
            Ok(_) if is_document_name(&name) => d
                .inputs
                .push_file_under(&child_rel, &path, under.root, under.skip),
            Ok(_) if is_archive_name(&name) => add_disk_archive(&path, &child_rel, limits, d),
            Ok(_) => d.skipped += 1,
            Err(e) if is_document_name(&name) || is_archive_name(&name) => {
                d.failures.push((child_rel, Failure::io(e)));
            }
            Err(_) => d.skipped += 1,
        }
    }
    ancestors.pop();
}

fn add_disk_archive(path: &Path, rel: &str, limits: &InputLimits, d: &mut Discovery) {
    let file = match SharedFile::open(path) {
        Ok(f) => f,
        Err(e) => {
            d.failures.push((rel.to_string(), Failure::io(e)));
            return;
        }
    };
    let declared = declared_entries(&mut file.clone());
    match zip::ZipArchive::new(file) {
        Ok(z) => {
            check_entry_count(declared, z.len(), rel, d);
            add_archive(Archive::Disk(z), rel, 1, limits, d)
        }
        Err(e) => d.failures.push((rel.to_string(), Failure::zip(e))),
    }
}

/// The number of entries an archive's end-of-central-directory record
/// declares (`None` when it cannot be told, e.g. zip64).
fn declared_entries<R: Read + Seek>(r: &mut R) -> Option<u64> {
    let len = r.seek(SeekFrom::End(0)).ok()?;
    let tail = len.min(22 + 65_535);
    r.seek(SeekFrom::Start(len - tail)).ok()?;
    let mut buf = vec![0u8; tail as usize];
    r.read_exact(&mut buf).ok()?;
    let at = buf.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    let n = u16::from_le_bytes([*buf.get(at + 10)?, *buf.get(at + 11)?]);
    (n != 0xFFFF).then_some(u64::from(n))
}

/// Members sharing a name are merged by the zip reader (only one is
/// reachable): rather than losing the others silently, the archive gets an
/// error line saying how many could not be read.
fn check_entry_count(declared: Option<u64>, read: usize, rel: &str, d: &mut Discovery) {
    if let Some(n) = declared {
        if n > read as u64 {
            d.failures.push((
                rel.to_string(),
                Failure::new(
                    "duplicate_members",
                    format!(
                        "{} of its {n} members share a name with another member and were not read",
                        n - read as u64
                    ),
                ),
            ));
        }
    }
}

fn add_archive(archive: Archive, rel: &str, depth: usize, limits: &InputLimits, d: &mut Discovery) {
    let archive = Arc::new(archive);
    for index in 0..archive.len() {
        let info = match archive.info(index) {
            Ok(i) => i,
            Err(f) => {
                d.failures.push((format!("{rel}!/#{index}"), f));
                continue;
            }
        };
        if info.is_dir {
            continue;
        }
        let member_rel = format!("{rel}!/{}", info.name);
        if is_document_name(&info.name) {
            d.inputs.push(
                &member_rel,
                Origin::Member {
                    archive: Arc::clone(&archive),
                    index,
                },
            );
        } else if is_archive_name(&info.name) {
            if depth >= limits.max_archive_depth {
                d.failures.push((
                    member_rel,
                    Failure::new(
                        "archive_too_deep",
                        format!(
                            "archive nested deeper than {} levels, not opened",
                            limits.max_archive_depth
                        ),
                    ),
                ));
                continue;
            }
            let bytes = match archive.read_member(index, limits.max_nested_archive_bytes) {
                Ok(b) => b,
                Err(f) => {
                    d.failures.push((member_rel, f));
                    continue;
                }
            };
            let bytes: Arc<[u8]> = bytes.into();
            let declared = declared_entries(&mut Cursor::new(&bytes[..]));
            match zip::ZipArchive::new(Cursor::new(bytes)) {
                Ok(z) => {
                    check_entry_count(declared, z.len(), &member_rel, d);
                    add_archive(Archive::Memory(z), &member_rel, depth + 1, limits, d)
                }
                Err(e) => d.failures.push((member_rel, Failure::zip(e))),
            }
        } else {
            d.skipped += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_the_digest_of_what_read_returns() {
        use sha2::{Digest, Sha256};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.docx");
        // Larger than the 64 KiB read buffer, not a multiple of it.
        let bytes: Vec<u8> = (0..200_003u32).map(|i| (i % 251) as u8).collect();
        fs::write(&path, &bytes).unwrap();
        let mut inputs = Inputs::default();
        let at = inputs.add_file(&path);
        inputs.push("r.docx", Origin::File(at));
        let input = inputs.get(0);
        let limits = InputLimits::default();
        let read = input.read(&limits).unwrap();
        let want: [u8; 32] = Sha256::digest(&read).into();
        assert_eq!(input.hash(&limits).unwrap(), (want, bytes.len() as u64));
        let small = InputLimits {
            max_document_bytes: 1000,
            ..InputLimits::default()
        };
        assert_eq!(
            input.hash(&small).unwrap_err(),
            input.read(&small).unwrap_err()
        );
    }

    #[test]
    fn walked_files_rebuild_their_disk_paths_and_come_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("r");
        fs::create_dir_all(root.join("a")).unwrap();
        // `a-b.docx` sorts before `a/…` as a string ('-' < '/'), after the
        // directory `a` in a walk: discovery must sort.
        for (rel, body) in [("a/x.docx", "1"), ("a-b.docx", "2"), ("z.docx", "3")] {
            fs::write(root.join(rel), body).unwrap();
        }
        let limits = InputLimits::default();
        let d = discover(std::slice::from_ref(&root), None, &limits).unwrap();
        let got: Vec<(&str, Vec<u8>)> = d
            .inputs
            .iter()
            .map(|i| (i.path, i.read(&limits).unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("r/a-b.docx", b"2".to_vec()),
                ("r/a/x.docx", b"1".to_vec()),
                ("r/z.docx", b"3".to_vec())
            ]
        );
        assert_eq!(
            d.inputs.get(1).disk_path().unwrap(),
            root.join("a").join("x.docx")
        );
        // No disk path of its own per walked file: only the root's.
        assert_eq!(d.inputs.files.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_name_that_is_not_utf8_keeps_its_own_disk_path() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("r");
        fs::create_dir(&root).unwrap();
        let name = std::ffi::OsStr::from_bytes(b"\xb1\xa8\xb8\xe6.docx");
        if fs::write(root.join(name), b"gbk").is_err() {
            return; // a file system that refuses such names
        }
        let limits = InputLimits::default();
        let d = discover(std::slice::from_ref(&root), None, &limits).unwrap();
        assert_eq!(d.inputs.len(), 1);
        let input = d.inputs.get(0);
        assert!(input.path.starts_with("r/") && input.path.contains('\u{fffd}'));
        assert_eq!(input.disk_path().unwrap(), root.join(name));
        assert_eq!(d.inputs.files.len(), 2, "the root and the odd name");
        assert_eq!(input.read(&limits).unwrap(), b"gbk");
    }

    #[test]
    fn paths_as_given_are_normalized_and_never_absolute() {
        let n = |p: &str| normalized_source_path(Path::new(p));
        assert_eq!(
            n("/data/r/2022/a.docx").as_deref(),
            Some("data/r/2022/a.docx")
        );
        assert_eq!(n("./r//a.docx").as_deref(), Some("r/a.docx"));
        assert_eq!(n("r/x/../a.docx").as_deref(), Some("r/a.docx"));
        assert_eq!(n("../../r/a.docx").as_deref(), Some("r/a.docx"));
        assert_eq!(n("r.zip").as_deref(), Some("r.zip"));
        assert_eq!(n("."), None);
        assert_eq!(n("/"), None);
    }

    #[test]
    fn roots_as_given_keep_distinct_names_for_one_last_component() {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["a", "b"] {
            fs::create_dir(dir.path().join(sub)).unwrap();
            fs::write(dir.path().join(sub).join("r.docx"), sub).unwrap();
        }
        let roots = [dir.path().join("a/r.docx"), dir.path().join("b/r.docx")];
        let limits = InputLimits::default();
        // By last component both are `r.docx`: refused.
        assert!(discover(&roots, None, &limits).is_err());
        let d = discover_with(&roots, RootNaming::AsGiven, None, &limits).unwrap();
        let base = normalized_source_path(dir.path()).unwrap();
        let got: Vec<&str> = d.inputs.iter().map(|i| i.path).collect();
        assert_eq!(
            got,
            [format!("{base}/a/r.docx"), format!("{base}/b/r.docx")]
        );
    }

    #[test]
    fn extensions() {
        assert!(is_document_name("a/B.DOCX"));
        assert!(is_document_name("x.Odt"));
        assert!(is_document_name("old.doc"));
        assert!(!is_document_name(".docx"));
        assert!(!is_document_name("a.pdf"));
        assert!(is_archive_name("d/x.ZIP"));
        assert!(!is_archive_name("zip"));
    }

    #[test]
    fn member_names_decode_gbk() {
        let (gbk, _, _) = encoding_rs::GBK.encode("开平市科工商务局2022年报告.docx");
        assert_eq!(decode_member_name(&gbk), "开平市科工商务局2022年报告.docx");
        assert_eq!(decode_member_name("报告.docx".as_bytes()), "报告.docx");
        assert_eq!(decode_member_name(b"plain/a.docx"), "plain/a.docx");
    }
}
