//! Operations on the parsed reference tree: merging the same structure seen in several files or
//! variants, finding fields by path, and splitting a node list into kinds.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};

use crate::render::{Base, Field, Ty};

/// How `required` combines when two field lists are merged.
#[derive(Debug, Clone, Copy)]
pub enum Required {
    /// Required only if required in both (merging alternative variants: lenient).
    Both,
}

/// Union of two property lists; same-named fields are merged recursively. A field missing from
/// one side is not required in the result.
pub fn merge_fields(a: &[Field], b: &[Field], mode: Required) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    for f in a {
        match b.iter().find(|g| g.name == f.name) {
            Some(g) => out.push(Field {
                name: f.name.clone(),
                required: match mode {
                    Required::Both => f.required && g.required,
                },
                ty: merge_ty(&f.ty, &g.ty),
                line: f.line,
            }),
            None => out.push(Field {
                required: false,
                ..f.clone()
            }),
        }
    }
    for g in b {
        if !a.iter().any(|f| f.name == g.name) {
            out.push(Field {
                required: false,
                ..g.clone()
            });
        }
    }
    out
}

/// Merges two types for the same position. Objects merge their properties, everything else that
/// differs becomes alternatives (lenient: accepts what either side accepts).
pub fn merge_ty(a: &Ty, b: &Ty) -> Ty {
    if a == b {
        return a.clone();
    }
    match (a, b) {
        (Ty::Scalar(Base::Undefined, f), x) | (x, Ty::Scalar(Base::Undefined, f))
            if f.enumeration.is_empty() =>
        {
            x.clone()
        }
        (Ty::Object { variants: va }, Ty::Object { variants: vb }) => {
            if va.len() == vb.len() {
                Ty::Object {
                    variants: va
                        .iter()
                        .zip(vb)
                        .map(|(x, y)| merge_fields(x, y, Required::Both))
                        .collect(),
                }
            } else {
                let mut variants = va.clone();
                variants.extend(vb.iter().cloned());
                Ty::Object { variants }
            }
        }
        (Ty::Array(x), Ty::Array(y)) => Ty::Array(Box::new(merge_ty(x, y))),
        _ => {
            let mut alts = Vec::new();
            for t in [a, b] {
                match t {
                    Ty::AnyOf(inner) => alts.extend(inner.iter().cloned()),
                    other => alts.push(other.clone()),
                }
            }
            let mut dedup: Vec<Ty> = Vec::new();
            for t in alts {
                if !dedup.contains(&t) {
                    dedup.push(t);
                }
            }
            Ty::AnyOf(dedup)
        }
    }
}

/// Folds the variants of an object into one property list (lenient union).
pub fn fold_variants(variants: &[Vec<Field>]) -> Vec<Field> {
    let mut iter = variants.iter();
    let Some(first) = iter.next() else {
        return Vec::new();
    };
    iter.fold(first.clone(), |acc, v| {
        merge_fields(&acc, v, Required::Both)
    })
}

/// The single constant value of a discriminator field (`kind: (string) (enum: X)`).
pub fn const_of(fields: &[Field], key: &str) -> Option<String> {
    let f = fields.iter().find(|f| f.name == key)?;
    match &f.ty {
        Ty::Scalar(Base::String | Base::Undefined, facets) if facets.enumeration.len() == 1 => {
            Some(facets.enumeration[0].clone())
        }
        _ => None,
    }
}

/// One discriminated variant: the constant value and its properties.
pub type Variant = (String, Vec<Field>);

/// If every variant carries a constant `kind` or `type`, returns the key and the variants grouped
/// by value (variants with the same value merged), in first-seen order.
pub fn discriminate(variants: &[Vec<Field>]) -> Option<(&'static str, Vec<Variant>)> {
    if variants.len() < 2 {
        return None;
    }
    for key in ["kind", "type"] {
        let values: Option<Vec<String>> = variants.iter().map(|v| const_of(v, key)).collect();
        let Some(values) = values else { continue };
        let mut groups: Vec<(String, Vec<Field>)> = Vec::new();
        for (value, fields) in values.into_iter().zip(variants) {
            match groups.iter_mut().find(|(v, _)| *v == value) {
                Some((_, existing)) => *existing = merge_fields(existing, fields, Required::Both),
                None => groups.push((value, fields.clone())),
            }
        }
        return Some((key, groups));
    }
    None
}

/// Finds a field by a dotted path (`data.spec`), descending through object variants.
pub fn find<'a>(fields: &'a [Field], path: &str) -> Option<&'a Field> {
    let mut parts = path.split('.');
    let first = parts.next()?;
    let mut cur = fields.iter().find(|f| f.name == first)?;
    for part in parts {
        let Ty::Object { variants } = &cur.ty else {
            return None;
        };
        cur = variants.iter().flatten().find(|f| f.name == part)?;
    }
    Some(cur)
}

/// Splits a node position (`spec` holding the oneOf of all node kinds) into kind → fields.
pub fn node_kinds(field: &Field) -> Result<BTreeMap<String, Vec<Field>>> {
    let Ty::Object { variants } = &field.ty else {
        bail!("line {}: `{}` is not a node list", field.line, field.name);
    };
    let mut out: BTreeMap<String, Vec<Field>> = BTreeMap::new();
    for v in variants {
        let kind = const_of(v, "kind")
            .with_context(|| format!("line {}: node variant without a kind", field.line))?;
        match out.get_mut(&kind) {
            Some(existing) => *existing = merge_fields(existing, v, Required::Both),
            None => {
                out.insert(kind, v.clone());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Facets;

    fn f(name: &str, required: bool, ty: Ty) -> Field {
        Field {
            name: name.into(),
            required,
            ty,
            line: 0,
        }
    }

    fn s(values: &[&str]) -> Ty {
        Ty::Scalar(
            Base::String,
            Facets {
                enumeration: values.iter().map(|v| (*v).to_string()).collect(),
                ..Facets::default()
            },
        )
    }

    #[test]
    fn merge_keeps_required_only_when_both_require() {
        let a = vec![f("x", true, s(&[])), f("y", true, s(&[]))];
        let b = vec![f("x", true, s(&[])), f("z", true, s(&[]))];
        let m = merge_fields(&a, &b, Required::Both);
        let names: Vec<(&str, bool)> = m.iter().map(|f| (f.name.as_str(), f.required)).collect();
        assert_eq!(names, [("x", true), ("y", false), ("z", false)]);
    }

    #[test]
    fn merge_of_different_scalars_becomes_alternatives() {
        let m = merge_ty(&s(&["a"]), &s(&["b"]));
        assert_eq!(m, Ty::AnyOf(vec![s(&["a"]), s(&["b"])]));
    }

    #[test]
    fn discriminate_groups_same_values() {
        let v = vec![
            vec![f("type", true, s(&["restart"])), f("a", false, s(&[]))],
            vec![f("type", true, s(&["execute"]))],
            vec![f("type", true, s(&["restart"])), f("b", false, s(&[]))],
        ];
        let (key, groups) = discriminate(&v).expect("discriminated");
        assert_eq!(key, "type");
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].0, "restart");
        assert_eq!(groups[0].1.len(), 3);
        // Without a constant in every variant there is no discrimination.
        assert!(
            discriminate(&[vec![f("a", false, s(&[]))], vec![f("b", false, s(&[]))]]).is_none()
        );
    }
}
