//! Screen snapshots (insta on ratatui's TestBackend) and update tests, on the demo train.
