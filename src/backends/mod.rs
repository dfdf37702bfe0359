//! Logging backends reached over the network. Kept out of the core library, which knows
//! nothing of networks.

pub mod clickhouse;
pub mod http;
pub mod loki;
pub mod opensearch;
pub mod queries;
