//! `.helmignore` rules (stub, being written).
