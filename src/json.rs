//! Compact JSON output, byte for byte what `serde_json::to_writer` writes,
//! with a faster string escape.
//!
//! Most of what the pipeline writes is text (paragraphs, cells, their
//! normalized forms, mostly Chinese), and `serde_json` escapes a string one
//! byte at a time: in profiles its `serialize_str` was the largest single
//! cost of a conversion. [`Serializer`] scans eight bytes at a time for the
//! three things JSON escapes (`"`, `\` and control characters) and copies the
//! runs between them whole. Everything else follows `serde_json`'s compact
//! format exactly: numbers through the same `itoa` and `zmij` crates,
//! non-finite floats as `null`, enums externally tagged, map keys as
//! `serde_json` writes them, and [`RawValue`](serde_json::value::RawValue) embedded as is. Errors are
//! `serde_json::Error`s, so callers keep their error handling. The tests
//! compare both serializers on the same values.

use serde::ser::{self, Error as _, Serialize};
use serde_json::Error;
use std::io::Write;

type Result<T> = std::result::Result<T, Error>;

/// The struct name under which [`RawValue`](serde_json::value::RawValue) serializes itself: `serde_json`'s
/// own protocol for embedding JSON text (a `RawValue` is a struct of this name
/// with one field of this name, its text). A serializer that does not know
/// it would write the text as a quoted string.
const RAW_TOKEN: &str = "$serde_json::private::RawValue";

/// Write `value` as compact JSON into `writer` (the same bytes as
/// `serde_json::to_writer`).
pub fn to_writer<W: Write, T: ?Sized + Serialize>(writer: W, value: &T) -> Result<()> {
    value.serialize(&mut Serializer::new(Io(writer)))
}

/// `value` as compact JSON (the same bytes as `serde_json::to_vec`).
pub fn to_vec<T: ?Sized + Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(128);
    to_writer(&mut out, value)?;
    Ok(out)
}

/// JSON text made by [`to_raw_json`], to be embedded as is in larger values
/// (serialized once, written into several outputs). It serializes the way
/// [`RawValue`](serde_json::value::RawValue) does, so `serde_json`'s serializer embeds it too; unlike a
/// `RawValue` made from a string, it needs no parse to check it, since it is
/// this module's own output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawJson(Box<str>);

impl RawJson {
    /// The JSON text.
    pub fn get(&self) -> &str {
        &self.0
    }
}

impl Serialize for RawJson {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use ser::SerializeStruct;
        let mut s = serializer.serialize_struct(RAW_TOKEN, 1)?;
        s.serialize_field(RAW_TOKEN, self.get())?;
        s.end()
    }
}

/// `value` as JSON text to embed elsewhere (what
/// `serde_json::value::to_raw_value` gives, without its copy).
pub fn to_raw_json<T: ?Sized + Serialize>(value: &T) -> Result<RawJson> {
    to_raw_json_in(value, String::new())
}

/// [`to_raw_json`] written into `buf` (cleared first): a caller that knows
/// about how long the text will be passes a buffer of that capacity, so that
/// it is not grown (and copied) from empty.
pub fn to_raw_json_in<T: ?Sized + Serialize>(value: &T, mut buf: String) -> Result<RawJson> {
    buf.clear();
    let mut ser = Serializer::new(buf);
    value.serialize(&mut ser)?;
    Ok(RawJson(ser.w.into_boxed_str()))
}

/// Where a [`Serializer`] writes: text only, so that JSON built in memory is
/// a `String` without a second look at its bytes.
pub trait Out {
    /// Append `s`.
    fn out(&mut self, s: &str) -> Result<()>;
}

impl Out for String {
    #[inline]
    fn out(&mut self, s: &str) -> Result<()> {
        self.push_str(s);
        Ok(())
    }
}

/// An [`Out`] into an `io::Write`.
pub struct Io<W>(pub W);

impl<W: Write> Out for Io<W> {
    #[inline]
    fn out(&mut self, s: &str) -> Result<()> {
        self.0.write_all(s.as_bytes()).map_err(Error::io)
    }
}

/// Slots of [`Serializer`]'s memo of field names that need no escape.
const PLAIN_KEYS: usize = 64;

/// A compact JSON serializer writing into `W`.
pub struct Serializer<W> {
    w: W,
    /// Field names (`&'static str`, by address and length) already seen to
    /// need no escape, one per slot: a report's JSON writes about 7,400
    /// field names, a few dozen distinct ones, and testing each byte of each
    /// again cost more than the lookup.
    plain_keys: [(usize, usize); PLAIN_KEYS],
}

