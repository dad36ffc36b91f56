//! The PostgreSQL engine: one `postgres::Client` behind the same calls as SQLite. A statement is
//! written once in SQLite's dialect and turned into PostgreSQL's here ([`translate`]); parameters
//! go over as the types the server asks for, and values come back as SQLite values (`Value`), so
//! the core reads a row the same way from both engines.

use super::{EngineError, Refs, Result};
use postgres::types::{FromSql as PgFromSql, IsNull, ToSql as PgToSql, Type};
use postgres::Client;
use rusqlite::types::{ToSqlOutput, Value};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;

/// Statements kept prepared per connection, by their SQLite text.
const MAX_PREPARED: usize = 512;

pub struct PgConn {
    client: RefCell<Client>,
    prepared: RefCell<HashMap<String, Arc<Prepared>>>,
    depth: Cell<u32>,
    changes: Cell<u64>,
    total: Cell<u64>,
    last_id: Cell<i64>,
    /// The server process serving this session (what a notice names as its sender).
    pub pid: i32,
    /// This session among all this process opens, for the figures kept per connection (`cache`).
    pub identity: i64,
}

/// A statement the server has prepared, with what turning its text round needed.
pub struct Prepared {
    statement: postgres::Statement,
    /// For `:name` parameters: the name of each `$n`, in order.
    names: Vec<String>,
    pub columns: Vec<String>,
    /// An INSERT: its new row's `id` is read back (PostgreSQL has no `last_insert_rowid`).
    returns_id: bool,
}

/// Rows read whole, as SQLite values.
pub struct Fetched {
    pub columns: Arc<[String]>,
    pub rows: Vec<Vec<Value>>,
}

/// The SQLSTATE Flywheel gives an error that is not the server's answer but the loss of the
/// connection itself (a server stopped or restarted, a network gone): PostgreSQL's own
/// `connection_failure`, so one test (`EngineError::is_connection_lost`) covers both.
pub const CONNECTION_LOST: &str = "08006";

fn engine_error(e: postgres::Error) -> rusqlite::Error {
    let lost = e.is_closed() || std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
    let code = e.code().map(|c| c.code().to_owned()).or(lost.then(|| CONNECTION_LOST.to_owned()));
    let message = match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_owned(),
        },
        None => e.to_string(),
    };
    EngineError { message, code }.into()
}

impl PgConn {
    /// Connects to a team database: on this machine in the clear, on any other only over TLS with
    /// the server's certificate checked (`tls`): passwords and customers' data never cross a
    /// network in the clear.
    pub fn connect(url: &str) -> Result<Self> {
        let mut client = super::tls::connect(url)?;
        let pid: i32 = client.query_one("SELECT pg_backend_pid()", &[]).map_err(engine_error)?.get(0);
        Ok(Self {
            pid,
            client: RefCell::new(client),
            prepared: RefCell::default(),
            depth: Cell::new(0),
            changes: Cell::new(0),
            total: Cell::new(0),
            last_id: Cell::new(0),
            identity: 0,
        })
    }

    /// Whether the session still answers: one empty round trip, at most `timeout` long. A server
    /// that was restarted leaves a client that looks open until it is next used.
    pub fn is_alive(&self, timeout: std::time::Duration) -> bool {
        self.client.borrow_mut().is_valid(timeout).is_ok()
    }

