//! The in-memory chart model, shaped like helm's `chart.Chart` so that helm users recognise it.

use std::collections::BTreeMap;

use crate::yaml::Value;

/// A file of a chart, with its chart-relative name (`/`-separated) and its bytes (BOM removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub name: String,
    pub data: Vec<u8>,
}

/// A maintainer entry of Chart.yaml.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Maintainer {
    pub name: String,
    pub email: String,
    pub url: String,
}

/// A dependency entry of Chart.yaml or Chart.lock (helm's `chart.Dependency`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub condition: String,
    pub tags: Vec<String>,
    pub enabled: bool,
    /// `import-values`: strings or `{child, parent}` maps, kept as written.
    pub import_values: Vec<Value>,
    pub alias: String,
}

/// Chart.yaml (helm's `chart.Metadata`). Field order is Go's struct order, which is the order
/// of the OCI config JSON.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub name: String,
    pub home: String,
    pub sources: Vec<String>,
    pub version: String,
    pub description: String,
    pub keywords: Vec<String>,
    /// `None` entries are `null` items in the YAML list, which validation refuses.
    pub maintainers: Vec<Option<Maintainer>>,
    pub icon: String,
    pub api_version: String,
    pub condition: String,
    pub tags: String,
    pub app_version: String,
    pub deprecated: bool,
    pub annotations: BTreeMap<String, String>,
    pub kube_version: String,
    /// `None` entries are `null` items in the YAML list, which validation refuses.
    pub dependencies: Vec<Option<Dependency>>,
    pub chart_type: String,
}

/// Chart.lock (helm's `chart.Lock`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lock {
    /// RFC 3339 time exactly as it appeared in the file.
    pub generated: String,
    pub digest: String,
    pub dependencies: Vec<Dependency>,
}

/// A loaded chart, classified as helm's `LoadFiles` does.
#[derive(Debug, Clone, Default)]
pub struct Chart {
    pub metadata: Metadata,
    /// Raw bytes of Chart.yaml (for lint's type checks and strict parse).
    pub chart_yaml: Vec<u8>,
    pub lock: Option<Lock>,
    /// Raw `values.yaml` bytes, if the chart has one.
    pub values: Option<Vec<u8>>,
    /// Raw `values.schema.json` bytes, if the chart has one.
    pub schema: Option<Vec<u8>>,
    /// `templates/**`, in load order.
    pub templates: Vec<File>,
    /// Every other file that is packaged (README, crds/, .helmignore, …), in load order.
    pub files: Vec<File>,
    /// Subcharts from `charts/`, sorted by name for reproducible archives.
    pub dependencies: Vec<Chart>,
    /// Every file as loaded (helm's `Raw`), in load order.
    pub raw: Vec<File>,
}
