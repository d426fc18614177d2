/// Reads a pickle of protocol 2 to 5 as torch.save writes a state dict, without executing anything: a stack
/// machine that builds plain data (None, bools, integers, floats, strings, bytes, tuples, lists, dicts) and the
/// torch names of `TorchGlobal`. A GLOBAL outside that list, and every opcode that would create or call an object
/// of the file's choosing (INST, OBJ, NEWOBJ, EXT, out-of-band buffers), is refused with its name where it
/// appears. Caps on size, operations, string length and nesting keep a hostile pickle from allocating without bound.
public enum PickleReader {
    /// Pickles longer than this are refused before reading (a state dict's pickle is about 100 bytes a tensor).
    public static let maximumSize = 64 << 20
    /// Opcodes run before giving up: about 30 a tensor, so room for 100 000 tensors.
    public static let maximumOperations = 4_000_000
    /// The longest string or bytes value.
    public static let maximumStringLength = 1 << 20
    /// How deeply tuples may nest (a tensor's arguments nest 3 deep).
    public static let maximumDepth = 64
    /// The most dimensions a tensor may have.
    public static let maximumRank = 32

    /// Reads the pickle in `bytes`. Errors name `path` and say where in the pickle (`label`, then the byte).
    public static func read(_ bytes: UnsafeRawBufferPointer, path: String, label: String = "pickle") throws(FormatError) -> Pickle {
        guard bytes.count <= maximumSize else {
            throw FormatError(path: path, "\(label) is \(bytes.count) bytes, more than the limit of \(maximumSize)")
        }
        var machine = PickleMachine(bytes: bytes, path: path, label: label)
        return try machine.run()
    }

    /// Reads a pickle held in an array (for tests and fuzzing).
    public static func read(_ bytes: [UInt8], path: String, label: String = "pickle") throws(FormatError) -> Pickle {
        var result: Result<Pickle, FormatError>!
        bytes.withUnsafeBytes { buffer in
            result = Result { () throws(FormatError) in try read(buffer, path: path, label: label) }
        }
        return try result.get()
    }
}

private struct PickleMachine {
    let bytes: UnsafeRawBufferPointer
    let path: String
    let label: String
    var position = 0
    /// Where the running opcode started, for error messages.
    var opcodeStart = 0
    var stack: [PickleValue] = []
    var marks: [Int] = []
    var memo: [Int: PickleValue] = [:]
    var lists: [[PickleValue]] = []
    var dicts: [[(key: PickleValue, value: PickleValue)]] = []

    init(bytes: UnsafeRawBufferPointer, path: String, label: String) {
        self.bytes = bytes
        self.path = path
        self.label = label
    }

    func error(_ problem: String) -> FormatError {
        FormatError(path: path, "\(label), byte \(opcodeStart): \(problem)")
    }

    // MARK: Reading the opcode stream