    /// The client, for what only PostgreSQL does (COPY, LISTEN); not inside a row loop.
    pub fn client(&self) -> std::cell::RefMut<'_, Client> {
        self.client.borrow_mut()
    }

    pub fn prepare(&self, sql: &str) -> Result<Arc<Prepared>> {
        if let Some(p) = self.prepared.borrow().get(sql) {
            return Ok(p.clone());
        }
        let t = translate(sql);
        let statement = self.client.borrow_mut().prepare(&t.sql).map_err(|e| {
            let mut err = engine_error(e);
            if let rusqlite::Error::ToSqlConversionFailure(inner) = &mut err {
                if let Some(engine) = inner.downcast_mut::<EngineError>() {
                    engine.message = format!("{} in: {}", engine.message, t.sql);
                }
            }
            err
        })?;
        let columns = statement.columns().iter().map(|c| c.name().to_owned()).collect();
        let p = Arc::new(Prepared { statement, names: t.names, columns, returns_id: t.returns_id });
        let mut cache = self.prepared.borrow_mut();
        if cache.len() >= MAX_PREPARED {
            cache.clear();
        }
        cache.insert(sql.to_owned(), p.clone());
        Ok(p)
    }

    fn values(p: &Prepared, params: &Refs<'_>) -> Result<Vec<Value>> {
        let value = |v: &dyn rusqlite::ToSql| -> Result<Value> {
            Ok(match v.to_sql()? {
                ToSqlOutput::Borrowed(r) => owned(r),
                ToSqlOutput::Owned(v) => v,
                _ => return Err(EngineError::new("A parameter PostgreSQL cannot take").into()),
            })
        };
        match params {
            Refs::Pos(v) => v.iter().map(|p| value(*p)).collect(),
            Refs::Named(v) => p
                .names
                .iter()
                .map(|name| {
                    let (_, given) = v
                        .iter()
                        .find(|(n, _)| n.trim_start_matches([':', '@', '$']) == name)
                        .ok_or_else(|| rusqlite::Error::InvalidParameterName(name.clone()))?;
                    value(*given)
                })
                .collect(),
        }
    }

    pub fn query(&self, p: &Prepared, params: &Refs<'_>) -> Result<Fetched> {
        let values = Self::values(p, params)?;
        let args: Vec<Param<'_>> = values.iter().map(Param).collect();
        let refs: Vec<&(dyn PgToSql + Sync)> = args.iter().map(|a| a as &(dyn PgToSql + Sync)).collect();
        let rows = self.client.borrow_mut().query(&p.statement, &refs).map_err(engine_error)?;
        let rows = rows.iter().map(row_values).collect::<Result<Vec<_>>>()?;
        Ok(Fetched { columns: p.columns.clone().into(), rows })
    }

    /// Runs a statement that writes; an INSERT's new id is kept for [`PgConn::last_insert_id`].
    pub fn run(&self, p: &Prepared, params: &Refs<'_>) -> Result<usize> {
        let n = if p.returns_id {
            let fetched = self.query(p, params)?;
            if let Some(Value::Integer(id)) = fetched.rows.last().and_then(|r| r.first()) {
                self.last_id.set(*id);
            }
            fetched.rows.len() as u64
        } else {
            let values = Self::values(p, params)?;
            let args: Vec<Param<'_>> = values.iter().map(Param).collect();
            let refs: Vec<&(dyn PgToSql + Sync)> = args.iter().map(|a| a as &(dyn PgToSql + Sync)).collect();
            self.client.borrow_mut().execute(&p.statement, &refs).map_err(engine_error)?
        };
        self.changes.set(n);
        self.total.set(self.total.get() + n);
        Ok(n as usize)
    }

    pub fn execute(&self, sql: &str, params: &Refs<'_>) -> Result<usize> {
        let p = self.prepare(sql)?;
        self.run(&p, params)
    }

    /// Several statements without parameters, each turned into PostgreSQL's dialect; a text with a
    /// dollar-quoted body (a function) is PostgreSQL's own already and runs as written.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        let text = if sql.contains("$$") {
            sql.to_owned()
        } else {
            statements(sql).iter().map(|s| translate(s).sql).collect::<Vec<_>>().join(";\n")
        };
        self.client.borrow_mut().batch_execute(&text).map_err(engine_error)?;
        // A transaction begun or ended by its SQL, as SQLite's autocommit flag would follow it.
        // (`ROLLBACK TO` a savepoint ends no transaction.)
        let upper = text.trim_start().to_ascii_uppercase();
        let mut words = upper.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty());
        match (words.next(), words.next()) {
            (Some("BEGIN" | "START"), _) => self.depth.set(1),
            (Some("ROLLBACK"), Some("TO")) => {}
            (Some("COMMIT" | "ROLLBACK" | "END"), _) => self.depth.set(0),
            _ => {}
        }
        Ok(())
    }

    /// Writes many rows into `table` with `COPY … FROM STDIN` in the binary format: one round
    /// trip for the lot instead of one per row. `next` hands over each row's values in `columns`'
    /// order until it gives `None`. Row triggers fire as for INSERT.
    pub fn copy_in(
        &self,
        table: &str,
        columns: &[String],
        next: &mut dyn FnMut() -> Result<Option<Vec<Value>>>,
    ) -> Result<u64> {
        let list = columns.join(", ");
        let types: Vec<Type> = {
            let probe = self.prepare(&format!("SELECT {list} FROM {table} LIMIT 0"))?;
            probe.statement.columns().iter().map(|c| c.type_().clone()).collect()
        };
        let mut client = self.client.borrow_mut();
        let sink = client
            .copy_in(&format!("COPY {table} ({list}) FROM STDIN (FORMAT binary)"))
            .map_err(engine_error)?;
        let mut writer = postgres::binary_copy::BinaryCopyInWriter::new(sink, &types);
        while let Some(values) = next()? {
            let args: Vec<Param<'_>> = values.iter().map(Param).collect();
            let refs: Vec<&(dyn PgToSql + Sync)> = args.iter().map(|a| a as &(dyn PgToSql + Sync)).collect();
            writer.write(&refs).map_err(engine_error)?;
        }
        let n = writer.finish().map_err(engine_error)?;
        self.changes.set(n);
        self.total.set(self.total.get() + n);
        Ok(n)
    }

    pub fn last_insert_id(&self) -> i64 {
        self.last_id.get()
    }

    pub fn changes(&self) -> u64 {
        self.changes.get()
    }

    pub fn total_changes(&self) -> u64 {
        self.total.get()
    }

    pub fn is_autocommit(&self) -> bool {
        self.depth.get() == 0
    }

    pub fn begin(&self) -> Result<()> {
        self.execute_batch("BEGIN ISOLATION LEVEL SERIALIZABLE")?;
        self.depth.set(1);
        Ok(())
    }

    pub fn end(&self, how: &str) -> Result<()> {
        self.depth.set(0);
        self.execute_batch(how)
    }
}

