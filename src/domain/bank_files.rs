//! The files that go to and come from the bank and the acquirer, read and
//! written without touching the store. Bad lines are reported all at once, each
//! with its line number.

use super::money::Fen;
pub use super::problem::LineError;
use super::problem::Problem;
use chrono::NaiveDate;
use serde::Serialize;

/// A cell Excel will not run as a formula: a leading `= + - @` (or tab/CR) gets a quote.
pub fn excel_text(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// A long number Excel must keep as text (a card number would lose digits as a number).
pub fn excel_digits(digits: &str) -> String {
    debug_assert!(digits.chars().all(|c| c.is_ascii_digit()));
    format!("=\"{digits}\"")
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(strip_bom(bytes))
}

fn header_index(headers: &csv::StringRecord, names: &[&[&str]]) -> Result<Vec<usize>, Problem> {
    let lower: Vec<String> = headers.iter().map(|h| h.trim().to_lowercase()).collect();
    names
        .iter()
        .map(|alts| {
            lower
                .iter()
                .position(|h| alts.contains(&h.as_str()))
                .ok_or_else(|| {
                    Problem::new(
                        "import.column",
                        format!("the header has no {} column", alts[0]),
                    )
                    .with("column", alts[0])
                })
        })
        .collect()
}

/// The batch reference and refund references in a batch file posdesk wrote
/// (first two columns); `None` when it is not one.
pub fn read_batch_refs(bytes: &[u8]) -> Option<(String, Vec<String>)> {
    let mut batch: Option<String> = None;
    let mut refs = Vec::new();
    for record in reader(bytes).records() {
        let record = record.ok()?;
        let (b, r) = (record.get(0)?, record.get(1)?);
        if batch.get_or_insert_with(|| b.to_string()) != b {
            return None;
        }
        refs.push(r.to_string());
    }
    Some((batch?, refs))
}

/// An amount cell that does not read, with why (in the clerk's language too).
fn amount_problem(cell: &str, why: &Problem) -> Problem {
    Problem::new("import.amount", format!("amount {cell:?}: {}", why.message))
        .with("value", cell)
        .with_key("why", format!("problem.{}", why.code))
}

// ---- settlement results from the bank ------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettlementLine {
    pub line: usize,
    pub refund_ref: String,
    pub success: bool,
    pub bank_ref: String,
    pub amount: Fen,
    pub reason: Option<String>,
}

pub const SETTLEMENT_HEADER: &str = "refund_ref,result,bank_ref,amount,reason";

/// The line a record starts on in the file. The reader skips blank lines
/// and places a record where its search began, before them; counting records
/// instead would put every fault after a blank line on the wrong line.
fn line_of(bytes: &[u8], rec: &Result<csv::StringRecord, csv::Error>, last: usize) -> usize {
    let at = match rec {
        Ok(r) => r.position(),
        Err(e) => e.position(),
    };
    let Some(at) = at else {
        return last + 1;
    };
    let text = strip_bom(bytes);
    let start = usize::try_from(at.byte())
        .unwrap_or(usize::MAX)
        .min(text.len());
    let blank = text[start..]
        .iter()
        .take_while(|b| matches!(b, b'\n' | b'\r'))
        .filter(|b| **b == b'\n')
        .count();
    usize::try_from(at.line()).unwrap_or(last) + blank
}

