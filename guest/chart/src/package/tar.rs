//! A tar stream exactly as Go's `archive/tar` writes helm's headers (name, mode 0644, size,
//! mtime; everything else zero): USTAR, with a `prefix` split for long ASCII names and a PAX
//! `path` record otherwise; no directory entries; two zero blocks at the end and no padding
//! to a 10 KiB record.

const BLOCK: usize = 512;
const NAME_SIZE: usize = 100;
const PREFIX_SIZE: usize = 155;
/// Largest mtime the 11 octal digits of a USTAR header can hold.
const MAX_OCTAL_11: i64 = 0o77777777777;

/// Builds a tar stream entry by entry.
#[derive(Default)]
pub(crate) struct TarWriter {
    out: Vec<u8>,
}

impl TarWriter {
    /// Appends a regular file.
    pub(crate) fn append(&mut self, name: &str, data: &[u8], mtime: i64) {
        let mtime = mtime.clamp(0, MAX_OCTAL_11);
        let needs_pax = !name.is_ascii() || name.len() > NAME_SIZE;
        let split = split_ustar_path(name);
        let mut header = [0u8; BLOCK];
        match (needs_pax, split) {
            (false, _) => {
                fill_header(&mut header, name.as_bytes(), data.len(), mtime, b'0');
            }
            (true, Some((prefix, suffix))) => {
                fill_header(&mut header, suffix.as_bytes(), data.len(), mtime, b'0');
                put_str(&mut header[345..345 + PREFIX_SIZE], prefix.as_bytes());
            }
            (true, None) => {
                self.pax_header(name);
                let ascii: Vec<u8> = name.bytes().filter(u8::is_ascii).collect();
                fill_header(&mut header, &ascii, data.len(), mtime, b'0');
            }
        }
        set_checksum(&mut header);
        self.out.extend_from_slice(&header);
        self.data(data);
    }

    /// Two zero blocks, and the finished stream.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.out.extend_from_slice(&[0u8; 2 * BLOCK]);
        self.out
    }

    fn data(&mut self, data: &[u8]) {
        self.out.extend_from_slice(data);
        let rem = data.len() % BLOCK;
        if rem != 0 {
            self.out.extend(std::iter::repeat_n(0u8, BLOCK - rem));
        }
    }

    /// Go's `writePAXHeader`: a `x` entry named `<dir>/PaxHeaders.0/<base>` (ASCII only, cut
    /// to 100 bytes) whose body is the `path` record.
    fn pax_header(&mut self, name: &str) {
        let record = pax_record("path", name);
        let (dir, file) = match name.rfind('/') {
            Some(i) => (&name[..=i], &name[i + 1..]),
            None => ("", name),
        };
        let joined = go_path_join(&format!("{dir}PaxHeaders.0"), file);
        let mut pax_name: Vec<u8> = joined.bytes().filter(u8::is_ascii).collect();
        pax_name.truncate(NAME_SIZE);
        while pax_name.last() == Some(&b'/') {
            pax_name.pop();
        }
        let mut header = [0u8; BLOCK];
        fill_header(&mut header, &pax_name, record.len(), 0, b'x');
        // Go's writeRawFile formats mode 0 and leaves the device numbers empty.
        put_octal(&mut header[100..108], 0);
        header[329..345].fill(0);
        set_checksum(&mut header);
        self.out.extend_from_slice(&header);
        self.data(record.as_bytes());
    }
}

/// `path.Join(dir, file)` for the simple shapes that occur here.
fn go_path_join(dir: &str, file: &str) -> String {
    if file.is_empty() {
        dir.to_string()
    } else {
        format!("{dir}/{file}")
    }
}

/// Go's `formatPAXRecord`: `"<len> <key>=<value>\n"`, where `<len>` counts itself.
fn pax_record(key: &str, value: &str) -> String {
    let base = key.len() + value.len() + 3;
    let mut size = base + base.to_string().len();
    let mut record = format!("{size} {key}={value}\n");
    if record.len() != size {
        size = record.len();
        record = format!("{size} {key}={value}\n");
    }
    record
}

/// Go's `splitUSTARPath`.
fn split_ustar_path(s: &str) -> Option<(&str, &str)> {
    let mut length = s.len();
    if length <= NAME_SIZE || !s.is_ascii() {
        return None;
    } else if length > PREFIX_SIZE + 1 {
        length = PREFIX_SIZE + 1;
    } else if s.as_bytes()[length - 1] == b'/' {
        length -= 1;
    }
    let i = s[..length].rfind('/')?;
    let nlen = s.len() - i - 1;
    if i == 0 || nlen > NAME_SIZE || nlen == 0 || i > PREFIX_SIZE {
        return None;
    }
    Some((&s[..i], &s[i + 1..]))
}