impl<W: Out> Serializer<W> {
    fn new(w: W) -> Self {
        Serializer {
            w,
            plain_keys: [(0, 0); PLAIN_KEYS],
        }
    }

    /// `"key":`, for a struct's field name.
    fn put_key(&mut self, key: &'static str) -> Result<()> {
        let at = (key.as_ptr() as usize, key.len());
        let slot = (at.0 >> 3) % PLAIN_KEYS;
        if self.plain_keys[slot] != at {
            if key.bytes().any(needs_escape) {
                self.put_str(key)?;
                return self.put(":");
            }
            self.plain_keys[slot] = at;
        }
        self.put("\"")?;
        self.put(key)?;
        self.put("\":")
    }

    #[inline]
    fn put(&mut self, s: &str) -> Result<()> {
        self.w.out(s)
    }

    fn put_str(&mut self, s: &str) -> Result<()> {
        write_escaped(&mut self.w, s)
    }
}

/// Eight copies of byte `b`.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}
const LOW_BITS: u64 = splat(0x01);
const HIGH_BITS: u64 = splat(0x80);

/// The bytes of `word` (read little-endian) that need escaping: a control
/// character (below 0x20), `"` or `\`, each flagged by its high bit. These
/// are the classic "has a zero byte" tests: a flag can be wrong only above
/// a right one, so the lowest flag is always the first such byte, and no flag
/// means none.
#[inline]
fn escape_flags(word: u64) -> u64 {
    let below_space = word.wrapping_sub(splat(0x20)) & !word;
    let x = word ^ splat(b'"');
    let quote = x.wrapping_sub(LOW_BITS) & !x;
    let y = word ^ splat(b'\\');
    let backslash = y.wrapping_sub(LOW_BITS) & !y;
    (below_space | quote | backslash) & HIGH_BITS
}

/// The escape of a byte that needs one (`serde_json`'s table; control
/// characters without a short form as `\u00XX`, lower-case hex).
fn escape_of(b: u8) -> &'static str {
    const CONTROL: [&str; 32] = [
        "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
        "\\b", "\\t", "\\n", "\\u000b", "\\f", "\\r", "\\u000e", "\\u000f", "\\u0010", "\\u0011",
        "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017", "\\u0018", "\\u0019",
        "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
    ];
    match b {
        b'"' => "\\\"",
        b'\\' => "\\\\",
        _ => CONTROL[usize::from(b & 0x1F)],
    }
}

/// Whether JSON escapes byte `b` in a string.
#[inline]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Write `s` as a quoted JSON string. Eight bytes are tested at a time, the
/// last few one by one (gathering them into a word cost more than testing
/// them).
fn write_escaped<W: Out>(w: &mut W, s: &str) -> Result<()> {
    let bytes = s.as_bytes();
    w.out("\"")?;
    let mut start = 0; // first byte not written yet
    let mut i = 0; // first byte not tested yet
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or([0; 8]));
        let flags = escape_flags(word);
        if flags == 0 {
            i += 8;
            continue;
        }
        let at = i + (flags.trailing_zeros() / 8) as usize;
        // `at` holds an ASCII byte, so both slices end on character bounds.
        w.out(&s[start..at])?;
        w.out(escape_of(bytes[at]))?;
        start = at + 1;
        i = at + 1;
    }
    for (at, &b) in bytes.iter().enumerate().skip(i) {
        if needs_escape(b) {
            w.out(&s[start..at])?;
            w.out(escape_of(b))?;
            start = at + 1;
        }
    }
    w.out(&s[start..])?;
    w.out("\"")
}

macro_rules! int_methods {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<()> {
            self.put(itoa::Buffer::new().format(v))
        }
    )*};
}

