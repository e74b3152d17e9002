//! The bank's settlement results: the settlement_fields target.

use super::*;

/// Each column the reader needs, by the names it knows it by.
const SETTLEMENT_COLUMNS: [[&str; 2]; 5] = [
    ["refund_ref", "退款编号"],
    ["result", "结果"],
    ["bank_ref", "银行流水号"],
    ["amount", "金额"],
    ["reason", "原因"],
];
/// Columns the reader doesn't use (none is a name it knows).
const EXTRA_COLUMNS: &[&str] = &["memo", "备注", "", "refund ref", "amount2"];
const RESULT_WORDS: &[&str] = &[
    "success", "SUCCESS", "Ok", "成功", "failed", "Failure", "FAIL", "失败",
];
const NOT_RESULTS: &[&str] = &["maybe", "", "succes", "ＯＫ", "done", "成 功"];
const REASONS: &[&str] = &["账户冻结", "account closed", "x", "closed,\nsee \"notes\""];

#[derive(Arbitrary, Clone, Copy, Debug)]
enum Quoting {
    Necessary,
    Always,
    NonNumeric,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Column {
    /// One of `SETTLEMENT_COLUMNS`.
    Needed(usize),
    Extra,
}

#[derive(Debug)]
struct SettlementRow {
    /// Blank lines written before it.
    blank_before: u8,
    /// Its cells, in the header's order; cut short or run long at times.
    cells: Vec<String>,
    /// The amount as drawn, for when its cell is there.
    amount: AmountText,
}

#[derive(Debug)]
struct SettlementFile {
    bom: bool,
    crlf: bool,
    quoting: Quoting,
    header: Vec<(Column, String)>,
    rows: Vec<SettlementRow>,
}

/// Where a row is: the line it starts on and its row in a spreadsheet
/// (the same unless a cell holds a line break). A clerk is told either.
#[derive(Clone, Copy, Debug)]
struct Place {
    line: usize,
    row: usize,
}

impl Place {
    const HEADER: Place = Place { line: 1, row: 1 };

