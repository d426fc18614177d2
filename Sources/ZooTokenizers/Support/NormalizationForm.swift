import Foundation

/// The Unicode normalization forms as `unicode-normalization-alignments`, the crate Hugging Face `tokenizers`
/// normalizes with, gives them: by Unicode 11.0. Swift's tables are newer and would decompose, compose or reorder
/// characters assigned since, which to that crate are unassigned: starters that map to themselves and compose with
/// nothing, so that no reordering or composition crosses them. The text is therefore normalized by Foundation in
/// the stretches between such characters, which are kept as they are.
enum NormalizationForm: Sendable {
    case nfd, nfc, nfkd, nfkc

    /// Appends `text` (valid UTF-8) in this form to `output`.
    func normalize(_ text: UnsafeBufferPointer<UInt8>, appendingTo output: inout [UInt8]) {
        var stretchStart = 0
        var stretchIsASCII = true
        var offset = 0
        while offset < text.count {
            let byte = text[offset]
            if byte < 0x80 {
                offset += 1
                continue
            }
            let length = utf8Length(leadingByte: byte)
            let value = scalarValue(UnsafeBufferPointer(rebasing: text[offset..<offset + length]))
            if ScalarTraits(UInt32(value)).contains(.unknownToNormalization) {
                append(UnsafeBufferPointer(rebasing: text[stretchStart..<offset]), isASCII: stretchIsASCII, to: &output)
                output.append(contentsOf: text[offset..<offset + length])
                stretchStart = offset + length
                stretchIsASCII = true
            } else {
                stretchIsASCII = false
            }
            offset += length
        }
        append(UnsafeBufferPointer(rebasing: text[stretchStart...]), isASCII: stretchIsASCII, to: &output)
    }

    private func append(_ stretch: UnsafeBufferPointer<UInt8>, isASCII: Bool, to output: inout [UInt8]) {
        if isASCII {  // every form leaves ASCII as it is
            output.append(contentsOf: stretch)
            return
        }
        let text = String(decoding: stretch, as: UTF8.self)
        let normalized: String
        switch self {
        case .nfd: normalized = text.decomposedStringWithCanonicalMapping
        case .nfc: normalized = text.precomposedStringWithCanonicalMapping
        case .nfkd: normalized = text.decomposedStringWithCompatibilityMapping
        case .nfkc: normalized = text.precomposedStringWithCompatibilityMapping
        }
        output.append(contentsOf: normalized.utf8)
    }
}
