#if canImport(Glibc)
import Glibc
#endif
import Foundation

extension ModelZoo {
    /// Removes the model `name` in one step: it is renamed to a hidden trash folder (never listed), then deleted.
    /// The models that ship in the source tree's Models/ are refused: they belong to the checkout, not to the user.
    public func remove(named name: String) throws {
        let model = try model(named: name)
        let zoo = model.folder.deletingLastPathComponent()
        if zoo.standardizedFileURL.resolvingSymlinksInPath().path
            == Self.bundledModels.standardizedFileURL.resolvingSymlinksInPath().path {
            throw ZooError(path: model.folder.path, "\"\(name)\" ships with Zoo in the source tree's Models/ and is not "
                + "removed from there (it belongs to the checkout; a user zoo is \(writableFolder.path))")
        }
        guard access(zoo.path, W_OK) == 0 else {
            throw ZooError(path: zoo.path, "cannot remove \"\(name)\": this zoo folder is not writable")
        }
        let lock = try ModelLock(zoo: zoo, name: name, purpose: "removing")
        defer { lock.release() }
        StagingFolder.removeAbandoned(in: zoo)
        let trash = StagingFolder.hiddenName(StagingFolder.trashPrefix, name, in: zoo)
        try DurableFiles.rename(model.folder, to: trash)
        try DurableFiles.sync(zoo)
        do { try FileManager.default.removeItem(at: trash) } catch {
            throw ZooError(path: trash.path, "the model is removed from the zoo but its files could not be deleted: "
                + "\(error.localizedDescription)")
        }
    }
}