    fn is(self, n: usize) -> bool {
        n == self.line || n == self.row
    }
}

/// A line the reader must accept: refund ref, success, bank ref, amount, reason.
type LineWant = (String, bool, String, Fen, Option<String>);

/// The lines the reader must accept and the faults it must report, with places.
type SettlementWant = (Vec<(Place, LineWant)>, Vec<(Place, &'static str)>);

fn result_word(cell: &str) -> Option<bool> {
    match cell.trim().to_lowercase().as_str() {
        "success" | "ok" | "成功" => Some(true),
        "failed" | "failure" | "fail" | "失败" => Some(false),
        _ => None,
    }
}

impl SettlementFile {
    fn draw(d: &mut Dice) -> Gen<SettlementFile> {
        let mut header = Vec::new();
        for (i, names) in SETTLEMENT_COLUMNS.iter().enumerate() {
            let name = d.pick(names)?;
            let name = match d.int(0..=3u8)? {
                0 => name.to_uppercase(),
                1 => format!(" {name} "),
                _ => name.to_string(),
            };
            header.push((Column::Needed(i), name));
        }
        for _ in 0..d.int(0..=2u8)? {
            let at = d.int(0..=header.len())?;
            header.insert(at, (Column::Extra, d.pick(EXTRA_COLUMNS)?.to_string()));
        }
        if d.coin()? {
            for i in (1..header.len()).rev() {
                header.swap(i, d.int(0..=i)?);
            }
        }
        if d.fault(10)? {
            let needed: Vec<usize> = (0..header.len())
                .filter(|&i| header[i].0 != Column::Extra)
                .collect();
            header.remove(d.pick(&needed)?);
        }
        let mut rows = Vec::new();
        let mut refs = Vec::new();
        let at_least = if d.clean { 1 } else { 0 };
        for i in 0..d.int(at_least..=6usize)? {
            rows.push(SettlementRow::draw(d, i, &header, &mut refs)?);
        }
        Ok(SettlementFile {
            bom: d.coin()?,
            crlf: d.coin()?,
            quoting: d.arbitrary()?,
            header,
            rows,
        })
    }

    /// The file, and where each row is in it.
    fn bytes(&self) -> (Vec<u8>, Vec<Place>) {
        let mut out = if self.bom {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            Vec::new()
        };
        let (terminator, newline): (_, &[u8]) = if self.crlf {
            (csv::Terminator::CRLF, b"\r\n")
        } else {
            (csv::Terminator::Any(b'\n'), b"\n")
        };
        let quoting = match self.quoting {
            Quoting::Necessary => csv::QuoteStyle::Necessary,
            Quoting::Always => csv::QuoteStyle::Always,
            Quoting::NonNumeric => csv::QuoteStyle::NonNumeric,
        };
        let mut writer = csv::WriterBuilder::new();
        writer
            .flexible(true)
            .terminator(terminator)
            .quote_style(quoting);
        let record = |cells: &[String]| {
            let mut w = writer.from_writer(Vec::new());
            w.write_record(cells).expect("writing to memory");
            w.into_inner().expect("writing to memory")
        };
        let names: Vec<String> = self.header.iter().map(|(_, name)| name.clone()).collect();
        out.extend(record(&names));
        let mut places = Vec::new();
        let mut row = 1;
        for r in &self.rows {
            for _ in 0..r.blank_before {
                out.extend_from_slice(newline);
                row += 1;
            }
            row += 1;
            let line = 1 + out.iter().filter(|&&b| b == b'\n').count();
            places.push(Place { line, row });
            out.extend(record(&r.cells));
        }
        (out, places)
    }

    /// The lines the reader must accept and its faults, each with its place.
    fn expected(&self, places: &[Place]) -> SettlementWant {
        let mut idx = [0; 5];
        for (k, at) in idx.iter_mut().enumerate() {
            match self
                .header
                .iter()
                .position(|(c, _)| *c == Column::Needed(k))
            {
                Some(i) => *at = i,
                None => return (Vec::new(), vec![(Place::HEADER, "import.column")]),
            }
        }
        let mut lines: Vec<(Place, LineWant)> = Vec::new();
        let mut faults = Vec::new();
        for (r, &place) in self.rows.iter().zip(places) {
            if r.cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let cell = |k: usize| r.cells.get(idx[k]).map_or("", |c| c.trim());
            let amount = r.amount.value.filter(|_| idx[3] < r.cells.len());
            let refund_ref = cell(0).to_ascii_uppercase();
            let fault = if refund_ref.is_empty() {
                Some("import.no_refund_ref")
            } else {
                match (result_word(cell(1)), amount) {
                    (None, _) => Some("import.result"),
                    (_, None) => Some("import.amount"),
                    (Some(true), _) if cell(2).is_empty() => Some("import.no_bank_ref"),
                    (Some(false), _) if cell(4).is_empty() => Some("import.no_reason"),
                    (Some(success), Some(amount)) => {
                        if lines.iter().any(|(_, l)| l.0 == refund_ref) {
                            faults.push((place, "import.duplicate"));
                        }
                        let reason = Some(cell(4).to_string()).filter(|r| !r.is_empty());
                        let line = (refund_ref, success, cell(2).to_string(), amount, reason);
                        lines.push((place, line));
                        None
                    }
                }
            };
            if let Some(code) = fault {
                faults.push((place, code));
            }
        }
        if lines.is_empty() && faults.is_empty() {
            faults.push((Place::HEADER, "import.no_lines"));
        }
        (lines, faults)
    }
}

impl SettlementRow {
    fn draw(
        d: &mut Dice,
        index: usize,
        header: &[(Column, String)],
        refs: &mut Vec<String>,
    ) -> Gen<SettlementRow> {
        let refund_ref = if d.fault(6)? {
            match d.int(0..=2u8)? {
                0 if !refs.is_empty() => d.pick(refs)?,
                1 => d.odd_text()?,
                _ => d.pick(&["", " ", "hello", "RF123", "退款1"])?.to_string(),
            }
        } else {
            let r = format!("RF{index:04}{:04}", d.int(0..=9999u16)?);
            if d.coin()? {
                r.to_ascii_lowercase()
            } else {
                r
            }
        };
        refs.push(refund_ref.clone());
        let result = if d.fault(8)? {
            if d.coin()? {
                d.odd_text()?
            } else {
                d.pick(NOT_RESULTS)?.to_string()
            }
        } else {
            d.pick(RESULT_WORDS)?.to_string()
        };
        let success = result_word(&result) == Some(true);
        let bank_ref = if d.fault(8)? {
            d.pick(&["", " "])?.to_string()
        } else if success || d.coin()? {
            format!("B{}", d.int(0..=999_999u32)?)
        } else {
            String::new()
        };
        let amount = amount_text(d)?;
        let reason = if d.fault(8)? {
            d.pick(&["", " ", "\t"])?.to_string()
        } else if !success || d.coin()? {
            d.pick(REASONS)?.to_string()
        } else {
            String::new()
        };
        let values = [refund_ref, result, bank_ref, amount.text.clone(), reason];
        let mut cells = Vec::new();
        for (column, _) in header {
            cells.push(match column {
                Column::Needed(k) => values[*k].clone(),
                Column::Extra if d.one_in(4)? => d.odd_text()?,
                Column::Extra => d.pick(&["", "note", "备注"])?.to_string(),
            });
        }
        if d.fault(8)? && cells.len() > 1 {
            cells.truncate(d.int(1..=cells.len() - 1)?);
        } else if d.one_in(8)? {
            cells.push(d.odd_text()?);
        }
        Ok(SettlementRow {
            blank_before: if d.one_in(8)? { d.int(1..=2)? } else { 0 },
            cells,
            amount,
        })
    }
}

/// A settlement file of arbitrary typed rows, written with correct CSV
/// quoting and held to what the rows say the reader must answer: the same
/// lines accepted, the same faults, each at the row it is on.
pub fn settlement_fields(data: &[u8]) {
    let mut d = Dice::new(data);
    let Ok(file) = SettlementFile::draw(&mut d) else {
        return;
    };
    let (bytes, places) = file.bytes();
    let (want_lines, want_faults) = file.expected(&places);
    let text = String::from_utf8_lossy(&bytes);
    if d.clean {
        assert!(
            want_faults.is_empty(),
            "a clean draw is a good file:\n{text}"
        );
    }
    let (lines, errors) = scan_settlement(&bytes);
    assert_eq!(read_settlement(&bytes).is_ok(), errors.is_empty());
    let codes: Vec<&str> = errors.iter().map(|e| e.problem.code).collect();
    let want_codes: Vec<&str> = want_faults.iter().map(|(_, code)| *code).collect();
    assert_eq!(codes, want_codes, "{text}");
    let got: Vec<LineWant> = lines
        .iter()
        .map(|l| {
            let l = l.clone();
            (l.refund_ref, l.success, l.bank_ref, l.amount, l.reason)
        })
        .collect();
    let want: Vec<&LineWant> = want_lines.iter().map(|(_, l)| l).collect();
    assert_eq!(got.iter().collect::<Vec<_>>(), want, "{text}");
    for (e, (place, _)) in errors.iter().zip(&want_faults) {
        assert!(!e.problem.message.is_empty());
        assert!(
            place.is(e.line),
            "{} reported on line {}, but it is on {place:?}:\n{text}",
            e.problem.code,
            e.line
        );
    }
    for (l, (place, _)) in lines.iter().zip(&want_lines) {
        assert!(place.is(l.line), "line {} is on {place:?}:\n{text}", l.line);
    }
}
