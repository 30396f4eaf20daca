//! Table rows of Word binary documents: TAP sprms to the shared grid. Stub:
//! filled in by its own change.
