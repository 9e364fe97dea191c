//! The function table: completeness, consistency of signatures and arity, and arity messages.

use nfls_expr::functions::{self, Category, ParamKind, Status};

#[test]
fn every_documented_function_is_present() {
    let expected = [
        "randomSecret",
        "date",
        "fetchSecret",
        "randomString", // general
        "toBase64",
        "fromBase64",
        "slug",
        "indexOf",
        "search",
        "replace",
        "replaceAll",
        "slice",
        "length",
        "toUpper",
        "toLower",
        "split",
        "join", // strings
        "not",
        "or",
        "and",
        "if",
        "eq",
        "neq",
        "gt",
        "lt",
        "gte",
        "lte", // boolean
        "add",
        "subtract",
        "multiply",
        "divide",
        "remainder",
        "exp",
        "floor",
        "ceil", // maths
        "get",
        "stringifyJSON",
        "parseJSON",
        "entries",
        "values",
        "keys", // objects
        "find",
        "concat",
        "some",
        "every",
        "filter",
        "map",
        "arrSlice",
        "arrLength", // arrays
    ];
    let names: Vec<&str> = functions::all().map(|f| f.name).collect();
    assert_eq!(names, expected);
    let undocumented: Vec<&str> = functions::all()
        .filter(|f| f.status == Status::Undocumented)
        .map(|f| f.name)
        .collect();
    assert_eq!(undocumented, ["randomString"]);
    let count = |c: Category| functions::all().filter(|f| f.category == c).count();
    assert_eq!(
        [
            Category::General,
            Category::Strings,
            Category::Boolean,
            Category::Maths,
            Category::Objects,
            Category::Arrays
        ]
        .map(count),
        [4, 13, 10, 8, 6, 8]
    );
}

#[test]
fn table_is_self_consistent() {
    for f in functions::all() {
        assert_eq!(f.signature, f.signature_from_params(), "{}", f.name);
        let required = f
            .params
            .iter()
            .filter(|p| p.kind == ParamKind::Required)
            .count();
        let variadic = f.params.iter().any(|p| p.kind == ParamKind::Variadic);
        // A variadic-only function still needs one value.
        assert_eq!(
            f.min_args,
            required.max(usize::from(variadic && required == 0)),
            "{}",
            f.name
        );
        assert_eq!(
            f.max_args,
            (!variadic).then_some(f.params.len()),
            "{}",
            f.name
        );
        if variadic {
            assert_eq!(
                f.params.last().unwrap().kind,
                ParamKind::Variadic,
                "{}: variadic must be last",
                f.name
            );
        }
        if let Some(i) = f.callback_arg {
            assert_eq!(f.params[i].name, "callback", "{}", f.name);
        }
        assert!(
            !f.description.is_empty() && f.description.len() < 200,
            "{}",
            f.name
        );
        assert!(
            std::ptr::eq(functions::lookup(f.name).unwrap(), f),
            "{} is listed twice",
            f.name
        );
    }
    assert!(functions::lookup("nope").is_none());
    assert!(
        functions::lookup("Eq").is_none(),
        "lookup is case-sensitive"
    );
}

#[test]
fn documented_variadics() {
    for name in [
        "or", "and", "eq", "neq", "add", "subtract", "multiply", "concat",
    ] {
        assert_eq!(functions::lookup(name).unwrap().max_args, None, "{name}");
    }
    let callbacks: Vec<&str> = functions::all()
        .filter(|f| f.callback_arg.is_some())
        .map(|f| f.name)
        .collect();
    assert_eq!(callbacks, ["find", "some", "every", "filter", "map"]);
}

#[test]
fn arity_messages() {
    let cases: &[(&str, usize, Option<&str>)] = &[
        ("eq", 1, Some("`fn.eq` takes at least 2 arguments, got 1")),
        ("eq", 2, None),
        ("eq", 9, None),
        ("or", 0, Some("`fn.or` takes at least 1 argument, got 0")),
        ("not", 2, Some("`fn.not` takes 1 argument, got 2")),
        ("not", 0, Some("`fn.not` takes 1 argument, got 0")),
        ("gt", 1, Some("`fn.gt` takes 2 arguments, got 1")),
        (
            "randomSecret",
            0,
            Some("`fn.randomSecret` takes 1 or 2 arguments, got 0"),
        ),
        ("randomSecret", 2, None),
        (
            "randomSecret",
            3,
            Some("`fn.randomSecret` takes 1 or 2 arguments, got 3"),
        ),
        ("date", 0, None),
        ("date", 2, Some("`fn.date` takes at most 1 argument, got 2")),
        ("if", 4, Some("`fn.if` takes 2 or 3 arguments, got 4")),
        ("nope", 7, None),
    ];
    for (name, got, expected) in cases {
        assert_eq!(
            functions::check_arity(name, *got).as_deref(),
            *expected,
            "{name} with {got}"
        );
    }
}

#[test]
fn signatures_and_snippets() {
    let f = functions::lookup("randomSecret").unwrap();
    assert_eq!(f.signature, "fn.randomSecret(length, encoding?)");
    assert_eq!(f.snippet(), "randomSecret(${1:length})");
    assert_eq!(
        functions::lookup("if").unwrap().snippet(),
        "if(${1:condition}, ${2:then})"
    );
    assert_eq!(functions::lookup("date").unwrap().snippet(), "date()");
    assert_eq!(
        functions::lookup("eq").unwrap().signature,
        "fn.eq(a, b, more...)"
    );
    assert_eq!(
        functions::lookup("or").unwrap().signature,
        "fn.or(values...)"
    );
}