pub fn read_settlement(bytes: &[u8]) -> Result<Vec<SettlementLine>, Vec<LineError>> {
    let (lines, errors) = scan_settlement(bytes);
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

/// Every readable line and every fault, so a caller can add its own faults and
/// report them all at once.
pub fn scan_settlement(bytes: &[u8]) -> (Vec<SettlementLine>, Vec<LineError>) {
    let mut rdr = reader(bytes);
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return (
                Vec::new(),
                vec![LineError::new(
                    1,
                    Problem::new("import.header", format!("unreadable header: {e}"))
                        .with("error", &e),
                )],
            )
        }
    };
    let idx = match header_index(
        &headers,
        &[
            &["refund_ref", "退款编号"],
            &["result", "结果"],
            &["bank_ref", "银行流水号"],
            &["amount", "金额"],
            &["reason", "原因"],
        ],
    ) {
        Ok(i) => i,
        Err(m) => return (Vec::new(), vec![LineError::new(1, m)]),
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut last = 1;
    for rec in rdr.records() {
        let line = line_of(bytes, &rec, last);
        last = line;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(LineError::new(
                    line,
                    Problem::new("import.unreadable", format!("unreadable: {e}")).with("error", &e),
                ));
                continue;
            }
        };
        if rec.iter().all(|c| c.is_empty()) {
            continue;
        }
        let cell = |k: usize| rec.get(idx[k]).unwrap_or("").trim().to_string();
        let mut bad = |p: Problem| errors.push(LineError::new(line, p));
        let refund_ref = cell(0).to_ascii_uppercase();
        if refund_ref.is_empty() {
            bad(Problem::new("import.no_refund_ref", "no refund reference"));
            continue;
        }
        let success = match cell(1).to_lowercase().as_str() {
            "success" | "ok" | "成功" => true,
            "failed" | "failure" | "fail" | "失败" => false,
            other => {
                bad(Problem::new(
                    "import.result",
                    format!("result {other:?} is neither success nor failed"),
                )
                .with("value", other));
                continue;
            }
        };
        let amount = match Fen::parse(&cell(3)) {
            Ok(a) => a,
            Err(p) => {
                bad(amount_problem(&cell(3), &p));
                continue;
            }
        };
        let bank_ref = cell(2);
        if success && bank_ref.is_empty() {
            bad(Problem::new(
                "import.no_bank_ref",
                "a successful refund needs the bank's reference",
            ));
            continue;
        }
        let reason = Some(cell(4)).filter(|r| !r.is_empty());
        if !success && reason.is_none() {
            bad(Problem::new(
                "import.no_reason",
                "a failed refund needs the bank's reason",
            ));
            continue;
        }
        out.push(SettlementLine {
            line,
            refund_ref,
            success,
            bank_ref,
            amount,
            reason,
        });
    }
    for (i, a) in out.iter().enumerate() {
        if let Some(b) = out[..i].iter().find(|b| b.refund_ref == a.refund_ref) {
            errors.push(LineError::new(
                a.line,
                Problem::new(
                    "import.duplicate",
                    format!("{} is also on line {}", a.refund_ref, b.line),
                )
                .with("reference", &a.refund_ref)
                .with("other", b.line),
            ));
        }
    }
    if out.is_empty() && errors.is_empty() {
        errors.push(LineError::new(
            1,
            Problem::new("import.no_lines", "the file has no result lines"),
        ));
    }
    errors.sort_by_key(|e| e.line);
    (out, errors)
}

// ---- card volumes from the acquirer ---------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VolumeLine {
    pub line: usize,
    pub serial: String,
    pub day: NaiveDate,
    pub amount: Fen,
}

