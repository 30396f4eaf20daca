//! Repair of a damaged OLE compound file (MS-CFB), so that the `cfb` crate can
//! read what Word, LibreOffice and Apache POI read.
//!
//! The `cfb` crate checks a compound file's structure more strictly than those
//! readers: it refuses a file whose FAT is padded past the end of the file with
//! anything but free entries, whose directory tree has a sibling link out of
//! range, a stream with a child, siblings out of name order, or a name length
//! that is not a length. Such files are common in archives (writers that pad
//! with end-of-chain marks, fuzzed or bit-flipped bytes in unused entries), and
//! LibreOffice opens them.
//!
//! [`repair`] rewrites a copy of the file so that its structure is valid again
//! and lists what it changed; the caller then opens the copy and tells the
//! user, with a warning, that the file was repaired. Each repair removes a
//! reference that cannot be followed, never invents data:
//!
//! * header fields with one valid value (byte order, mini sector shift, mini
//!   stream cutoff, the version that goes with the sector size) are reset;
//! * the DIFAT keeps only references to sectors inside the file, once each;
//! * FAT entries past the end of the file become free; an entry that points
//!   outside the file, to a sector another entry already points to, or holds
//!   the reserved value ends its chain there (the chain is truncated);
//! * the directory's, MiniFAT's, mini stream's and every stream's chains end
//!   where they first lead nowhere (a free or out-of-range sector, a loop);
//! * directory entries: one of an unknown object type becomes a clean unused
//!   entry; a name length that is not one is
//!   taken from the name's terminating NUL; invalid UTF-16 in a name is
//!   replaced; an unknown colour becomes black; a stream's child link is
//!   dropped; the root's stream length is rounded up to whole mini sectors,
//!   or cut to its chain when it is longer;
//! * when a storage's sibling tree has a link that leads nowhere (out of range,
//!   an unused entry, a loop) or its names are out of order, the tree is
//!   rebuilt from the entries it does reach, in name order, as a chain of black
//!   nodes (valid for every reader; MS-CFB 2.6.4).
//!
//! The work is linear in the file's size; every read is bounds-checked.

use std::cmp::Ordering;

const MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const HEADER_LEN: usize = 512;
const MAX_REGULAR: u32 = 0xFFFF_FFFA;
const RESERVED: u32 = 0xFFFF_FFFB;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;
const NO_STREAM: u32 = 0xFFFF_FFFF;
const DIR_ENTRY_LEN: usize = 128;
const MINI_SECTOR_LEN: u64 = 64;
const MINI_STREAM_CUTOFF: u32 = 4096;
/// Header DIFAT slots.
const HEADER_DIFAT: usize = 109;

/// Object types of a directory entry.
const UNUSED: u8 = 0;
const STORAGE: u8 = 1;
const STREAM: u8 = 2;
const ROOT: u8 = 5;
/// Node colours.
const BLACK: u8 = 1;

/// A repaired copy of a compound file.
#[derive(Debug)]
pub(crate) struct Repaired {
    /// The file's bytes with its structure repaired.
    pub bytes: Vec<u8>,
    /// What was changed, one short phrase each (never empty).
    pub fixes: Vec<String>,
}

/// Repair a compound file's structure. `None` when it is not a compound file,
/// when nothing needed repair, or when it cannot be repaired (no readable
/// FAT or directory); `max_entries` bounds the directory entries looked at.
pub(crate) fn repair(bytes: &[u8], max_entries: usize) -> Option<Repaired> {
    if bytes.len() < HEADER_LEN || bytes[..8] != MAGIC {
        return None;
    }
    let mut img = Image {
        b: bytes.to_vec(),
        ss: 0,
        n: 0,
        fat_slots: Vec::new(),
        fixes: Vec::new(),
    };
    img.header()?;
    img.difat();
    if img.fat_slots.is_empty() {
        return None;
    }
    img.fat();
    let dir = img.directory(max_entries)?;
    img.entries(&dir);
    img.tree(&dir);
    img.mini_and_streams(&dir);
    if img.fixes.is_empty() {
        return None;
    }
    Some(Repaired {
        bytes: img.b,
        fixes: img.fixes,
    })
}

