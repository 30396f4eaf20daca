//! Unit tests of the DOCX reader over small in-memory packages.
