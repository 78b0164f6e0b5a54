//! Chart.yaml parsing, sanitising and `Metadata.Validate` (stub, being written).
