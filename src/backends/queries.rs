//! The queries backends run (queries/ in the repository, built in), and a source's own
//! versions of them: a named source's `queries_dir` holds files under the same relative
//! names (`clickhouse/groups.sql`, `opensearch/groups.json`, `loki/lines.logql`), and each
//! file found there replaces the built-in one.

use std::borrow::Cow;
use std::path::PathBuf;

const BUILT_IN: [(&str, &str); 8] = [
    (
        "clickhouse/schema.sql",
        include_str!("../../queries/clickhouse/schema.sql"),
    ),
    (
        "clickhouse/coarse_key.sql",
        include_str!("../../queries/clickhouse/coarse_key.sql"),
    ),
    (
        "clickhouse/totals.sql",
        include_str!("../../queries/clickhouse/totals.sql"),
    ),
    (
        "clickhouse/groups.sql",
        include_str!("../../queries/clickhouse/groups.sql"),
    ),
    (
        "opensearch/totals.json",
        include_str!("../../queries/opensearch/totals.json"),
    ),
    (
        "opensearch/groups.json",
        include_str!("../../queries/opensearch/groups.json"),
    ),
    (
        "opensearch/raw.json",
        include_str!("../../queries/opensearch/raw.json"),
    ),
    (
        "loki/lines.logql",
        include_str!("../../queries/loki/lines.logql"),
    ),
];

/// Where a source's queries come from.
#[derive(Debug, Clone, Default)]
pub struct Queries {
    /// A directory whose files replace the built-in queries of the same name.
    pub dir: Option<PathBuf>,
}

impl Queries {
    /// The query `name` (e.g. `clickhouse/groups.sql`): the override when the directory has
    /// one, else the built-in. An override that cannot be read is an error naming the file.
    pub fn get(&self, name: &str) -> Result<Cow<'static, str>, String> {
        let built_in = Queries::built_in(name);
        let Some(dir) = &self.dir else {
            return Ok(Cow::Borrowed(built_in));
        };
        let path = dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Cow::Owned(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Cow::Borrowed(built_in)),
            Err(e) => Err(format!("{}: cannot read the query: {e}", path.display())),
        }
    }

    /// A built-in query, for what has no source (creating the table on ingest).
    pub fn built_in(name: &str) -> &'static str {
        BUILT_IN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, q)| *q)
            .unwrap_or_else(|| panic!("no built-in query {name}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_replace_only_the_files_they_have() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("clickhouse")).unwrap();
        std::fs::write(dir.path().join("clickhouse/totals.sql"), "SELECT 1").unwrap();
        let q = Queries {
            dir: Some(dir.path().to_path_buf()),
        };
        assert_eq!(q.get("clickhouse/totals.sql").unwrap(), "SELECT 1");
        assert_eq!(
            q.get("clickhouse/groups.sql").unwrap(),
            Queries::built_in("clickhouse/groups.sql")
        );
        std::fs::create_dir(dir.path().join("clickhouse/groups.sql")).unwrap();
        let err = q.get("clickhouse/groups.sql").unwrap_err();
        assert!(err.contains("groups.sql: cannot read the query"), "{err}");
    }
}
