//! Reading a CSV file as it comes: the encoding (UTF-8 with or without BOM, else Windows-1252) and
//! the delimiter are sniffed from the first bytes, then records stream through a small buffer, so
//! memory stays flat however large the file. The same pass hashes the file (to recognise a
//! re-import) and counts bytes (for progress).

use crate::error::{Error, Result};
use crate::text_enum;
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::rc::Rc;

text_enum! {
    pub enum TextEncoding {
        Utf8 => "utf-8",
        Utf8Bom => "utf-8-bom",
        Windows1252 => "windows-1252",
    }
}

text_enum! {
    pub enum CsvDelimiter {
        Comma => "comma",
        Semicolon => "semicolon",
        Tab => "tab",
    }
}

pub type Delimiter = CsvDelimiter;

impl Delimiter {
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }
}

/// How much of the file the sniffing looks at.
const HEAD_BYTES: usize = 64 * 1024;

/// What the first bytes say about the file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sniffed {
    pub encoding: TextEncoding,
    pub delimiter: Delimiter,
}

/// Decides encoding and delimiter from the start of a file, or says why it is not a CSV file.
pub fn sniff(head: &[u8]) -> Result<Sniffed> {
    let not_csv = |why: &str| Error::invalid("file", why.to_owned());
    if head.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(not_csv("The file is empty."));
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(not_csv(
            "The file is in UTF-16, which Flywheel does not read; save it as \"CSV UTF-8\" and try again.",
        ));
    }
    // Text files have no NUL bytes and hardly any other control characters.
    let control = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')).count();
    if head.contains(&0) || control * 100 > head.len() {
        return Err(not_csv("This is not a text file (it holds binary data), so it cannot be a CSV file."));
    }
    let encoding = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        TextEncoding::Utf8Bom
    } else {
        match std::str::from_utf8(head) {
            Ok(_) => TextEncoding::Utf8,
            // Cut in the middle of a character at the end of the sample: still UTF-8.
            Err(e) if e.error_len().is_none() => TextEncoding::Utf8,
            Err(_) => TextEncoding::Windows1252,
        }
    };
    Ok(Sniffed { encoding, delimiter: delimiter_of(head) })
}

/// The delimiter that occurs most often in the header line, outside quotes; comma on a tie.
fn delimiter_of(head: &[u8]) -> Delimiter {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let all = [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab];
    let best = (0..3).max_by_key(|&i| (counts[i], std::cmp::Reverse(i))).unwrap_or(0);
    if counts[best] == 0 {
        Delimiter::Comma
    } else {
        all[best]
    }
}

/// What the byte stream saw, shared with the reader that owns it.
#[derive(Default)]
struct Tally {
    hasher: Sha256,
    bytes: u64,
    quotes: u64,
    last_byte: Option<u8>,
}

/// Passes bytes through while hashing and counting them.
struct Tallying {
    file: File,
    tally: Rc<RefCell<Tally>>,
}

impl Read for Tallying {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        let mut t = self.tally.borrow_mut();
        t.hasher.update(&buf[..n]);
        t.bytes += n as u64;
        t.quotes += buf[..n].iter().filter(|&&b| b == b'"').count() as u64;
        if n > 0 {
            t.last_byte = Some(buf[n - 1]);
        }
        Ok(n)
    }
}

/// Decodes Windows-1252 to UTF-8 chunk by chunk.
struct Decoding<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    chunk: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.out.len() {
            if self.done {
                return Ok(0);
            }
            let n = self.inner.read(&mut self.chunk)?;
            let last = n == 0;
            // Every Windows-1252 byte is one character of at most three UTF-8 bytes.
            self.out.resize(n * 3 + 16, 0);
            let (_, _, written, _) = self.decoder.decode_to_utf8(&self.chunk[..n], &mut self.out, last);
            self.out.truncate(written);
            self.pos = 0;
            self.done = last;
        }
        let k = buf.len().min(self.out.len() - self.pos);
        buf[..k].copy_from_slice(&self.out[self.pos..self.pos + k]);
        self.pos += k;
        Ok(k)
    }
}