/// The copy being repaired.
struct Image {
    b: Vec<u8>,
    /// Sector size.
    ss: usize,
    /// Sectors in the file (after the header sector).
    n: u32,
    /// Byte offset of each FAT entry, in FAT order (from the FAT sectors the
    /// DIFAT lists).
    fat_slots: Vec<usize>,
    fixes: Vec<String>,
}

impl Image {
    /// The `u16` at `at`; 0 past the end.
    fn u16_at(&self, at: usize) -> u16 {
        crate::binary::u16_at(&self.b, at).unwrap_or(0)
    }

    /// The `u32` at `at`; a free sector's mark past the end.
    fn u32_at(&self, at: usize) -> u32 {
        crate::binary::u32_at(&self.b, at).unwrap_or(FREE)
    }

    fn u64_at(&self, at: usize) -> u64 {
        match self.b.get(at..at + 8) {
            Some(s) => u64::from_le_bytes(s.try_into().unwrap_or([0; 8])),
            None => 0,
        }
    }

    fn set_u16(&mut self, at: usize, v: u16) {
        if let Some(s) = self.b.get_mut(at..at + 2) {
            s.copy_from_slice(&v.to_le_bytes());
        }
    }

    fn set_u32(&mut self, at: usize, v: u32) {
        if let Some(s) = self.b.get_mut(at..at + 4) {
            s.copy_from_slice(&v.to_le_bytes());
        }
    }

    fn set_u64(&mut self, at: usize, v: u64) {
        if let Some(s) = self.b.get_mut(at..at + 8) {
            s.copy_from_slice(&v.to_le_bytes());
        }
    }

    /// Byte offset of sector `s`, when it is in the file.
    fn sector(&self, s: u32) -> Option<usize> {
        (s < self.n).then(|| (s as usize + 1) * self.ss)
    }

    /// FAT entry `i` (free when there is none).
    fn fat_get(&self, i: u32) -> u32 {
        match self.fat_slots.get(i as usize) {
            Some(&at) => self.u32_at(at),
            None => FREE,
        }
    }

    fn fat_set(&mut self, i: u32, v: u32) {
        if let Some(&at) = self.fat_slots.get(i as usize) {
            self.set_u32(at, v);
        }
    }

    fn fix(&mut self, what: impl Into<String>) {
        self.fixes.push(what.into());
    }

    /// Header fields that have a single valid value; the sector size. Pads
    /// the file to whole sectors.
    fn header(&mut self) -> Option<()> {
        if self.u16_at(0x1C) != 0xFFFE {
            self.set_u16(0x1C, 0xFFFE);
            self.fix("byte order mark reset");
        }
        let version = self.u16_at(0x1A);
        let shift = self.u16_at(0x1E);
        let want = match (version, shift) {
            (3, 9) | (4, 12) => (version, shift),
            (_, 9) => (3, 9),
            (_, 12) => (4, 12),
            (3, _) => (3, 9),
            (4, _) => (4, 12),
            _ => return None,
        };
        if (version, shift) != want {
            self.set_u16(0x1A, want.0);
            self.set_u16(0x1E, want.1);
            self.fix(format!(
                "version {version} with sector shift {shift} read as version {} with {}",
                want.0, want.1
            ));
        }
        if self.u16_at(0x20) != 6 {
            self.set_u16(0x20, 6);
            self.fix("mini sector shift reset to 6");
        }
        if want.0 == 3 && self.u32_at(0x28) != 0 {
            self.set_u32(0x28, 0);
            self.fix("directory sector count reset to 0 (version 3)");
        }
        if self.u32_at(0x38) != MINI_STREAM_CUTOFF {
            self.set_u32(0x38, MINI_STREAM_CUTOFF);
            self.fix("mini stream cutoff reset to 4096");
        }
        self.ss = 1usize << want.1;
        let padded = self.b.len().div_ceil(self.ss).max(2) * self.ss;
        if padded != self.b.len() {
            // cfb reads whole sectors; a file cut inside its last one keeps
            // what it has, the rest reads as zeros.
            self.b.resize(padded, 0);
        }
        self.n = u32::try_from(self.b.len() / self.ss - 1)
            .ok()
            .filter(|&n| n <= MAX_REGULAR)?;
        Some(())
    }

