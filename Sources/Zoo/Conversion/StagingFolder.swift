import Foundation

/// A hidden folder inside the zoo where a model is assembled, then renamed into place in one step.
/// Hidden folders are never listed as models, so a conversion that dies leaves the zoo as it was; the next write
/// to the zoo removes what a dead one left.
struct StagingFolder {
    static let prefix = ".partial-"
    /// A replaced or removed model on its way out.
    static let trashPrefix = ".trash-"

    let url: URL

    init(zoo: URL, name: String) throws {
        Self.removeAbandoned(in: zoo)
        url = Self.hiddenName(Self.prefix, name, in: zoo)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    }

    /// `.<kind>-<name>-<pid>-<random>`: the process id tells whether its owner is still alive.
    static func hiddenName(_ prefix: String, _ name: String, in zoo: URL) -> URL {
        zoo.appendingPathComponent("\(prefix)\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    }

    /// Flushes the finished model to disk and moves it to `destination`. An existing model there is replaced only
    /// when asked, by swapping the two folders in one rename, so that at every instant the name holds a complete
    /// model; the old one then leaves through the trash.
    func commit(to destination: URL, replacing: Bool) throws {
        try DurableFiles.syncFolder(url)
        let zoo = destination.deletingLastPathComponent()
        if FileManager.default.fileExists(atPath: destination.path) {
            guard replacing else {
                throw ZooError(path: destination.path, "a model of this name exists already (use --force to replace it)")
            }
            try DurableFiles.exchange(url, destination)
            try DurableFiles.sync(zoo)
            let trash = Self.hiddenName(Self.trashPrefix, destination.lastPathComponent, in: zoo)
            try DurableFiles.rename(url, to: trash)
            try? FileManager.default.removeItem(at: trash)
        } else {
            try DurableFiles.rename(url, to: destination)
        }
        try DurableFiles.sync(zoo)
    }

    func discard() {
        try? FileManager.default.removeItem(at: url)
    }

    /// Removes staging and trash folders whose process is gone (killed before it could clean up), and lock files
    /// nobody holds.
    static func removeAbandoned(in zoo: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: zoo.path)) ?? []
        for name in names where name.hasPrefix(prefix) || name.hasPrefix(trashPrefix) {
            let fields = name.split(separator: "-")
            guard fields.count >= 3, let pid = Int32(fields[fields.count - 2]) else { continue }
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(at: zoo.appendingPathComponent(name))
            }
        }
        ModelLock.removeStale(in: zoo)
    }
}