    mutating func take(_ count: Int) throws(FormatError) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - position else {
            throw error("truncated: the pickle ends inside an opcode's argument")
        }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
    }

    mutating func byte() throws(FormatError) -> Int { Int(try take(1)[0]) }

    mutating func littleEndian<T: FixedWidthInteger>(_: T.Type) throws(FormatError) -> T {
        T(littleEndian: try take(MemoryLayout<T>.size).loadUnaligned(as: T.self))
    }

    /// A length read as `T`, checked against the string limit.
    mutating func length<T: FixedWidthInteger>(_: T.Type) throws(FormatError) -> Int {
        let value = try littleEndian(T.self)
        guard value >= 0, value <= PickleReader.maximumStringLength else {
            throw error("a string of \(value) bytes exceeds the limit of \(PickleReader.maximumStringLength)")
        }
        return Int(value)
    }

    mutating func utf8(_ count: Int) throws(FormatError) -> String {
        guard let text = String(validating: try take(count), as: UTF8.self) else { throw error("a string is not UTF-8") }
        return text
    }

    /// A newline-terminated line of GLOBAL or INST (a module or a name), at most 256 bytes.
    mutating func line() throws(FormatError) -> String {
        let start = position
        while position < bytes.count, bytes[position] != 0x0A {
            position += 1
            guard position - start <= 256 else { throw error("a module or name is longer than 256 bytes") }
        }
        guard position < bytes.count else { throw error("truncated: the pickle ends inside a name") }
        defer { position += 1 }
        guard let text = String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self) else {
            throw error("a module or name is not UTF-8")
        }
        return text
    }

    // MARK: The stack

    mutating func push(_ value: PickleValue) { stack.append(value) }

    mutating func pop() throws(FormatError) -> PickleValue {
        guard stack.count > (marks.last ?? 0) else { throw error("stack underflow") }
        return stack.removeLast()
    }

    func top() throws(FormatError) -> PickleValue {
        guard stack.count > (marks.last ?? 0) else { throw error("stack underflow") }
        return stack[stack.count - 1]
    }

    /// The values above the last mark, removing them and the mark.
    mutating func popMark() throws(FormatError) -> [PickleValue] {
        guard let mark = marks.popLast() else { throw error("no mark for an opcode that needs one") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    func tuple(_ items: [PickleValue]) throws(FormatError) -> PickleValue {
        let tuple = PickleTuple(items)
        guard tuple.depth <= PickleReader.maximumDepth else {
            throw error("tuples nest deeper than the limit of \(PickleReader.maximumDepth)")
        }
        return .tuple(tuple)
    }

    mutating func newList(_ items: [PickleValue] = []) -> PickleValue {
        lists.append(items)
        return .list(lists.count - 1)
    }

    mutating func newDict(_ items: [(key: PickleValue, value: PickleValue)] = []) -> PickleValue {
        dicts.append(items)
        return .dict(dicts.count - 1)
    }

    mutating func append(_ items: [PickleValue], to target: PickleValue) throws(FormatError) {
        guard case .list(let index) = target else { throw error("APPEND to \(target.kind), not a list") }
        lists[index].append(contentsOf: items)
    }

    mutating func setItems(_ items: [PickleValue], in target: PickleValue) throws(FormatError) {
        guard case .dict(let index) = target else { throw error("SETITEM on \(target.kind), not a dict") }
        guard items.count % 2 == 0 else { throw error("SETITEMS with an odd number of values") }
        for pair in stride(from: 0, to: items.count, by: 2) {
            dicts[index].append((items[pair], items[pair + 1]))
        }
    }

    // MARK: Running

    mutating func run() throws(FormatError) -> Pickle {
        var operations = 0
        while true {
            operations += 1
            guard operations <= PickleReader.maximumOperations else {
                throw error("more than \(PickleReader.maximumOperations) opcodes: over the limit for a state dict")
            }
            opcodeStart = position
            guard position < bytes.count else { throw error("truncated: the pickle ends without STOP") }
            let opcode = try byte()
            if opcode == 0x2E {  // STOP
                let root = try pop()
                return Pickle(root: root, lists: lists, dicts: dicts)
            }
            try step(opcode)
        }
    }

    mutating func step(_ opcode: Int) throws(FormatError) {
        switch opcode {
        case 0x80:  // PROTO
            let version = try byte()
            guard (2...5).contains(version) else {
                throw error("pickle protocol \(version) is not supported (torch.save writes 2; 2 to 5 are read)")
            }
        case 0x95:  // FRAME: a length that only helps a buffered reader
            let length = try littleEndian(UInt64.self)
            guard length <= UInt64(bytes.count - position) else { throw error("truncated: a frame runs past the end") }
        case 0x28: marks.append(stack.count)  // MARK
        case 0x30:  // POP (of a value, or of a mark right on top)
            if let mark = marks.last, mark == stack.count { marks.removeLast() } else { _ = try pop() }
        case 0x31: _ = try popMark()  // POP_MARK
        case 0x32: push(try top())  // DUP

        case 0x4E: push(.none)
        case 0x88: push(.bool(true))
        case 0x89: push(.bool(false))
        case 0x4A: push(.int(Int(try littleEndian(Int32.self))))  // BININT
        case 0x4B: push(.int(try byte()))  // BININT1
        case 0x4D: push(.int(Int(try littleEndian(UInt16.self))))  // BININT2
        case 0x8A: push(.int(try long(count: try byte())))  // LONG1
        case 0x8B: push(.int(try long(count: Int(try littleEndian(Int32.self)))))  // LONG4
        case 0x47:  // BINFLOAT, big-endian
            push(.float(Double(bitPattern: UInt64(bigEndian: try take(8).loadUnaligned(as: UInt64.self)))))

        case 0x58: push(.string(try utf8(try length(UInt32.self))))  // BINUNICODE
        case 0x8C: push(.string(try utf8(try byte())))  // SHORT_BINUNICODE
        case 0x8D: push(.string(try utf8(try length(UInt64.self))))  // BINUNICODE8
        case 0x54: push(.string(try utf8(try length(Int32.self))))  // BINSTRING (Python 2 str)
        case 0x55: push(.string(try utf8(try byte())))  // SHORT_BINSTRING
        case 0x42: push(.bytes(Array(try take(try length(UInt32.self)))))  // BINBYTES
        case 0x43: push(.bytes(Array(try take(try byte()))))  // SHORT_BINBYTES
        case 0x8E, 0x96: push(.bytes(Array(try take(try length(UInt64.self)))))  // BINBYTES8, BYTEARRAY8

        case 0x29: push(.tuple(PickleTuple([])))  // EMPTY_TUPLE
        case 0x74: push(try tuple(try popMark()))  // TUPLE
        case 0x85, 0x86, 0x87:  // TUPLE1, TUPLE2, TUPLE3
            var items: [PickleValue] = []
            for _ in 0..<(opcode - 0x84) { items.insert(try pop(), at: 0) }
            push(try tuple(items))
        case 0x5D, 0x8F: push(newList())  // EMPTY_LIST, EMPTY_SET (sets are kept as lists)
        case 0x6C: push(newList(try popMark()))  // LIST
        case 0x91: push(try tuple(try popMark()))  // FROZENSET, kept as a tuple
        case 0x61:  // APPEND
            let item = try pop()
            try append([item], to: try top())
        case 0x65, 0x90:  // APPENDS, ADDITEMS
            let items = try popMark()
            try append(items, to: try top())
        case 0x7D: push(newDict())  // EMPTY_DICT
        case 0x64:  // DICT
            let dict = newDict()
            try setItems(try popMark(), in: dict)
            push(dict)
        case 0x73:  // SETITEM
            let value = try pop(), key = try pop()
            try setItems([key, value], in: try top())
        case 0x75:  // SETITEMS
            let items = try popMark()
            try setItems(items, in: try top())

        case 0x68: push(try recall(try byte()))  // BINGET
        case 0x6A: push(try recall(Int(try littleEndian(UInt32.self))))  // LONG_BINGET
        case 0x71: memo[try byte()] = try top()  // BINPUT
        case 0x72: memo[Int(try littleEndian(UInt32.self))] = try top()  // LONG_BINPUT
        case 0x94: memo[memo.count] = try top()  // MEMOIZE

        case 0x63:  // GLOBAL
            let module = try line(), name = try line()
            push(.global(try resolve(module: module, name: name)))
        case 0x93:  // STACK_GLOBAL
            let name = try pop(), module = try pop()
            guard case .string(let moduleText) = module, case .string(let nameText) = name else {
                throw error("STACK_GLOBAL needs two strings, not \(module.kind) and \(name.kind)")
            }
            push(.global(try resolve(module: moduleText, name: nameText)))
        case 0x52: try reduce()  // REDUCE
        case 0x62:  // BUILD: only the attributes torch gives a state dict (its `_metadata`) are accepted, and dropped
            _ = try pop()
            let target = try top()
            guard case .dict = target else { throw error("BUILD would set the state of \(target.kind): refused") }
        case 0x51: push(.storage(try storage(try pop())))  // BINPERSID

        case 0x69:  // INST module name: creates an instance of a class the file names
            let module = try line(), name = try line()
            throw refusal("\(module).\(name)", opcode: "INST")
        case 0x6F:  // OBJ: calls the class below the mark
            let items = try popMark()
            throw refusal(items.first.map(describe) ?? "nothing", opcode: "OBJ")
        case 0x81, 0x92:  // NEWOBJ, NEWOBJ_EX
            _ = try pop()  // the arguments (and for NEWOBJ_EX the keyword arguments)
            if opcode == 0x92 { _ = try pop() }
            throw refusal(describe(try pop()), opcode: opcode == 0x81 ? "NEWOBJ" : "NEWOBJ_EX")
        case 0x82, 0x83, 0x84:  // EXT1, EXT2, EXT4
            throw error("refuses an extension-registry reference (EXT opcode): a checkpoint needs none")
        case 0x97, 0x98:  // NEXT_BUFFER, READONLY_BUFFER
            throw error("refuses out-of-band buffers (protocol 5 NEXT_BUFFER): torch.save writes none")
        case 0x50:  // PERSID (protocol 0)
            throw error("refuses a text persistent id (PERSID): torch.save writes BINPERSID")
        case 0x46, 0x49, 0x4C, 0x53, 0x56, 0x67, 0x70:  // FLOAT INT LONG STRING UNICODE GET PUT
            throw error("protocol 0 opcode '\(Character(Unicode.Scalar(UInt8(opcode))))' is not supported: "
                + "torch.save writes protocol 2, and 2 to 5 are read")
        default:
            throw error("unknown opcode 0x\(String(opcode, radix: 16)): not a pickle, or a damaged one")
        }
    }

    /// An integer of `count` little-endian two's-complement bytes (LONG1, LONG4), within 64 bits.
    mutating func long(count: Int) throws(FormatError) -> Int {
        guard count >= 0, count <= 8 else { throw error("an integer of \(count) bytes is larger than 64 bits") }
        let digits = try take(count)
        guard count > 0 else { return 0 }
        var value: UInt64 = 0
        for (index, byte) in digits.enumerated() { value |= UInt64(byte) << (8 * UInt64(index)) }
        if count < 8 && digits[count - 1] & 0x80 != 0 { value |= ~0 << (8 * UInt64(count)) }  // sign-extend
        return Int(Int64(bitPattern: value))
    }

    func recall(_ index: Int) throws(FormatError) -> PickleValue {
        guard let value = memo[index] else { throw error("memo entry \(index) was never stored") }
        return value
    }

    func resolve(module: String, name: String) throws(FormatError) -> TorchGlobal {
        guard let global = TorchGlobal(module: module, name: name) else {
            throw refusal("\(module).\(name)", opcode: "GLOBAL")
        }
        return global
    }

    func describe(_ value: PickleValue) -> String {
        if case .global(let name) = value { return name.description }
        return value.kind
    }

    func refusal(_ name: String, opcode: String) -> FormatError {
        error("refuses \(name) (\(opcode)): a checkpoint may only name what torch.save writes for tensors and "
            + "state dicts; this file would run or build other objects if unpickled, and nothing in it was run")
    }

    /// REDUCE: calls one of the accepted names with a tuple of arguments, which here means building the data it
    /// stands for.
    mutating func reduce() throws(FormatError) {
        let arguments = try pop(), callable = try pop()
        guard case .global(let global) = callable else {
            throw error("REDUCE would call \(callable.kind): refused")
        }
        guard case .tuple(let tuple) = arguments else {
            throw error("REDUCE of \(global) with \(arguments.kind) as its arguments, not a tuple")
        }
        let items = tuple.items
        switch global {
        case .orderedDict:
            guard items.isEmpty else { throw error("collections.OrderedDict is called with arguments: not a state dict") }
            push(newDict())
        case .rebuildTensorV2, .rebuildTensor:
            push(.tensor(try tensor(items, global)))
        case .rebuildParameter, .rebuildParameterWithState:
            guard items.count == (global == .rebuildParameter ? 3 : 4), case .tensor = items[0] else {
                throw error("\(global) needs a tensor, requires_grad and hooks\(global == .rebuildParameter ? "" : " and a state")")
            }
            push(items[0])
        case .storageType, .dtype:
            throw error("refuses a call of \(global): a checkpoint never calls it")
        }
    }

    /// The arguments of `_rebuild_tensor_v2` (storage, offset, size, stride, requires_grad, hooks[, metadata]) or
    /// of `_rebuild_tensor` (the first four).
    func tensor(_ items: [PickleValue], _ global: TorchGlobal) throws(FormatError) -> TorchTensorReference {
        let counts = global == .rebuildTensorV2 ? 6...7 : 4...4
        guard counts.contains(items.count), case .storage(let storage) = items[0], case .int(let offset) = items[1],
              let shape = integers(items[2]), let strides = integers(items[3]) else {
            throw error("\(global) needs a storage, an offset, a size tuple and a stride tuple")
        }
        guard shape.count == strides.count else {
            throw error("a tensor has \(shape.count) sizes but \(strides.count) strides")
        }
        guard shape.count <= PickleReader.maximumRank else {
            throw error("a tensor of rank \(shape.count) exceeds the limit of \(PickleReader.maximumRank)")
        }
        return TorchTensorReference(storage: storage, offset: offset, shape: shape, strides: strides)
    }

    func integers(_ value: PickleValue) -> [Int]? {
        guard case .tuple(let tuple) = value else { return nil }
        var result: [Int] = []
        for item in tuple.items {
            guard case .int(let number) = item else { return nil }
            result.append(number)
        }
        return result
    }

    /// torch.save's persistent id of a storage: ("storage", <storage type>, key, location, element count).
    func storage(_ id: PickleValue) throws(FormatError) -> TorchStorageReference {
        guard case .tuple(let tuple) = id, tuple.items.count == 5, case .string("storage") = tuple.items[0],
              case .global(.storageType(let type)) = tuple.items[1], case .string(let key) = tuple.items[2],
              case .string(let location) = tuple.items[3], case .int(let count) = tuple.items[4] else {
            throw error("a persistent id that is not torch's storage reference (\"storage\", type, key, location, size)")
        }
        guard count >= 0 else { throw error("storage \(key.debugDescription) has a negative size \(count)") }
        return TorchStorageReference(type: type, key: key, location: location, count: count)
    }
}
