//! Where a key is in a YAML text, for pointing diagnostics at a line.

use yaml_rust2::parser::{Event, Parser};

/// The 1-based line on which the mapping key at `key_path` (outermost first) appears in the
/// first document of `text`; `None` if the text does not parse or the key is absent.
pub fn line_of_key(text: &str, key_path: &[&str]) -> Option<u32> {
    if key_path.is_empty() {
        return None;
    }
    let mut parser = Parser::new_from_str(text);
    // For each open collection: is it a mapping, is the next scalar a key, and did the path
    // match down to here.
    struct Open {
        map: bool,
        expect_key: bool,
        matched: usize,
        current_key_matches: bool,
    }
    let mut stack: Vec<Open> = Vec::new();
    loop {
        let (event, mark) = parser.next_token().ok()?;
        let parent_matched = |stack: &Vec<Open>| -> usize {
            stack.last().map_or(0, |o| {
                if o.map && o.current_key_matches {
                    o.matched + 1
                } else {
                    usize::MAX
                }
            })
        };
        match event {
            Event::StreamEnd | Event::DocumentEnd => return None,
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let matched = if stack.is_empty() {
                    0
                } else {
                    parent_matched(&stack)
                };
                let map = matches!(event, Event::MappingStart(..));
                // A value position in the parent: the next parent scalar is a key again.
                if let Some(top) = stack.last_mut()
                    && top.map
                {
                    top.expect_key = true;
                }
                stack.push(Open {
                    map,
                    expect_key: true,
                    matched,
                    current_key_matches: false,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            Event::Scalar(value, ..) => {
                let Some(top) = stack.last_mut() else {
                    continue;
                };
                if !top.map {
                    continue;
                }
                if top.expect_key {
                    top.expect_key = false;
                    top.current_key_matches =
                        top.matched < key_path.len() && key_path[top.matched] == value;
                    if top.current_key_matches && top.matched + 1 == key_path.len() {
                        return u32::try_from(mark.line()).ok();
                    }
                } else {
                    top.expect_key = true;
                }
            }
            Event::Alias(_) => {
                if let Some(top) = stack.last_mut()
                    && top.map
                {
                    top.expect_key = !top.expect_key;
                }
            }
            _ => {}
        }
    }
}
