/// Whether a character was assigned by Unicode 16.0. The regular expressions inside Hugging Face `tokenizers`
/// 0.23 (Oniguruma for the split pattern, Rust's regex for added tokens) use Unicode 16.0 tables, while Swift's
/// are newer: to them a character assigned later is unassigned, neither letter nor number nor word character.
func isAssignedInReferenceUnicode(_ properties: Unicode.Scalar.Properties) -> Bool {
    isAssigned(properties, byUnicode: 16, 0)
}

/// Whether a character was assigned by Unicode `major`.`minor`. Other crates inside `tokenizers` carry older
/// tables still: `unicode_categories` (BERT's normalizer and pre-tokenizer) is Unicode 8.0, and
/// `unicode-normalization-alignments` is Unicode 11.0 for the normalization forms and 9.0 for its combining marks.
func isAssigned(_ properties: Unicode.Scalar.Properties, byUnicode major: Int, _ minor: Int) -> Bool {
    guard let age = properties.age else { return false }
    return age.major < major || (age.major == major && age.minor <= minor)
}
