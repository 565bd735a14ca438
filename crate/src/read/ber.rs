//! BER to DER, as far as the PKCS#7 bundles some tools write in BER need it
//! (`openssl cms -stream`, `openssl smime -stream`, some Windows and Java
//! exports): an indefinite length becomes a definite one, and a string sent
//! in pieces under an indefinite length becomes one string. An element with
//! a definite length whose contents need no change is copied byte for byte,
//! so the DER certificates inside keep the bytes their signatures and
//! thumbprints are over. Depth is capped and the bytes are spent from the
//! call's [`ReadBudget`].

use std::fmt;

use crate::read::budget::{MAX_BER_DEPTH, OverBudget, ReadBudget};

/// Why bytes are not BER the studio converts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BerError {
    /// What is wrong, at which byte of the file.
    Malformed {
        at: usize,
        what: String,
    },
    /// Elements nested deeper than [`MAX_BER_DEPTH`].
    TooDeep {
        at: usize,
    },
    OverBudget(OverBudget),
}

impl fmt::Display for BerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { at, what } => write!(f, "at byte {at}, {what}"),
            Self::TooDeep { at } => write!(f, "at byte {at}, its elements nest deeper than {MAX_BER_DEPTH} levels"),
            Self::OverBudget(over) => f.write_str(&over.0),
        }
    }
}

fn malformed(at: usize, what: impl Into<String>) -> BerError {
    BerError::Malformed { at, what: what.into() }
}

/// The universal string types X.690 lets a sender cut into pieces
/// (constructed form): BIT STRING, OCTET STRING and the character strings.
const STRING_TAGS: [u8; 14] = [3, 4, 12, 18, 19, 20, 21, 22, 25, 26, 27, 28, 29, 30];
const BIT_STRING: u8 = 3;

/// One element's identifier and length octets.
struct Header {
    /// The identifier octets, `start..tag_end`.
    start: usize,
    tag_end: usize,
    constructed: bool,
    /// The tag number when the class is universal and the number fits the first octet.
    universal: Option<u8>,
    /// Where the contents begin.
    contents: usize,
    /// `None`: indefinite, the contents end at an end-of-contents marker.
    length: Option<usize>,
}

impl Header {
    /// Reads the header at `at`; the element must end by `end`.
    fn read(input: &[u8], at: usize, end: usize) -> Result<Self, BerError> {
        let byte = |i: usize| if i < end { Ok(input[i]) } else { Err(malformed(i, "the file ends inside an element's header")) };
        let first = byte(at)?;
        let constructed = first & 0x20 != 0;
        let mut next = at + 1;
        let universal = (first & 0xC0 == 0 && first & 0x1F != 0x1F).then_some(first & 0x1F);
        if first & 0x1F == 0x1F {
            // High tag number: base-128 digits, the last without its top bit.
            loop {
                if next - at > 4 {
                    return Err(malformed(at, "a tag number is longer than four bytes"));
                }
                let digit = byte(next)?;
                next += 1;
                if digit & 0x80 == 0 {
                    break;
                }
            }
        }
        let tag_end = next;
        let first_length = byte(next)?;
        next += 1;
        let length = match first_length {
            0x80 if constructed => None,
            0x80 => return Err(malformed(at, "a primitive element has an indefinite length")),
            0xFF => return Err(malformed(tag_end, "a length uses the reserved form 0xFF")),
            short if short < 0x80 => Some(u64::from(short)),
            long => {
                let octets = usize::from(long & 0x7F);
                if octets > 8 {
                    return Err(malformed(tag_end, format!("a length is written in {octets} bytes, longer than any file")));
                }
                let mut value: u64 = 0;
                for _ in 0..octets {
                    value = (value << 8) | u64::from(byte(next)?);
                    next += 1;
                }
                Some(value)
            }
        };
        let room = end - next;
        if let Some(value) = length
            && value > room as u64
        {
            return Err(malformed(tag_end, format!("a length of {value} bytes runs past the {room} bytes left")));
        }
        let length = length.map(|value| value as usize);
        Ok(Self { start: at, tag_end, constructed, universal, contents: next, length })
    }
}