    /// The DIFAT: the FAT sectors' numbers, in the header and in the DIFAT
    /// chain. Keeps those inside the file, once each, in order.
    fn difat(&mut self) {
        let mut slots: Vec<usize> = (0..HEADER_DIFAT).map(|i| 0x4C + 4 * i).collect();
        let per = self.ss / 4 - 1;
        let mut chain = 0usize;
        let mut link_at = 0x44;
        let mut seen = vec![false; self.n as usize];
        loop {
            let s = self.u32_at(link_at);
            if s == END_OF_CHAIN || s == FREE {
                break;
            }
            let ok = self.sector(s).filter(|_| !seen[s as usize]);
            let Some(at) = ok else {
                self.set_u32(link_at, END_OF_CHAIN);
                self.fix(format!("DIFAT chain ended at an invalid sector ({s})"));
                break;
            };
            seen[s as usize] = true;
            chain += 1;
            slots.extend((0..per).map(|i| at + 4 * i));
            link_at = at + 4 * per;
        }
        self.set_u32(0x48, chain as u32);
        let mut fat = Vec::new();
        let mut used = vec![false; self.n as usize];
        let mut dropped = 0usize;
        for &at in &slots {
            let v = self.u32_at(at);
            if v == FREE {
                continue;
            }
            match self.sector(v) {
                Some(_) if !used[v as usize] && !seen[v as usize] => {
                    used[v as usize] = true;
                    fat.push(v);
                }
                _ => dropped += 1,
            }
        }
        // The kept references first, then free slots (cfb stops at the first
        // free one).
        let rewritten: Vec<u32> = fat
            .iter()
            .copied()
            .chain(std::iter::repeat(FREE))
            .take(slots.len())
            .collect();
        let mut changed = false;
        for (&at, &v) in slots.iter().zip(&rewritten) {
            if self.u32_at(at) != v {
                self.set_u32(at, v);
                changed = true;
            }
        }
        if changed {
            self.fix(format!(
                "DIFAT: {dropped} reference(s) to sectors outside the file or repeated dropped"
            ));
        }
        self.set_u32(0x2C, fat.len() as u32);
        self.fat_slots = self.entry_slots(&fat);
    }

    /// Byte offsets of the 32-bit entries of `sectors` (FAT or MiniFAT
    /// sectors), in order.
    fn entry_slots(&self, sectors: &[u32]) -> Vec<usize> {
        let per = self.ss / 4;
        sectors
            .iter()
            .filter_map(|&s| self.sector(s))
            .flat_map(|at| (0..per).map(move |i| at + 4 * i))
            .collect()
    }

    /// FAT entries: free past the end of the file; a chain ends where its
    /// next sector is outside the file, already pointed to, or reserved.
    fn fat(&mut self) {
        let total = self.fat_slots.len() as u32;
        let mut freed = 0usize;
        for i in self.n.min(total)..total {
            if self.fat_get(i) != FREE {
                self.fat_set(i, FREE);
                freed += 1;
            }
        }
        if freed > 0 {
            self.fix(format!(
                "{freed} FAT entries past the end of the file marked free"
            ));
        }
        let live = &self.fat_slots[..self.n.min(total) as usize];
        let ended = end_bad_links(&mut self.b, live, self.n as usize);
        if ended > 0 {
            self.fix(format!(
                "{ended} FAT chain(s) ended at a sector outside the file, repeated or reserved"
            ));
        }
    }

    /// Follow the chain from the sector number at byte `link_at` (a header
    /// or directory field) through the FAT, and end it where it leads nowhere
    /// (outside the file, or round a loop). The sectors it runs through, and
    /// whether it had to be ended. With `done`, stops at a sector a chain
    /// walked before went through (from there on that walk checked it), so
    /// that walking every stream's chain stays linear in the file's size.
    fn chain(&mut self, link_at: usize, mut done: Option<&mut [bool]>) -> (Vec<u32>, bool) {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut s = self.u32_at(link_at);
        let mut prev: Option<u32> = None;
        while s != END_OF_CHAIN {
            if s >= self.n || !seen.insert(s) {
                match prev {
                    Some(p) => self.fat_set(p, END_OF_CHAIN),
                    None => self.set_u32(link_at, END_OF_CHAIN),
                }
                return (out, true);
            }
            if let Some(done) = done.as_deref_mut() {
                if std::mem::replace(&mut done[s as usize], true) {
                    break;
                }
            }
            out.push(s);
            prev = Some(s);
            s = self.fat_get(s);
        }
        (out, false)
    }

