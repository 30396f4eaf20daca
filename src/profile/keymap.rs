//! [`KeyMap`]: a report's metrics and their sources, keyed by metric key, in
//! key order.
//!
//! The profile builds each map once, from pairs that come already in key
//! order (see `analyze`), and from then on the map is only read: looked up,
//! iterated in key order, serialized as a JSON object. A `BTreeMap` cost a
//! sort of the pairs (its `collect` sorts again, into a scratch buffer that
//! the allocator handed back to the kernel after each report), a node
//! allocation every few keys and as many frees (-1.5% instructions and a
//! fifth fewer `madvise` calls without them). This is one vector, sorted by
//! key.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A map from metric keys to `V`, as one vector sorted by key (keys
/// distinct).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyMap<V>(Vec<(String, V)>);

impl<V> Default for KeyMap<V> {
    fn default() -> Self {
        KeyMap(Vec::new())
    }
}

impl<V> KeyMap<V> {
    /// The map of `pairs`: sorted by key unless they already are; of pairs
    /// with the same key, the last one stays (as in a `BTreeMap` collected
    /// from them).
    pub fn from_pairs(mut pairs: Vec<(String, V)>) -> KeyMap<V> {
        if !pairs.is_sorted_by(|a, b| a.0 < b.0) {
            // Stable: of equal keys, the last one is the one kept below.
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            let mut kept: Vec<(String, V)> = Vec::with_capacity(pairs.len());
            for p in pairs {
                match kept.last_mut() {
                    Some(last) if last.0 == p.0 => *last = p,
                    _ => kept.push(p),
                }
            }
            pairs = kept;
        }
        KeyMap(pairs)
    }

    /// Set the value of `key` (an insertion moves the keys after it: for
    /// the odd key added to a map built whole).
    pub fn insert(&mut self, key: String, value: V) {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// Whether `key` is in the map.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No keys.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Keys and values, in key order.
    pub fn iter(&self) -> Iter<'_, V> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// Keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> + '_ {
        self.0.iter().map(|(k, _)| k)
    }

    /// Values, in key order.
    pub fn values(&self) -> impl Iterator<Item = &V> + '_ {
        self.0.iter().map(|(_, v)| v)
    }
}

/// Iterator over a [`KeyMap`]'s keys and values.
pub type Iter<'a, V> =
    std::iter::Map<std::slice::Iter<'a, (String, V)>, fn(&'a (String, V)) -> (&'a String, &'a V)>;

impl<'a, V> IntoIterator for &'a KeyMap<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = Iter<'a, V>;
    fn into_iter(self) -> Iter<'a, V> {
        self.iter()
    }
}

impl<V> std::ops::Index<&str> for KeyMap<V> {
    type Output = V;
    /// The value of `key`; panics when it is absent (as a `BTreeMap` does).
    fn index(&self, key: &str) -> &V {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no metric key {key:?}"),
        }
    }
}

impl<V: Serialize> Serialize for KeyMap<V> {
    /// A JSON object in key order, as a `BTreeMap` is written.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for KeyMap<V> {
    /// From a JSON object, as a `BTreeMap` is read (the same errors; of
    /// repeated keys the last stays), without a B-tree insertion per key:
    /// the objects this reads were written in key order.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Pairs<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Pairs<V> {
            type Value = KeyMap<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<KeyMap<V>, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
                while let Some(pair) = map.next_entry::<String, V>()? {
                    pairs.push(pair);
                }
                Ok(KeyMap::from_pairs(pairs))
            }
        }
        d.deserialize_map(Pairs(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn pairs(keys: &[&str]) -> Vec<(String, usize)> {
        keys.iter()
            .enumerate()
            .map(|(i, k)| (k.to_string(), i))
            .collect()
    }

    #[test]
    fn behaves_as_the_btreemap_of_the_same_pairs() {
        for keys in [
            &[][..],
            &["s2.a"][..],
            &["s3.b", "s2.a", "s4.c", "s3.a"][..],
            &["a", "b", "c"][..],
            &["b", "a", "b", "c", "a"][..],
        ] {
            let ours = KeyMap::from_pairs(pairs(keys));
            let theirs: BTreeMap<String, usize> = pairs(keys).into_iter().collect();
            assert_eq!(
                ours.iter().collect::<Vec<_>>(),
                theirs.iter().collect::<Vec<_>>(),
                "{keys:?}"
            );
            assert_eq!(ours.len(), theirs.len());
            for k in ["a", "b", "s2.a", "s3.a", "zz", ""] {
                assert_eq!(ours.get(k), theirs.get(k), "{k}");
                assert_eq!(ours.contains_key(k), theirs.contains_key(k));
            }
            assert_eq!(
                serde_json::to_string(&ours).unwrap(),
                serde_json::to_string(&theirs).unwrap()
            );
            let back: KeyMap<usize> =
                serde_json::from_str(&serde_json::to_string(&theirs).unwrap()).unwrap();
            assert_eq!(back, ours);
        }
    }

    #[test]
    fn reads_fail_as_a_btreemaps_do() {
        for text in [
            r#"{"a":1,"b":2}"#,
            r#"{"b":2,"a":1,"b":3}"#,
            "[1]",
            r#"{"a":"x"}"#,
            "null",
            "{",
        ] {
            let ours = serde_json::from_str::<KeyMap<u32>>(text);
            let theirs = serde_json::from_str::<BTreeMap<String, u32>>(text);
            match (ours, theirs) {
                (Ok(o), Ok(t)) => {
                    assert_eq!(o.iter().collect::<Vec<_>>(), t.iter().collect::<Vec<_>>())
                }
                (Err(o), Err(t)) => assert_eq!(o.to_string(), t.to_string(), "{text}"),
                (o, t) => panic!("{text}: {o:?} against {t:?}"),
            }
        }
    }

    #[test]
    fn insert_keeps_the_order() {
        let mut m = KeyMap::from_pairs(pairs(&["b", "d"]));
        m.insert("c".into(), 7);
        m.insert("a".into(), 8);
        m.insert("d".into(), 9);
        let got: Vec<(&String, &usize)> = m.iter().collect();
        let keys: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c", "d"]);
        assert_eq!(m.get("d"), Some(&9));
    }

    #[test]
    fn index_finds_and_panics_like_a_map() {
        let m = KeyMap::from_pairs(pairs(&["x", "y"]));
        assert_eq!(m["y"], 1);
        assert!(std::panic::catch_unwind(|| m["z"]).is_err());
    }
}