/// Appends a DER definite length.
fn push_length(out: &mut Vec<u8>, length: usize) {
    if length < 0x80 {
        out.push(length as u8);
        return;
    }
    let bytes = length.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    out.push(0x80 | (bytes.len() - skip) as u8);
    out.extend_from_slice(&bytes[skip..]);
}

/// Whether an end-of-contents marker (`00 00`) starts at `at`; a lone `00`
/// there is an error (no element has tag 0).
fn at_end_of_contents(input: &[u8], at: usize, end: usize) -> Result<bool, BerError> {
    match input.get(at..end.min(at + 2)) {
        Some([0, 0]) => Ok(true),
        Some([0, ..]) => Err(malformed(at, "an end-of-contents marker is damaged")),
        _ => Ok(false),
    }
}

/// The DER of a BER element that fills `input`, within `budget` (spent for
/// `file`). DER input comes back unchanged.
pub fn to_der(input: &[u8], file: &str, budget: &ReadBudget) -> Result<Vec<u8>, BerError> {
    budget.spend_converted_bytes(file, input.len() as u64).map_err(BerError::OverBudget)?;
    let mut out = Vec::with_capacity(input.len());
    let end = element(input, 0, input.len(), 1, &mut out)?;
    if end != input.len() {
        return Err(malformed(end, format!("{} bytes follow the end of the first element", input.len() - end)));
    }
    Ok(out)
}

/// Appends the DER of the element at `at` (which must end by `end`) and
/// returns where it ends in `input`.
fn element(input: &[u8], at: usize, end: usize, depth: usize, out: &mut Vec<u8>) -> Result<usize, BerError> {
    if depth > MAX_BER_DEPTH {
        return Err(BerError::TooDeep { at });
    }
    let header = Header::read(input, at, end)?;
    if input[at] == 0 {
        return Err(malformed(at, "an end-of-contents marker stands where an element belongs"));
    }
    if !header.constructed {
        // Definite (Header::read refuses the rest): copied as it is.
        let after = header.contents + header.length.unwrap_or_default();
        out.extend_from_slice(&input[at..after]);
        return Ok(after);
    }
    if header.length.is_none()
        && let Some(number) = header.universal.filter(|n| STRING_TAGS.contains(n))
    {
        return joined_string(input, &header, number, end, depth, out);
    }
    let mut contents = Vec::new();
    let (contents_end, after) = match header.length {
        Some(length) => {
            let contents_end = header.contents + length;
            let mut next = header.contents;
            while next < contents_end {
                next = element(input, next, contents_end, depth + 1, &mut contents)?;
            }
            (contents_end, contents_end)
        }
        None => {
            let mut next = header.contents;
            loop {
                if next >= end {
                    return Err(malformed(at, "an indefinite length has no end-of-contents marker"));
                }
                if at_end_of_contents(input, next, end)? {
                    break (next, next + 2);
                }
                next = element(input, next, end, depth + 1, &mut contents)?;
            }
        }
    };
    if header.length.is_some() && contents == input[header.contents..contents_end] {
        out.extend_from_slice(&input[at..after]);
    } else {
        out.extend_from_slice(&input[header.start..header.tag_end]);
        push_length(out, contents.len());
        out.extend_from_slice(&contents);
    }
    Ok(after)
}

/// A universal string cut into pieces under an indefinite length, as one
/// primitive string of the same type.
fn joined_string(input: &[u8], header: &Header, number: u8, end: usize, depth: usize, out: &mut Vec<u8>) -> Result<usize, BerError> {
    let mut value = Vec::new();
    let mut unused_bits = None;
    let after = pieces(input, header, number, end, depth, &mut value, &mut unused_bits)?;
    out.push(number);
    if number == BIT_STRING {
        push_length(out, value.len() + 1);
        out.push(unused_bits.unwrap_or(0));
    } else {
        push_length(out, value.len());
    }
    out.extend_from_slice(&value);
    Ok(after)
}

