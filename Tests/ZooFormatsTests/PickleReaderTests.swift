import Foundation
import Testing
@testable import ZooFormats

/// The pickle machine on hand-made pickles: the plain data it builds, and the limits and refusals that keep a
/// hostile pickle from running anything, allocating without bound or recursing.
@Suite struct PickleReaderTests {
    /// Opcode bytes, with helpers for the arguments.
    static let proto4: [UInt8] = [0x80, 4]
    static func shortString(_ text: String) -> [UInt8] { [0x8C, UInt8(text.utf8.count)] + Array(text.utf8) }
    static func global(_ module: String, _ name: String) -> [UInt8] { [0x63] + Array("\(module)\n\(name)\n".utf8) }

    func read(_ bytes: [UInt8]) throws(FormatError) -> Pickle { try PickleReader.read(bytes, path: "p.pkl") }

    func refusal(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let error = #expect(throws: FormatError.self, sourceLocation: sourceLocation) { try read(bytes) }
        let description = error?.description ?? ""
        #expect(description.hasPrefix("p.pkl: pickle, byte "), "\(description)", sourceLocation: sourceLocation)
        return description
    }

    @Test func plainDataIsBuiltAndMemoizedContainersAreShared() throws {
        var bytes = Self.proto4
        bytes += [0x7D, 0x94]  // EMPTY_DICT, MEMOIZE (0)
        bytes += [0x28] + Self.shortString("a") + [0x4B, 7]  // MARK 'a' 7
        bytes += Self.shortString("b") + [0x5D, 0x94]  // 'b' EMPTY_LIST MEMOIZE (1)
        bytes += [0x75]  // SETITEMS: {'a': 7, 'b': []}
        bytes += [0x68, 1, 0x28, 0x4E, 0x88, 0x47] + [0x3F, 0xF8, 0, 0, 0, 0, 0, 0]  // BINGET 1, MARK None True 1.5
        bytes += [0x8A, 1, 0xFE, 0x8A, 8, 0, 0, 0, 0, 0, 0, 0, 0x80]  // LONG1 -2, LONG1 Int.min
        bytes += [0x4A, 0xFF, 0xFF, 0xFF, 0xFF, 0x4D, 0x34, 0x12, 0x43, 2, 9, 8]  // BININT -1, BININT2, bytes
        bytes += [0x65, 0x30, 0x2E]  // APPENDS (to the list, through the memo), POP it, STOP
        let pickle = try read(bytes)
        guard case .dict(let root) = pickle.root else { Issue.record("root is \(pickle.root.kind)"); return }
        let pairs = pickle.dicts[root]
        guard pairs.count == 2, case .string("a") = pairs[0].key, case .int(7) = pairs[0].value,
              case .string("b") = pairs[1].key, case .list(let list) = pairs[1].value else {
            Issue.record("dict is \(pairs)")
            return
        }
        // The list was filled after it went into the dict: the dict sees the change.
        let items = pickle.lists[list]
        guard items.count == 8, case .none = items[0], case .bool(true) = items[1], case .float(1.5) = items[2],
              case .int(-2) = items[3], case .int(Int.min) = items[4], case .int(-1) = items[5],
              case .int(0x1234) = items[6], case .bytes([9, 8]) = items[7] else {
            Issue.record("list is \(items)")
            return
        }
    }

    @Test func everyGlobalOutsideTheListIsRefusedWhereItIsRead() {
        for (module, name) in [("os", "system"), ("posix", "system"), ("builtins", "eval"), ("builtins", "getattr"),
                               ("subprocess", "Popen"), ("torch", "load"), ("torch._utils", "_rebuild_tensor_v3"),
                               ("collections", "defaultdict"), ("numpy.core.multiarray", "_reconstruct")] {
            let message = refusal(Self.proto4 + Self.global(module, name) + [0x2E])
            #expect(message.contains("byte 2: refuses \(module).\(name) (GLOBAL)"), "\(message)")
        }
        // STACK_GLOBAL names it from two strings on the stack.
        let stacked = refusal(Self.proto4 + Self.shortString("os") + Self.shortString("system") + [0x93, 0x2E])
        #expect(stacked.contains("refuses os.system (GLOBAL)"))
    }

    @Test func objectsAreNeverCreatedOrCalled() {
        let orderedDict = Self.global("collections", "OrderedDict")
        let floatStorage = Self.global("torch", "FloatStorage")
        // NEWOBJ of an accepted name, OBJ, INST, a call of a storage type, a call of a non-name, BUILD on a list.
        #expect(refusal(Self.proto4 + orderedDict + [0x29, 0x81, 0x2E]).contains("refuses collections.OrderedDict (NEWOBJ)"))
        #expect(refusal(Self.proto4 + [0x28] + orderedDict + [0x6F, 0x2E]).contains("refuses collections.OrderedDict (OBJ)"))
        #expect(refusal(Self.proto4 + [0x28, 0x69] + Array("os\nsystem\n".utf8) + [0x2E]).contains("refuses os.system (INST)"))
        #expect(refusal(Self.proto4 + floatStorage + [0x29, 0x52, 0x2E]).contains("refuses a call of torch.FloatStorage"))
        #expect(refusal(Self.proto4 + [0x5D, 0x29, 0x52, 0x2E]).contains("REDUCE would call a list: refused"))
        #expect(refusal(Self.proto4 + [0x5D, 0x7D, 0x62, 0x2E]).contains("BUILD would set the state of a list"))
        #expect(refusal(Self.proto4 + [0x82, 1, 0x2E]).contains("extension-registry"))
        #expect(refusal([0x80, 5, 0x97, 0x2E]).contains("out-of-band buffers"))
    }

