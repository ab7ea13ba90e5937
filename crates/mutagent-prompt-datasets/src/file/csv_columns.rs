//! Turning one CSV row into a [`NewDatasetItem`], through the columns its header names
//! (feature `csv`; the columns are listed in the [`upload`](crate::upload) docs).

use mutagent_core::models::json_kind;
use mutagent_prompt_dataset_items::NewDatasetItem;
use serde_json::{Map, Value};

use super::record::checked;
use super::strict_json;

/// What one CSV column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Name,
    Input,
    InputVar(String),
    ExpectedOutput,
    ExpectedField(String),
    UserFeedback,
    SystemFeedback,
    Labels,
    Metadata,
}

/// The columns of a CSV file, from its header row.
#[derive(Debug, Clone)]
pub(crate) struct CsvColumns {
    columns: Vec<Column>,
}

impl CsvColumns {
    /// Reads the header row; unknown or repeated columns are errors.
    pub(crate) fn from_header(header: &[String]) -> Result<Self, String> {
        // A spreadsheet in a locale with decimal commas saves "CSV" separated by `;` (or tabs):
        // its whole header is one field, which `input.a;name` would pass as one variable,
        // turning every row into `{"a;name": "x;y"}` without a word. One column is refused
        // only then; a `;` inside one of several comma-separated names is the user's choice.
        if let [only] = header {
            for (separator, named, plural) in [(';', "`;`", "semicolons"), ('\t', "tab", "tabs")] {
                if only.contains(separator) {
                    return Err(format!(
                        "the header is one column holding a {named}: the file looks separated by \
                         {plural}, but dataset CSV files are separated by commas (save it as \
                         \"CSV (comma delimited)\")"
                    ));
                }
            }
        }
        let mut columns = Vec::with_capacity(header.len());
        for raw in header {
            let name = raw.trim();
            let column = if let Some(var) = name.strip_prefix("input.") {
                Column::InputVar(non_empty_suffix(name, var)?)
            } else if let Some(field) = name.strip_prefix("expectedOutput.") {
                Column::ExpectedField(non_empty_suffix(name, field)?)
            } else {
                match name {
                    "name" => Column::Name,
                    "input" => Column::Input,
                    "expectedOutput" => Column::ExpectedOutput,
                    "userFeedback" => Column::UserFeedback,
                    "systemFeedback" => Column::SystemFeedback,
                    "labels" => Column::Labels,
                    "metadata" => Column::Metadata,
                    other => {
                        return Err(format!(
                        "unknown column `{other}`; the columns are name, input, input.<variable>, \
                             expectedOutput, expectedOutput.<field>, userFeedback, systemFeedback, \
                             labels, metadata"
                    ))
                    }
                }
            };
            if columns.contains(&column) {
                return Err(format!("the column `{name}` appears twice"));
            }
            columns.push(column);
        }
        if !columns
            .iter()
            .any(|c| matches!(c, Column::Input | Column::InputVar(_)))
        {
            return Err(
                "the header needs an `input` column (a JSON object) or `input.<variable>` columns"
                    .into(),
            );
        }
        Ok(Self { columns })
    }

    /// The item of one data row.
    pub(crate) fn item(&self, fields: Vec<String>) -> Result<NewDatasetItem, String> {
        if fields.len() != self.columns.len() {
            return Err(format!(
                "the row has {} field(s) but the header has {} column(s)",
                fields.len(),
                self.columns.len()
            ));
        }
        let mut input = Map::new();
        let mut vars = Vec::new();
        let mut expected: Option<Map<String, Value>> = None;
        let mut expected_fields = Vec::new();
        let mut item = NewDatasetItem::new(Value::Null);
        for (column, cell) in self.columns.iter().zip(fields) {
            match column {
                Column::InputVar(var) => vars.push((var, cell)),
                Column::ExpectedField(field) => {
                    if !cell.is_empty() {
                        expected_fields.push((field, cell));
                    }
                }
                // Text columns: only an empty cell is unset. A cell of spaces is text (the
                // export writes such feedback quoted), and a name of spaces meets the name's
                // own check instead of vanishing.
                Column::Name | Column::UserFeedback | Column::SystemFeedback if cell.is_empty() => {
                }
                Column::Name => item.name = Some(cell),
                Column::UserFeedback => item.user_feedback = Some(cell),
                Column::SystemFeedback => item.system_feedback = Some(cell),
                // JSON and label columns: blank is empty (JSON ignores the spaces anyway).
                _ if cell.trim().is_empty() => {}
                Column::Input => input = json_object("input", &cell)?,
                Column::ExpectedOutput => expected = Some(json_object("expectedOutput", &cell)?),
                Column::Metadata => {
                    item.metadata = Some(Value::Object(json_object("metadata", &cell)?))
                }
                Column::Labels => item.labels = Some(labels(&cell)?),
            }
        }
        for (var, value) in vars {
            if input.contains_key(var.as_str()) {
                return Err(format!(
                    "`{var}` is set both by the `input` column and by `input.{var}`"
                ));
            }
            input.insert(var.clone(), Value::String(value));
        }
        if !expected_fields.is_empty() {
            let object = expected.get_or_insert_with(Map::new);
            for (field, value) in expected_fields {
                if object.contains_key(field.as_str()) {
                    return Err(format!(
                        "`{field}` is set both by the `expectedOutput` column and by `expectedOutput.{field}`"
                    ));
                }
                object.insert(field.clone(), Value::String(value));
            }
        }
        item.input = Value::Object(input);
        item.expected_output = expected.map(Value::Object);
        checked(item)
    }
}