fn owned(r: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef as V;
    match r {
        V::Null => Value::Null,
        V::Integer(i) => Value::Integer(i),
        V::Real(f) => Value::Real(f),
        V::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        V::Blob(b) => Value::Blob(b.to_vec()),
    }
}

/// A parameter as the server asks for it: SQLite's loose values fit PostgreSQL's strict types.
#[derive(Debug)]
struct Param<'a>(&'a Value);

impl PgToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        let wrong = || -> Box<dyn std::error::Error + Sync + Send> {
            format!("{:?} does not fit a parameter of type {ty}", self.0).into()
        };
        match self.0 {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i).map_err(|_| wrong())?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i).map_err(|_| wrong())?.to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::FLOAT4 => (*i as f32).to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    i.to_string().to_sql(ty, out)
                }
                Type::NUMERIC => numeric(*i, out),
                _ => Err(wrong()),
            },
            Value::Real(f) => match *ty {
                Type::FLOAT8 => f.to_sql(ty, out),
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::UNKNOWN => f.to_string().to_sql(ty, out),
                Type::INT8 if f.fract() == 0.0 => (*f as i64).to_sql(ty, out),
                _ => Err(wrong()),
            },
            Value::Text(s) => match *ty {
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => s.to_sql(ty, out),
                Type::INT8 => s.trim().parse::<i64>().map_err(|_| wrong())?.to_sql(ty, out),
                Type::FLOAT8 => s.trim().parse::<f64>().map_err(|_| wrong())?.to_sql(ty, out),
                _ => Err(wrong()),
            },
            Value::Blob(b) => match *ty {
                Type::BYTEA => b.to_sql(ty, out),
                _ => Err(wrong()),
            },
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// An integer as PostgreSQL's binary NUMERIC: base-10000 digits, most significant first.
fn numeric(
    i: i64,
    out: &mut postgres::types::private::BytesMut,
) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
    use postgres::types::private::BytesMut;
    let mut digits = Vec::new();
    let mut n = i.unsigned_abs();
    while n > 0 {
        digits.push((n % 10_000) as i16);
        n /= 10_000;
    }
    digits.reverse();
    let weight = digits.len() as i16 - 1;
    let sign: u16 = if i < 0 { 0x4000 } else { 0 };
    let mut buf = BytesMut::new();
    buf.extend_from_slice(&(digits.len() as i16).to_be_bytes());
    buf.extend_from_slice(&weight.max(0).to_be_bytes());
    buf.extend_from_slice(&sign.to_be_bytes());
    buf.extend_from_slice(&0i16.to_be_bytes());
    for d in digits {
        buf.extend_from_slice(&d.to_be_bytes());
    }
    out.extend_from_slice(&buf);
    Ok(IsNull::No)
}