fn fill_header(h: &mut [u8; BLOCK], name: &[u8], size: usize, mtime: i64, typeflag: u8) {
    put_str(&mut h[0..100], name);
    put_octal(&mut h[100..108], 0o644);
    put_octal(&mut h[108..116], 0);
    put_octal(&mut h[116..124], 0);
    put_octal(&mut h[124..136], size as i64);
    put_octal(&mut h[136..148], mtime);
    h[156] = typeflag;
    put_octal(&mut h[329..337], 0);
    put_octal(&mut h[337..345], 0);
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
}

/// Go's `formatString`: copy, NUL-terminate if there is room, cut if there is not.
fn put_str(field: &mut [u8], s: &[u8]) {
    let n = s.len().min(field.len());
    field[..n].copy_from_slice(&s[..n]);
    if n < field.len() {
        field[n] = 0;
    }
}

/// Go's `formatOctal`: zero-padded octal digits filling all but the last byte, then NUL.
fn put_octal(field: &mut [u8], v: i64) {
    let digits = format!("{v:o}");
    let width = field.len() - 1;
    let padded = format!("{digits:0>width$}");
    put_str(field, padded.as_bytes());
}

fn set_checksum(h: &mut [u8; BLOCK]) {
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    put_octal(&mut h[148..155], i64::from(sum));
    h[155] = b' ';
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn read_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>, u64, u32)> {
        let mut archive = tar::Archive::new(bytes);
        archive
            .entries()
            .unwrap()
            .map(|e| {
                let mut e = e.unwrap();
                let name = e.path().unwrap().to_string_lossy().into_owned();
                let mtime = e.header().mtime().unwrap();
                let mode = e.header().mode().unwrap();
                let mut data = Vec::new();
                std::io::Read::read_to_end(&mut e, &mut data).unwrap();
                (name, data, mtime, mode)
            })
            .collect()
    }

    #[test]
    fn ustar_header_fields_like_go() {
        let mut w = TarWriter::default();
        w.append("c/Chart.yaml", b"name: c\n", 1_700_000_000);
        let out = w.finish();
        assert_eq!(out.len(), 512 + 512 + 1024);
        assert_eq!(&out[100..108], b"0000644\0");
        assert_eq!(&out[108..116], b"0000000\0");
        assert_eq!(&out[124..136], b"00000000010\0");
        assert_eq!(&out[136..148], b"14524770400\0");
        assert_eq!(out[156], b'0');
        assert_eq!(&out[257..265], b"ustar\x0000");
        assert_eq!(&out[329..345], b"0000000\x000000000\x00");
        assert_eq!(out[154], 0);
        assert_eq!(out[155], b' ');
        let entries = read_entries(&out);
        assert_eq!(
            entries,
            vec![(
                "c/Chart.yaml".into(),
                b"name: c\n".to_vec(),
                1_700_000_000,
                0o644
            )]
        );
    }

    #[test]
    fn long_and_non_ascii_names() {
        let long_dir = "d".repeat(120);
        let split = format!("c/{long_dir}/file.txt");
        let unsplittable = format!("c/{}", "x".repeat(150));
        let mut w = TarWriter::default();
        w.append(&split, b"a", 0);
        w.append(&unsplittable, b"b", 0);
        w.append("c/files/ünïcode.txt", b"c", 0);
        let out = w.finish();
        // The split name uses the prefix field, no PAX header.
        assert_eq!(&out[345..345 + 2 + 120], format!("c/{long_dir}").as_bytes());
        assert_eq!(&out[0..9], b"file.txt\0");
        // The unicode name: a PAX header named with non-ASCII removed, then the entry.
        let names: Vec<String> = read_entries(&out).into_iter().map(|e| e.0).collect();
        assert_eq!(
            names,
            vec![split, unsplittable, "c/files/ünïcode.txt".to_string()]
        );
        let pax = out
            .windows(b"c/files/PaxHeaders.0/ncode.txt\0".len())
            .position(|w| w == b"c/files/PaxHeaders.0/ncode.txt\0");
        assert!(pax.is_some());
        assert_eq!(
            pax_record("path", "c/files/ünïcode.txt"),
            "30 path=c/files/ünïcode.txt\n"
        );
    }
}
