//! The connection every core function takes, on either engine: the embedded SQLite file (solo) or
//! a shared PostgreSQL database (a team). It speaks rusqlite's vocabulary — `execute`, `query_row`,
//! `prepare_cached`, `query_map`, rows read by column name into any `FromSql` type, `params!` and
//! `named_params!` — so a query is written once, in SQLite's dialect; on PostgreSQL `pg` turns the
//! text into PostgreSQL's (placeholders, the few functions that differ) and reads its values back
//! as SQLite values, so every type that reads a column reads it the same way from both.
//!
//! What truly differs by engine (pragmas, full-text search, the catalogue, backup) asks
//! [`Connection::engine`] or [`Connection::sqlite`] and keeps both versions side by side.

pub mod notices;
mod pg;
mod tls;

pub use pg::PgConn;
use rusqlite::types::{FromSql, ToSql, Value, ValueRef};
use std::path::Path;

/// Which engine a connection is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A connection to Flywheel's database, on either engine. Like rusqlite's, it is `Send` and not
/// `Sync`: one thread uses it at a time (the pool hands it out).
pub struct Connection {
    inner: Inner,
}

enum Inner {
    Lite(rusqlite::Connection),
    Pg(Box<PgConn>),
}

/// What every call here returns: rusqlite's error, which also carries a PostgreSQL error
/// (see [`EngineError`]), so `?` and the core's error mapping work the same on both engines.
pub type Result<T, E = rusqlite::Error> = std::result::Result<T, E>;

