import Foundation

/// A hidden folder inside the zoo where a model is assembled, then renamed into place in one step.
/// Hidden folders are never listed as models, so a conversion that dies leaves the zoo as it was.
struct StagingFolder {
    let url: URL

    init(zoo: URL, name: String) throws {
        Self.removeAbandoned(in: zoo)
        url = zoo.appendingPathComponent(".partial-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    }

    /// Moves the finished model to `destination`. An existing model there is replaced only when asked; it is
    /// first moved aside, so that at every instant the name holds a complete model.
    func commit(to destination: URL, replacing: Bool) throws {
        let manager = FileManager.default
        guard manager.fileExists(atPath: destination.path) else {
            try manager.moveItem(at: url, to: destination)
            return
        }
        guard replacing else {
            throw ZooError(path: destination.path, "a model of this name exists already (use --force to replace it)")
        }
        let aside = url.deletingLastPathComponent().appendingPathComponent(".removing-\(url.lastPathComponent)")
        try manager.moveItem(at: destination, to: aside)
        do {
            try manager.moveItem(at: url, to: destination)
        } catch {
            try? manager.moveItem(at: aside, to: destination)
            throw error
        }
        try? manager.removeItem(at: aside)
    }

    func discard() {
        try? FileManager.default.removeItem(at: url)
    }

    /// Removes staging folders whose converting process is gone (killed before it could clean up).
    static func removeAbandoned(in zoo: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: zoo.path)) ?? []
        for name in names where name.hasPrefix(".partial-") || name.hasPrefix(".removing-") {
            let fields = name.split(separator: "-")
            guard fields.count >= 3, let pid = Int32(fields[fields.count - 2]) else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(at: zoo.appendingPathComponent(name))
            }
        }
    }
}