    /// The directory's entries: byte offsets, at most `max_entries`. `None`
    /// when there is no directory sector.
    fn directory(&mut self, max_entries: usize) -> Option<Vec<usize>> {
        self.sector(self.u32_at(0x30))?;
        let (sectors, broken) = self.chain(0x30, None);
        if broken {
            self.fix("directory chain ended where it led nowhere");
        }
        let per = self.ss / DIR_ENTRY_LEN;
        let entries: Vec<usize> = sectors
            .iter()
            .filter_map(|&s| self.sector(s))
            .flat_map(|at| (0..per).map(move |i| at + i * DIR_ENTRY_LEN))
            .take(max_entries.max(1))
            .collect();
        (!entries.is_empty()).then_some(entries)
    }

    /// Each entry on its own: type, name, colour, links.
    fn entries(&mut self, dir: &[usize]) {
        let mut cleaned = 0usize;
        let mut names = 0usize;
        let mut links = 0usize;
        let mut colours = 0usize;
        for (i, &at) in dir.iter().enumerate() {
            let mut kind = self.b[at + 66];
            if i == 0 && kind != ROOT {
                self.b[at + 66] = ROOT;
                kind = ROOT;
                self.fix("root entry's object type reset");
            }
            let known = matches!(kind, UNUSED | STORAGE | STREAM) || (kind == ROOT && i == 0);
            if !known {
                self.b[at..at + DIR_ENTRY_LEN].fill(0);
                self.set_u16(at + 64, 2);
                for link in [68, 72, 76] {
                    self.set_u32(at + link, NO_STREAM);
                }
                cleaned += 1;
                continue;
            }
            names += usize::from(self.name(at));
            if self.b[at + 67] > BLACK {
                self.b[at + 67] = BLACK;
                colours += 1;
            }
            for link in [68, 72, 76] {
                let v = self.u32_at(at + link);
                let stream_child = link == 76 && kind == STREAM;
                if v != NO_STREAM && (v > MAX_REGULAR || stream_child) {
                    self.set_u32(at + link, NO_STREAM);
                    links += 1;
                }
            }
        }
        for (n, what) in [
            (cleaned, "directory entries of an unknown type cleared"),
            (
                names,
                "directory entry names with a bad length or UTF-16 fixed",
            ),
            (links, "invalid directory links dropped"),
            (colours, "unknown node colours set to black"),
        ] {
            if n > 0 {
                self.fix(format!("{n} {what}"));
            }
        }
    }

    /// Fix entry `at`'s name length (from its NUL) and UTF-16; whether it
    /// changed anything.
    fn name(&mut self, at: usize) -> bool {
        let mut units: Vec<u16> = (0..32).map(|k| self.u16_at(at + 2 * k)).collect();
        let len = usize::from(self.u16_at(at + 64));
        let mut changed = false;
        let chars = if len > 64 || len % 2 != 0 {
            let nul = match units.iter().position(|&u| u == 0) {
                Some(p) => p,
                None => {
                    units[31] = 0;
                    self.set_u16(at + 62, 0);
                    31
                }
            };
            self.set_u16(at + 64, ((nul + 1) * 2) as u16);
            changed = true;
            nul
        } else {
            (len / 2).saturating_sub(1)
        };
        let valid: Vec<u16> = char::decode_utf16(units[..chars].iter().copied())
            .flat_map(|c| {
                let mut buf = [0u16; 2];
                c.unwrap_or('_').encode_utf16(&mut buf).to_vec()
            })
            .collect();
        if valid != units[..chars] {
            for (k, u) in valid.iter().enumerate() {
                self.set_u16(at + 2 * k, *u);
            }
            changed = true;
        }
        changed
    }

    /// Entry `at`'s name (as cfb reads it, after [`Image::name`]).
    fn name_of(&self, at: usize) -> String {
        let len = usize::from(self.u16_at(at + 64)).min(64);
        let chars = (len / 2).saturating_sub(1);
        let units: Vec<u16> = (0..chars).map(|k| self.u16_at(at + 2 * k)).collect();
        String::from_utf16_lossy(&units)
    }

