//! What character data and attribute values mean in XML 1.0: references resolved (the five
//! predefined entities and character references — any other entity is an error, since no DTD is
//! ever read), line ends normalised (`\r\n` and a lone `\r` become `\n`), and, in attribute
//! values, each whitespace character turned into a space (attribute-value normalisation).
//!
//! Values without `&` or line-end characters — nearly all of them — are handed back as they
//! are, without a copy.

use std::borrow::Cow;

/// Appends the characters that `raw` (character data as written) stands for to `out`.
pub fn append_text(raw: &str, out: &mut String) -> Result<(), String> {
    if memchr::memchr2(b'&', b'\r', raw.as_bytes()).is_none() {
        out.push_str(raw);
        return Ok(());
    }
    decode(raw, out, false)
}

/// Appends the content of a CDATA section (`raw`, as written) to `out`: no references, only
/// line ends normalised.
pub fn append_cdata(raw: &str, out: &mut String) {
    let mut rest = raw;
    while let Some(at) = memchr::memchr(b'\r', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        out.push('\n');
        let skip = if rest.as_bytes().get(at + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        rest = &rest[at + skip..];
    }
    out.push_str(rest);
}

/// The value that `raw` (an attribute value between its quotes) stands for.
pub fn attribute_value(raw: &str) -> Result<Cow<'_, str>, String> {
    let needs_work = raw
        .bytes()
        .any(|byte| matches!(byte, b'&' | b'\t' | b'\n' | b'\r'));
    if !needs_work {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    decode(raw, &mut out, true)?;
    Ok(Cow::Owned(out))
}

/// The slow path of both: walks `raw`, resolving references and normalising line ends (and,
/// for attribute values, whitespace).
fn decode(raw: &str, out: &mut String, attribute: bool) -> Result<(), String> {
    let bytes = raw.as_bytes();
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        let replacement_len = match byte {
            b'&' => {
                out.push_str(&raw[copied..at]);
                let Some(len) = memchr::memchr(b';', &bytes[at..]) else {
                    return Err(format!(
                        "unterminated reference `{}` (no `;`)",
                        shown(&raw[at..])
                    ));
                };
                resolve_reference(&raw[at + 1..at + len], out)?;
                len + 1
            }
            b'\r' => {
                out.push_str(&raw[copied..at]);
                out.push(if attribute { ' ' } else { '\n' });
                if bytes.get(at + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                }
            }
            b'\t' | b'\n' if attribute => {
                out.push_str(&raw[copied..at]);
                out.push(' ');
                1
            }
            _ => {
                at += 1;
                continue;
            }
        };
        at += replacement_len;
        copied = at;
    }
    out.push_str(&raw[copied..]);
    Ok(())
}

/// Appends what the reference `&name;` stands for.
fn resolve_reference(name: &str, out: &mut String) -> Result<(), String> {
    let resolved = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => match name.strip_prefix('#') {
            Some(number) => character(number)?,
            None => {
                return Err(format!(
                    "unknown entity &{}; (no DTD entities are honoured)",
                    shown(name)
                ))
            }
        },
    };
    out.push(resolved);
    Ok(())
}

/// The character of a character reference's number (`65` or `x41`).
fn character(number: &str) -> Result<char, String> {
    let (digits, radix) = match number.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    let code = if digits.starts_with(['+', '-']) {
        None
    } else {
        u32::from_str_radix(digits, radix).ok()
    };
    code.filter(|&code| code != 0)
        .and_then(char::from_u32)
        .ok_or_else(|| format!("invalid character reference &#{};", shown(number)))
}

/// At most 40 characters of `text`, for messages.
pub(crate) fn shown(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(raw: &str) -> Result<String, String> {
        let mut out = String::new();
        append_text(raw, &mut out).map(|()| out)
    }

    #[test]
    fn text_resolves_references_and_normalises_line_ends() {
        assert_eq!(text("plain").unwrap(), "plain");
        assert_eq!(
            text("a &lt;b&gt; &amp; &apos;c&quot; &#65;&#x42;&#x1F600;").unwrap(),
            "a <b> & 'c\" AB\u{1F600}"
        );
        assert_eq!(text("1\r\n2\r3\n").unwrap(), "1\n2\n3\n");
        assert_eq!(text("keeps\ttabs").unwrap(), "keeps\ttabs");
        let mut cdata = String::new();
        append_cdata("a &amp; <b>\r\nc\rd", &mut cdata);
        assert_eq!(cdata, "a &amp; <b>\nc\nd");
    }

    #[test]
    fn attribute_values_turn_whitespace_into_spaces() {
        assert!(matches!(
            attribute_value("plain"),
            Ok(Cow::Borrowed("plain"))
        ));
        assert_eq!(attribute_value("a\tb\nc\r\nd\re").unwrap(), "a b c d e");
        // A character reference to whitespace is kept as the character.
        assert_eq!(attribute_value("a&#10;b&amp;").unwrap(), "a\nb&");
    }

    #[test]
    fn bad_references_are_errors() {
        assert!(text("&nbsp;")
            .unwrap_err()
            .contains("unknown entity &nbsp;"));
        assert!(text("a & b")
            .unwrap_err()
            .contains("unterminated reference"));
        for bad in [
            "&#0;",
            "&#xD800;",
            "&#x110000;",
            "&#-1;",
            "&#+1;",
            "&#;",
            "&#xZZ;",
        ] {
            assert!(
                text(bad)
                    .unwrap_err()
                    .contains("invalid character reference"),
                "{bad}"
            );
        }
        assert!(attribute_value("&foo;").is_err());
    }
}