impl Connection {
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Ok(Self::from_sqlite(rusqlite::Connection::open(path)?))
    }

    pub fn open_in_memory() -> Result<Self> {
        Ok(Self::from_sqlite(rusqlite::Connection::open_in_memory()?))
    }

    pub fn open_with_flags(path: impl AsRef<Path>, flags: rusqlite::OpenFlags) -> Result<Self> {
        Ok(Self::from_sqlite(rusqlite::Connection::open_with_flags(path, flags)?))
    }

    pub fn from_sqlite(conn: rusqlite::Connection) -> Self {
        Self { inner: Inner::Lite(conn) }
    }

    /// A connection to a PostgreSQL database (a `postgresql://` URL or a `key=value` string).
    ///
    /// Each session plans every statement for its own parameters (a period of a day and one of
    /// ten years want different plans, and a plan made for no values in particular guessed badly
    /// on the Large shop) and compiles no query to machine code (JIT took a third of a leaderboard's
    /// 0.6 s to save nothing on queries this short).
    pub fn connect_postgres(url: &str) -> Result<Self> {
        static SESSIONS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1);
        let mut conn = PgConn::connect(url)?;
        conn.identity = SESSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        conn.execute_batch("SET plan_cache_mode = force_custom_plan; SET jit = off")?;
        Ok(Self { inner: Inner::Pg(Box::new(conn)) })
    }

    /// The server process of a team database's session (`pg_backend_pid()`); none for a file.
    pub fn session_pid(&self) -> Option<i32> {
        self.postgres().map(|c| c.pid)
    }

    pub fn engine(&self) -> Engine {
        match &self.inner {
            Inner::Lite(_) => Engine::Sqlite,
            Inner::Pg(_) => Engine::Postgres,
        }
    }

    /// The SQLite connection underneath, for what only SQLite has (pragmas, backup, FTS5).
    pub fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.inner {
            Inner::Lite(c) => Some(c),
            Inner::Pg(_) => None,
        }
    }

    pub fn sqlite_mut(&mut self) -> Option<&mut rusqlite::Connection> {
        match &mut self.inner {
            Inner::Lite(c) => Some(c),
            Inner::Pg(_) => None,
        }
    }

    pub fn postgres(&self) -> Option<&PgConn> {
        match &self.inner {
            Inner::Lite(_) => None,
            Inner::Pg(c) => Some(c),
        }
    }

    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        match &self.inner {
            Inner::Lite(c) => params.refs().with(|p| match p {
                Bound::Pos(v) => c.execute(sql, rusqlite::params_from_iter(v)),
                Bound::Named(v) => c.execute(sql, v),
            }),
            Inner::Pg(c) => c.execute(sql, &params.refs()),
        }
    }

    /// Runs several statements with no parameters (schema changes, transaction control).
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.inner {
            Inner::Lite(c) => c.execute_batch(sql),
            Inner::Pg(c) => c.execute_batch(sql),
        }
    }

    pub fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        self.prepare(sql)?.query_row(params, f)
    }

    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(Statement {
            inner: match &self.inner {
                Inner::Lite(c) => StmtInner::Lite(c.prepare(sql)?),
                Inner::Pg(c) => StmtInner::Pg(c, c.prepare(sql)?),
            },
        })
    }

    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(Statement {
            inner: match &self.inner {
                Inner::Lite(c) => StmtInner::LiteCached(c.prepare_cached(sql)?),
                Inner::Pg(c) => StmtInner::Pg(c, c.prepare(sql)?),
            },
        })
    }

    /// Writes many rows into `table`, each row's values in `columns`' order, handed over by
    /// `next` until it gives `None`: COPY on PostgreSQL, one prepared INSERT on SQLite (where a
    /// statement costs no round trip). Gives the number of rows written.
    pub fn copy_in(
        &self,
        table: &str,
        columns: &[String],
        mut next: impl FnMut() -> Result<Option<Vec<Value>>>,
    ) -> Result<u64> {
        match &self.inner {
            Inner::Lite(c) => {
                let places: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
                let mut insert = c.prepare_cached(&format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    columns.join(", "),
                    places.join(", ")
                ))?;
                let mut n = 0;
                while let Some(values) = next()? {
                    insert.execute(rusqlite::params_from_iter(values))?;
                    n += 1;
                }
                Ok(n)
            }
            Inner::Pg(c) => c.copy_in(table, columns, &mut next),
        }
    }

    pub fn last_insert_rowid(&self) -> i64 {
        match &self.inner {
            Inner::Lite(c) => c.last_insert_rowid(),
            Inner::Pg(c) => c.last_insert_id(),
        }
    }

    /// Rows changed by the last statement.
    pub fn changes(&self) -> u64 {
        match &self.inner {
            Inner::Lite(c) => c.changes(),
            Inner::Pg(c) => c.changes(),
        }
    }

    /// Rows changed by this connection since it opened.
    pub fn total_changes(&self) -> u64 {
        match &self.inner {
            Inner::Lite(c) => c.total_changes(),
            Inner::Pg(c) => c.total_changes(),
        }
    }

    /// True outside a transaction.
    /// Whether the connection still answers (always, for a file). A team database's session is
    /// asked with an empty round trip of at most `timeout`.
    pub fn is_alive(&self, timeout: std::time::Duration) -> bool {
        match &self.inner {
            Inner::Lite(_) => true,
            Inner::Pg(c) => c.is_alive(timeout),
        }
    }

    pub fn is_autocommit(&self) -> bool {
        match &self.inner {
            Inner::Lite(c) => c.is_autocommit(),
            Inner::Pg(c) => c.is_autocommit(),
        }
    }

    /// How long SQLite waits for another connection's write lock before giving up.
    pub fn busy_timeout(&self, timeout: std::time::Duration) -> Result<()> {
        match &self.inner {
            Inner::Lite(c) => c.busy_timeout(timeout),
            Inner::Pg(_) => Ok(()),
        }
    }

    /// Starts a transaction that writes: SQLite takes the write lock at once (IMMEDIATE);
    /// PostgreSQL runs it SERIALIZABLE.
    pub fn begin(&self) -> Result<()> {
        match &self.inner {
            Inner::Lite(c) => c.execute_batch("BEGIN IMMEDIATE"),
            Inner::Pg(c) => c.begin(),
        }
    }

    pub fn commit(&self) -> Result<()> {
        match &self.inner {
            Inner::Lite(c) => c.execute_batch("COMMIT"),
            Inner::Pg(c) => c.end("COMMIT"),
        }
    }

    pub fn rollback(&self) -> Result<()> {
        match &self.inner {
            Inner::Lite(c) => c.execute_batch("ROLLBACK"),
            Inner::Pg(c) => c.end("ROLLBACK"),
        }
    }

    /// Whether the schema has a table of this name (the catalogues differ by engine).
    pub fn has_table(&self, name: &str) -> Result<bool> {
        let sql = match self.engine() {
            Engine::Sqlite => {
                "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1)"
            }
            Engine::Postgres => "SELECT to_regclass(?1) IS NOT NULL",
        };
        self.prepare_cached(sql)?.query_row([name], |r| r.get(0))
    }

    /// The schema's tables by name (SQLite's own `sqlite_*` left out).
    pub fn tables(&self) -> Result<Vec<String>> {
        let sql = match self.engine() {
            Engine::Sqlite => {
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            }
            Engine::Postgres => {
                "SELECT table_name FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
            }
        };
        self.prepare_cached(sql)?.query_map([], |r| r.get(0))?.collect()
    }

    /// The columns of `table`, in their order (the catalogues differ by engine).
    pub fn columns(&self, table: &str) -> Result<Vec<String>> {
        let sql = match self.engine() {
            Engine::Sqlite => "SELECT name FROM pragma_table_info(?1)",
            Engine::Postgres => {
                // The catalogue itself: information_schema took 2 ms a call, which an undo
                // restoring a thousand rows paid a thousand times.
                "SELECT CAST(attname AS TEXT) FROM pg_attribute
                 WHERE attrelid = to_regclass(?1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
            }
        };
        self.prepare_cached(sql)?.query_map([table], |r| r.get(0))?.collect()
    }

    /// An ORDER BY that lists `table`'s rows in a stable order: SQLite's rowid (the order rows were
    /// written in), PostgreSQL's primary key.
    pub fn row_order(&self, table: &str) -> Result<String> {
        if self.engine() == Engine::Sqlite {
            return Ok("rowid".to_owned());
        }
        let keys: Vec<String> = self
            .prepare_cached(
                "SELECT a.attname FROM pg_index i
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                 WHERE i.indrelid = to_regclass(?1) AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
            )?
            .query_map([table], |r| r.get(0))?
            .collect::<Result<_>>()?;
        Ok(if keys.is_empty() { "1".to_owned() } else { keys.join(", ") })
    }

    /// After rows were written with ids of their own (the sample, a copy of a solo file): on
    /// PostgreSQL each identity moves past the highest id, so the next insert does not collide
    /// (SQLite's rowids follow the table by themselves).
    pub fn resync_ids(&self) -> Result<()> {
        if self.engine() == Engine::Sqlite {
            return Ok(());
        }
        let tables: Vec<String> = self
            .prepare(
                "SELECT table_name FROM information_schema.columns
                 WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'
                 ORDER BY table_name",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_>>()?;
        for table in tables {
            // The names come from the catalogue, not from a user.
            self.execute_batch(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"
            ))?;
        }
        Ok(())
    }

    /// A SQLite pragma; PostgreSQL has none, and ignores them.
    pub fn pragma_update<V: ToSql>(&self, schema: Option<&str>, name: &str, value: V) -> Result<()> {
        match &self.inner {
            Inner::Lite(c) => match schema {
                None => c.pragma_update(None, name, value),
                Some(_) => Err(EngineError::new("Pragmas run on the main database only").into()),
            },
            Inner::Pg(_) => Ok(()),
        }
    }

    /// A SQLite pragma's value; on PostgreSQL, an error (ask [`Connection::engine`] first).
    pub fn pragma_query_value<T, F>(&self, schema: Option<&str>, name: &str, f: F) -> Result<T>
    where
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        match &self.inner {
            Inner::Lite(c) if schema.is_none() => c.pragma_query_value(None, name, |r| f(&Row::lite(r))),
            Inner::Lite(_) => Err(EngineError::new("Pragmas run on the main database only").into()),
            Inner::Pg(_) => Err(EngineError::new(format!("PRAGMA {name} is SQLite's alone")).into()),
        }
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").field("engine", &self.engine()).finish()
    }
}

