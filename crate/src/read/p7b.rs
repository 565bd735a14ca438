//! PKCS#7 certificate bundles (`.p7b`, `.p7c`), as Windows exports a chain
//! and `openssl crl2pkcs7 -nocrl` writes one: a SignedData without signers
//! whose `certificates` field holds the chain.

use crate::x509::oid::ID_SIGNED_DATA;
use cms::content_info::ContentInfo;
use der::asn1::{Any, AnyRef};
use der::{Decode, Encode, Reader, SliceReader, Tag, TagNumber, Tagged};

/// Whether `der` is a PKCS#7 / CMS SignedData.
pub fn is_p7b(der: &[u8]) -> bool {
    ContentInfo::from_der(der).is_ok_and(|info| info.content_type == ID_SIGNED_DATA)
}

/// The DER of every X.509 certificate in the bundle, each as stored (so its
/// thumbprint is the one every other tool shows); other certificate kinds
/// (attribute, extended) are skipped.
pub fn certificates(der: &[u8]) -> der::Result<Vec<Vec<u8>>> {
    let info = ContentInfo::from_der(der)?;
    // SignedData ::= SEQUENCE { version, digestAlgorithms, encapContentInfo,
    //   certificates [0] IMPLICIT CertificateSet OPTIONAL, crls [1] …, signerInfos }
    let fields = Vec::<Any>::from_der(&info.content.to_der()?)?;
    let set_tag = Tag::ContextSpecific { constructed: true, number: TagNumber(0) };
    let Some(set) = fields.iter().find(|field| field.tag() == set_tag) else { return Ok(Vec::new()) };
    let mut reader = SliceReader::new(set.value())?;
    let mut out = Vec::new();
    while !reader.is_finished() {
        let choice: AnyRef<'_> = reader.decode()?;
        if choice.tag() == Tag::Sequence {
            out.push(choice.to_der()?);
        }
    }
    Ok(out)
}
