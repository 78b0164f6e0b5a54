//! The gzip wrapper `helm package` writes (`compress/gzip` with helm's header): FEXTRA holding
//! helm's fixed 41 bytes, FCOMMENT `Helm`, MTIME 0, XFL 0, OS 255.

use std::io::Write as _;

use flate2::Compression;
use flate2::write::DeflateEncoder;

/// The raw (not subfield-structured) extra bytes helm puts in every chart archive.
const HELM_EXTRA: &[u8] = b"+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=";
const HELM_COMMENT: &[u8] = b"Helm";
const FEXTRA: u8 = 0x04;
const FCOMMENT: u8 = 0x10;
/// "Unknown" operating system, as Go writes it.
const OS_UNKNOWN: u8 = 0xff;

/// Gzips `data` with helm's header and a level-6 DEFLATE stream.
pub(crate) fn gzip(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 4 + 64);
    out.extend_from_slice(&[0x1f, 0x8b, 8, FEXTRA | FCOMMENT, 0, 0, 0, 0, 0, OS_UNKNOWN]);
    out.extend_from_slice(&(HELM_EXTRA.len() as u16).to_le_bytes());
    out.extend_from_slice(HELM_EXTRA);
    out.extend_from_slice(HELM_COMMENT);
    out.push(0);
    let mut encoder = DeflateEncoder::new(out, Compression::default());
    encoder.write_all(data)?;
    let mut out = encoder.finish()?;
    let mut crc = flate2::Crc::new();
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn helm_header_and_round_trip() {
        let gz = gzip(b"hello chart").unwrap();
        assert_eq!(
            &gz[..12],
            &[0x1f, 0x8b, 8, 0x14, 0, 0, 0, 0, 0, 0xff, 41, 0]
        );
        assert_eq!(&gz[12..53], HELM_EXTRA);
        assert_eq!(&gz[53..58], b"Helm\0");
        let mut d = flate2::read::GzDecoder::new(&gz[..]);
        let mut s = String::new();
        std::io::Read::read_to_string(&mut d, &mut s).unwrap();
        assert_eq!(s, "hello chart");
        assert_eq!(d.header().unwrap().comment(), Some(&b"Helm"[..]));
    }
}