/// A prepared statement on either engine.
pub struct Statement<'c> {
    inner: StmtInner<'c>,
}

enum StmtInner<'c> {
    Lite(rusqlite::Statement<'c>),
    LiteCached(rusqlite::CachedStatement<'c>),
    Pg(&'c PgConn, std::sync::Arc<pg::Prepared>),
}

impl<'c> Statement<'c> {
    fn lite(&mut self) -> Option<&mut rusqlite::Statement<'c>> {
        match &mut self.inner {
            StmtInner::Lite(s) => Some(s),
            StmtInner::LiteCached(s) => Some(s),
            StmtInner::Pg(..) => None,
        }
    }

    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        if let StmtInner::Pg(c, p) = &self.inner {
            return c.run(p, &params.refs());
        }
        let s = self.lite().expect("SQLite statement");
        params.refs().with(|p| match p {
            Bound::Pos(v) => s.execute(rusqlite::params_from_iter(v)),
            Bound::Named(v) => s.execute(v),
        })
    }

    /// Runs an INSERT and gives the new row's id.
    pub fn insert<P: Params>(&mut self, params: P) -> Result<i64> {
        if let StmtInner::Pg(c, p) = &self.inner {
            c.run(p, &params.refs())?;
            return Ok(c.last_insert_id());
        }
        let s = self.lite().expect("SQLite statement");
        params.refs().with(|p| match p {
            Bound::Pos(v) => s.insert(rusqlite::params_from_iter(v)),
            Bound::Named(v) => s.insert(v),
        })
    }

    pub fn query<P: Params>(&mut self, params: P) -> Result<Rows<'_>> {
        if let StmtInner::Pg(c, p) = &self.inner {
            let rows = c.query(p, &params.refs())?;
            return Ok(Rows { inner: RowsInner::Pg(rows, 0) });
        }
        let s = self.lite().expect("SQLite statement");
        let rows = params.refs().with(|p| match p {
            Bound::Pos(v) => s.query(rusqlite::params_from_iter(v)),
            Bound::Named(v) => s.query(v),
        })?;
        Ok(Rows { inner: RowsInner::Lite(rows) })
    }

    pub fn query_map<T, P, F>(&mut self, params: P, f: F) -> Result<MappedRows<'_, F>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        Ok(MappedRows { rows: self.query(params)?, f })
    }

    pub fn query_row<T, P, F>(&mut self, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let mut rows = self.query(params)?;
        match rows.next()? {
            Some(row) => f(&row),
            None => Err(rusqlite::Error::QueryReturnedNoRows),
        }
    }

    pub fn exists<P: Params>(&mut self, params: P) -> Result<bool> {
        Ok(self.query(params)?.next()?.is_some())
    }

    pub fn column_count(&self) -> usize {
        self.column_names().len()
    }

    pub fn column_names(&self) -> Vec<&str> {
        match &self.inner {
            StmtInner::Lite(s) => s.column_names(),
            StmtInner::LiteCached(s) => s.column_names(),
            StmtInner::Pg(_, p) => p.columns.iter().map(String::as_str).collect(),
        }
    }
}