enum Source {
    Plain(Tallying),
    Decoded(Decoding<Tallying>),
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::Plain(r) => r.read(buf),
            Source::Decoded(r) => r.read(buf),
        }
    }
}

/// An open CSV file: its header and a stream of records numbered as a spreadsheet numbers rows
/// (the header is row 1).
pub struct CsvFile {
    pub sniffed: Sniffed,
    pub headers: Vec<String>,
    pub total_bytes: u64,
    reader: csv::Reader<Source>,
    tally: Rc<RefCell<Tally>>,
    record: csv::ByteRecord,
    row: u64,
    last_had_newline: bool,
    last_len: usize,
}

/// One record: its row number and its cells, or why the row cannot be read.
pub struct Row<'a> {
    pub number: u64,
    pub cells: std::result::Result<Vec<&'a str>, String>,
}

pub fn open(path: &Path) -> Result<CsvFile> {
    let mut file =
        File::open(path).map_err(|e| Error::invalid("file", format!("Could not open the file: {e}")))?;
    let total_bytes = file.metadata()?.len();
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut file).take(HEAD_BYTES as u64).read_to_end(&mut head)?;
    let sniffed = sniff(&head)?;
    let file = File::open(path)?;
    let tally = Rc::new(RefCell::new(Tally::default()));
    let tallying = Tallying { file, tally: Rc::clone(&tally) };
    let source = match sniffed.encoding {
        TextEncoding::Windows1252 => Source::Decoded(Decoding {
            inner: tallying,
            decoder: encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling(),
            chunk: vec![0; 64 * 1024],
            out: Vec::new(),
            pos: 0,
            done: false,
        }),
        // The csv reader drops a UTF-8 byte-order mark itself.
        TextEncoding::Utf8 | TextEncoding::Utf8Bom => Source::Plain(tallying),
    };
    let reader = csv::ReaderBuilder::new()
        .delimiter(sniffed.delimiter.byte())
        .has_headers(false)
        .flexible(true)
        .from_reader(source);
    let mut f = CsvFile {
        sniffed,
        headers: Vec::new(),
        total_bytes,
        reader,
        tally,
        record: csv::ByteRecord::new(),
        row: 0,
        last_had_newline: false,
        last_len: 0,
    };
    let headers = match f.next_row()? {
        Some(Row { cells: Ok(cells), .. }) => cells.iter().map(|c| c.trim().to_owned()).collect::<Vec<_>>(),
        Some(Row { cells: Err(why), .. }) => {
            return Err(Error::invalid("file", format!("The header row {why}")))
        }
        None => return Err(Error::invalid("file", "The file is empty.")),
    };
    if headers.iter().all(String::is_empty) {
        return Err(Error::invalid("file", "The first row is blank; it should name the columns."));
    }
    f.headers = headers;
    Ok(f)
}

