//! Encoding values as compact JSON: the bytes `serde_json::to_vec` writes, written faster.
//!
//! Most of what `serde_json` spends encoding a model goes into checking every byte of every
//! string for characters to escape, object keys included, one byte at a time. [`encode`] runs
//! its own compact JSON [`Serializer`](serde::Serializer) instead:
//!
//! - a struct's field names (`&'static str`s, which almost never need escaping) are checked
//!   once per process and then copied as they are: a small cache remembers which names, by
//!   address and length, were found clean;
//! - other strings (values, and the keys of maps such as `metadata`, which are data) are
//!   checked 16 bytes at a time (8 for short ones) and copied in one piece when, as nearly
//!   always, nothing needs escaping; only a string that does is escaped byte by byte, with
//!   `serde_json`'s own rules and table;
//! - integers go through `itoa`, floats through `serde_json` itself.
//!
//! The output is pinned to `serde_json::to_vec`'s byte for byte (property tests for every model
//! type, and edge cases: control characters, quotes, backslashes, non-ASCII, extreme integers,
//! floats, nested raw JSON). Where `serde_json` has a rule of its own that this writer does not
//! repeat (map keys that are not strings, its private number and raw-value structs, byte
//! arrays), the writer stops and [`encode`] hands the whole value to `serde_json`, so the
//! result, error included, is still what `serde_json` gives.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde::ser::{self, Impossible};

/// Encodes a value as the API would send it (compact JSON). Absent fields (`None`, and raw JSON
/// fields that are `null`) are left out, as the API leaves them out: decoding the bytes gives the
/// same value back.
///
/// The bytes are exactly those of `serde_json::to_vec(value)`, written faster: field names are
/// checked for characters to escape once per process instead of at every call, other strings
/// 16 bytes at a time instead of one.
///
/// ```
/// use whop_models::{encode, V5ErrorBody};
///
/// let body = V5ErrorBody { message: Some("Too many requests \"slow down\"".to_owned()) };
/// let bytes = encode(&body)?;
/// assert_eq!(bytes, br#"{"message":"Too many requests \"slow down\""}"#);
/// assert_eq!(bytes, serde_json::to_vec(&body)?);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// # Errors
///
/// Returns the `serde_json` error if a `Serialize` impl fails (none of this crate's types do), or
/// if the value holds something JSON cannot represent that `serde_json` refuses (a map with
/// non-string keys, for example).
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut writer = JsonWriter {
        out: Vec::with_capacity(ENCODE_CAPACITY),
    };
    match value.serialize(&mut writer) {
        Ok(()) => Ok(writer.out),
        Err(Error::Json(error)) => Err(error),
        Err(Error::AskSerdeJson) => serde_json::to_vec(value),
    }
}

/// The first buffer [`encode`] writes into: a whole membership fits in one or two growths from
/// here, where `serde_json::to_vec`'s 128 bytes take four.
const ENCODE_CAPACITY: usize = 1024;

/// Why the writer stopped.
#[derive(Debug)]
enum Error {
    /// A `Serialize` impl failed, or one of the writer's own steps did.
    Json(serde_json::Error),
    /// The value needs one of `serde_json`'s own rules: start again with `serde_json`.
    AskSerdeJson,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Json(error) => error.fmt(f),
            Self::AskSerdeJson => f.write_str("left to serde_json"),
        }
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::Json(<serde_json::Error as ser::Error>::custom(msg))
    }
}

/// The compact JSON serializer behind [`encode`].
struct JsonWriter {
    out: Vec<u8>,
}

impl JsonWriter {
    /// Writes a number through `serde_json`, for its exact float formatting.
    fn write_with_serde_json<T: Serialize>(&mut self, value: &T) -> Result<(), Error> {
        serde_json::to_writer(&mut self.out, value).map_err(Error::Json)
    }