fn non_empty_suffix(column: &str, suffix: &str) -> Result<String, String> {
    if suffix.is_empty() {
        Err(format!("the column `{column}` needs a name after the dot"))
    } else {
        Ok(suffix.to_owned())
    }
}

fn json_object(column: &str, cell: &str) -> Result<Map<String, Value>, String> {
    match strict_json::parse(cell.as_bytes()) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(other) => Err(format!(
            "the `{column}` column must hold a JSON object (got {})",
            json_kind(&other)
        )),
        Err(strict_json::JsonError::Invalid(err)) => {
            Err(format!("the `{column}` column is not valid JSON: {err}"))
        }
        Err(err) => Err(format!("the `{column}` column: {err}")),
    }
}

/// `["a","b"]` (JSON) or `a;b` (separated by semicolons).
fn labels(cell: &str) -> Result<Vec<String>, String> {
    let trimmed = cell.trim();
    if trimmed.starts_with('[') {
        serde_json::from_str::<Vec<String>>(trimmed)
            .map_err(|err| format!("the `labels` column is not a JSON array of strings: {err}"))
    } else {
        Ok(trimmed
            .split(';')
            .map(str::trim)
            .filter(|label| !label.is_empty())
            .map(str::to_owned)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn csv_columns_map_to_items() {
        let columns = CsvColumns::from_header(&strings(&[
            "name",
            "input.city",
            "input",
            "expectedOutput.text",
            "labels",
            "metadata",
            "userFeedback",
        ]))
        .expect("header");
        let item = columns
            .item(strings(&[
                "paris",
                "Paris",
                "{\"lang\":\"fr\"}",
                "Bonjour",
                "a; b;",
                "{\"k\":1}",
                "",
            ]))
            .expect("row");
        assert_eq!(
            item,
            NewDatasetItem::new(json!({"lang": "fr", "city": "Paris"}))
                .name("paris")
                .expected_output(json!({"text": "Bonjour"}))
                .labels(["a", "b"])
                .metadata(json!({"k": 1}))
        );
        let item = columns
            .item(strings(&["", "", "", "", "[\"x\"]", "", ""]))
            .expect("sparse row");
        assert_eq!(item, NewDatasetItem::new(json!({"city": ""})).labels(["x"]));
    }

    #[test]
    fn bad_csv_is_refused() {
        assert!(CsvColumns::from_header(&strings(&["name"]))
            .expect_err("no input")
            .contains("input"));
        assert!(CsvColumns::from_header(&strings(&["input", "extra"]))
            .expect_err("unknown")
            .contains("`extra`"));
        assert!(CsvColumns::from_header(&strings(&["input.a", "input.a"]))
            .expect_err("twice")
            .contains("twice"));
        assert!(CsvColumns::from_header(&strings(&["input."])).is_err());
        let columns = CsvColumns::from_header(&strings(&["input", "input.a"])).expect("header");
        assert!(columns
            .item(strings(&["{}"]))
            .expect_err("short")
            .contains("1 field(s)"));
        assert!(columns
            .item(strings(&["{\"a\":1}", "x"]))
            .expect_err("clash")
            .contains("both"));
        assert!(columns
            .item(strings(&["[1]", "x"]))
            .expect_err("array")
            .contains("JSON object"));
        assert!(columns
            .item(strings(&["{nope", "x"]))
            .expect_err("json")
            .contains("not valid JSON"));
    }
}
