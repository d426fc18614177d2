#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// An exclusive lock on one model name of a zoo folder, so that two processes never write the same model at
/// once: `flock` on the hidden file `.lock-<name>` in the zoo folder, which holds the holder's process id and
/// command. The kernel releases the lock when its holder dies, however it dies; the file itself is removed on
/// release, and a leftover one (its holder killed) is unlocked and removed by the next writer.
final class ModelLock {
    static let prefix = ".lock-"

    let url: URL
    private var descriptor: Int32

    /// Takes the lock at once or fails naming the process that holds it.
    init(zoo: URL, name: String, purpose: String) throws {
        url = zoo.appendingPathComponent(Self.prefix + name)
        let path = url.path
        while true {
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw ZooError(path: path, "cannot create the model's lock file: \(String(cString: strerror(errno)))")
            }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                let reason = errno
                let holder = Self.holder(descriptor)
                close(descriptor)
                guard reason == EWOULDBLOCK else {
                    throw ZooError(path: path, "cannot lock the model: \(String(cString: strerror(reason)))")
                }
                throw ZooError(path: path, "model \"\(name)\" is being written by another process (\(holder)): "
                    + "wait for it to finish")
            }
            // The file may have been removed by its previous holder between our open and our flock: then the lock
            // is on a file nobody else will see, and we start again.
            var opened = stat(), current = stat()
            if fstat(descriptor, &opened) == 0, stat(path, &current) == 0, opened.st_ino == current.st_ino,
               opened.st_dev == current.st_dev {
                self.descriptor = descriptor
                break
            }
            close(descriptor)
        }
        let arguments = CommandLine.arguments.joined(separator: " ")
        let record = "process \(getpid()) (\(purpose): \(arguments))\n"
        _ = ftruncate(descriptor, 0)
        _ = record.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    deinit { release() }

    /// Removes the lock file and releases the lock; idempotent.
    func release() {
        guard descriptor >= 0 else { return }
        unlink(url.path)
        close(descriptor)
        descriptor = -1
    }

    /// What the lock file says about its holder.
    private static func holder(_ descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        let text = String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "a process that has just started" : text
    }

    /// Removes the lock files of `zoo` that no process holds (their holder was killed).
    static func removeStale(in zoo: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: zoo.path)) ?? []
        for name in names where name.hasPrefix(prefix) {
            let path = zoo.appendingPathComponent(name).path
            let descriptor = open(path, O_RDWR | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { unlink(path) }
            close(descriptor)
        }
    }
}