    fn write_integer<I: itoa::Integer>(&mut self, value: I) {
        let mut buffer = itoa::Buffer::new();
        self.out.extend_from_slice(buffer.format(value).as_bytes());
    }

    /// `{"variant":`, the start of an enum variant that carries data.
    fn begin_variant(&mut self, variant: &'static str) {
        self.out.push(b'{');
        write_key(&mut self.out, true, variant);
    }
}

/// Where a sequence, map or struct is: nothing written inside it yet (`First`), something
/// written (`Rest`), or closed already because its length was zero (`Empty`). The same states,
/// and so the same output for the same calls, as `serde_json`'s serializer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Empty,
    First,
    Rest,
}

/// A sequence, map or struct being written.
struct Compound<'a> {
    writer: &'a mut JsonWriter,
    state: State,
}

impl<'a> Compound<'a> {
    #[inline]
    fn open(writer: &'a mut JsonWriter, open: u8, close: u8, len: Option<usize>) -> Self {
        writer.out.push(open);
        let state = if len == Some(0) {
            writer.out.push(close);
            State::Empty
        } else {
            State::First
        };
        Self { writer, state }
    }

    /// `,` unless this is the first element, as `serde_json` decides it.
    fn separate(&mut self) {
        if self.state != State::First {
            self.writer.out.push(b',');
        }
        self.state = State::Rest;
    }

    #[inline]
    fn close(&mut self, close: u8) {
        if self.state != State::Empty {
            self.writer.out.push(close);
        }
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        write_key(&mut self.writer.out, self.state == State::First, key);
        self.state = State::Rest;
        value.serialize(&mut *self.writer)
    }
}

impl<'a> ser::Serializer for &'a mut JsonWriter {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        let text: &[u8] = if v { b"true" } else { b"false" };
        self.out.extend_from_slice(text);
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.write_integer(v);
        Ok(())
    }

    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.write_integer(v);
        Ok(())
    }

    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.write_integer(v);
        Ok(())
    }

    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.write_integer(v);
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.write_integer(v);
        Ok(())
    }

    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.write_integer(v);
        Ok(())
    }

    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.write_integer(v);
        Ok(())
    }

    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.write_integer(v);
        Ok(())
    }

    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.write_integer(v);
        Ok(())
    }

    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.write_integer(v);
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.write_with_serde_json(&v)
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.write_with_serde_json(&v)
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    #[inline]
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        write_string(&mut self.out, v);
        Ok(())
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _variant_index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.begin_variant(variant);
        value.serialize(&mut *self)?;
        self.out.push(b'}');
        Ok(())
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(Compound::open(self, b'[', b']', len))
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, Error> {
        self.begin_variant(variant);
        self.serialize_seq(Some(len))
    }

    #[inline]
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(Compound::open(self, b'{', b'}', len))
    }

    #[inline]
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Compound<'a>, Error> {
        // serde_json's private number and raw-value types are structs it recognises by a name
        // starting with `$`; what they write is serde_json's business.
        if name.starts_with('$') {
            return Err(Error::AskSerdeJson);
        }
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, Error> {
        self.begin_variant(variant);
        self.serialize_map(Some(len))
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.separate();
        value.serialize(&mut *self.writer)
    }

    fn end(mut self) -> Result<(), Error> {
        self.close(b']');
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(mut self) -> Result<(), Error> {
        self.close(b']');
        self.writer.out.push(b'}');
        Ok(())
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.separate();
        key.serialize(MapKey(&mut *self.writer))
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.writer.out.push(b':');
        value.serialize(&mut *self.writer)
    }

    fn end(mut self) -> Result<(), Error> {
        self.close(b'}');
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }

    #[inline]
    fn end(mut self) -> Result<(), Error> {
        self.close(b'}');
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }

    fn end(mut self) -> Result<(), Error> {
        self.close(b'}');
        self.writer.out.push(b'}');
        Ok(())
    }
}

