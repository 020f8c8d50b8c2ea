// The paper's experiments as functions (used by notebooks and benchmarks); see ARCHITECTURE.md.
export {};
