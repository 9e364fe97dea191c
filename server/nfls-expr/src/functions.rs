//! The table of `fn.*` functions: names, parameters, arity and short descriptions, kept in one
//! place so completion, hover, signature help and arity checks agree.
//!
//! Names and the variadic markers follow Northflank's documentation. Parameter *names* and exact
//! arities are mostly not documented; they are our reading of what each function does, with
//! optional parameters where a default is plausible, so the arity check stays lenient.

/// Which group of the documentation a function belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    General,
    Strings,
    Boolean,
    Maths,
    Objects,
    Arrays,
}

/// Whether the function is in the documented function list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Documented,
    /// Seen in documentation examples but missing from the function list (UNCONFIRMED).
    Undocumented,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamKind {
    Required,
    Optional,
    /// Takes any number of further arguments (only ever the last parameter).
    Variadic,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Param {
    pub name: &'static str,
    pub kind: ParamKind,
}

/// One function of the expression language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FunctionInfo {
    /// Without the `fn.` prefix.
    pub name: &'static str,
    pub category: Category,
    pub status: Status,
    pub params: &'static [Param],
    pub min_args: usize,
    /// `None` for variadic functions.
    pub max_args: Option<usize>,
    /// Which argument is a callback (`fn.map(array, callback)`), if any.
    pub callback_arg: Option<usize>,
    /// One line, in our own words.
    pub description: &'static str,
    /// For hover and completion labels: `fn.randomSecret(length, encoding?)`.
    pub signature: &'static str,
}

impl FunctionInfo {
    /// `Ok` when `got` arguments fit, else a message such as
    /// "`fn.eq` takes at least 2 arguments, got 1".
    pub fn check_arity(&self, got: usize) -> Result<(), String> {
        let fits = got >= self.min_args && self.max_args.is_none_or(|max| got <= max);
        if fits {
            return Ok(());
        }
        let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
        let takes = match self.max_args {
            None => format!("at least {} {}", self.min_args, plural(self.min_args)),
            Some(max) if max == self.min_args => format!("{max} {}", plural(max)),
            Some(max) if self.min_args == 0 => format!("at most {max} {}", plural(max)),
            Some(max) if max == self.min_args + 1 => {
                format!("{} or {max} arguments", self.min_args)
            }
            Some(max) => format!("{} to {max} arguments", self.min_args),
        };
        Err(format!("`fn.{}` takes {takes}, got {got}", self.name))
    }

    /// A completion snippet in the common TextMate/LSP snippet syntax, with a tab stop for every
    /// required parameter: `randomSecret(${1:length})`. Optional and variadic parameters are left
    /// out so that the inserted call is complete.
    pub fn snippet(&self) -> String {
        let mut out = format!("{}(", self.name);
        let required = self.params.iter().filter(|p| p.kind == ParamKind::Required);
        for (i, param) in required.enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&format!("${{{}:{}}}", i + 1, param.name));
        }
        out.push(')');
        out
    }

    /// The signature rebuilt from [`FunctionInfo::params`] (tests check it equals
    /// [`FunctionInfo::signature`]).
    pub fn signature_from_params(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|p| match p.kind {
                ParamKind::Required => p.name.to_owned(),
                ParamKind::Optional => format!("{}?", p.name),
                ParamKind::Variadic => format!("{}...", p.name),
            })
            .collect();
        format!("fn.{}({})", self.name, params.join(", "))
    }
}

/// The function called `name` (without `fn.`), case-sensitive.
pub fn lookup(name: &str) -> Option<&'static FunctionInfo> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// Every function, in documentation order.
pub fn all() -> impl Iterator<Item = &'static FunctionInfo> {
    FUNCTIONS.iter()
}

/// Checks a call of `name` with `got` arguments. `None` for an unknown name (that is a semantic
/// check for the caller) or a fitting count; else the message.
pub fn check_arity(name: &str, got: usize) -> Option<String> {
    lookup(name)?.check_arity(got).err()
}

const fn req(name: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::Required,
    }
}
const fn opt(name: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::Optional,
    }
}
const fn var(name: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::Variadic,
    }
}

#[allow(clippy::too_many_arguments)]
const fn f(
    name: &'static str,
    category: Category,
    status: Status,
    params: &'static [Param],
    min_args: usize,
    max_args: Option<usize>,
    callback_arg: Option<usize>,
    signature: &'static str,
    description: &'static str,
) -> FunctionInfo {
    FunctionInfo {
        name,
        category,
        status,
        params,
        min_args,
        max_args,
        callback_arg,
        description,
        signature,
    }
}

