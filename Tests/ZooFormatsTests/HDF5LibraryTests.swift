import Foundation
import Synchronization
import Testing
@testable import ZooFormats

@Suite struct HDF5LibraryTests {
    /// libhdf5 builds without thread-safety (the default when compiling HDF5) corrupt their state under concurrent
    /// calls; every call runs under one lock, so no two bodies may ever overlap.
    @Test func callsIntoTheLibraryNeverOverlap() {
        let inside = Mutex(0), mostInside = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<50 {
                try? withHDF5(path: "test") { () throws(FormatError) in
                    let now = inside.withLock { count in
                        count += 1
                        return count
                    }
                    mostInside.withLock { $0 = max($0, now) }
                    usleep(50)
                    inside.withLock { $0 -= 1 }
                }
            }
        }
        #expect(mostInside.withLock { $0 } == 1)
    }
}
