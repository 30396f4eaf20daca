//! List numbering of Word binary documents: PlfLst (LSTF + LVL), PlfLfo
//! (LFO + LFOData). Stub: filled in by its own change.