/// Appends the pieces of a constructed string (which may nest) to `value`;
/// returns where the string ends. A BIT STRING's pieces each start with
/// their count of unused bits, which only the last may have.
fn pieces(
    input: &[u8],
    header: &Header,
    number: u8,
    end: usize,
    depth: usize,
    value: &mut Vec<u8>,
    unused_bits: &mut Option<u8>,
) -> Result<usize, BerError> {
    let contents_end = header.length.map_or(end, |length| header.contents + length);
    let mut next = header.contents;
    loop {
        if next >= contents_end {
            if header.length.is_some() {
                return Ok(contents_end);
            }
            return Err(malformed(header.start, "an indefinite length has no end-of-contents marker"));
        }
        if header.length.is_none() && at_end_of_contents(input, next, contents_end)? {
            return Ok(next + 2);
        }
        if depth + 1 > MAX_BER_DEPTH {
            return Err(BerError::TooDeep { at: next });
        }
        let piece = Header::read(input, next, contents_end)?;
        if piece.universal != Some(number) {
            return Err(malformed(next, format!("a piece of a string of type {number} has another type")));
        }
        if piece.constructed {
            next = pieces(input, &piece, number, contents_end, depth + 1, value, unused_bits)?;
            continue;
        }
        let piece_end = piece.contents + piece.length.unwrap_or_default();
        let mut bytes = &input[piece.contents..piece_end];
        if number == BIT_STRING {
            if unused_bits.is_some_and(|bits| bits != 0) {
                return Err(malformed(next, "a BIT STRING piece with unused bits is not the last one"));
            }
            let Some((&bits, rest)) = bytes.split_first() else {
                return Err(malformed(next, "a BIT STRING piece has no unused-bits byte"));
            };
            if bits > 7 {
                return Err(malformed(next, "a BIT STRING piece claims more than 7 unused bits"));
            }
            *unused_bits = Some(bits);
            bytes = rest;
        }
        value.extend_from_slice(bytes);
        next = piece_end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(input: &[u8]) -> Result<Vec<u8>, BerError> {
        to_der(input, "test.p7b", &ReadBudget::default())
    }

    #[test]
    fn indefinite_lengths_become_definite() {
        // SEQUENCE { INTEGER 5, [0] { OCTET STRING "ab" } }, both constructed ones indefinite.
        let ber = [0x30, 0x80, 0x02, 0x01, 0x05, 0xA0, 0x80, 0x04, 0x02, b'a', b'b', 0x00, 0x00, 0x00, 0x00];
        let der = [0x30, 0x09, 0x02, 0x01, 0x05, 0xA0, 0x04, 0x04, 0x02, b'a', b'b'];
        assert_eq!(convert(&ber).unwrap(), der);
        assert_eq!(convert(&der).unwrap(), der, "DER stays as it is");
    }

    #[test]
    fn definite_elements_keep_their_bytes() {
        // A non-minimal length (0x81 0x03) inside an indefinite SEQUENCE: kept, as a certificate's bytes must be.
        let ber = [0x30, 0x80, 0x30, 0x81, 0x03, 0x02, 0x01, 0x07, 0x00, 0x00];
        assert_eq!(convert(&ber).unwrap(), [0x30, 0x06, 0x30, 0x81, 0x03, 0x02, 0x01, 0x07]);
        // An indefinite element inside a definite one: the definite one gets its new length.
        let inner = [0x31, 0x06, 0x30, 0x80, 0x05, 0x00, 0x00, 0x00];
        assert_eq!(convert(&inner).unwrap(), [0x31, 0x04, 0x30, 0x02, 0x05, 0x00]);
    }

    #[test]
    fn strings_in_pieces_are_joined() {
        // [0] { OCTET STRING (constructed, indefinite) { "he", "llo" } }
        let ber = [0xA0, 0x80, 0x24, 0x80, 0x04, 0x02, b'h', b'e', 0x04, 0x03, b'l', b'l', b'o', 0x00, 0x00, 0x00, 0x00];
        assert_eq!(convert(&ber).unwrap(), [0xA0, 0x07, 0x04, 0x05, b'h', b'e', b'l', b'l', b'o']);
        // Pieces in a nested (definite) constructed piece.
        let nested = [0x24, 0x80, 0x24, 0x03, 0x04, 0x01, b'x', 0x04, 0x01, b'y', 0x00, 0x00];
        assert_eq!(convert(&nested).unwrap(), [0x04, 0x02, b'x', b'y']);
        // BIT STRING pieces: the unused bits of the last one.
        let bits = [0x23, 0x80, 0x03, 0x02, 0x00, 0xAA, 0x03, 0x02, 0x04, 0xF0, 0x00, 0x00];
        assert_eq!(convert(&bits).unwrap(), [0x03, 0x03, 0x04, 0xAA, 0xF0]);
        let early = [0x23, 0x80, 0x03, 0x02, 0x04, 0xA0, 0x03, 0x02, 0x00, 0xF0, 0x00, 0x00];
        assert!(matches!(convert(&early), Err(BerError::Malformed { at: 6, .. })));
        let mixed = [0x24, 0x80, 0x0C, 0x01, b'x', 0x00, 0x00];
        assert!(convert(&mixed).unwrap_err().to_string().contains("another type"));
    }

    #[test]
    fn long_lengths_and_high_tags() {
        let mut ber = vec![0x30, 0x80, 0x04, 0x81, 0xC8];
        ber.extend([7u8; 200]);
        ber.extend([0x9F, 0x81, 0x00, 0x01, 0x01, 0x00, 0x00]);
        let mut der = vec![0x30, 0x81, 0xD0, 0x04, 0x81, 0xC8];
        der.extend([7u8; 200]);
        der.extend([0x9F, 0x81, 0x00, 0x01, 0x01]);
        assert_eq!(convert(&ber).unwrap(), der);
        let mut out = Vec::new();
        push_length(&mut out, 0x1_0000);
        assert_eq!(out, [0x83, 0x01, 0x00, 0x00]);
    }

    #[test]
    fn hostile_input_is_refused_by_name() {
        let deep: Vec<u8> = [0x30, 0x80].repeat(10_000).into_iter().chain([0; 20_000]).collect();
        assert_eq!(convert(&deep), Err(BerError::TooDeep { at: 2 * MAX_BER_DEPTH }));
        let deep_pieces: Vec<u8> = [0x24, 0x80].repeat(10_000).into_iter().chain([0; 20_000]).collect();
        assert!(matches!(convert(&deep_pieces), Err(BerError::TooDeep { .. })));
        let cases: [(&[u8], &str); 9] = [
            (&[0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9], "written in 9 bytes"),
            (&[0x30, 0x88, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "runs past the 0 bytes left"),
            (&[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00], "a length of 4294967295 bytes runs past the 1 bytes left"),
            (&[0x30, 0x80, 0x02, 0x01, 0x05], "no end-of-contents marker"),
            (&[0x30, 0x80, 0x00, 0x01], "damaged"),
            (&[0x04, 0x80, 0x00, 0x00], "primitive element has an indefinite length"),
            (&[0x30, 0xFF], "reserved"),
            (&[0x30, 0x02, 0x00, 0x00], "end-of-contents marker stands where"),
            (&[0x30, 0x00, 0x00], "follow the end"),
        ];
        for (input, expected) in cases {
            let error = convert(input).unwrap_err().to_string();
            assert!(error.contains(expected), "{input:02x?}: {error}");
        }
        assert!(convert(&[0x1F, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00]).unwrap_err().to_string().contains("four bytes"));
        assert!(convert(&[0x30]).unwrap_err().to_string().contains("ends inside"));
    }

    #[test]
    fn conversion_spends_the_budget() {
        let budget = ReadBudget::default();
        budget.spend_bytes("big.zip", crate::read::budget::MAX_DECOMPRESSED_BYTES - 1).unwrap();
        let error = to_der(&[0x30, 0x00], "late.p7b", &budget).unwrap_err();
        assert!(matches!(&error, BerError::OverBudget(over) if over.0.starts_with("late.p7b")), "{error}");
    }
}
