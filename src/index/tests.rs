//! Unit tests of the index builder (synthetic reports.jsonl lines).
