//! Any bytes as a whole file: `Package::open`, then every part it lists read
//! through the limits.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use reportdex::container::Package;

fuzz_target!(|data: &[u8]| {
    let Ok(mut pkg) = Package::open(data.to_vec(), common::limits()) else {
        return;
    };
    let _ = pkg.format();
    let _ = pkg.main_part();
    let _ = format!("{pkg:?}");
    for name in pkg.part_names() {
        let _ = pkg.has_part(&name);
        if pkg.part(&name).is_err() {
            // A broken part is an error for that part; the package stays usable.
            continue;
        }
    }
    let main = pkg.main_part().to_string();
    let _ = pkg.part(&main);
    let _ = reportdex::read::read(&mut pkg);
});
