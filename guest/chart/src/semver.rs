//! Loose and strict SemVer as Masterminds/semver parses it (stub, being written).
