//! Atomic writes into OUT: every file is written under `OUT/.reportdex-tmp/`
//! and renamed into place, so an interrupted run (Ctrl-C, kill, power loss
//! before the rename) never leaves a truncated file where a reader looks. The
//! temporary directory is removed at the start and the end of every run, so
//! leftovers of an interrupted run disappear on the next one.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Name of the temporary directory inside OUT.
pub const TMP_DIR: &str = ".reportdex-tmp";

/// Writes files into an output directory atomically.
#[derive(Debug, Clone)]
pub struct AtomicDir {
    root: PathBuf,
    tmp: PathBuf,
}

impl AtomicDir {
    /// Prepare `root` (created if missing) and a fresh, empty temporary directory.
    pub fn prepare(root: &Path) -> io::Result<AtomicDir> {
        fs::create_dir_all(root)?;
        let tmp = root.join(TMP_DIR);
        if tmp.exists() {
            fs::remove_dir_all(&tmp)?;
        }
        fs::create_dir_all(&tmp)?;
        Ok(AtomicDir {
            root: root.to_path_buf(),
            tmp,
        })
    }

    /// The output directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A path in the temporary directory for a file built incrementally;
    /// [`AtomicDir::commit`] moves it into place.
    pub fn temp_path(&self, name: &str) -> PathBuf {
        self.tmp.join(name)
    }

    /// Move a file from the temporary directory to `rel` (a `/`-separated path
    /// relative to the root), creating parent directories.
    pub fn commit(&self, temp: &Path, rel: &str) -> io::Result<()> {
        let dest = self.root.join(rel);
        if let Some(parent) = dest.parent() {
            // A lookup first: `create_dir_all` on an existing directory is a
            // failing mkdir, which locks the directory every worker is writing
            // into (once per report).
            if !parent.is_dir() {
                fs::create_dir_all(parent)?;
            }
        }
        fs::rename(temp, dest)
    }

    /// Write `bytes` to `rel` atomically. `temp_name` must be unique among
    /// concurrent writers.
    pub fn write(&self, rel: &str, temp_name: &str, bytes: &[u8]) -> io::Result<()> {
        let temp = self.temp_path(temp_name);
        {
            let mut f = fs::File::create(&temp)?;
            f.write_all(bytes)?;
        }
        self.commit(&temp, rel)
    }

    /// Write `rel` atomically through `fill`, which streams the content into a
    /// buffered writer (no copy of the whole file in memory). `temp_name` must
    /// be unique among concurrent writers.
    pub fn write_with<F>(&self, rel: &str, temp_name: &str, fill: F) -> io::Result<()>
    where
        F: FnOnce(&mut io::BufWriter<fs::File>) -> io::Result<()>,
    {
        let temp = self.temp_path(temp_name);
        {
            let mut w = io::BufWriter::with_capacity(1 << 16, fs::File::create(&temp)?);
            fill(&mut w)?;
            w.flush()?;
        }
        self.commit(&temp, rel)
    }

    /// Remove the temporary directory (end of a run).
    pub fn finish(&self) -> io::Result<()> {
        if self.tmp.exists() {
            fs::remove_dir_all(&self.tmp)?;
        }
        Ok(())
    }

    /// Remove `rel` if it exists, then every directory above it that became
    /// empty, up to (not including) the root.
    pub fn remove(&self, rel: &str) -> io::Result<()> {
        let path = self.root.join(rel);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let mut dir = path.parent();
        while let Some(d) = dir {
            if d == self.root || !d.starts_with(&self.root) {
                break;
            }
            // Fails (and stops) when not empty.
            if fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_commit_remove() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let a = AtomicDir::prepare(&out).unwrap();
        std::fs::write(a.temp_path("leftover"), b"x").unwrap();
        let a = AtomicDir::prepare(&out).unwrap();
        assert!(!a.temp_path("leftover").exists());
        a.write("d/e/f.json", "t1", b"{}").unwrap();
        assert_eq!(std::fs::read(out.join("d/e/f.json")).unwrap(), b"{}");
        a.remove("d/e/f.json").unwrap();
        assert!(!out.join("d").exists());
        a.finish().unwrap();
        assert!(!out.join(TMP_DIR).exists());
        assert!(out.exists());
    }
}
