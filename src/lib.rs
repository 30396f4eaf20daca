//! reportdex: turn DOCX/ODT government information-disclosure annual reports into
//! structured, validated datasets.
//!
//! Pipeline (each stage a plain function from one value to the next):
//!
//! ```text
//! bytes --container::Package::open--> Package
//!       --read::read--> model::Document        (one reader per format, one shared model)
//!       --structure::build--> output::Report   (section tree, tables as grids)
//!       --serde_json--> report JSON (schemas/report.schema.json)
//! ```
// One audited exception, the allocator call in `memory` (see there).
#![deny(unsafe_code)]

pub(crate) mod binary;
pub mod compare;
pub mod container;
pub mod convert;
pub mod error;
pub mod index;
pub mod json;
pub mod limits;
pub mod memory;
pub mod model;
pub mod normalize;
pub mod output;
pub mod pipeline;
pub mod profile;
pub mod read;
pub mod schema;
pub mod structure;
pub mod xml;