/// A NUMERIC read back: an integer when it has no fraction (what `sum` of BIGINTs gives), else a
/// double, as SQLite would give them.
struct Numeric(Value);

impl<'a> PgFromSql<'a> for Numeric {
    fn from_sql(
        _: &Type,
        raw: &'a [u8],
    ) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        let word = |i: usize| -> std::result::Result<i16, Box<dyn std::error::Error + Sync + Send>> {
            let b = raw.get(i * 2..i * 2 + 2).ok_or("A NUMERIC value too short")?;
            Ok(i16::from_be_bytes([b[0], b[1]]))
        };
        let (ndigits, weight, sign, dscale) = (word(0)? as usize, word(1)?, word(2)? as u16, word(3)?);
        if sign == 0xC000 {
            return Ok(Numeric(Value::Real(f64::NAN)));
        }
        let mut int: i128 = 0;
        let mut real = 0f64;
        for k in 0..ndigits {
            let d = word(4 + k)?;
            let power = i32::from(weight) - k as i32;
            real += f64::from(d) * 10_000f64.powi(power);
            if power >= 0 {
                int = int * 10_000 + i128::from(d);
            }
        }
        // Digits after the last stored one, up to the point.
        let last_power = i32::from(weight) - ndigits as i32 + 1;
        if last_power > 0 {
            int *= 10_000i128.pow(last_power as u32);
        }
        let negative = sign == 0x4000;
        if dscale == 0 {
            let v = if negative { -int } else { int };
            return Ok(Numeric(match i64::try_from(v) {
                Ok(i) => Value::Integer(i),
                Err(_) => Value::Real(v as f64),
            }));
        }
        Ok(Numeric(Value::Real(if negative { -real } else { real })))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }
}

/// One row as SQLite values.
fn row_values(row: &postgres::Row) -> Result<Vec<Value>> {
    (0..row.len())
        .map(|i| {
            let ty = row.columns()[i].type_();
            let got = match *ty {
                Type::INT8 => row.try_get::<_, Option<i64>>(i).map(|v| v.map(Value::Integer)),
                Type::INT4 => row.try_get::<_, Option<i32>>(i).map(|v| v.map(|n| Value::Integer(n.into()))),
                Type::INT2 => row.try_get::<_, Option<i16>>(i).map(|v| v.map(|n| Value::Integer(n.into()))),
                Type::BOOL => row.try_get::<_, Option<bool>>(i).map(|v| v.map(|b| Value::Integer(b.into()))),
                Type::FLOAT8 => row.try_get::<_, Option<f64>>(i).map(|v| v.map(Value::Real)),
                Type::FLOAT4 => row.try_get::<_, Option<f32>>(i).map(|v| v.map(|f| Value::Real(f.into()))),
                Type::NUMERIC => row.try_get::<_, Option<Numeric>>(i).map(|v| v.map(|n| n.0)),
                Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i).map(|v| v.map(Value::Blob)),
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    row.try_get::<_, Option<String>>(i).map(|v| v.map(Value::Text))
                }
                _ => {
                    return Err(EngineError::new(format!(
                        "Column {} is of type {ty}, which Flywheel does not read",
                        row.columns()[i].name()
                    ))
                    .into())
                }
            };
            Ok(got.map_err(engine_error)?.unwrap_or(Value::Null))
        })
        .collect()
}

