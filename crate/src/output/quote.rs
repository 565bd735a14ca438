//! One quoting function per language the studio writes values into: every
//! password, name, folder, hub and scope that reaches a script, a YAML file or a source
//! file passes the one for its language, so the value comes back exactly
//! when the file is run or compiled, and never runs as code.
//!
//! Windows `cmd` has no escape inside double quotes for `"` and `%` (nor `!`
//! under delayed expansion), and no way to put a line break in a `set`: such a
//! value is refused ([`Unquotable`]) and the caller names the field and file.

/// A value that a language can't hold safely, and the character that shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unquotable {
    pub character: char,
}

impl Unquotable {
    /// `'%'`, or a control character as `U+000A`.
    pub fn shown(&self) -> String {
        if self.character.is_control() { format!("U+{:04X}", u32::from(self.character)) } else { format!("'{}'", self.character) }
    }
}

/// A C string literal. Control characters, `?` (trigraphs) and every
/// non-ASCII byte are written as three-digit octal escapes, which end where
/// they should (a `\x` escape would swallow the digits after it).
pub fn c_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for byte in text.bytes() {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'?' => out.push_str("\\?"),
            0x20..=0x7e => out.push(char::from(byte)),
            _ => out.push_str(&format!("\\{byte:03o}")),
        }
    }
    out.push('"');
    out
}

/// A Java string literal. Control characters are octal escapes: a `\u000a`
/// would become a real line break before javac reads the literal. Other
/// non-ASCII characters are `\uXXXX` (UTF-16), so the source file's encoding
/// does not matter.
pub fn java_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c if c.is_ascii_control() => out.push_str(&format!("\\{:03o}", u32::from(c))),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// PEM text as adjacent string literals, one per line, each line but the last
/// ending in `\n`; `joiner` goes between literals (`""` for C, `" +"` for
/// Java). What the compiler joins is the text without its last newline.
pub fn literal_lines(text: &str, literal: fn(&str) -> String, joiner: &str) -> String {
    let mut out = String::with_capacity(text.len() * 9 / 8 + 8);
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if lines.peek().is_some() {
            out.push_str(&literal(&format!("{line}\n")));
            out.push_str(joiner);
            out.push('\n');
        } else {
            out.push_str(&literal(line));
        }
    }
    out
}

/// A POSIX shell word: inside single quotes nothing is special but `'`.
pub fn sh(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A PowerShell single-quoted string: only the quote is special, doubled;
/// PowerShell takes the typographic single quotes as quotes too.
pub fn powershell(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// A TOML basic string.
pub fn toml(text: &str) -> String {
    json_like(text)
}

/// A JSON string.
pub fn json(text: &str) -> String {
    json_like(text)
}

/// A Python string literal: JSON's escapes (`\\`, `\"`, `\n`, `\uXXXX`) mean
/// the same in Python, and nothing inside double quotes is interpolated.
pub fn python(text: &str) -> String {
    json_like(text)
}

/// TOML basic strings and JSON strings escape alike: `\`, `"` and every
/// control character (DEL too, which TOML requires).
fn json_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A YAML double-quoted scalar (YAML 1.1 and 1.2 read it alike): `\\`, `"`,
/// every control character and everything YAML takes as a line break or
/// does not print (NEL, U+2028, U+2029, the BOM, U+FFFE/U+FFFF) escaped, so
/// the value comes back exactly and never ends the scalar or folds.
pub fn yaml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}') => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The characters `cmd` can't hold between double quotes.
fn cmd_safe(text: &str) -> Result<(), Unquotable> {
    match text.chars().find(|&c| matches!(c, '"' | '%' | '!') || c.is_control()) {
        Some(character) => Err(Unquotable { character }),
        None => Ok(()),
    }
}

/// `set "NAME=value"` for a Windows `cmd` file: inside the quotes `&`, `|`,
/// `<`, `>` and `^` are plain text.
pub fn cmd_set(name: &str, value: &str) -> Result<String, Unquotable> {
    cmd_safe(name)?;
    cmd_safe(value)?;
    Ok(format!("set \"{name}={value}\""))
}

/// A program's argument on a `cmd` line: `"value"`, as the C runtime splits
/// it (backslashes before the closing quote doubled, or they would escape it).
pub fn cmd_argument(value: &str) -> Result<String, Unquotable> {
    cmd_safe(value)?;
    let trailing = value.len() - value.trim_end_matches('\\').len();
    Ok(format!("\"{value}{}\"", "\\".repeat(trailing)))
}

/// Whether a value can go into a `cmd` file at all.
pub fn cmd_check(value: &str) -> Result<(), Unquotable> {
    cmd_safe(value)
}

/// What a spreadsheet reads as the start of a formula, and the guard itself.
const FORMULA_STARTS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\''];

