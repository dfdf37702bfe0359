//! Logging backends reached over the network. Kept out of the core library, which knows
//! nothing of networks.

pub mod clickhouse;
pub mod loki;
pub mod opensearch;