/// A statement in PostgreSQL's dialect, and what was learnt turning it.
pub struct Translated {
    pub sql: String,
    pub names: Vec<String>,
    pub returns_id: bool,
}

/// SQLite's dialect turned into PostgreSQL's, outside string literals and quoted names:
/// placeholders (`?`, `?N`, `:name`) become `$N`; `LIKE` becomes `ILIKE` (SQLite's is
/// case-insensitive); `ifnull` becomes `coalesce`; two-argument `max`/`min` become
/// `GREATEST`/`LEAST`; `INSERT OR IGNORE` becomes `ON CONFLICT DO NOTHING`; `INDEXED BY x` is
/// dropped; an INSERT without RETURNING returns its `id`, so the new row's id can be read as on SQLite.
pub fn translate(sql: &str) -> Translated {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut names: Vec<String> = Vec::new();
    let mut next_positional = 0usize;
    let b = sql.as_bytes();
    let mut i = 0;
    let mut or_ignore = false;
    while i < b.len() {
        let c = b[i] as char;
        match c {
            // SQLite's unary `+` before a column only keeps its planner off an index.
            '+' if unary(&out) && b.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic()) => i += 1,
            '\'' | '"' => {
                let end = closing(b, i, b[i]);
                out.push_str(&sql[i..end]);
                i = end;
            }
            '-' if b.get(i + 1) == Some(&b'-') => {
                let end = sql[i..].find('\n').map_or(b.len(), |n| i + n);
                i = end;
            }
            '?' => {
                let start = i + 1;
                let mut end = start;
                while end < b.len() && b[end].is_ascii_digit() {
                    end += 1;
                }
                let n = if end > start {
                    sql[start..end].parse::<usize>().unwrap_or(0)
                } else {
                    next_positional += 1;
                    next_positional
                };
                next_positional = next_positional.max(n);
                push_param(&mut out, n, &sql[end..]);
                i = end;
            }
            ':' | '@' | '$'
                if b.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic() || *n == b'_')
                    && (i == 0 || b[i - 1] != b':') =>
            {
                let start = i + 1;
                let mut end = start;
                while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
                    end += 1;
                }
                let name = &sql[start..end];
                let n = match names.iter().position(|x| x == name) {
                    Some(k) => k + 1,
                    None => {
                        names.push(name.to_owned());
                        names.len()
                    }
                };
                push_param(&mut out, n, &sql[end..]);
                i = end;
            }
            ':' if b.get(i + 1) == Some(&b':') => {
                out.push_str("::");
                i += 2;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let word = &sql[start..i];
                let upper = word.to_ascii_uppercase();
                match upper.as_str() {
                    "LIKE" => out.push_str("ILIKE"),
                    // Type names in CAST: SQLite's INTEGER is 64 bits, PostgreSQL's REAL 32.
                    "INTEGER" => out.push_str("BIGINT"),
                    "REAL" => out.push_str("DOUBLE PRECISION"),
                    // The baseline's json_values(text) is json_each's `value` column, as text.
                    "JSON_EACH" => out.push_str("json_values"),
                    "IFNULL" => out.push_str("coalesce"),
                    // SQLite's schema of temporary tables is PostgreSQL's pg_temp.
                    "TEMP" if sql[i..].starts_with('.') => out.push_str("pg_temp"),
                    // char(n) is a type in PostgreSQL; chr(n) the character.
                    "CHAR" if sql[i..].starts_with('(') => out.push_str("chr"),
                    "MAX" | "MIN" if two_arguments(&sql[i..]) => {
                        out.push_str(if upper == "MAX" { "GREATEST" } else { "LEAST" })
                    }
                    "OR" if out.trim_end().to_ascii_uppercase().ends_with("INSERT")
                        && sql[i..].trim_start().to_ascii_uppercase().starts_with("IGNORE") =>
                    {
                        // INSERT OR IGNORE INTO … → INSERT INTO … ON CONFLICT DO NOTHING
                        let rest = sql[i..].trim_start();
                        i = sql.len() - rest.len() + "IGNORE".len();
                        or_ignore = true;
                        while out.ends_with(' ') {
                            out.pop();
                        }
                    }
                    // `IS ?` and `IS NOT ?` compare values that may be NULL: PostgreSQL spells them out.
                    "IS" if placeholder_follows(&sql[i..]) => {
                        let rest = sql[i..].trim_start();
                        if rest.to_ascii_uppercase().starts_with("NOT")
                            && rest[3..].starts_with(char::is_whitespace)
                        {
                            out.push_str("IS DISTINCT FROM");
                            i = sql.len() - rest.len() + 3;
                        } else {
                            out.push_str("IS NOT DISTINCT FROM");
                        }
                    }
                    "INDEXED" if sql[i..].trim_start().to_ascii_uppercase().starts_with("BY ") => {
                        let rest = sql[i..].trim_start()[3..].trim_start();
                        let name_len = rest
                            .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                            .unwrap_or(rest.len());
                        i = sql.len() - rest.len() + name_len;
                    }
                    _ => out.push_str(word),
                }
            }
            _ => {
                // A whole character: text outside quotes may hold more than ASCII.
                let ch = sql[i..].chars().next().unwrap_or(c);
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    let mut sql = alias_subqueries(out.trim_end().trim_end_matches(';'));
    if or_ignore {
        sql.push_str(" ON CONFLICT DO NOTHING");
    }
    let head = sql.trim_start().to_ascii_uppercase();
    let returns_id = head.starts_with("INSERT")
        && !head.contains("RETURNING")
        && !head.contains("SELECT")
        && inserts_into_table_with_id(&sql);
    if returns_id {
        sql.push_str(" RETURNING id");
    }
    Translated { sql, names, returns_id }
}