impl<'a, W: Out> ser::Serializer for &'a mut Serializer<W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, W>;
    type SerializeTuple = Compound<'a, W>;
    type SerializeTupleStruct = Compound<'a, W>;
    type SerializeTupleVariant = Compound<'a, W>;
    type SerializeMap = Compound<'a, W>;
    type SerializeStruct = Compound<'a, W>;
    type SerializeStructVariant = Compound<'a, W>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.put(if v { "true" } else { "false" })
    }

    int_methods!(
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128
    );

    fn serialize_f32(self, v: f32) -> Result<()> {
        if !v.is_finite() {
            return self.put("null");
        }
        self.put(zmij::Buffer::new().format_finite(v))
    }

    fn serialize_f64(self, v: f64) -> Result<()> {
        if !v.is_finite() {
            return self.put("null");
        }
        self.put(zmij::Buffer::new().format_finite(v))
    }

    fn serialize_char(self, v: char) -> Result<()> {
        self.put_str(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<()> {
        self.put_str(v)
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }

    fn serialize_none(self) -> Result<()> {
        self.put("null")
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<()> {
        self.put("null")
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        self.put("null")
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<()> {
        self.put_str(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        self.put("{")?;
        self.put_str(variant)?;
        self.put(":")?;
        value.serialize(&mut *self)?;
        self.put("}")
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a, W>> {
        self.put("[")?;
        Ok(Compound::open(self, "]", ""))
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, W>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a, W>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, W>> {
        self.put("{")?;
        self.put_str(variant)?;
        self.put(":[")?;
        Ok(Compound::open(self, "]", "}"))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a, W>> {
        self.put("{")?;
        Ok(Compound::open(self, "}", ""))
    }

    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Compound<'a, W>> {
        if name == RAW_TOKEN {
            return Ok(Compound {
                ser: self,
                first: true,
                close: "",
                close_variant: "",
                raw: true,
            });
        }
        self.serialize_map(None)
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, W>> {
        self.put("{")?;
        self.put_str(variant)?;
        self.put(":{")?;
        Ok(Compound::open(self, "}", "}"))
    }
}

/// An array, object or enum variant being written.
pub struct Compound<'a, W> {
    ser: &'a mut Serializer<W>,
    first: bool,
    /// Closes the array or object.
    close: &'static str,
    /// Closes the `{"variant":…}` around it, for enum variants.
    close_variant: &'static str,
    /// A [`RawValue`](serde_json::value::RawValue)'s text, to be written as is.
    raw: bool,
}

impl<'a, W: Out> Compound<'a, W> {
    fn open(ser: &'a mut Serializer<W>, close: &'static str, close_variant: &'static str) -> Self {
        Compound {
            ser,
            first: true,
            close,
            close_variant,
            raw: false,
        }
    }

    fn comma(&mut self) -> Result<()> {
        if self.first {
            self.first = false;
            Ok(())
        } else {
            self.ser.put(",")
        }
    }

    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.comma()?;
        value.serialize(&mut *self.ser)
    }

    fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<()> {
        if self.raw {
            return if key == RAW_TOKEN {
                value.serialize(RawEmitter(&mut *self.ser))
            } else {
                Err(Error::custom("invalid raw value"))
            };
        }
        self.comma()?;
        self.ser.put_key(key)?;
        value.serialize(&mut *self.ser)
    }

    fn close(self) -> Result<()> {
        self.ser.put(self.close)?;
        self.ser.put(self.close_variant)
    }
}

/// The compound traits other than maps: items that are values
/// ([`Compound::element`]) or named fields ([`Compound::field`]).
macro_rules! compound_impls {
    ($($trait:ident::$method:ident($($key:ident: $kty:ty)?) => $how:ident;)*) => {$(
        impl<W: Out> ser::$trait for Compound<'_, W> {
            type Ok = ();
            type Error = Error;
            fn $method<T: ?Sized + Serialize>(&mut self, $($key: $kty,)? value: &T) -> Result<()> {
                self.$how($($key,)? value)
            }
            fn end(self) -> Result<()> {
                self.close()
            }
        }
    )*};
}

compound_impls! {
    SerializeSeq::serialize_element() => element;
    SerializeTuple::serialize_element() => element;
    SerializeTupleStruct::serialize_field() => element;
    SerializeTupleVariant::serialize_field() => element;
    SerializeStruct::serialize_field(key: &'static str) => field;
    SerializeStructVariant::serialize_field(key: &'static str) => field;
}

impl<W: Out> ser::SerializeMap for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        self.comma()?;
        key.serialize(KeySerializer(&mut *self.ser))
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.ser.put(":")?;
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<()> {
        self.close()
    }
}

/// The error of a serializer asked for something it cannot write.
fn unsupported(what: &str) -> Error {
    Error::custom(what)
}

/// Writes a [`RawValue`](serde_json::value::RawValue)'s text as is; it accepts a string only.
struct RawEmitter<'a, W>(&'a mut Serializer<W>);

/// Writes a map key: JSON keys are strings, so numbers and booleans are
/// quoted, as `serde_json` does; anything else is an error.
struct KeySerializer<'a, W>(&'a mut Serializer<W>);

impl<W: Out> KeySerializer<'_, W> {
    fn quoted(self, text: &str) -> Result<()> {
        self.0.put("\"")?;
        self.0.put(text)?;
        self.0.put("\"")
    }
}

macro_rules! key_int_methods {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<()> {
            self.quoted(itoa::Buffer::new().format(v))
        }
    )*};
}