use Category::{Arrays, Boolean, General, Maths, Objects, Strings};
use Status::{Documented, Undocumented};

#[rustfmt::skip]
static FUNCTIONS: &[FunctionInfo] = &[
    // General
    f("randomSecret", General, Documented, &[req("length"), opt("encoding")], 1, Some(2), None,
      "fn.randomSecret(length, encoding?)",
      "Random secret of the given length; encoding 'base64' (default) or 'hex'. Generated once and kept in the resource, not re-rolled on later runs."),
    f("date", General, Documented, &[opt("format")], 0, Some(1), None,
      "fn.date(format?)",
      "The current date and time, formatted with a Moment.js format string when one is given."),
    f("fetchSecret", General, Documented, &[req("secretId")], 1, Some(1), None,
      "fn.fetchSecret(secretId)",
      "The value of a team-wide global secret; the same as `secrets.<secretId>`."),
    f("randomString", General, Undocumented, &[req("length")], 1, Some(1), None,
      "fn.randomString(length)",
      "Random string of the given length. Used in a documentation example but missing from the function list (UNCONFIRMED)."),
    // Strings
    f("toBase64", Strings, Documented, &[req("text")], 1, Some(1), None,
      "fn.toBase64(text)", "Encodes text as base64."),
    f("fromBase64", Strings, Documented, &[req("text")], 1, Some(1), None,
      "fn.fromBase64(text)", "Decodes base64 back to text."),
    f("slug", Strings, Documented, &[req("text")], 1, Some(1), None,
      "fn.slug(text)", "Turns text into a lower-case, dash-separated slug usable in names."),
    f("indexOf", Strings, Documented, &[req("text"), req("searchFor"), opt("fromIndex")], 2, Some(3), None,
      "fn.indexOf(text, searchFor, fromIndex?)",
      "Position of the first occurrence of `searchFor` in the text, or -1."),
    f("search", Strings, Documented, &[req("text"), req("pattern")], 2, Some(2), None,
      "fn.search(text, pattern)", "Position of the first match of a regular expression in the text, or -1."),
    f("replace", Strings, Documented, &[req("text"), req("pattern"), req("replacement")], 3, Some(3), None,
      "fn.replace(text, pattern, replacement)", "Replaces the first match of `pattern` in the text."),
    f("replaceAll", Strings, Documented, &[req("text"), req("pattern"), req("replacement")], 3, Some(3), None,
      "fn.replaceAll(text, pattern, replacement)", "Replaces every match of `pattern` in the text."),
    f("slice", Strings, Documented, &[req("text"), req("start"), opt("end")], 2, Some(3), None,
      "fn.slice(text, start, end?)", "The part of the text from `start` up to (not including) `end`."),
    f("length", Strings, Documented, &[req("text")], 1, Some(1), None,
      "fn.length(text)", "Number of characters in the text."),
    f("toUpper", Strings, Documented, &[req("text")], 1, Some(1), None,
      "fn.toUpper(text)", "The text in upper case."),
    f("toLower", Strings, Documented, &[req("text")], 1, Some(1), None,
      "fn.toLower(text)", "The text in lower case."),
    f("split", Strings, Documented, &[req("text"), req("separator"), opt("limit")], 2, Some(3), None,
      "fn.split(text, separator, limit?)", "Splits the text at each separator into an array, keeping at most `limit` parts."),
    f("join", Strings, Documented, &[req("array"), opt("separator")], 1, Some(2), None,
      "fn.join(array, separator?)", "Joins the array's items into one string with the separator between them."),
    // Boolean
    f("not", Boolean, Documented, &[req("value")], 1, Some(1), None,
      "fn.not(value)", "True when the value is false, and the other way round."),
    f("or", Boolean, Documented, &[var("values")], 1, None, None,
      "fn.or(values...)", "True when at least one value is true."),
    f("and", Boolean, Documented, &[var("values")], 1, None, None,
      "fn.and(values...)", "True when every value is true."),
    f("if", Boolean, Documented, &[req("condition"), req("then"), opt("else")], 2, Some(3), None,
      "fn.if(condition, then, else?)", "`then` when the condition is true, otherwise `else`."),
    f("eq", Boolean, Documented, &[req("a"), req("b"), var("more")], 2, None, None,
      "fn.eq(a, b, more...)", "True when all values are equal."),
    f("neq", Boolean, Documented, &[req("a"), req("b"), var("more")], 2, None, None,
      "fn.neq(a, b, more...)", "True when the values are not all equal."),
    f("gt", Boolean, Documented, &[req("a"), req("b")], 2, Some(2), None,
      "fn.gt(a, b)", "True when `a` is greater than `b`."),
    f("lt", Boolean, Documented, &[req("a"), req("b")], 2, Some(2), None,
      "fn.lt(a, b)", "True when `a` is less than `b`."),
    f("gte", Boolean, Documented, &[req("a"), req("b")], 2, Some(2), None,
      "fn.gte(a, b)", "True when `a` is greater than or equal to `b`."),
    f("lte", Boolean, Documented, &[req("a"), req("b")], 2, Some(2), None,
      "fn.lte(a, b)", "True when `a` is less than or equal to `b`."),
    // Maths
    f("add", Maths, Documented, &[req("a"), req("b"), var("more")], 2, None, None,
      "fn.add(a, b, more...)", "The sum of the numbers."),
    f("subtract", Maths, Documented, &[req("a"), req("b"), var("more")], 2, None, None,
      "fn.subtract(a, b, more...)", "The first number minus all the others."),
    f("multiply", Maths, Documented, &[req("a"), req("b"), var("more")], 2, None, None,
      "fn.multiply(a, b, more...)", "The product of the numbers."),
    f("divide", Maths, Documented, &[req("dividend"), req("divisor")], 2, Some(2), None,
      "fn.divide(dividend, divisor)", "The first number divided by the second."),
    f("remainder", Maths, Documented, &[req("dividend"), req("divisor")], 2, Some(2), None,
      "fn.remainder(dividend, divisor)", "What is left over when dividing the first number by the second."),
    f("exp", Maths, Documented, &[req("base"), opt("exponent")], 1, Some(2), None,
      "fn.exp(base, exponent?)", "Raises a number to a power (parameters not documented; read leniently)."),
    f("floor", Maths, Documented, &[req("number")], 1, Some(1), None,
      "fn.floor(number)", "The number rounded down to a whole number."),
    f("ceil", Maths, Documented, &[req("number")], 1, Some(1), None,
      "fn.ceil(number)", "The number rounded up to a whole number."),
    // Objects
    f("get", Objects, Documented, &[req("object"), req("path")], 2, Some(2), None,
      "fn.get(object, path)", "The value found at a dotted path inside an object."),
    f("stringifyJSON", Objects, Documented, &[req("value")], 1, Some(1), None,
      "fn.stringifyJSON(value)", "The value written out as JSON text."),
    f("parseJSON", Objects, Documented, &[req("text")], 1, Some(1), None,
      "fn.parseJSON(text)", "Reads JSON text into a value."),
    f("entries", Objects, Documented, &[req("object")], 1, Some(1), None,
      "fn.entries(object)", "The object's `[key, value]` pairs as an array."),
    f("values", Objects, Documented, &[req("object")], 1, Some(1), None,
      "fn.values(object)", "The object's values as an array."),
    f("keys", Objects, Documented, &[req("object")], 1, Some(1), None,
      "fn.keys(object)", "The object's keys as an array."),
    // Arrays
    f("find", Arrays, Documented, &[req("array"), req("callback")], 2, Some(2), Some(1),
      "fn.find(array, callback)", "The first item for which the callback `(item, index) => boolean` is true."),
    f("concat", Arrays, Documented, &[var("arrays")], 1, None, None,
      "fn.concat(arrays...)", "One array holding the items of all the given arrays, in order."),
    f("some", Arrays, Documented, &[req("array"), req("callback")], 2, Some(2), Some(1),
      "fn.some(array, callback)", "True when the callback is true for at least one item."),
    f("every", Arrays, Documented, &[req("array"), req("callback")], 2, Some(2), Some(1),
      "fn.every(array, callback)", "True when the callback is true for every item."),
    f("filter", Arrays, Documented, &[req("array"), req("callback")], 2, Some(2), Some(1),
      "fn.filter(array, callback)", "The items for which the callback is true."),
    f("map", Arrays, Documented, &[req("array"), req("callback")], 2, Some(2), Some(1),
      "fn.map(array, callback)", "A new array with the callback's result for each item."),
    f("arrSlice", Arrays, Documented, &[req("array"), req("start"), opt("end")], 2, Some(3), None,
      "fn.arrSlice(array, start, end?)", "The items from `start` up to (not including) `end`."),
    f("arrLength", Arrays, Documented, &[req("array")], 1, Some(1), None,
      "fn.arrLength(array)", "Number of items in the array."),
];