/// Tables whose rows have an `id` of their own (the rest are keyed by what they describe).
fn inserts_into_table_with_id(sql: &str) -> bool {
    // The tables whose `id` is an identity (migrations/pg/016_baseline.sql).
    const WITH_ID: &[&str] = &[
        "import_batches",
        "contacts",
        "stage_events",
        "purchases",
        "channel_spend",
        "testimonials",
        "nps_answers",
        "referrals",
        "followups",
        "score_rules",
        "contact_merges",
    ];
    let lower = sql.to_ascii_lowercase();
    let Some(at) = lower.find("into ") else { return false };
    let table: String =
        lower[at + 5..].trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    WITH_ID.contains(&table.as_str())
}

/// Writes parameter `$n`. One tested for NULL (`? IS NULL OR col = ?`, an optional filter) gets a
/// type there, which PostgreSQL cannot infer from the test: text, as every such filter in the core is.
fn push_param(out: &mut String, n: usize, rest: &str) {
    let next = rest.trim_start().to_ascii_uppercase();
    if next.starts_with("IS NULL") || next.starts_with("IS NOT NULL") {
        out.push_str(&format!("CAST(${n} AS TEXT)"));
    } else {
        out.push_str(&format!("${n}"));
    }
}

/// Whether the text after `IS` (or `IS NOT`) is a parameter rather than NULL, TRUE or DISTINCT.
fn placeholder_follows(rest: &str) -> bool {
    let mut rest = rest.trim_start();
    if rest.to_ascii_uppercase().starts_with("NOT") && rest[3..].starts_with(char::is_whitespace) {
        rest = rest[3..].trim_start();
    }
    rest.starts_with(['?', ':', '@', '$'])
}