/// The methods of a serializer that writes one kind of value only: every
/// other kind is the error `$err`.
macro_rules! refuse_rest {
    ($err:expr; $($method:ident($($arg:ty),*)),*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<()> {
            Err(unsupported($err))
        }
    )*};
}

macro_rules! refuse_compounds {
    ($err:expr) => {
        fn serialize_seq(self, _: Option<usize>) -> Result<ser::Impossible<(), Error>> {
            Err(unsupported($err))
        }
        fn serialize_tuple(self, _: usize) -> Result<ser::Impossible<(), Error>> {
            Err(unsupported($err))
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<ser::Impossible<(), Error>> {
            Err(unsupported($err))
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<ser::Impossible<(), Error>> {
            Err(unsupported($err))
        }
        fn serialize_map(self, _: Option<usize>) -> Result<ser::Impossible<(), Error>> {
            Err(unsupported($err))
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<ser::Impossible<(), Error>> {
            Err(unsupported($err))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<ser::Impossible<(), Error>> {
            Err(unsupported($err))
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<()> {
            Err(unsupported($err))
        }
    };
}

const KEY_MUST_BE_STRING: &str = "key must be a string";

impl<W: Out> ser::Serializer for KeySerializer<'_, W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<()> {
        self.0.put_str(v)
    }
    fn serialize_char(self, v: char) -> Result<()> {
        self.0.put_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_bool(self, v: bool) -> Result<()> {
        self.quoted(if v { "true" } else { "false" })
    }
    key_int_methods!(
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128
    );
    fn serialize_f32(self, v: f32) -> Result<()> {
        if !v.is_finite() {
            return Err(unsupported("float key must be finite (got NaN or +/-inf)"));
        }
        self.quoted(zmij::Buffer::new().format_finite(v))
    }
    fn serialize_f64(self, v: f64) -> Result<()> {
        if !v.is_finite() {
            return Err(unsupported("float key must be finite (got NaN or +/-inf)"));
        }
        self.quoted(zmij::Buffer::new().format_finite(v))
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<()> {
        self.0.put_str(variant)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }
    refuse_rest!(KEY_MUST_BE_STRING;
        serialize_bytes(&[u8]), serialize_none(), serialize_unit(),
        serialize_unit_struct(&'static str));
    refuse_compounds!(KEY_MUST_BE_STRING);
}

const EXPECTED_RAW: &str = "expected RawValue";

impl<W: Out> ser::Serializer for RawEmitter<'_, W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<()> {
        self.0.put(v)
    }
    refuse_rest!(EXPECTED_RAW;
        serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32),
        serialize_i64(i64), serialize_i128(i128), serialize_u8(u8), serialize_u16(u16),
        serialize_u32(u32), serialize_u64(u64), serialize_u128(u128), serialize_f32(f32),
        serialize_f64(f64), serialize_char(char), serialize_bytes(&[u8]), serialize_none(),
        serialize_unit(), serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str));
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, _: &T) -> Result<()> {
        Err(unsupported(EXPECTED_RAW))
    }
    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<()> {
        Err(unsupported(EXPECTED_RAW))
    }
    refuse_compounds!(EXPECTED_RAW);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Serialize;
    use serde_json::value::RawValue;
    use serde_json::{json, Value};
    use std::collections::BTreeMap;

    fn same<T: Serialize + ?Sized>(v: &T) {
        let ours = to_vec(v).map_err(|e| e.to_string());
        let theirs = serde_json::to_vec(v).map_err(|e| e.to_string());
        assert_eq!(ours, theirs);
    }

    #[test]
    fn strings_escape_as_serde_json_does() {
        let mut all_bytes = String::new();
        for c in 0u8..0x80 {
            all_bytes.push(c as char);
        }
        for s in [
            "",
            "a",
            "\"",
            "\\",
            "引号\"在中间\"的文本，长于八个字节",
            "12345678\u{1}",
            "1234567\"",
            "\u{7f}\u{80}\u{ff}\u{2028}\u{1F600}",
            all_bytes.as_str(),
        ] {
            same(s);
        }
    }

    /// Field names: plain ones memoized, the rest escaped every time.
    #[derive(Serialize)]
    struct Names {
        #[serde(rename = "")]
        empty: u8,
        #[serde(rename = "引号\"与\\反斜杠")]
        quoted: u8,
        #[serde(rename = "tab\there")]
        control: u8,
        #[serde(rename = "名称_a_longer_field_name_past_eight_bytes")]
        long: u8,
        plain: Vec<Names>,
    }

    #[test]
    fn field_names_as_serde_json() {
        let leaf = |n| Names {
            empty: n,
            quoted: n,
            control: n,
            long: n,
            plain: vec![],
        };
        // Each name written several times, through the memo and not.
        same(&Names {
            plain: vec![leaf(1), leaf(2)],
            ..leaf(0)
        });
    }

    #[derive(Serialize)]
    enum E {
        Unit,
        New(i32),
        Tuple(u8, String),
        Struct { a: f64, b: Option<char> },
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Wrap(u64);

    #[derive(Serialize)]
    struct S<'a> {
        e: Vec<E>,
        unit: Unit,
        wrap: Wrap,
        t: (i8, i128, u128),
        bytes: &'a [u8],
        #[serde(flatten)]
        rest: BTreeMap<String, Value>,
        raw: &'a RawValue,
        keys: BTreeMap<i64, bool>,
        bool_keys: BTreeMap<bool, ()>,
        floats: [f64; 6],
        f32s: [f32; 2],
    }

    #[test]
    fn every_kind_of_value_as_serde_json() {
        let raw = RawValue::from_string(r#"{"x": [1, 2]}"#.to_string()).unwrap();
        let mut rest = BTreeMap::new();
        rest.insert("extra".to_string(), json!({"n": null, "v": [1.5, -2, "s"]}));
        let v = S {
            e: vec![
                E::Unit,
                E::New(-4),
                E::Tuple(7, "t\n".into()),
                E::Struct {
                    a: 0.1,
                    b: Some('\u{8}'),
                },
            ],
            unit: Unit,
            wrap: Wrap(u64::MAX),
            t: (i8::MIN, i128::MIN, u128::MAX),
            bytes: &[0, 255],
            rest,
            raw: &raw,
            keys: [(-1, true), (3, false)].into_iter().collect(),
            bool_keys: [(true, ())].into_iter().collect(),
            floats: [0.0, -0.0, 1e300, 12.0, f64::NAN, f64::NEG_INFINITY],
            f32s: [0.3, f32::INFINITY],
        };
        same(&v);
        let raw = to_raw_json(&v).unwrap();
        assert_eq!(
            raw.get(),
            serde_json::value::to_raw_value(&v).unwrap().get()
        );
        // Embedded as is, by either serializer.
        let outer = json!({"a": 1});
        let embedded = (&raw, &outer, [&raw]);
        same(&embedded);
        let text = String::from_utf8(to_vec(&embedded).unwrap()).unwrap();
        assert_eq!(text, format!("[{0},{{\"a\":1}},[{0}]]", raw.get()));
    }

    #[test]
    fn unsupported_keys_are_errors_as_in_serde_json() {
        let m: BTreeMap<Vec<u8>, i32> = [(vec![1], 1)].into_iter().collect();
        assert!(to_vec(&m).is_err());
        assert!(serde_json::to_vec(&m).is_err());
        let f: BTreeMap<Wrap, i32> = BTreeMap::new();
        same(&f);
    }

    impl PartialEq for Wrap {
        fn eq(&self, o: &Self) -> bool {
            self.0 == o.0
        }
    }
    impl Eq for Wrap {}
    impl PartialOrd for Wrap {
        fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(o))
        }
    }
    impl Ord for Wrap {
        fn cmp(&self, o: &Self) -> std::cmp::Ordering {
            self.0.cmp(&o.0)
        }
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<u64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|f| json!(f)),
            ".*".prop_map(Value::String),
            proptest::collection::vec(0u8..0x30, 0..20)
                .prop_map(|b| Value::String(b.into_iter().map(char::from).collect())),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                proptest::collection::btree_map(".*", inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_value_serializes_as_serde_json(v in value()) {
            prop_assert_eq!(to_vec(&v).unwrap(), serde_json::to_vec(&v).unwrap());
        }

        #[test]
        fn any_string_escapes_as_serde_json(s in "(\\PC|[\\x00-\\x1f\"\\\\])*") {
            prop_assert_eq!(to_vec(&s).unwrap(), serde_json::to_vec(&s).unwrap());
        }
    }
}