    /// Each storage's sibling tree: rebuilt when a link leads nowhere or the
    /// names are out of order.
    fn tree(&mut self, dir: &[usize]) {
        let count = dir.len();
        let kind = |img: &Image, i: u32| dir.get(i as usize).map(|&at| img.b[at + 66]);
        let mut visited = vec![false; count];
        visited[0] = true;
        let mut storages = vec![0u32];
        let mut rebuilt = 0usize;
        while let Some(parent) = storages.pop() {
            let p_at = dir[parent as usize];
            // The members of the parent's tree, and whether its links and
            // order were sound.
            let mut members: Vec<u32> = Vec::new();
            let mut sound = true;
            let mut stack = vec![(self.u32_at(p_at + 76), None::<(u32, Ordering)>)];
            while let Some((id, from)) = stack.pop() {
                if id == NO_STREAM {
                    continue;
                }
                let ok = matches!(kind(self, id), Some(STORAGE | STREAM)) && !visited[id as usize];
                if !ok {
                    sound = false;
                    continue;
                }
                visited[id as usize] = true;
                let at = dir[id as usize];
                if let Some((by, want)) = from {
                    let order = compare_names(&self.name_of(at), &self.name_of(dir[by as usize]));
                    sound &= order == want;
                }
                members.push(id);
                stack.push((self.u32_at(at + 68), Some((id, Ordering::Less))));
                stack.push((self.u32_at(at + 72), Some((id, Ordering::Greater))));
            }
            if !sound {
                let mut named: Vec<(String, u32)> = members
                    .iter()
                    .map(|&id| (self.name_of(dir[id as usize]), id))
                    .collect();
                named.sort_by(|a, b| compare_names(&a.0, &b.0).then(a.1.cmp(&b.1)));
                named.dedup_by(|b, a| compare_names(&a.0, &b.0) == Ordering::Equal);
                members = named.iter().map(|&(_, id)| id).collect();
                self.set_u32(p_at + 76, members.first().copied().unwrap_or(NO_STREAM));
                for (k, &id) in members.iter().enumerate() {
                    let at = dir[id as usize];
                    self.set_u32(at + 68, NO_STREAM);
                    self.set_u32(at + 72, members.get(k + 1).copied().unwrap_or(NO_STREAM));
                    self.b[at + 67] = BLACK;
                }
                rebuilt += 1;
            }
            storages.extend(
                members
                    .iter()
                    .copied()
                    .filter(|&id| kind(self, id) == Some(STORAGE)),
            );
        }
        let root = dir[0];
        if self.u32_at(root + 68) != NO_STREAM || self.u32_at(root + 72) != NO_STREAM {
            self.set_u32(root + 68, NO_STREAM);
            self.set_u32(root + 72, NO_STREAM);
            self.fix("root entry's sibling links dropped");
        }
        if rebuilt > 0 {
            self.fix(format!(
                "{rebuilt} directory sibling tree(s) rebuilt in name order (a link led nowhere or names were out of order)"
            ));
        }
    }

    /// The MiniFAT, the mini stream and each regular stream: chains ended
    /// where they lead nowhere; MiniFAT entries that point past the mini
    /// stream or twice end their chain.
    fn mini_and_streams(&mut self, dir: &[usize]) {
        let root = dir[0];
        let (mini_chain, broken) = self.chain(root + 116, None);
        if broken {
            self.fix("mini stream chain ended where it led nowhere");
        }
        // The mini stream holds whole mini sectors, within its chain.
        let room = mini_chain.len() as u64 * self.ss as u64;
        let len = self.u64_at(root + 120);
        if len > room {
            self.set_u64(root + 120, room);
            self.fix("root stream length cut to its chain");
        } else if !len.is_multiple_of(MINI_SECTOR_LEN) {
            self.set_u64(root + 120, len.div_ceil(MINI_SECTOR_LEN) * MINI_SECTOR_LEN);
            self.fix("root stream length rounded up to whole mini sectors");
        }
        let mini_sectors = self.u64_at(root + 120) / MINI_SECTOR_LEN;
        let (minifat, broken) = self.chain(0x3C, None);
        if broken {
            self.fix("MiniFAT chain ended where it led nowhere");
        }
        self.set_u32(0x40, minifat.len() as u32);
        let slots = self.entry_slots(&minifat);
        // As cfb reads it: trailing free entries dropped, then cut to the
        // mini sectors the root stream holds.
        let mut used = slots.len();
        while used > 0 && self.u32_at(slots[used - 1]) == FREE {
            used -= 1;
        }
        let used = used.min(usize::try_from(mini_sectors).unwrap_or(usize::MAX));
        let ended = end_bad_links(&mut self.b, &slots[..used], used);
        if ended > 0 {
            self.fix(format!(
                "{ended} MiniFAT chain(s) ended past the mini stream, repeated or reserved"
            ));
        }
        let mut done = vec![false; self.n as usize];
        let mut broken = 0usize;
        for &at in &dir[1..] {
            if self.b[at + 66] == STREAM && self.u64_at(at + 120) >= u64::from(MINI_STREAM_CUTOFF) {
                broken += usize::from(self.chain(at + 116, Some(&mut done)).1);
            }
        }
        if broken > 0 {
            self.fix(format!(
                "{broken} stream chain(s) ended where they led nowhere"
            ));
        }
    }
}

