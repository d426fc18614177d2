import Foundation

extension StoredModel {
    /// Re-hashes every file of the model against its manifest.json: the files that differ (changed, missing, or
    /// present but not listed), empty when the model is intact.
    public func verify() throws -> [ManifestMismatch] {
        try manifest().verify(folder: folder)
    }
}

extension ManifestMismatch {
    /// One word for the kind of difference: "changed", "missing" or "extra".
    public var kind: String {
        switch reason {
        case .missing: "missing"
        case .unlisted: "extra"
        case .size, .sha256: "changed"
        }
    }
}