/// One CSV cell (RFC 4180): quoted when it holds `,`, `"` or a line break,
/// quotes doubled. A cell that a spreadsheet would run as a formula (starting
/// `=`, `+`, `-`, `@`, tab or CR) is prefixed with `'` (and so is one
/// starting with `'`, so the prefix is never ambiguous); [`csv_unquoted`]
/// takes the prefix off again.
pub fn csv(text: &str) -> String {
    let guarded = if text.starts_with(FORMULA_STARTS) { format!("'{text}") } else { text.to_string() };
    if guarded.contains([',', '"', '\n', '\r']) { format!("\"{}\"", guarded.replace('"', "\"\"")) } else { guarded }
}

/// A CSV row of cells, ending in CRLF as RFC 4180 says.
pub fn csv_row<S: AsRef<str>>(cells: &[S]) -> String {
    let mut row = cells.iter().map(|c| csv(c.as_ref())).collect::<Vec<_>>().join(",");
    row.push_str("\r\n");
    row
}

/// The cells of one CSV line as [`csv_row`] writes them (a line holding a
/// quoted line break is not one of the studio's): quotes undone, the formula
/// guard taken off. `None` when a quote is left open.
pub fn csv_unquoted(line: &str) -> Option<Vec<String>> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => cells.push(std::mem::take(&mut cell)),
            (_, c) => cell.push(c),
        }
    }
    if quoted {
        return None;
    }
    cells.push(cell);
    Some(
        cells
            .into_iter()
            .map(|c| match c.strip_prefix('\'') {
                Some(rest) if rest.starts_with(FORMULA_STARTS) => rest.to_string(),
                _ => c,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_and_java_escape_what_would_end_or_bend_the_literal() {
        assert_eq!(c_string("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
        assert_eq!(c_string("??/"), r#""\?\?/""#);
        assert_eq!(c_string("é\r1"), r#""\303\251\0151""#);
        assert_eq!(java_string("a\"b\\c\nd\r"), r#""a\"b\\c\nd\015""#);
        assert_eq!(java_string("é😀"), r#""\u00e9\ud83d\ude00""#);
        assert_eq!(literal_lines("A\nB\nC\n", c_string, ""), "\"A\\n\"\n\"B\\n\"\n\"C\"");
    }

    #[test]
    fn shells_keep_the_value() {
        assert_eq!(sh("it's $(x)"), r"'it'\''s $(x)'");
        assert_eq!(powershell("it's ‘q’"), "'it''s ‘‘q’’'");
        assert_eq!(toml("a\"b\\\u{7f}"), r#""a\"b\\\u007f""#);
        assert_eq!(json("\u{1}\n"), r#""\u0001\n""#);
        assert_eq!(python("a'\"{x}\n"), r#""a'\"{x}\n""#);
    }

    #[test]
    fn yaml_escapes_what_would_end_or_fold_the_scalar() {
        assert_eq!(yaml("CN = a\"b\\c"), r#""CN = a\"b\\c""#);
        assert_eq!(yaml("a\nb\u{85}c\u{2028}d\u{7f}"), r#""a\nb\u0085c\u2028d\u007f""#);
        assert_eq!(yaml("&x *y %z: #w"), "\"&x *y %z: #w\"");
    }

    #[test]
    fn cmd_refuses_what_it_cannot_hold() {
        assert_eq!(cmd_set("X", "a&b|c^d").unwrap(), "set \"X=a&b|c^d\"");
        assert_eq!(cmd_argument(r"C:\certs\").unwrap(), r#""C:\certs\\""#);
        for bad in ["p\"a", "50%", "hi!", "a\nb"] {
            assert!(cmd_set("X", bad).is_err(), "{bad}");
            assert!(cmd_argument(bad).is_err(), "{bad}");
        }
        assert_eq!(cmd_check("a%b").unwrap_err().shown(), "'%'");
        assert_eq!(cmd_check("a\nb").unwrap_err().shown(), "U+000A");
    }

    #[test]
    fn csv_cells_round_trip_and_never_start_a_formula() {
        let cells = ["=cmd|' /C calc'!A0", "a,b", "say \"hi\"", "-dev", "plain", "@x", "'=y", ""];
        let row = csv_row(&cells);
        assert!(row.starts_with("'=cmd"), "{row}");
        assert!(row.ends_with("\r\n"));
        assert_eq!(csv_unquoted(row.trim_end()).unwrap(), cells);
        assert_eq!(csv_unquoted("\"open"), None);
    }
}
