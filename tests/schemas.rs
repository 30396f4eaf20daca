//! The checked-in schemas match the types (set UPDATE_SCHEMAS=1 to rewrite them).

use std::path::Path;

#[test]
fn checked_in_schemas_match_the_types() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    for (name, schema) in reportdex::schema::all() {
        let path = dir.join(name);
        let want = reportdex::schema::to_text(&schema);
        if update {
            std::fs::write(&path, &want).unwrap();
            continue;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{} is stale: run `make schemas` (UPDATE_SCHEMAS=1 cargo test --test schemas)",
            path.display()
        );
    }
}
