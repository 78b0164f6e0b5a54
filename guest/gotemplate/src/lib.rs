//! Go text/template engine (in progress).