/// Whether a `+` after `before` is unary: it follows an operator, a bracket or a keyword.
fn unary(before: &str) -> bool {
    let t = before.trim_end();
    match t.chars().last() {
        None => true,
        Some(c) if "(,=<>".contains(c) => true,
        Some(c) if c.is_ascii_alphabetic() => {
            let word: String =
                t.chars().rev().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            let word: String = word.chars().rev().collect::<String>().to_ascii_uppercase();
            matches!(
                word.as_str(),
                "WHERE" | "AND" | "OR" | "ON" | "NOT" | "BY" | "SELECT" | "WHEN" | "THEN" | "ELSE"
            )
        }
        Some(_) => false,
    }
}

/// PostgreSQL 15 wants a name for every subquery in FROM or JOIN, which SQLite does without: one
/// without is named `subquery_N`.
fn alias_subqueries(sql: &str) -> String {
    const AFTER: &[&str] = &[
        "WHERE",
        "GROUP",
        "ORDER",
        "LIMIT",
        "UNION",
        "JOIN",
        "LEFT",
        "INNER",
        "CROSS",
        "HAVING",
        "WINDOW",
        "EXCEPT",
        "INTERSECT",
        "OFFSET",
        "ON",
    ];
    let b = sql.as_bytes();
    let upper = sql.to_ascii_uppercase();
    let mut inserts = Vec::new();
    for (i, c) in unquoted(b, 0) {
        // Sliced only at a bracket: an ASCII byte, so a character boundary.
        if c != b'(' {
            continue;
        }
        let before = upper[..i].trim_end();
        let after = upper[i + 1..].trim_start();
        let opens_subquery = (before.ends_with("FROM") || before.ends_with("JOIN"))
            && (after.starts_with("SELECT") || after.starts_with("WITH"));
        if !opens_subquery {
            continue;
        }
        let end = matching(b, i);
        let next = upper[end..].trim_start();
        let word: String = next.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if next.is_empty() || next.starts_with([')', ',', ';']) || AFTER.contains(&word.as_str()) {
            inserts.push(end);
        }
    }
    let mut out = String::with_capacity(sql.len() + inserts.len() * 16);
    let mut last = 0;
    for (n, at) in inserts.into_iter().enumerate() {
        out.push_str(&sql[last..at]);
        out.push_str(&format!(" AS subquery_{}", n + 1));
        last = at;
    }
    out.push_str(&sql[last..]);
    out
}

/// Just after the bracket that closes the one opening at `i`.
fn matching(b: &[u8], i: usize) -> usize {
    let mut depth = 0;
    for (j, c) in unquoted(b, i) {
        match c {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            _ => {}
        }
    }
    b.len()
}

/// The bytes of `b` from `from` on that lie outside quoted literals and names and `--` comments,
/// with where they are.
fn unquoted(b: &[u8], from: usize) -> impl Iterator<Item = (usize, u8)> + '_ {
    let mut i = from;
    std::iter::from_fn(move || {
        while i < b.len() {
            let c = b[i];
            if c == b'\'' || c == b'"' {
                i = closing(b, i, c);
                continue;
            }
            if c == b'-' && b.get(i + 1) == Some(&b'-') {
                // To the end of the line: a comment's quotes and semicolons are only words.
                i = b[i..].iter().position(|&n| n == b'\n').map_or(b.len(), |n| i + n);
                continue;
            }
            i += 1;
            return Some((i - 1, c));
        }
        None
    })
}

/// The statements of a text, split at the semicolons outside quotes; empty ones left out.
fn statements(sql: &str) -> Vec<&str> {
    let (mut out, mut start) = (Vec::new(), 0);
    for (i, c) in unquoted(sql.as_bytes(), 0) {
        if c == b';' {
            out.push(&sql[start..i]);
            start = i + 1;
        }
    }
    out.push(&sql[start..]);
    out.into_iter().filter(|s| !s.trim().is_empty()).collect()
}