impl CsvFile {
    /// The next record, skipping blank lines; `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>> {
        loop {
            let more = self.reader.read_byte_record(&mut self.record).map_err(|e| {
                Error::invalid("file", format!("The file could not be read after row {}: {e}", self.row))
            })?;
            if !more {
                return Ok(None);
            }
            self.row += 1;
            let blank = self.record.iter().all(|c| c.iter().all(u8::is_ascii_whitespace));
            if blank {
                continue;
            }
            self.last_had_newline = self.record.iter().any(|c| c.contains(&b'\n'));
            self.last_len = self.record.len();
            let cells = self
                .record
                .iter()
                .map(std::str::from_utf8)
                .collect::<std::result::Result<Vec<&str>, _>>()
                .map_err(|_| {
                    "is not valid UTF-8 text (the file seems to change encoding part-way).".to_owned()
                });
            return Ok(Some(Row { number: self.row, cells }));
        }
    }

    /// Bytes read so far, for progress.
    pub fn bytes_read(&self) -> u64 {
        self.tally.borrow().bytes
    }

    /// Called at the end of the file: a file whose quotes do not pair up and whose last record ran
    /// across lines ended inside a quoted cell, so everything after the stray quote was swallowed.
    pub fn check_balanced(&self) -> Result<()> {
        if self.tally.borrow().quotes % 2 == 1 && self.last_had_newline {
            return Err(Error::invalid(
                "file",
                format!(
                    "A quote (\") opened in row {} is never closed, so the rest of the file ran into one \
                     cell. Fix the quotes (a quote inside a quoted cell is written twice) and try again.",
                    self.row
                ),
            ));
        }
        Ok(())
    }

    /// Called at the end of the file: a last row with fewer cells than the header and no line end
    /// after it is a file cut short (a download or a copy that stopped).
    pub fn check_complete(&self, width: usize) -> Result<()> {
        let ended = matches!(self.tally.borrow().last_byte, Some(b'\n' | b'\r'));
        if !ended && self.row > 1 && self.last_len < width {
            return Err(Error::invalid(
                "file",
                format!(
                    "The file stops in the middle of row {} ({} of {width} cells): it seems cut short. Export it \
                     again; nothing was imported.",
                    self.row, self.last_len
                ),
            ));
        }
        Ok(())
    }

    /// The SHA-256 of every byte read, in hex; complete once the last row has been read.
    pub fn hash(&self) -> String {
        let digest = self.tally.borrow().hasher.clone().finalize();
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_with(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        f
    }

    fn rows(bytes: &[u8]) -> (CsvFile, Vec<Vec<String>>) {
        let f = file_with(bytes);
        let mut csv = open(f.path()).unwrap();
        let mut out = Vec::new();
        while let Some(r) = csv.next_row().unwrap() {
            out.push(r.cells.unwrap().iter().map(|c| c.to_string()).collect());
        }
        (csv, out)
    }

    #[test]
    fn delimiters_are_counted_outside_quotes() {
        assert_eq!(delimiter_of(b"a,b,c\n1;2;3"), Delimiter::Comma);
        assert_eq!(delimiter_of(b"\"a,b\";c;d\n"), Delimiter::Semicolon);
        assert_eq!(delimiter_of(b"a\tb\tc\n"), Delimiter::Tab);
        assert_eq!(delimiter_of(b"email\n"), Delimiter::Comma);
    }

    #[test]
    fn encodings_are_recognised() {
        assert_eq!(sniff(b"\xEF\xBB\xBFa,b\n").unwrap().encoding, TextEncoding::Utf8Bom);
        assert_eq!(sniff("Zoë,b\n".as_bytes()).unwrap().encoding, TextEncoding::Utf8);
        assert_eq!(sniff(b"Zo\xEB,b\n").unwrap().encoding, TextEncoding::Windows1252);
        // A sample cut inside a two-byte character is still UTF-8.
        assert_eq!(sniff(&"a,Zoë".as_bytes()[..5]).unwrap().encoding, TextEncoding::Utf8);
        for bad in [&b""[..], b"  \n", b"\xFF\xFEa\0b\0", b"PK\x03\x04\0\0\x14\0"] {
            assert_eq!(sniff(bad).unwrap_err().field.as_deref(), Some("file"));
        }
    }

    #[test]
    fn windows_1252_is_decoded_and_bom_dropped() {
        let (csv, r) = rows(b"Name;City\nZo\xEB;K\xF6ln\n");
        assert_eq!(csv.headers, vec!["Name", "City"]);
        assert_eq!(r, vec![vec!["Zoë", "Köln"]]);
        let (csv, _) = rows(b"\xEF\xBB\xBFEmail,Name\n");
        assert_eq!(csv.headers, vec!["Email", "Name"]);
    }

    #[test]
    fn quoted_cells_keep_newlines_and_rows_count_records() {
        let (mut csv, r) = rows(b"a,b\n\"line 1\nline 2\",\"say \"\"hi\"\"\"\n\n3,4\n");
        assert_eq!(r, vec![vec!["line 1\nline 2", "say \"hi\""], vec!["3", "4"]]);
        assert!(csv.check_balanced().is_ok());
        assert!(csv.next_row().unwrap().is_none());
        assert_eq!(csv.hash().len(), 64);
    }

    #[test]
    fn an_unclosed_quote_is_reported() {
        let (csv, _) = rows(b"a,b\n1,\"open\n2,3\n4,5\n");
        let e = csv.check_balanced().unwrap_err();
        assert!(e.message.contains("never closed"), "{}", e.message);
    }
}