/// The links of a FAT or MiniFAT (the entries at byte offsets `slots` of
/// `b`, over `limit` sectors) that cfb refuses, ended (end of chain): one to
/// a sector past `limit`, a second one to the same sector, a reserved value.
/// How many.
fn end_bad_links(b: &mut [u8], slots: &[usize], limit: usize) -> usize {
    let mut pointed = vec![false; limit];
    let mut ended = 0;
    for &at in slots {
        let Some(entry) = b.get_mut(at..at + 4) else {
            continue;
        };
        let v = u32::from_le_bytes([entry[0], entry[1], entry[2], entry[3]]);
        let bad = if v <= MAX_REGULAR {
            pointed
                .get_mut(v as usize)
                .is_none_or(|p| std::mem::replace(p, true))
        } else {
            v == RESERVED
        };
        if bad {
            entry.copy_from_slice(&END_OF_CHAIN.to_le_bytes());
            ended += 1;
        }
    }
    ended
}

/// Directory name order (MS-CFB 2.6.4): shorter names first, then by
/// upper-cased UTF-16 code units, as the `cfb` crate compares them.
fn compare_names(a: &str, b: &str) -> Ordering {
    let ua: Vec<u16> = a.encode_utf16().collect();
    let ub: Vec<u16> = b.encode_utf16().collect();
    ua.len().cmp(&ub.len()).then_with(|| {
        // One character for one (cfb's table maps each alone).
        let upper = |c: char| {
            let mut u = c.to_uppercase();
            match (u.next(), u.next()) {
                (Some(one), None) => one,
                _ => c,
            }
        };
        a.chars().map(upper).cmp(b.chars().map(upper))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small valid compound file made by the cfb crate, with streams.
    fn sample() -> Vec<u8> {
        use std::io::Write;
        let mut c = cfb::CompoundFile::create_with_version(
            cfb::Version::V3,
            std::io::Cursor::new(Vec::new()),
        )
        .unwrap();
        for (k, (name, len)) in [("/WordDocument", 5000), ("/1Table", 300), ("/Data", 70)]
            .into_iter()
            .enumerate()
        {
            let mut s = c.create_stream(name).unwrap();
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7 + k * 31) as u8).collect();
            s.write_all(&bytes).unwrap();
        }
        // A fifth entry: the directory's second sector then has unused ones.
        c.create_storage("/ObjectPool").unwrap();
        c.flush().unwrap();
        c.into_inner().into_inner()
    }

    fn opens(bytes: &[u8]) -> Result<Vec<String>, String> {
        let c = cfb::CompoundFile::open(std::io::Cursor::new(bytes.to_vec()))
            .map_err(|e| e.to_string())?;
        let mut names: Vec<String> = c
            .walk()
            .filter(|e| e.is_stream())
            .map(|e| e.name().to_string())
            .collect();
        names.sort();
        Ok(names)
    }

    /// Offsets of the directory entries (a sound file with one FAT sector).
    fn entries(bytes: &[u8]) -> Vec<usize> {
        let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        let fat = (u32_at(0x4C) as usize + 1) * 512;
        let mut s = u32_at(0x30);
        let mut out = Vec::new();
        while s != END_OF_CHAIN {
            let at = (s as usize + 1) * 512;
            out.extend((0..4).map(|k| at + k * 128));
            s = u32_at(fat + 4 * s as usize);
        }
        out
    }

    /// Offset of directory entry `name`, and its id.
    fn entry_at(bytes: &[u8], name: &str) -> usize {
        let img = Image {
            b: bytes.to_vec(),
            ss: 512,
            n: (bytes.len() / 512 - 1) as u32,
            fat_slots: Vec::new(),
            fixes: Vec::new(),
        };
        entries(bytes)
            .into_iter()
            .find(|&e| bytes[e + 66] != UNUSED && img.name_of(e) == name)
            .unwrap()
    }

    fn id_of(bytes: &[u8], name: &str) -> u32 {
        let at = entry_at(bytes, name);
        entries(bytes).iter().position(|&e| e == at).unwrap() as u32
    }

    #[test]
    fn a_sound_file_needs_no_repair() {
        let fixes = repair(&sample(), 10_000).map(|r| r.fixes);
        assert!(fixes.is_none(), "{fixes:?}");
        assert!(repair(b"not a compound file at all", 10_000).is_none());
    }

    #[test]
    fn fat_padded_with_end_of_chain_is_freed() {
        let mut b = sample();
        let fat = u32::from_le_bytes(b[0x4C..0x50].try_into().unwrap()) as usize;
        let n = b.len() / 512 - 1;
        for i in n..128 {
            let at = (fat + 1) * 512 + 4 * i;
            b[at..at + 4].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        }
        assert!(opens(&b).is_err());
        let r = repair(&b, 10_000).unwrap();
        assert!(r.fixes[0].contains("past the end"), "{:?}", r.fixes);
        assert_eq!(opens(&r.bytes).unwrap(), opens(&sample()).unwrap());
    }

    #[test]
    fn bad_sibling_links_and_order_rebuild_the_tree() {
        let good = opens(&sample()).unwrap();
        let mut b = sample();
        // A sibling link out of range.
        let at = entry_at(&b, "Data");
        b[at + 68..at + 72].copy_from_slice(&0xF800_0007u32.to_le_bytes());
        assert!(opens(&b).is_err());
        let r = repair(&b, 10_000).unwrap();
        assert_eq!(opens(&r.bytes).unwrap(), good, "{:?}", r.fixes);
        // Names out of order: swap the root's child tree into a bad chain.
        let mut b = sample();
        let root = entry_at(&b, "Root Entry");
        let order = ["WordDocument", "1Table", "ObjectPool", "Data"];
        let ids: Vec<u32> = order.iter().map(|n| id_of(&b, n)).collect();
        b[root + 76..root + 80].copy_from_slice(&ids[0].to_le_bytes());
        for (k, n) in order.iter().enumerate() {
            let at = entry_at(&b, n);
            b[at + 68..at + 72].copy_from_slice(&NO_STREAM.to_le_bytes());
            let next = ids.get(k + 1).copied().unwrap_or(NO_STREAM);
            b[at + 72..at + 76].copy_from_slice(&next.to_le_bytes());
        }
        assert!(opens(&b).unwrap_err().contains("ordering"));
        let r = repair(&b, 10_000).unwrap();
        assert_eq!(opens(&r.bytes).unwrap(), good, "{:?}", r.fixes);
    }

    #[test]
    fn garbage_in_an_unused_entry_and_a_stream_child_are_cleared() {
        let good = opens(&sample()).unwrap();
        let mut b = sample();
        let spare = *entries(&b).last().unwrap();
        assert_eq!(b[spare + 66], UNUSED);
        b[spare + 64..spare + 66].copy_from_slice(&14336u16.to_le_bytes());
        let at = entry_at(&b, "1Table");
        b[at + 76..at + 80].copy_from_slice(&0xFFFF_FF89u32.to_le_bytes());
        assert!(opens(&b).is_err());
        let r = repair(&b, 10_000).unwrap();
        assert_eq!(opens(&r.bytes).unwrap(), good, "{:?}", r.fixes);
    }

    #[test]
    fn any_bytes_repair_without_panicking() {
        // Every third byte of the header and directory sector changed, and
        // truncations: repair never panics, and what it returns opens or
        // fails with an error (never a panic in cfb either).
        let base = sample();
        let dir = (u32::from_le_bytes(base[0x30..0x34].try_into().unwrap()) as usize + 1) * 512;
        let spots: Vec<usize> = (0..512).chain(dir..dir + 512).step_by(3).collect();
        for at in spots {
            for v in [0u8, 0x41, 0xFF] {
                let mut b = base.clone();
                b[at] = v;
                if let Some(r) = repair(&b, 10_000) {
                    assert!(!r.fixes.is_empty());
                    let _ = opens(&r.bytes);
                }
            }
        }
        for cut in (512..base.len()).step_by(97) {
            if let Some(r) = repair(&base[..cut], 10_000) {
                let _ = opens(&r.bytes);
            }
        }
    }

    /// A stream's bytes, or why they could not be read.
    type StreamRead = Result<Vec<u8>, String>;

    /// Every stream's path and contents, when cfb opens `bytes`; reading a
    /// stream may fail (an error, never a panic).
    fn contents(bytes: &[u8]) -> Option<Vec<(String, StreamRead)>> {
        use std::io::Read;
        let mut c = cfb::CompoundFile::open(std::io::Cursor::new(bytes.to_vec())).ok()?;
        let paths: Vec<std::path::PathBuf> = c
            .walk()
            .filter(|e| e.is_stream())
            .map(|e| e.path().to_path_buf())
            .collect();
        let mut out: Vec<_> = paths
            .into_iter()
            .map(|p| {
                let mut v = Vec::new();
                let read = c
                    .open_stream(&p)
                    .and_then(|mut s| s.read_to_end(&mut v))
                    .map(|_| v)
                    .map_err(|e| e.to_string());
                (p.display().to_string(), read)
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Some(out)
    }

    /// Values that make structures go wrong: small numbers, the reserved
    /// marks, and numbers far out of range.
    fn nasty() -> impl Strategy<Value = u32> {
        prop_oneof![
            0u32..8,
            Just(0xFFFF_FFFA),
            Just(0xFFFF_FFFB),
            Just(0xFFFF_FFFC),
            Just(0xFFFF_FFFD),
            Just(END_OF_CHAIN),
            Just(FREE),
            Just(0xF800_0007),
            any::<u32>(),
        ]
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Words of the header, the FAT and the directory overwritten: repair
        /// never panics, names what it changed, and what it returns either
        /// opens (and each stream reads or fails with an error) or fails to
        /// open with an error.
        #[test]
        fn damaged_structures_never_panic(
            damage in prop::collection::vec((0usize..4, any::<u16>(), nasty()), 1..8)
        ) {
            let mut b = sample();
            let dir = entries(&b);
            let fat = (u32::from_le_bytes(b[0x4C..0x50].try_into().unwrap()) as usize + 1) * 512;
            for (region, pos, v) in damage {
                let pos = usize::from(pos);
                let at = match region {
                    0 => 4 * (pos % 128),
                    1 => fat + 4 * (pos % 128),
                    2 => dir[pos % dir.len()] + 4 * ((pos / dir.len()) % 32),
                    _ => 4 * (pos % (b.len() / 4)),
                };
                b[at..at + 4].copy_from_slice(&v.to_le_bytes());
            }
            if let Some(r) = repair(&b, 10_000) {
                prop_assert!(!r.fixes.is_empty());
                prop_assert_eq!(r.bytes.len() % 512, 0);
                let _ = contents(&r.bytes);
            }
        }

        /// Whatever the FAT holds past the end of the file, nothing in the
        /// file is lost: the streams read back as written.
        #[test]
        fn fat_tail_damage_loses_nothing(tail in prop::collection::vec(nasty(), 1..64)) {
            let want = contents(&sample()).unwrap();
            let mut b = sample();
            let fat = (u32::from_le_bytes(b[0x4C..0x50].try_into().unwrap()) as usize + 1) * 512;
            let n = b.len() / 512 - 1;
            for (i, v) in (n..128).zip(tail.iter().cycle()) {
                b[fat + 4 * i..fat + 4 * i + 4].copy_from_slice(&v.to_le_bytes());
            }
            let got = match repair(&b, 10_000) {
                Some(r) => contents(&r.bytes),
                None => contents(&b),
            };
            prop_assert_eq!(got, Some(want));
        }
    }
}