    @Test func protocolsOutsideTwoToFiveAndTextOpcodesAreRefused() {
        #expect(refusal([0x80, 6, 0x4E, 0x2E]).contains("pickle protocol 6 is not supported"))
        #expect(refusal([0x80, 2, 0x49] + Array("1\n".utf8) + [0x2E]).contains("protocol 0 opcode 'I' is not supported"))
        #expect(refusal([0x80, 2, 0xFF]).contains("byte 2: unknown opcode 0xff"))
    }

    @Test func malformedStreamsAreErrorsNotCrashes() {
        #expect(refusal([0x80, 2, 0x52]).contains("stack underflow"))
        #expect(refusal([0x80, 2, 0x68, 3, 0x2E]).contains("memo entry 3 was never stored"))
        #expect(refusal([0x80, 2, 0x74, 0x2E]).contains("no mark"))
        #expect(refusal([0x80, 2, 0x4E]).contains("ends without STOP"))
        #expect(refusal([0x80, 2, 0x28, 0x2E]).contains("stack underflow"))  // STOP cannot pop through a mark
        #expect(refusal([0x80, 2, 0x8A, 9] + [UInt8](repeating: 1, count: 9) + [0x2E]).contains("larger than 64 bits"))
        #expect(refusal([0x80, 2, 0x7D, 0x4E, 0x73, 0x2E]).contains("stack underflow"))
        #expect(refusal([0x80, 2, 0x4E, 0x4E, 0x4E, 0x73, 0x2E]).contains("SETITEM on None, not a dict"))
        #expect(refusal([0x80, 2, 0x8C, 2, 0xC3, 0x28, 0x2E]).contains("not UTF-8"))

        // Every prefix of a valid pickle is a clean error.
        let valid = Self.proto4 + [0x7D, 0x94, 0x28] + Self.shortString("key") + [0x4B, 1, 0x75, 0x2E]
        for length in 0..<valid.count { _ = refusal(Array(valid.prefix(length))) }
    }

    @Test func hostileSizesHitTheLimits() {
        // A string claiming 2 GB: refused from its length, before any allocation.
        #expect(refusal([0x80, 2, 0x58, 0, 0, 0, 0x80, 0x2E]).contains("exceeds the limit of 1048576"))
        #expect(refusal([0x80, 4, 0x8D] + [0, 0, 0, 0, 0, 0, 0, 0x80] + [0x2E]).contains("exceeds the limit"))
        // Tuples nested 100 deep.
        let nested: [UInt8] = [0x80, 2, 0x29] + [UInt8](repeating: 0x85, count: 100) + [0x2E]
        #expect(refusal(nested).contains("tuples nest deeper than the limit of 64"))
        // Lists nested 100 000 deep, and a list holding itself, cannot recurse: lists are indices, not nested values.
        var deepLists: [UInt8] = [0x80, 4, 0x5D]
        for _ in 0..<100_000 { deepLists += [0x5D, 0x71, 1, 0x61, 0x30, 0x68, 1] }  // new list into the last, go in
        deepLists += [0x32, 0x61, 0x2E]  // DUP, APPEND: the innermost list holds itself
        #expect(throws: Never.self) { _ = try read(deepLists) }
        // A tensor of rank 33.
        let storageID = [0x28] + Self.shortString("storage") + Self.global("torch", "FloatStorage")
            + Self.shortString("0") + Self.shortString("cpu") + [0x4B, 1, 0x74, 0x51]
        let sizes: [UInt8] = [0x28] + Array(repeating: [0x4B, 1], count: 33).flatMap { $0 } + [0x74]
        let tensor = Self.proto4 + Self.global("torch._utils", "_rebuild_tensor") + [0x28] + storageID + [0x4B, 0]
            + sizes + sizes + [0x74, 0x52, 0x2E]
        #expect(refusal(tensor).contains("a tensor of rank 33 exceeds the limit of 32"))
    }

    @Test func aPickleOfEndlessOpcodesStopsAtTheOperationLimit() {
        let endless = [0x80, 2] + [UInt8](repeating: 0x4E, count: PickleReader.maximumOperations + 1) + [0x2E]
        #expect(refusal(endless).contains("more than 4000000 opcodes"))
    }
}
