/// Whether a character was assigned by Unicode 16.0. The regular expressions inside Hugging Face `tokenizers`
/// 0.23 (Oniguruma for the split pattern, Rust's regex for added tokens) use Unicode 16.0 tables, while Swift's
/// are newer: to them a character assigned later is unassigned, neither letter nor number nor word character.
func isAssignedInReferenceUnicode(_ properties: Unicode.Scalar.Properties) -> Bool {
    guard let age = properties.age else { return false }
    return age.major < 16 || (age.major == 16 && age.minor == 0)
}