/// Where a quoted literal or name that opens at `i` ends (after its closing quote).
fn closing(b: &[u8], i: usize, quote: u8) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        if b[j] == quote {
            if b.get(j + 1) == Some(&quote) {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    b.len()
}

/// Whether the call that follows (`(a, b)`) has two or more arguments at its top level.
fn two_arguments(rest: &str) -> bool {
    let rest = rest.trim_start();
    if !rest.starts_with('(') {
        return false;
    }
    let mut depth = 0;
    for (_, c) in unquoted(rest.as_bytes(), 0) {
        match c {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return false;
                }
            }
            b',' if depth == 1 => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::translate;

    #[test]
    fn a_server_on_another_machine_in_the_clear_is_refused_before_any_connection() {
        let e = super::PgConn::connect("postgresql://staff@db.example.com/flywheel?sslmode=disable")
            .err()
            .unwrap();
        assert!(e.to_string().contains("another machine") && e.to_string().contains("db.example.com"), "{e}");
        let e =
            super::PgConn::connect("host=10.0.0.5 user=staff dbname=flywheel sslmode=prefer").err().unwrap();
        assert!(e.to_string().contains("another machine") && e.to_string().contains("10.0.0.5"), "{e}");
    }

    #[test]
    fn text_beyond_ascii_outside_quotes_is_kept_whole() {
        let t = translate("SELECT 'é' AS x FROM (SELECT 1 AS é) WHERE é = 1 -- café\n");
        assert_eq!(t.sql, "SELECT 'é' AS x FROM (SELECT 1 AS é) AS subquery_1 WHERE é = 1");
    }

    #[test]
    fn a_batch_is_split_at_semicolons_outside_comments_too() {
        let batch = "INSERT INTO t (a) VALUES (1), -- Ann's; one\n (2);\nSELECT ';' -- (end;\n";
        let parts: Vec<String> = super::statements(batch).iter().map(|s| translate(s).sql).collect();
        assert_eq!(parts, ["INSERT INTO t (a) VALUES (1), \n (2)", "\nSELECT ';'"]);
    }

    #[test]
    fn placeholders_and_words_become_postgres() {
        let t = translate(
            "SELECT ifnull(max(a, b), 0) FROM t WHERE x LIKE :x AND y = :y AND z = :y AND s = 'it''s ?'",
        );
        assert_eq!(t.sql, "SELECT coalesce(GREATEST(a, b), 0) FROM t WHERE x ILIKE $1 AND y = $2 AND z = $2 AND s = 'it''s ?'");
        assert_eq!(t.names, vec!["x".to_owned(), "y".to_owned()]);
        assert_eq!(translate("SELECT ?2, ?1, ?2").sql, "SELECT $2, $1, $2");
        let t = translate("INSERT OR IGNORE INTO tags (a) VALUES (?, ?)");
        assert_eq!(t.sql, "INSERT INTO tags (a) VALUES ($1, $2) ON CONFLICT DO NOTHING");
        let t = translate("INSERT INTO contacts (a) VALUES (?1);");
        assert_eq!(t.sql, "INSERT INTO contacts (a) VALUES ($1) RETURNING id");
        assert!(t.returns_id);
        let t = translate("SELECT max(x) FROM purchases INDEXED BY purchases_day WHERE a::text = '1'");
        assert_eq!(t.sql, "SELECT max(x) FROM purchases  WHERE a::text = '1'");
        let t = translate("SELECT 1 FROM t WHERE a IS NOT ?1 AND b IS :b AND c IS NOT NULL AND d IS NULL");
        assert_eq!(t.sql, "SELECT 1 FROM t WHERE a IS DISTINCT FROM $1 AND b IS NOT DISTINCT FROM $1 AND c IS NOT NULL AND d IS NULL");
        let t = translate("SELECT 1 FROM t WHERE (?1 IS NULL OR m >= ?1) AND (:to IS NOT NULL)");
        assert_eq!(
            t.sql,
            "SELECT 1 FROM t WHERE (CAST($1 AS TEXT) IS NULL OR m >= $1) AND (CAST($1 AS TEXT) IS NOT NULL)"
        );
        let t =
            translate("SELECT CAST(value AS INTEGER) FROM json_each(?1) WHERE +c.stage = 'x' AND a + b > 1");
        assert_eq!(
            t.sql,
            "SELECT CAST(value AS BIGINT) FROM json_values($1) WHERE c.stage = 'x' AND a + b > 1"
        );
    }
}
