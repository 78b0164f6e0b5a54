//! No input makes the chart core panic: deterministic pseudo-random and mutated inputs for
//! every parser a user can reach (archives, Chart.yaml, versions, ignore rules, globs).

use std::io::Write;

use chartship_chart::{glob, ignore::Rules, lint, loader, metadata, semver::Version};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

const PIECES: &[&str] = &[
    "*",
    "?",
    "[",
    "]",
    "^",
    "-",
    "\\",
    "/",
    "!",
    "a",
    "é",
    "\u{10FFFF}",
    ".",
    "..",
    "0",
    "1",
    "v",
    "+",
    ":",
    " ",
    "\n",
    "\t",
    "{",
    "}",
    "\"",
    "'",
    "~",
    "#",
    "---",
    "- ",
    "&a",
    "*a",
    "<<",
    "%",
];

fn text(rng: &mut Rng, len: usize) -> String {
    (0..len).map(|_| rng.pick(PIECES)).collect()
}

#[test]
fn text_parsers_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..4000 {
        let len = (rng.next() % 24) as usize;
        let s = text(&mut rng, len);
        let _ = Version::parse(&s);
        let _ = Version::parse_strict(&s);
        let _ = glob::matches(&s, "a/b.c");
        let _ = glob::matches("a*[b-c]?", &s);
        if let Ok(rules) = Rules::parse(s.as_bytes()) {
            let _ = rules.ignore(&s, true);
        }
        let _ = metadata::parse_chart_yaml(&s);
        let _ = metadata::parse_chart_yaml_strict(&s);
        let _ = metadata::parse_lock(&s);
        let _ = metadata::sanitize_string(&s);
    }
}

fn tgz(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_cksum();
        let _ = builder.append_data(&mut h, name, &data[..]);
    }
    let tar = builder.into_inner().unwrap_or_default();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = gz.write_all(&tar);
    gz.finish().unwrap_or_default()
}

#[test]
fn archives_never_panic() {
    let mut rng = Rng(42);
    let base = tgz(&[
        (
            "c/Chart.yaml".into(),
            b"apiVersion: v2\nname: c\nversion: 1.0.0\n".to_vec(),
        ),
        ("c/values.yaml".into(), b"a: 1\n".to_vec()),
        (
            "c/charts/s.tgz".into(),
            vec![0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF, 1, 2, 3],
        ),
        ("c/crds/x.yaml".into(), b"apiVersion: x\n".to_vec()),
    ]);
    for i in 0..600 {
        let mut bytes = base.clone();
        match i % 3 {
            0 => {
                let n = (rng.next() % 8) as usize + 1;
                for _ in 0..n {
                    let at = (rng.next() % bytes.len() as u64) as usize;
                    bytes[at] = rng.next() as u8;
                }
            }
            1 => bytes.truncate((rng.next() % bytes.len() as u64) as usize),
            _ => {
                let name = format!("c/{}", text(&mut rng, 6));
                let data = text(&mut rng, 40).into_bytes();
                bytes = tgz(&[
                    ("c/Chart.yaml".into(), text(&mut rng, 30).into_bytes()),
                    (name, data),
                    ("c/values.yaml".into(), rng.bytes(20)),
                ]);
            }
        }
        let _ = loader::load_archive(&bytes);
        let _ = lint::lint_archive(&bytes);
    }
}