/// The rows of a query, read one at a time: `while let Some(row) = rows.next()? { … }`.
pub struct Rows<'s> {
    inner: RowsInner<'s>,
}

enum RowsInner<'s> {
    Lite(rusqlite::Rows<'s>),
    /// PostgreSQL's rows come back whole, already turned into SQLite values.
    Pg(pg::Fetched, usize),
}

impl Rows<'_> {
    #[allow(clippy::should_implement_trait)] // a lending iterator: each row borrows the rows
    pub fn next(&mut self) -> Result<Option<Row<'_>>> {
        match &mut self.inner {
            RowsInner::Lite(rows) => Ok(rows.next()?.map(Row::lite)),
            RowsInner::Pg(fetched, at) => {
                let i = *at;
                *at += 1;
                Ok(fetched
                    .rows
                    .get(i)
                    .map(|values| Row { inner: RowInner::Pg { values, names: &fetched.columns } }))
            }
        }
    }
}

/// The rows of a query, each mapped by `f`.
pub struct MappedRows<'s, F> {
    rows: Rows<'s>,
    f: F,
}

impl<T, F> Iterator for MappedRows<'_, F>
where
    F: FnMut(&Row<'_>) -> Result<T>,
{
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        match self.rows.next() {
            Ok(Some(row)) => Some((self.f)(&row)),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// One row of a result, read by column name or position into any type SQLite values convert to.
pub struct Row<'r> {
    inner: RowInner<'r>,
}

enum RowInner<'r> {
    Lite(&'r rusqlite::Row<'r>),
    Pg { values: &'r [Value], names: &'r [String] },
}

impl<'r> Row<'r> {
    fn lite(row: &'r rusqlite::Row<'r>) -> Self {
        Self { inner: RowInner::Lite(row) }
    }

    pub fn get<I: ColumnIndex, T: FromSql>(&self, idx: I) -> Result<T> {
        match &self.inner {
            RowInner::Lite(r) => idx.lite_get(r),
            RowInner::Pg { values, names } => {
                let i = idx.position(names)?;
                T::column_result(ValueRef::from(&values[i])).map_err(|e| convert_error(i, &values[i], e))
            }
        }
    }

    pub fn get_ref<I: ColumnIndex>(&self, idx: I) -> Result<ValueRef<'_>> {
        match &self.inner {
            RowInner::Lite(r) => idx.lite_ref(r),
            RowInner::Pg { values, names } => Ok(ValueRef::from(&values[idx.position(names)?])),
        }
    }
}