pub fn read_volumes(bytes: &[u8]) -> Result<Vec<VolumeLine>, Vec<LineError>> {
    let (lines, errors) = scan_volumes(bytes);
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

pub fn scan_volumes(bytes: &[u8]) -> (Vec<VolumeLine>, Vec<LineError>) {
    let mut rdr = reader(bytes);
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return (
                Vec::new(),
                vec![LineError::new(
                    1,
                    Problem::new("import.header", format!("unreadable header: {e}"))
                        .with("error", &e),
                )],
            )
        }
    };
    let idx = match header_index(
        &headers,
        &[
            &["serial", "机身号", "sn"],
            &["date", "日期"],
            &["amount", "金额"],
        ],
    ) {
        Ok(i) => i,
        Err(m) => return (Vec::new(), vec![LineError::new(1, m)]),
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut last = 1;
    for rec in rdr.records() {
        let line = line_of(bytes, &rec, last);
        last = line;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(LineError::new(
                    line,
                    Problem::new("import.unreadable", format!("unreadable: {e}")).with("error", &e),
                ));
                continue;
            }
        };
        if rec.iter().all(|c| c.is_empty()) {
            continue;
        }
        let cell = |k: usize| rec.get(idx[k]).unwrap_or("").trim().to_string();
        let serial = cell(0).to_ascii_uppercase();
        let day = NaiveDate::parse_from_str(&cell(1), "%Y-%m-%d");
        let amount = Fen::parse(&cell(2));
        match (serial.is_empty(), day, amount) {
            (true, _, _) => errors.push(LineError::new(
                line,
                Problem::new("import.no_serial", "no serial number"),
            )),
            (_, Err(_), _) => errors.push(LineError::new(
                line,
                Problem::new(
                    "import.date",
                    format!("date {:?} is not YYYY-MM-DD", cell(1)),
                )
                .with("value", cell(1)),
            )),
            (_, _, Err(p)) => errors.push(LineError::new(line, amount_problem(&cell(2), &p))),
            (false, Ok(day), Ok(amount)) => out.push(VolumeLine {
                line,
                serial,
                day,
                amount,
            }),
        }
    }
    if out.is_empty() && errors.is_empty() {
        errors.push(LineError::new(
            1,
            Problem::new("import.no_lines", "the file has no volume lines"),
        ));
    }
    (out, errors)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(excel_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        for c in ["+1", "-1", "@SUM(A1)", "\tx"] {
            assert!(excel_text(c).starts_with('\''), "{c}");
        }
        assert_eq!(excel_text("张伟"), "张伟");
        assert_eq!(
            excel_digits("6222020000040001232"),
            "=\"6222020000040001232\""
        );
    }

    #[test]
    fn settlement_lines_with_every_kind_of_fault() {
        let file = "\u{feff}refund_ref,result,bank_ref,amount,reason\n\
                    RF00000001,success,B1,299.00,\n\
                    RF00000002,失败,,99,账户冻结\n\
                    RF00000003,maybe,B3,1,\n\
                    RF00000004,success,,1,\n\
                    RF00000005,failed,,1,\n\
                    RF00000006,success,B6,1.999,\n\
                    RF00000001,success,B1,299.00,\n\
                    ,success,B8,1,\n";
        let errs = read_settlement(file.as_bytes()).unwrap_err();
        let lines: Vec<usize> = errs.iter().map(|e| e.line).collect();
        assert_eq!(lines, [4, 5, 6, 7, 8, 9]);
        let ok = read_settlement(b"refund_ref,result,bank_ref,amount,reason\nrf00000001,success,B1,299.00,\nRF00000002,failed,,99,frozen\n").unwrap();
        assert_eq!(ok[0].refund_ref, "RF00000001");
        assert_eq!(ok[1].reason.as_deref(), Some("frozen"));
        assert!(read_settlement(b"ref,ok\n1,2\n").is_err());
        assert!(read_settlement(b"refund_ref,result,bank_ref,amount,reason\n").is_err());
    }

    #[test]
    fn volume_lines() {
        let v = read_volumes(b"serial,date,amount\nlda80000001000,2026-03-02,1200.50\n\n").unwrap();
        assert_eq!(v[0].serial, "LDA80000001000");
        assert_eq!(v[0].amount, Fen(120_050));
        let e =
            read_volumes(b"serial,date,amount\nX,2026-13-01,1\n,2026-01-01,1\nY,2026-01-01,-5\n")
                .unwrap_err();
        assert_eq!(e.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 3, 4]);
    }

    /// Found by the settlement_fields fuzz target: blank lines shifted the count.
    #[test]
    fn a_fault_after_blank_lines_is_on_its_own_line() {
        let file = "refund_ref,result,bank_ref,amount,reason\n\nRF00000001,maybe,B1,1,\n\n\nRF00000002,success,B2,\"1\n0\",\nRF00000003,success,,1,\n";
        let errs = read_settlement(file.as_bytes()).unwrap_err();
        assert_eq!(errs.iter().map(|e| e.line).collect::<Vec<_>>(), [3, 6, 8]);
        let e = read_volumes(b"serial,date,amount\n\n\nX,2026-13-01,1\n").unwrap_err();
        assert_eq!(e.iter().map(|e| e.line).collect::<Vec<_>>(), [4]);
    }

    proptest::proptest! {
        #[test]
        fn reading_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let _ = read_settlement(&bytes);
            let _ = read_volumes(&bytes);
        }
    }
}
