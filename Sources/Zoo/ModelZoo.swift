import Foundation

/// The zoo: the folders where models live, searched in order, and the one new models are written to.
///
/// `--zoo DIR` (any number of times) replaces the search path; otherwise the colon-separated `ZOO_PATH` does;
/// otherwise it is the user's zoo (`$XDG_DATA_HOME/zoo`, or `~/.local/share/zoo`) followed by the `Models/` folder
/// of the source tree this Zoo was built from, which holds the models that ship with Zoo.
public struct ModelZoo: Sendable {
    public let folders: [URL]

    public init(folders: [URL]) {
        precondition(!folders.isEmpty, "a zoo needs at least one folder")
        self.folders = folders
    }

    public init(explicitFolders: [String] = [], environment: [String: String] = ProcessInfo.processInfo.environment) {
        if !explicitFolders.isEmpty {
            self.init(folders: explicitFolders.map { URL(fileURLWithPath: $0) })
        } else if let path = environment["ZOO_PATH"], !path.isEmpty {
            self.init(folders: path.split(separator: ":").map { URL(fileURLWithPath: String($0)) })
        } else {
            var folders = [Self.userZoo(environment: environment)]
            if FileManager.default.fileExists(atPath: Self.bundledModels.path) { folders.append(Self.bundledModels) }
            self.init(folders: folders)
        }
    }

    /// Where conversions write: the first folder of the search path.
    public var writableFolder: URL { folders[0] }

    static func userZoo(environment: [String: String]) -> URL {
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty {
            return URL(fileURLWithPath: data).appendingPathComponent("zoo")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/zoo")
    }

    /// The Models/ folder of the source tree, found from this file's path at build time.
    static let bundledModels = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models")

    /// Every model in the zoo, by name; where two folders hold the same name, the earlier folder's wins.
    public func models() -> [StoredModel] {
        var seen = Set<String>()
        var result: [StoredModel] = []
        for folder in folders {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") && !seen.contains(name) {
                let url = folder.appendingPathComponent(name)
                guard StoredModel.looksLikeModel(url) else { continue }
                seen.insert(name)
                result.append(StoredModel(name: name, folder: url))
            }
        }
        return result
    }

    /// The model called `name`, or an error saying where Zoo looked.
    public func model(named name: String) throws(ZooError) -> StoredModel {
        try Self.checkName(name)
        for folder in folders {
            let url = folder.appendingPathComponent(name)
            if StoredModel.looksLikeModel(url) { return StoredModel(name: name, folder: url) }
        }
        let places = folders.map(\.path).joined(separator: ":")
        throw ZooError("no model named \"\(name)\" in the zoo (searched \(places); `zoo list` shows what it holds)")
    }

    /// Model names are folder names: no separators, no leading dot, printable.
    public static func checkName(_ name: String) throws(ZooError) {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        guard !name.isEmpty, !name.hasPrefix("."), name.count <= 200,
              name.unicodeScalars.allSatisfy({ allowed.contains($0) }) else {
            throw ZooError("\"\(name)\" is not a valid model name (letters, digits, '-', '_' and '.', not starting with '.')")
        }
    }
}