fn convert_error(i: usize, v: &Value, e: rusqlite::types::FromSqlError) -> rusqlite::Error {
    match e {
        rusqlite::types::FromSqlError::InvalidType => {
            rusqlite::Error::InvalidColumnType(i, format!("column {i}"), v.data_type())
        }
        rusqlite::types::FromSqlError::OutOfRange(n) => rusqlite::Error::IntegralValueOutOfRange(i, n),
        other => rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(other)),
    }
}

/// A column by position (from 0) or by name (ASCII case-insensitive, as SQLite matches them).
pub trait ColumnIndex: Copy {
    fn lite_get<T: FromSql>(self, row: &rusqlite::Row<'_>) -> Result<T>;
    fn lite_ref<'a>(self, row: &'a rusqlite::Row<'_>) -> Result<ValueRef<'a>>;
    fn position(self, names: &[String]) -> Result<usize>;
}

impl ColumnIndex for usize {
    fn lite_get<T: FromSql>(self, row: &rusqlite::Row<'_>) -> Result<T> {
        row.get(self)
    }
    fn lite_ref<'a>(self, row: &'a rusqlite::Row<'_>) -> Result<ValueRef<'a>> {
        row.get_ref(self)
    }
    fn position(self, names: &[String]) -> Result<usize> {
        if self < names.len() {
            Ok(self)
        } else {
            Err(rusqlite::Error::InvalidColumnIndex(self))
        }
    }
}

impl ColumnIndex for &str {
    fn lite_get<T: FromSql>(self, row: &rusqlite::Row<'_>) -> Result<T> {
        row.get(self)
    }
    fn lite_ref<'a>(self, row: &'a rusqlite::Row<'_>) -> Result<ValueRef<'a>> {
        row.get_ref(self)
    }
    fn position(self, names: &[String]) -> Result<usize> {
        names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(self))
            .ok_or_else(|| rusqlite::Error::InvalidColumnName(self.to_owned()))
    }
}

