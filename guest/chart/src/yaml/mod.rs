//! YAML as helm reads and writes it: YAML 1.1 scalar resolution on the way in (go-yaml v2 via
//! sigs.k8s.io/yaml), go-yaml v2's `Marshal` layout on the way out.

mod value;

pub use value::Value;
