//! The `ras` command line: a thin shell over the library.