/// A query's parameters, as rusqlite takes them: `[]`, `[a]`, `params![a, b]`,
/// `named_params! {":a": a}`, `params_from_iter(values)`.
pub trait Params {
    fn refs(&self) -> Refs<'_>;
}

/// The parameters of one call, borrowed.
pub enum Refs<'a> {
    Pos(Vec<&'a dyn ToSql>),
    Named(Vec<(&'a str, &'a dyn ToSql)>),
}

enum Bound<'a, 'b> {
    Pos(&'b [&'a dyn ToSql]),
    Named(&'b [(&'a str, &'a dyn ToSql)]),
}

impl Refs<'_> {
    fn with<R>(&self, f: impl FnOnce(Bound<'_, '_>) -> R) -> R {
        match self {
            Refs::Pos(v) => f(Bound::Pos(v)),
            Refs::Named(v) => f(Bound::Named(v)),
        }
    }
}

impl Params for () {
    fn refs(&self) -> Refs<'_> {
        Refs::Pos(Vec::new())
    }
}

impl Params for [&(dyn ToSql + Send + Sync); 0] {
    fn refs(&self) -> Refs<'_> {
        Refs::Pos(Vec::new())
    }
}

impl Params for &[&dyn ToSql] {
    fn refs(&self) -> Refs<'_> {
        Refs::Pos(self.to_vec())
    }
}

impl Params for &[(&str, &dyn ToSql)] {
    fn refs(&self) -> Refs<'_> {
        Refs::Named(self.to_vec())
    }
}

macro_rules! array_params {
    ($($n:literal)+) => {$(
        impl<T: ToSql> Params for [T; $n] {
            fn refs(&self) -> Refs<'_> {
                Refs::Pos(self.iter().map(|v| v as &dyn ToSql).collect())
            }
        }
        impl<T: ToSql> Params for &[&T; $n] {
            fn refs(&self) -> Refs<'_> {
                Refs::Pos(self.iter().map(|v| *v as &dyn ToSql).collect())
            }
        }
    )+};
}
array_params!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);

/// Parameters from a list of values, as rusqlite's `params_from_iter`.
pub struct ParamsFromIter<T>(Vec<T>);

pub fn params_from_iter<I>(values: I) -> ParamsFromIter<I::Item>
where
    I: IntoIterator,
    I::Item: ToSql,
{
    ParamsFromIter(values.into_iter().collect())
}

impl<T: ToSql> Params for ParamsFromIter<T> {
    fn refs(&self) -> Refs<'_> {
        Refs::Pos(self.0.iter().map(|v| v as &dyn ToSql).collect())
    }
}

/// An error of the PostgreSQL engine (or of what Flywheel asked of it), carried inside rusqlite's
/// error so one error type flows through the core.
#[derive(Debug)]
pub struct EngineError {
    pub message: String,
    /// PostgreSQL's SQLSTATE, when the server gave one (`23505` a unique key, `40001` a
    /// serialization failure).
    pub code: Option<String>,
}

impl EngineError {
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), code: None }
    }

    /// Whether `e` is the loss of the connection to a team database (its server stopped or
    /// restarted, the network gone) rather than an answer from it: the session is unusable, and
    /// a new one may well work.
    pub fn is_connection_lost(e: &rusqlite::Error) -> bool {
        Self::of(e).and_then(|x| x.code.as_deref()).is_some_and(|c| {
            // Class 08 (connection exception) and 57P01–57P03 (the server shutting down,
            // crashed, or not yet accepting sessions).
            c.starts_with("08") || matches!(c, "57P01" | "57P02" | "57P03")
        })
    }

    /// The engine error inside `e`, if it is one.
    pub fn of(e: &rusqlite::Error) -> Option<&EngineError> {
        match e {
            rusqlite::Error::ToSqlConversionFailure(inner) => inner.downcast_ref(),
            _ => None,
        }
    }
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EngineError {}

impl From<EngineError> for rusqlite::Error {
    fn from(e: EngineError) -> Self {
        rusqlite::Error::ToSqlConversionFailure(Box::new(e))
    }
}