/// Writes a map's key: a string (escaped in full, since a map's keys are data), or anything
/// that serializes as one. Other keys (numbers, booleans) follow serde_json's own rules, so the
/// writer leaves them to it.
struct MapKey<'a>(&'a mut JsonWriter);

impl ser::Serializer for MapKey<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.serialize_str(v)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.0.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_bool(self, _v: bool) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_i8(self, _v: i8) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_i16(self, _v: i16) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_i32(self, _v: i32) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_i64(self, _v: i64) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_u8(self, _v: u8) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_u16(self, _v: u16) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_u32(self, _v: u32) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_u64(self, _v: u64) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_f32(self, _v: f32) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_f64(self, _v: f64) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_char(self, _v: char) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_none(self) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _variant_index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(Error::AskSerdeJson)
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Error::AskSerdeJson)
    }
}

/// Writes a struct's field name (or a variant's name) and the `:` after it, preceded by `,`
/// unless it is the first. A name that needs escaping (a `rename` with a quote in it, say) is
/// escaped in full; the others, nearly all, are copied as they are, and each is checked only
/// the first time it is written (see [`key_is_clean`]).
#[inline]
fn write_key(out: &mut Vec<u8>, first: bool, key: &'static str) {
    out.reserve(key.len() + 4);
    if !first {
        out.push(b',');
    }
    out.push(b'"');
    if key_is_clean(key) {
        out.extend_from_slice(key.as_bytes());
    } else {
        write_escaped(out, key.as_bytes());
    }
    out.extend_from_slice(b"\":");
}

/// Field names already checked and found to need no escaping, each stored as its address and
/// length packed in one word (0: an empty slot), in the slot its hash picks.
static CLEAN_KEYS: [AtomicU64; 512] = [const { AtomicU64::new(0) }; 512];

/// Whether `key` needs no escaping, checking its bytes only the first time.
///
/// A `&'static str` is never freed nor changed, so once the bytes at an address and length were
/// found clean they stay clean for the life of the process: the cache can only ever answer
/// `true` for the exact (address, length) it checked, and a slot shared by two names only
/// costs a second check. A name whose address or length does not fit the packing is checked
/// every time.
#[inline]
fn key_is_clean(key: &'static str) -> bool {
    let (address, len) = (key.as_ptr().addr() as u64, key.len() as u64);
    if address >> 48 != 0 || len >> 16 != 0 {
        return !needs_escape(key.as_bytes());
    }
    // Never 0: a string's address is not null.
    let packed = address | len << 48;
    let slot = &CLEAN_KEYS[(packed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 55) as usize];
    if slot.load(Ordering::Relaxed) == packed {
        return true;
    }
    let clean = !needs_escape(key.as_bytes());
    if clean {
        slot.store(packed, Ordering::Relaxed);
    }
    clean
}

/// Writes `text` as a JSON string, quoted and escaped exactly as serde_json escapes it.
#[inline]
fn write_string(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    if needs_escape(bytes) {
        write_escaped(out, bytes);
    } else {
        out.extend_from_slice(bytes);
    }
    out.push(b'"');
}

/// Each byte of a word set to `byte`.
const fn splat(byte: u8) -> u64 {
    u64::from_ne_bytes([byte; 8])
}

/// Whether any of the eight bytes in `word` needs escaping: a control character (below 0x20),
/// `"` or `\`. Exact for the word as a whole (a borrow between bytes only ever starts at a byte
/// that counts); bytes of 0x80 and above (UTF-8 beyond ASCII) never count, as JSON leaves them be.
const fn word_needs_escape(word: u64) -> bool {
    const LOW: u64 = splat(0x01);
    const HIGH: u64 = splat(0x80);
    // A byte below n makes (byte - n) borrow into its top bit while its own top bit is clear.
    let control = word.wrapping_sub(splat(0x20)) & !word;
    let quote = word ^ splat(b'"');
    let quote = quote.wrapping_sub(LOW) & !quote;
    let backslash = word ^ splat(b'\\');
    let backslash = backslash.wrapping_sub(LOW) & !backslash;
    (control | quote | backslash) & HIGH != 0
}

/// Whether any of 16 bytes needs escaping. Written without an early exit so that the compiler
/// checks all 16 at once with vector instructions.
fn block_needs_escape(block: &[u8; 16]) -> bool {
    block.iter().fold(false, |any, &b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    })
}

/// Whether any byte of `bytes` needs escaping. Strings of 8 bytes or more are checked in
/// blocks, the last block overlapping the one before instead of a byte-by-byte tail.
#[inline]
fn needs_escape(bytes: &[u8]) -> bool {
    if let Some(last) = bytes.last_chunk::<16>() {
        let (blocks, _) = bytes.as_chunks::<16>();
        blocks.iter().fold(block_needs_escape(last), |any, block| {
            any | block_needs_escape(block)
        })
    } else if let (Some(first), Some(last)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        word_needs_escape(u64::from_ne_bytes(*first)) | word_needs_escape(u64::from_ne_bytes(*last))
    } else {
        bytes
            .iter()
            .fold(false, |any, &b| any | (ESCAPE[usize::from(b)] != 0))
    }
}

/// Writes `bytes` (from a `str`) with every byte that needs it escaped, as serde_json does:
/// the two-character escapes where JSON has one, `\u00xx` (lowercase hex) for other control
/// characters.
fn write_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape = ESCAPE[usize::from(byte)];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        start = i + 1;
        if escape == UU {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 0xF)]);
        } else {
            out.push(b'\\');
            out.push(escape);
        }
    }
    out.extend_from_slice(&bytes[start..]);
}

const BB: u8 = b'b'; // \x08
const TT: u8 = b't'; // \x09
const NN: u8 = b'n'; // \x0A
const FF: u8 = b'f'; // \x0C
const RR: u8 = b'r'; // \x0D
const QU: u8 = b'"'; // \x22
const BS: u8 = b'\\'; // \x5C
const UU: u8 = b'u'; // \x00...\x1F except the ones above

/// How each byte is escaped: `b'x'` at index i means byte i is written `\x`, `u` means
/// `\u00XX`, 0 means as is. serde_json's table.
static ESCAPE: [u8; 256] = {
    let mut table = [0; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = UU;
        byte += 1;
    }
    table[0x08] = BB;
    table[0x09] = TT;
    table[0x0A] = NN;
    table[0x0C] = FF;
    table[0x0D] = RR;
    table[b'"' as usize] = QU;
    table[b'\\' as usize] = BS;
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_check_flags_exactly_the_bytes_json_escapes() {
        for byte in 0..=u8::MAX {
            for at in 0..8 {
                let mut word = [b'a'; 8];
                word[at] = byte;
                assert_eq!(
                    word_needs_escape(u64::from_ne_bytes(word)),
                    ESCAPE[usize::from(byte)] != 0,
                    "byte {byte:#04x} at {at}"
                );
            }
        }
    }

    #[test]
    fn a_field_name_is_remembered_only_when_clean() {
        for _ in 0..3 {
            assert!(key_is_clean("renewal_period_start"));
            assert!(!key_is_clean("say \"hi\""));
        }
        let mut out = Vec::new();
        write_key(&mut out, true, "tab\tkey");
        write_key(&mut out, false, "tab\tkey");
        assert_eq!(out, br#""tab\tkey":,"tab\tkey":"#);
    }

    #[test]
    fn needs_escape_looks_at_every_byte_of_every_length() {
        for len in 0..40 {
            assert!(!needs_escape(&vec![b'a'; len]), "clean, {len} bytes");
            for at in 0..len {
                for byte in [0x00, 0x1f, b'"', b'\\'] {
                    let mut text = vec![b'a'; len];
                    text[at] = byte;
                    assert!(needs_escape(&text), "{byte:#04x} at {at} of {len}");
                }
            }
        }
    }
}
